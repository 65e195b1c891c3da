"""Limits: archives (entry count, zip-slip names, nested archives, zip bombs), vertices, attribute
sizes — each refused with its own finding, archives before anything is decompressed."""

from __future__ import annotations

import json
import zipfile

import pytest
from ingest_fixtures import zip_bytes

from lianghu_map.errors import Severity
from lianghu_map.ingest import IngestOptions, ingest_file


def _geojson(features: list[dict]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features},
                      ensure_ascii=False).encode()


def _point(props: dict) -> dict:
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "Point", "coordinates": [119.8, 31.6]}}


@pytest.fixture
def no_decompression(monkeypatch):
    """Fail the test if any archive member is decompressed."""
    real_open = zipfile.ZipFile.open

    def guarded(self, name, mode="r", *args, **kwargs):
        if mode == "r":
            raise AssertionError("an archive member was decompressed before the checks")
        return real_open(self, name, mode, *args, **kwargs)  # writing the test's own zips

    monkeypatch.setattr(zipfile.ZipFile, "open", guarded)


SHP = {"a.shp": b"x", "a.shx": b"x", "a.dbf": b"x"}


@pytest.mark.parametrize(("name", "members", "code"), [
    ("bomb.zip", {**SHP, "a.dbf": b"\0" * (4 * 2**20)}, "zip_bomb"),
    ("bomb.kmz", {"doc.kml": b" " * (4 * 2**20)}, "zip_bomb"),
    ("slip.zip", {**SHP, "../../etc/evil.shp": b"x"}, "zip_unsafe_path"),
    ("abs.zip", {**SHP, "/etc/evil.prj": b"x"}, "zip_unsafe_path"),
    ("drive.zip", {**SHP, "C:\\evil.cpg": b"x"}, "zip_unsafe_path"),
    ("nested.zip", {**SHP, "more/inner.zip": b"PK"}, "zip_nested"),
    ("nested.kmz", {"doc.kml": b"<kml/>", "x.kmz": b"PK"}, "zip_nested"),
    ("many.zip", {**SHP, **{f"junk{i}.txt": b"" for i in range(10)}}, "zip_too_many"),
])
@pytest.mark.usefixtures("no_decompression")
def test_archives_are_checked_before_decompression(name, members, code):
    res = ingest_file(name, zip_bytes(members), IngestOptions(max_zip_members=8))
    assert not res.ok and res.gdf is None
    assert code in res.codes(), res.findings
    [finding] = [f for f in res.findings if f.code == code]
    assert finding.severity == Severity.ERROR
    for lang in ("zh-Hans", "zh-Hant", "en"):
        assert finding.message(lang)


@pytest.mark.usefixtures("no_decompression")
def test_total_uncompressed_size_is_limited():
    # many members, each under the ratio limit, together far over the size limit
    import os

    members = {**SHP, **{f"noise{i}.bin": os.urandom(300_000) for i in range(8)}}
    res = ingest_file("big.zip", zip_bytes(members), IngestOptions(max_bytes=500_000))
    assert "zip_bomb" in res.codes() or "file_too_large" in res.codes()
    assert not res.ok


def test_too_many_vertices():
    ring = [[119.8 + 0.01 * i, 31.6 + 0.001 * (i % 2)] for i in range(30)]
    ring.append(ring[0])
    doc = _geojson([{"type": "Feature", "properties": {},
                     "geometry": {"type": "LineString", "coordinates": ring}}])
    assert ingest_file("ok.geojson", doc, IngestOptions(max_vertices=31)).ok
    res = ingest_file("big.geojson", doc, IngestOptions(max_vertices=30))
    assert "too_many_vertices" in res.codes() and not res.ok
    assert res.findings[0].params["count"] == 31


def test_attribute_values_and_names_are_limited():
    long_value = _geojson([_point({"n": "a"}), _point({"n": "长" * 101})])
    assert ingest_file("ok.geojson", long_value, IngestOptions(max_property_chars=101)).ok
    res = ingest_file("long.geojson", long_value, IngestOptions(max_property_chars=100))
    [f] = [f for f in res.findings if f.code == "property_too_long"]
    assert (f.index, f.params["name"], f.params["length"]) == (1, "n", 101)
    long_name = _geojson([_point({"x" * 300: 1})])
    res = ingest_file("name.geojson", long_name, IngestOptions(max_property_chars=10_000))
    assert "property_name_too_long" in res.codes() and not res.ok
