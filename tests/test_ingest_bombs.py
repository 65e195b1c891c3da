"""Issue 19, acceptance 2: resource bombs in valid-looking files are refused or bounded — within
10 s and 500 MB peak resident memory in the ingest worker — with a message in the UI language;
and the worker's own budgets stop what gets past the checks, without touching this process.

Time and peak memory are the worker's own: wall time from start to result, and ``VmHWM`` (peak
resident set, read from ``/proc``) of the worker process — which includes the ~100 MB of
libraries it shares with the forkserver, so the figure is an upper bound.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time

import ingest_fixtures as fx
import pyogrio
import pytest

from lianghu_map.errors import Severity
from lianghu_map.ingest import IngestOptions, ingest_file
from lianghu_map.sandbox import Budget, run_ingest

LANGS = ("zh-Hans", "zh-Hant", "en")
SECONDS, PEAK_MB = 10.0, 500.0

BOMBS = {  # label: (builder, the finding that must refuse it)
    "recursive view": (fx.gpkg_recursive_view, "gpkg_view"),
    "3M-row view": (fx.gpkg_rows_view, "gpkg_view"),
    "1M-column CSV": (lambda: fx.csv_wide(1_000_000), "csv_too_many_columns"),
    "200k-column CSV": (lambda: fx.csv_wide(200_000), "csv_too_many_columns"),
    "deep JSON": (fx.json_deep, "json_too_deep"),
    "2M vertices in 1,000 polygons": (fx.geojson_heavy, "too_many_vertices"),
}
MEASURED: dict[str, tuple[float, float]] = {}


@pytest.fixture(scope="module", autouse=True)
def forkserver_started() -> None:
    """The forkserver starts with the first upload after the app starts (2–3 s, once): started
    here so the figures below are each bomb's own."""
    run_ingest(*fx.geojson_ref())


def _assert_told(res, code: str) -> None:
    """Refused with ``code``, an ERROR with a message in every UI language, Chinese without
    Python's or GDAL's English."""
    assert not res.ok and res.gdf is None
    [finding] = [f for f in res.findings if f.code == code]
    assert finding.severity == Severity.ERROR
    for lang in LANGS:
        text = finding.message(lang)
        assert text.strip()
        assert "recursion" not in text and "Traceback" not in text
        if lang != "en":
            assert re.search(r"[\u4e00-\u9fff]", text), text
            assert not re.search(r"not recognized|too complex|maximum", text), text


@pytest.mark.parametrize("label", BOMBS)
def test_bomb_is_refused_within_budget(label: str) -> None:
    build, code = BOMBS[label]
    name, data = build()
    res = run_ingest(name, data)
    _assert_told(res, code)
    seconds, peak = res.usage["seconds"], res.usage["peak_mb"]
    MEASURED[label] = (seconds, peak)
    print(f"\n{label}: {len(data) / 2**10:,.0f} KB, worker {seconds:.2f} s, peak {peak:.0f} MB")
    assert res.usage["outcome"] == "done"
    assert 0 < peak < PEAK_MB, res.usage
    assert seconds < SECONDS, res.usage


def test_a_large_legitimate_layer_passes_the_worker() -> None:
    """1,000,000 vertices (under the 1.5 M budget; about the bench's 100,000 parcels) are read
    in the worker with the default budgets."""
    name, data = fx.geojson_heavy(polygons=500, vertices=2_000)
    res = run_ingest(name, data)
    assert res.ok, res.findings
    assert len(res.gdf) == 500 and res.usage["outcome"] == "done"
    print(f"\n1 M vertices: {len(data) / 2**20:.0f} MB, worker {res.usage['seconds']:.2f} s, "
          f"peak {res.usage['peak_mb']:.0f} MB")


def test_the_views_are_real_bombs() -> None:
    """Independent truth: the recursive view does not finish counting within 2 s, and the rows
    view holds 3,000,000 rows — without the view check GDAL would read them."""
    import tempfile
    from pathlib import Path

    for build, expect in ((fx.gpkg_recursive_view, None), (fx.gpkg_rows_view, 3_000_000)):
        _, data = build()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "v.gpkg"
            path.write_bytes(data)
            con = sqlite3.connect(path)
            deadline = time.monotonic() + (2 if expect is None else 60)
            con.set_progress_handler(lambda d=deadline: int(time.monotonic() > d), 10_000)
            if expect is None:
                with pytest.raises(sqlite3.OperationalError, match="interrupted"):
                    con.execute("SELECT count(*) FROM bomb").fetchone()
            else:
                assert con.execute("SELECT count(*) FROM bomb").fetchone() == (expect,)
            con.close()
            assert [n for n, _ in pyogrio.list_layers(path)] == ["bomb"]  # GDAL sees a layer


def test_gpkg_virtual_table_is_refused() -> None:
    res = ingest_file(*fx.gpkg_view("", "virtual.gpkg", virtual="VirtualOGR('/tmp/x.shp')"))
    _assert_told(res, "gpkg_virtual")
    assert res.findings[0].params["layer"] == "bomb"


def test_gpkg_feature_count_comes_before_any_read(monkeypatch) -> None:
    """A table with more rows than allowed is refused from its count: GDAL never opens it."""
    name, data = fx.gpkg({"many": fx.ref_points_gdf()})

    def no_gdal(*_a, **_k):
        raise AssertionError("GDAL was asked to read a GeoPackage over the feature limit")

    monkeypatch.setattr(pyogrio, "list_layers", no_gdal)
    monkeypatch.setattr(pyogrio, "read_dataframe", no_gdal)
    res = ingest_file(name, data, IngestOptions(max_features=2))
    _assert_told(res, "too_many_features")
    assert res.findings[0].params == {"count": 3, "limit": 2}


@pytest.mark.parametrize(("rows", "code"), [
    (["lon,lat,name", "119.8,31.6," + "x" * (2 * 2**20)], "csv_line_too_long"),
    (["lon,lat", "119.8,31.6" + ",1" * 5000], "csv_too_many_columns"),
])
def test_csv_rows_are_bounded(rows, code) -> None:
    res = ingest_file("rows.csv", "\n".join(rows).encode())
    _assert_told(res, code)


def test_csv_under_the_limits_is_read() -> None:
    res = ingest_file(*fx.csv_wide(999))
    assert res.ok, res.findings


def test_vertex_budget_is_the_setting(monkeypatch) -> None:
    """The default budget passes the bench's 100,000 small polygons (≈1.0 M vertices) and
    refuses 2 M; LIANGHU_MAX_VERTICES moves it."""
    from lianghu_map.config import load_settings

    assert 1_000_000 < IngestOptions().max_vertices < 2_000_000
    assert load_settings().max_vertices == IngestOptions().max_vertices
    monkeypatch.setenv("LIANGHU_MAX_VERTICES", "3000000")
    assert load_settings().max_vertices == 3_000_000


# ------------------------------------------------------------------ the worker's own budgets


def test_a_worker_over_time_is_killed_and_reported() -> None:
    stages = []
    name, data = fx.geojson_ref()
    run_ingest(name, data)  # the forkserver started (its first start counts in the budget)
    start = time.monotonic()
    # 4 s: the budget counts from the worker's start, which a loaded machine can make slow
    res = run_ingest(name, data, budget=Budget(seconds=4, seconds_per_mb=0),
                     target=fx.sleepy_ingest, progress=lambda _f, s: stages.append(s))
    took = time.monotonic() - start
    _assert_told(res, "ingest_timeout")
    assert res.usage["outcome"] == "timeout" and 4 <= took < 10, (took, res.usage)
    assert stages == ["read"]  # progress crossed the process boundary
    assert res.findings[0].params == {"seconds": 4}
    assert "4" in res.findings[0].message("zh-Hans")


def test_a_worker_over_memory_is_stopped_and_reported() -> None:
    name, data = fx.geojson_ref()
    res = run_ingest(name, data, budget=Budget(memory_mb=200, memory_per_mb=0),
                     target=fx.hungry_ingest)
    _assert_told(res, "ingest_memory")
    assert res.findings[0].params == {"limit_mb": 200}
    assert res.usage["peak_mb"] < PEAK_MB, res.usage


def test_this_process_is_untouched_and_the_next_ingest_works() -> None:
    pid = os.getpid()
    name, data = fx.geojson_ref()
    run_ingest(name, data, budget=Budget(seconds=1, seconds_per_mb=0), target=fx.sleepy_ingest)
    res = run_ingest(name, data)
    assert os.getpid() == pid and res.ok, res.findings
    assert len(res.gdf) == 4 and res.usage["outcome"] == "done"


def test_budgets_scale_with_size_and_are_capped(monkeypatch) -> None:
    b = Budget()
    assert b.seconds_for(0) == 30 and b.seconds_for(100 * 2**20) == 130
    assert b.seconds_for(10**12) == 300
    assert b.memory_mb_for(0) == 1024 and b.memory_mb_for(10**12) == 4096
    monkeypatch.setenv("LIANGHU_INGEST_SECONDS", "12")
    monkeypatch.setenv("LIANGHU_INGEST_MEMORY_MB", "700")
    assert (Budget.from_env().seconds, Budget.from_env().memory_mb) == (12, 700)


def test_a_stopped_caller_takes_its_worker_down() -> None:
    """Streamlit stops a script (a rerun, the user leaving) by raising inside a call such as
    the progress bar's: the worker must not outlive it."""
    import multiprocessing

    class Stopped(Exception):
        pass

    def stop(_f, _s):
        raise Stopped

    name, data = fx.geojson_ref()
    with pytest.raises(Stopped):
        run_ingest(name, data, target=fx.sleepy_ingest, progress=stop)
    time.sleep(0.2)
    assert not [p for p in multiprocessing.active_children() if p.name == "lianghu-ingest"]


@pytest.mark.parametrize("build", [fx.geojson_ref, fx.geojson_hostile, fx.geojson_points,
                                   lambda: fx.geojson_heavy(polygons=20, vertices=50)])
def test_geojson_vertices_counted_on_the_bytes_match_shapely(build) -> None:
    """Independent truth: the byte count equals shapely's count after a full read (numeric
    arrays in properties are not positions)."""
    import json

    import shapely

    from lianghu_map.ingest_guard import geojson_vertices

    name, data = build()
    doc = json.loads(data)
    for f in doc.get("features", []):
        f.setdefault("properties", {})["numbers"] = [[1, 2], [3.5, -4]]
    data = json.dumps(doc).encode()
    res = ingest_file(name, data)
    assert res.ok, res.findings
    raw = pyogrio.read_dataframe(__import__("io").BytesIO(data))
    assert geojson_vertices(data) == int(shapely.get_num_coordinates(
        raw.geometry.to_numpy()).sum())


def test_heavy_geojson_is_refused_before_gdal_parses_it(monkeypatch) -> None:
    def no_gdal(*_a, **_k):
        raise AssertionError("GDAL parsed a GeoJSON over the vertex budget")

    monkeypatch.setattr(pyogrio, "read_dataframe", no_gdal)
    res = ingest_file(*fx.geojson_heavy())
    _assert_told(res, "too_many_vertices")
    assert res.findings[0].params == {"count": 2_001_000, "limit": 1_500_000}
