"""A file read as WGS84 that looks GCJ-02/BD-09 is also checked in the hinted datum from the same
read (``IngestOptions.follow_hint``): the Upload page shows the converted report without reading
the file a second time.  Independent of how it is made, the hinted result must be exactly what
reading the file again in that datum gives — checked on every file of the upload corpus."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from lianghu_map.ingest import IngestOptions, ingest_file

CORPUS = Path(__file__).parent / "corpus" / "upload"
FILES = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix not in {".py", ".toml"}
               and not p.name.startswith("."))


def _same(a, b) -> None:
    assert [(f.code, f.severity, f.index, f.feature_id, f.name, f.params) for f in a.findings] \
        == [(f.code, f.severity, f.index, f.feature_id, f.name, f.params) for f in b.findings]
    for attr in ("file", "format", "layers", "source_crs", "conversions", "sha256", "total",
                 "dropped", "crs_member"):
        assert getattr(a, attr) == getattr(b, attr), attr
    assert (a.gdf is None) == (b.gdf is None)
    if a.gdf is not None:
        assert list(a.gdf.columns) == list(b.gdf.columns)
        assert a.gdf.drop(columns="geometry").equals(b.gdf.drop(columns="geometry"))
        assert a.gdf.geometry.geom_equals_exact(b.gdf.geometry, tolerance=0).all()


def test_the_corpus_has_files_with_a_hint() -> None:
    hinted = [p for p in FILES if ingest_file(p.name, p.read_bytes(),
                                              IngestOptions(follow_hint=True)).hinted]
    assert len(hinted) >= 3, hinted


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_the_hinted_result_is_the_file_read_in_that_datum(path: Path) -> None:
    data = path.read_bytes()
    plain = ingest_file(path.name, data)
    followed = ingest_file(path.name, data, IngestOptions(follow_hint=True))
    _same(followed, plain)  # following the hint changes nothing of the WGS84 read
    hint = next((f for f in plain.findings if f.code == "datum_likely"), None)
    if hint is None:
        assert followed.hinted is None
        return
    datum = hint.params["datum_code"]
    again = ingest_file(path.name, data, replace(IngestOptions(), datum=datum))
    assert followed.hinted is not None and followed.hinted.hinted is None
    _same(followed.hinted, again)
    assert "datum_converted" in followed.hinted.codes()


def test_a_file_read_in_another_datum_is_not_followed() -> None:
    path = next(p for p in FILES if ingest_file(p.name, p.read_bytes(),
                                                IngestOptions(follow_hint=True)).hinted)
    res = ingest_file(path.name, path.read_bytes(), IngestOptions(datum="gcj02",
                                                                    follow_hint=True))
    assert res.hinted is None and "datum_converted" in res.codes()
