"""The upload corpus (issue 16): files shaped like real exports, each with its expected outcome.

Every file under ``tests/corpus/upload/<group>/`` is listed in that folder's ``expected.toml``::

    ["world_overshoot.geojson"]
    outcome = "notes"            # accept: ok, no warning or error | notes: ok, with ``codes``
                                 # refuse: not ok, with ``codes`` among its errors
    codes = ["coordinate_clamped"]   # finding codes that must be there
    absent = ["out_of_range"]        # (optional) codes that must not be there
    kept = 177                       # (optional) features kept; total = features in the file
    total = 177
    options = { datum = "gcj02" }    # (optional) IngestOptions fields
    why = "Natural Earth countries: one vertex at 180.00000000000006"

One parametrised test checks each file; a second checks, for every file, that each feature left
out has a finding naming it (index) with its reason, and that "kept + left out = total".
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from lianghu_map.errors import DROP_CODES, Severity
from lianghu_map.ingest import IngestOptions, IngestResult, ingest_file

CORPUS = Path(__file__).parent / "corpus" / "upload"
OUTCOMES = ("accept", "notes", "refuse")


def _cases() -> list[tuple[str, Path, dict]]:
    cases = []
    for manifest in sorted(CORPUS.glob("*/expected.toml")):
        listed = tomllib.loads(manifest.read_text(encoding="utf-8"))
        for name, expect in listed.items():
            cases.append((f"{manifest.parent.name}/{name}", manifest.parent / name, expect))
    return cases


CASES = _cases()
_results: dict[str, IngestResult] = {}


def _ingest(case_id: str, path: Path, expect: dict) -> IngestResult:
    if case_id not in _results:
        options = IngestOptions(**expect.get("options", {}))
        _results[case_id] = ingest_file(path.name, path.read_bytes(), options)
    return _results[case_id]


def test_every_corpus_file_is_listed_and_every_listed_file_exists():
    listed = {path for _id, path, _e in CASES}
    present = {p for p in CORPUS.glob("*/*") if p.name != "expected.toml"}
    assert present - listed == set(), "files without an expected outcome"
    assert listed - present == set(), "expected outcomes without a file"


def test_corpus_holds_at_least_150_files():
    assert len(CASES) >= 150, len(CASES)


@pytest.mark.parametrize(("case_id", "path", "expect"), CASES, ids=[c[0] for c in CASES])
def test_outcome(case_id: str, path: Path, expect: dict):
    assert expect["outcome"] in OUTCOMES, expect
    res = _ingest(case_id, path, expect)
    codes = res.codes()
    shown = [(f.code, f.severity.name, f.index, dict(f.params)) for f in res.findings]
    if expect["outcome"] == "refuse":
        assert not res.ok, shown
        errors = {f.code for f in res.findings if f.severity == Severity.ERROR}
        assert set(expect["codes"]) <= errors, shown
    else:
        assert res.ok, shown
        if expect["outcome"] == "accept":
            assert not [f for f in res.findings if f.severity != Severity.INFO], shown
        assert set(expect.get("codes", ())) <= codes, shown
    assert not set(expect.get("absent", ())) & codes, shown
    if "kept" in expect:
        assert res.gdf is not None and len(res.gdf) == expect["kept"], shown
    if "total" in expect:
        assert res.total == expect["total"], (res.total, shown)


@pytest.mark.parametrize(("case_id", "path", "expect"), CASES, ids=[c[0] for c in CASES])
def test_no_feature_leaves_without_a_finding_naming_it(case_id: str, path: Path, expect: dict):
    res = _ingest(case_id, path, expect)
    named = {f.index for f in res.findings if f.code in DROP_CODES}
    assert None not in named, "a left-out feature's finding must name its index"
    listed_all = not any(f.code == "more_findings" and f.params.get("code") in DROP_CODES
                         for f in res.findings)
    if listed_all:
        assert named == set(res.dropped), (sorted(named), res.dropped)
    if res.ok:
        assert res.total is not None
        assert len(res.gdf) + len(res.dropped) == res.total, (len(res.gdf), res.dropped,
                                                              res.total)
