"""lianghu_map.crs: datum conversion checked against prcoords, an independent reference.

prcoords (dual CC0/GPL) is used here under CC0, in tests only. Its API is (lat, lon) while
ours is (lon, lat): ``_ref`` does the swap, in one place.
"""

from __future__ import annotations

import importlib.util
import warnings
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import prcoords
import pyproj
import pytest
import shapely
from shapely.geometry import MultiLineString, Point, Polygon

from lianghu_map import crs

ROOT = Path(__file__).resolve().parents[1]

# A 9 x 8 grid over Changzhou / the Lianghu zone, plus points across China.
_LON, _LAT = np.meshgrid(np.linspace(119.4, 120.2, 9), np.linspace(31.3, 32.0, 8))
GRID = np.column_stack([_LON.ravel(), _LAT.ravel()])
CHINA = np.array([
    [116.397, 39.909],  # Beijing
    [121.473, 31.230],  # Shanghai
    [113.264, 23.129],  # Guangzhou
    [87.617, 43.826],  # Urumqi
    [126.635, 45.757],  # Harbin
    [91.132, 29.660],  # Lhasa
    [109.512, 18.252],  # Sanya
    [75.990, 39.470],  # Kashgar
    [122.530, 52.970],  # Mohe
])  # fmt: skip
POINTS = np.vstack([GRID, CHINA])
STATION = np.array([[119.885, 31.712]])  # 常州南站 (Changzhou South station), WGS84
OUTSIDE = np.array([[2.35, 48.85], [-74.0, 40.7], [151.2, -33.9], [135.0, 60.0]])

ALL_FUNCS = [crs.wgs84_to_gcj02, crs.gcj02_to_wgs84, crs.gcj02_to_bd09, crs.bd09_to_gcj02,
             crs.wgs84_to_bd09, crs.bd09_to_wgs84]


def _ref(fn: Callable, lonlat: np.ndarray) -> np.ndarray:
    """Apply a scalar prcoords function row by row, converting (lon, lat) <-> Coords(lat, lon)."""
    out = [fn(prcoords.Coords(lat, lon)) for lon, lat in np.asarray(lonlat)]
    return np.array([[c.lon, c.lat] for c in out]).reshape(-1, 2)


# ---------------------------------------------------------------- GCJ-02 / BD-09 arrays

def test_wgs_gcj_round_trip_is_sub_millimetre():
    gcj = crs.wgs84_to_gcj02(POINTS)
    back = crs.gcj02_to_wgs84(gcj)
    assert crs.shift_m(POINTS, back).max() < 1e-3  # acceptance: 1 m; measured ~1e-7 m
    assert crs.shift_m(POINTS, gcj).min() > 20  # and the offset really was applied


def _public_gcj_series(x: float, y: float) -> tuple[float, float]:
    """The GCJ-02 series as published (eviltransform, coordtransform …): twelve sines."""
    from math import pi, sin, sqrt

    lat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(abs(x))
           + (20.0 * sin(6.0 * x * pi) + 20.0 * sin(2.0 * x * pi)) * 2.0 / 3.0
           + (20.0 * sin(y * pi) + 40.0 * sin(y / 3.0 * pi)) * 2.0 / 3.0
           + (160.0 * sin(y / 12.0 * pi) + 320 * sin(y * pi / 30.0)) * 2.0 / 3.0)
    lon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(abs(x))
           + (20.0 * sin(6.0 * x * pi) + 20.0 * sin(2.0 * x * pi)) * 2.0 / 3.0
           + (20.0 * sin(x * pi) + 40.0 * sin(x / 3.0 * pi)) * 2.0 / 3.0
           + (150.0 * sin(x / 12.0 * pi) + 300.0 * sin(x / 30.0 * pi)) * 2.0 / 3.0)
    return lat, lon


def test_the_seven_sine_series_is_the_published_twelve_sine_one():
    # crs computes three of the sines by the triple-angle identity and shares a fourth: the
    # same series, to rounding, over the whole GCJ-02 rectangle
    rng = np.random.default_rng(7)
    pts = np.column_stack([rng.uniform(72.004, 137.8347, 2000), rng.uniform(0.8293, 55.8271, 2000)])
    x, y = pts[:, 0] - 105.0, pts[:, 1] - 35.0
    dlat, dlon = crs._gcj_offsets(x, y)
    want = np.array([_public_gcj_series(a, b) for a, b in zip(x, y, strict=True)])
    assert np.abs(dlat - want[:, 0]).max() < 1e-9 and np.abs(dlon - want[:, 1]).max() < 1e-9
    # (1e-9 of the series is ~1e-14° once scaled)


def test_wgs_bd_round_trip_within_half_metre():
    # the closed-form BD-09 inverse is approximate (~0.13 m here)
    back = crs.bd09_to_wgs84(crs.wgs84_to_bd09(POINTS))
    assert crs.shift_m(POINTS, back).max() < 0.5


def test_worked_example_from_geo_facts():
    # geo-facts §0: WGS84 31.66030 N 119.94240 E -> GCJ-02 31.65820 N 119.94708 E
    gcj = crs.wgs84_to_gcj02(np.array([[119.94240, 31.66030]]))
    np.testing.assert_allclose(gcj[0], [119.94708, 31.65820], atol=1e-5)


def test_gcj_offset_at_changzhou_south_station_is_about_500_m_east_south_east():
    gcj = crs.wgs84_to_gcj02(STATION)
    assert 400 < crs.shift_m(STATION, gcj)[0] < 700  # measured 504 m
    assert gcj[0, 0] > STATION[0, 0]  # east
    assert gcj[0, 1] < STATION[0, 1]  # south
    d_east = gcj[0, 0] - STATION[0, 0]
    d_south = (STATION[0, 1] - gcj[0, 1]) / np.cos(np.radians(STATION[0, 1]))
    assert d_east > d_south  # mostly east: ESE rather than SE


def test_bd_offset_at_changzhou_south_station_is_about_1_km():
    bd = crs.wgs84_to_bd09(STATION)
    assert 900 < crs.shift_m(STATION, bd)[0] < 1500  # measured 1153 m
    gcj = crs.wgs84_to_gcj02(STATION)
    assert 700 < crs.shift_m(gcj, bd)[0] < 1200  # Baidu's own step: measured 929 m
    assert bd[0, 0] > gcj[0, 0] and bd[0, 1] > gcj[0, 1]  # north-east of GCJ-02


@pytest.mark.parametrize(("ours", "theirs"), [
    (crs.wgs84_to_gcj02, prcoords.wgs_gcj),
    (crs.gcj02_to_wgs84, prcoords.gcj_wgs_bored),  # prcoords' exact (iterative) inverse
    (crs.gcj02_to_bd09, prcoords.gcj_bd),
    (crs.bd09_to_gcj02, prcoords.bd_gcj),
    (crs.wgs84_to_bd09, prcoords.wgs_bd),
    (crs.bd09_to_wgs84, prcoords.bd_wgs_bored),
], ids=["wgs-gcj", "gcj-wgs", "gcj-bd", "bd-gcj", "wgs-bd", "bd-wgs"])
def test_agrees_with_prcoords_within_1_m(ours, theirs):
    got = ours(POINTS)
    assert got.shape == POINTS.shape
    assert crs.shift_m(got, _ref(theirs, POINTS)).max() < 1.0  # measured <= 0.15 m


def test_outside_china_gcj_is_identity_and_bd_rotation_still_applies():
    for fn in (crs.wgs84_to_gcj02, crs.gcj02_to_wgs84):
        np.testing.assert_array_equal(fn(OUTSIDE), OUTSIDE)
    with warnings.catch_warnings():  # prcoords warns about non-Chinese coordinates
        warnings.simplefilter("ignore")
        bd_ref = _ref(prcoords.wgs_bd, OUTSIDE)
        wgs_ref = _ref(prcoords.bd_wgs, OUTSIDE)
    assert crs.shift_m(crs.wgs84_to_bd09(OUTSIDE), bd_ref).max() < 1e-3
    assert crs.shift_m(crs.bd09_to_wgs84(OUTSIDE), wgs_ref).max() < 1e-3
    assert crs.shift_m(OUTSIDE, crs.wgs84_to_bd09(OUTSIDE)).min() > 100


def test_mixed_inside_and_outside_rows_keep_their_order():
    mixed = np.vstack([OUTSIDE[:1], STATION, OUTSIDE[1:2], CHINA[:1]])
    for fwd, inv in [(crs.wgs84_to_gcj02, crs.gcj02_to_wgs84),
                     (crs.wgs84_to_bd09, crs.bd09_to_wgs84)]:
        out = fwd(mixed)
        np.testing.assert_array_equal(out[1:2], fwd(STATION))
        np.testing.assert_array_equal(out[3:], fwd(CHINA[:1]))
        assert crs.shift_m(inv(out), mixed).max() < 0.5
    np.testing.assert_array_equal(crs.wgs84_to_gcj02(mixed)[[0, 2]], OUTSIDE[:2])


@pytest.mark.parametrize("fn", ALL_FUNCS, ids=lambda f: f.__name__)
def test_empty_arrays(fn):
    for empty in (np.empty((0, 2)), []):
        out = fn(empty)
        assert out.shape == (0, 2)
        assert out.dtype == np.float64


def test_input_is_not_modified_and_bad_shape_rejected():
    pts = POINTS.copy()
    for fn in ALL_FUNCS:
        fn(pts)
    np.testing.assert_array_equal(pts, POINTS)
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        crs.wgs84_to_gcj02(np.array([119.885, 31.712]))


def test_gcj_inverse_raises_when_not_converged():
    with pytest.raises(RuntimeError, match="did not converge"):
        crs.gcj02_to_wgs84(GRID, max_iter=1)


# ---------------------------------------------------------------- geometries

def _sample_series() -> gpd.GeoSeries:
    shell = [(119.70, 31.50), (119.90, 31.50), (119.90, 31.70), (119.70, 31.70)]
    hole = [(119.75, 31.55), (119.80, 31.55), (119.80, 31.60)]
    lines = MultiLineString([[(119.50, 31.40), (119.60, 31.45)],
                             [(120.00, 31.90), (120.10, 31.95), (120.15, 31.90)]])
    return gpd.GeoSeries([Polygon(shell, [hole]), lines, Point(119.885, 31.712), None, Point()],
                         index=["poly", "lines", "pt", "none", "empty"], crs="EPSG:4326",
                         name="geometry")


@pytest.mark.parametrize(("datum", "reference"), [
    ("gcj02", prcoords.gcj_wgs_bored),
    ("bd09", prcoords.bd_wgs_bored),
])
def test_to_wgs84_geoseries_keeps_structure_and_matches_scalar_reference(datum, reference):
    src = _sample_series()
    out = crs.to_wgs84(src, datum)
    assert isinstance(out, gpd.GeoSeries)
    assert out.index.tolist() == src.index.tolist()
    assert out.crs == src.crs
    assert out.name == src.name
    assert out["none"] is None
    assert out["empty"].is_empty
    assert out.geom_type.tolist() == src.geom_type.tolist()
    np.testing.assert_array_equal(shapely.get_num_coordinates(out.values),
                                  shapely.get_num_coordinates(src.values))
    assert len(out["poly"].interiors) == 1
    for key in ("poly", "lines", "pt"):
        before = shapely.get_coordinates(src[key])
        after = shapely.get_coordinates(out[key])
        assert crs.shift_m(after, _ref(reference, before)).max() < 1.0
        assert crs.shift_m(after, before).min() > 400  # really moved
    src_poly = shapely.get_coordinates(src["poly"])  # the input is untouched
    np.testing.assert_array_equal(src_poly, shapely.get_coordinates(_sample_series()["poly"]))


@pytest.mark.parametrize("datum", ["gcj02", "bd09"])
def test_from_wgs84_then_to_wgs84_round_trips_geoseries(datum):
    src = _sample_series()
    back = crs.to_wgs84(crs.from_wgs84(src, datum), datum)
    for key in ("poly", "lines", "pt"):
        a, b = shapely.get_coordinates(src[key]), shapely.get_coordinates(back[key])
        assert crs.shift_m(a, b).max() < 0.5


def test_wgs84_is_identity_and_returns_same_type():
    src = _sample_series()
    out = crs.to_wgs84(src, "wgs84")
    assert isinstance(out, gpd.GeoSeries)
    assert out is not src
    assert out.crs == src.crs
    assert out.geom_equals_exact(src, tolerance=0).iloc[[0, 1, 2, 4]].all()
    arr = np.array([Point(1, 2), None], dtype=object)
    assert crs.from_wgs84(arr, "wgs84").tolist() == arr.tolist()


def test_arrays_geodataframes_and_single_geometries():
    pt = Point(119.885, 31.712)
    arr = crs.from_wgs84(np.array([pt, None], dtype=object), "gcj02")
    assert isinstance(arr, np.ndarray)
    assert arr[1] is None
    expected = crs.wgs84_to_gcj02(STATION)
    np.testing.assert_array_equal(shapely.get_coordinates(arr[0]), expected)
    np.testing.assert_array_equal(shapely.get_coordinates(crs.from_wgs84(pt, "gcj02")), expected)
    gdf = gpd.GeoDataFrame({"n": [1, 2]}, geometry=[pt, None], index=["p", "q"], crs=4326)
    gdf = gdf.rename_geometry("geom")
    out = crs.from_wgs84(gdf, "gcj02")
    assert isinstance(out, gpd.GeoDataFrame)
    assert out.geometry.name == "geom"
    assert out.crs == gdf.crs
    assert out["n"].tolist() == [1, 2]
    np.testing.assert_array_equal(shapely.get_coordinates(out.geometry["p"]), expected)
    assert gdf.geometry["p"].equals(pt)  # input untouched


def test_3d_coordinates_keep_z():
    out = crs.to_wgs84(Point(119.885, 31.712, 42.0), "gcj02")
    assert out.has_z
    assert out.z == 42.0
    mixed = np.array([Point(119.885, 31.712, 7.0), Point(119.885, 31.712), None, Point()])
    got = crs.to_wgs84(mixed, "bd09")
    assert got[0].has_z and got[0].z == 7.0
    assert not got[1].has_z
    assert (got[0].x, got[0].y) == (got[1].x, got[1].y)
    assert got[2] is None and got[3].is_empty


def test_unknown_datum_and_projected_series_rejected():
    src = _sample_series()
    for fn in (crs.to_wgs84, crs.from_wgs84):
        for bad in ("WGS84", "gcj-02", "cgcs2000", ""):
            with pytest.raises(ValueError, match="unknown datum"):
                fn(src, bad)
    with pytest.raises(ValueError, match="lon/lat"):
        crs.to_wgs84(src.to_crs(crs.METRIC_CRS), "gcj02")


def test_empty_geoseries():
    out = crs.to_wgs84(gpd.GeoSeries([], crs="EPSG:4326"), "bd09")
    assert len(out) == 0
    assert out.crs == "EPSG:4326"


def test_datum_labels_cover_datums():
    assert crs.DATUMS == ("wgs84", "gcj02", "bd09")
    assert set(crs.DATUM_LABELS) == set(crs.DATUMS)
    assert crs.DATUM_LABELS["gcj02"] == ("GCJ-02（高德、腾讯）", "GCJ-02 (Amap/Gaode, Tencent)")
    assert all(len(v) == 2 and all(v) for v in crs.DATUM_LABELS.values())


def test_shift_m_is_geodesic_distance():
    d = crs.shift_m(np.array([[120.0, 31.0], [119.885, 31.712]]),
                    np.array([[120.0, 32.0], [119.885, 31.712]]))
    assert d[0] == pytest.approx(110_878.1, abs=1.0)  # 1 degree of latitude at 31.5 N
    assert d[1] == 0.0
    haversine = prcoords.Coords(31.0, 120.0).distance(prcoords.Coords(32.0, 120.0))
    assert d[0] == pytest.approx(haversine, rel=5e-3)  # spherical approximation
    assert crs.shift_m([], []).shape == (0,)
    with pytest.raises(ValueError, match="shape"):
        crs.shift_m(POINTS, POINTS[:3])


def test_build_tool_uses_this_module():
    spec = importlib.util.spec_from_file_location("build_geo_layers_crs_check",
                                                  ROOT / "tools" / "build_geo_layers.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assert tool.gcj02_to_wgs84 is crs.gcj02_to_wgs84
    assert tool.wgs84_to_gcj02 is crs.wgs84_to_gcj02


# ---------------------------------------------------------------- projected CRS guessing

def _lonlat(code: str, x: float, y: float) -> tuple[float, float]:
    return pyproj.Transformer.from_crs(code, "EPSG:4326", always_xy=True).transform(x, y)


def test_metric_crs():
    assert crs.METRIC_CRS == "EPSG:4549"
    assert crs.crs_label(crs.METRIC_CRS) == "EPSG:4549 CGCS2000 / 3-degree Gauss-Kruger CM 120E"


def test_guess_zone_40_prefixed_coordinate():
    lon, lat = _lonlat("EPSG:4528", 40_500_000, 3_510_000)
    assert lon == pytest.approx(120.0) and lat == pytest.approx(31.7127, abs=1e-4)
    guesses = crs.guess_projected_crs(40_500_000, 3_510_000)
    assert guesses[0] == "EPSG:4528"
    # zone 39 would put it 1000 km off its central meridian (127.5 E): outside its area
    assert "EPSG:4527" not in guesses


def test_guess_unprefixed_coordinate():
    assert _lonlat("EPSG:4549", 500_000, 3_510_000) == pytest.approx((120.0, 31.7127), abs=1e-4)
    assert _lonlat("EPSG:32650", 500_000, 3_510_000) == pytest.approx((117.0, 31.7254), abs=1e-4)
    assert _lonlat("EPSG:32651", 500_000, 3_510_000) == pytest.approx((123.0, 31.7254), abs=1e-4)
    guesses = crs.guess_projected_crs(500_000, 3_510_000)
    assert guesses[0] == "EPSG:4549"  # CGCS2000 first among CM 120E look-alikes
    assert guesses.index("EPSG:4549") < guesses.index("EPSG:32650")
    assert {"EPSG:4548", "EPSG:4550", "EPSG:32650", "EPSG:32651"} <= set(guesses)
    assert set(guesses[:3]) == {"EPSG:4549", "EPSG:2385", "EPSG:2437"}  # all CM 120E
    assert not {"EPSG:4528", "EPSG:4498", "EPSG:3857"} & set(guesses)
    assert all(g.startswith("EPSG:") for g in guesses)


def test_guess_web_mercator_and_six_degree_zones():
    assert crs.guess_projected_crs(13_330_000, 3_710_000) == ["EPSG:3857"]  # 119.75 E, 31.59 N
    assert crs.guess_projected_crs(20_500_000, 3_510_000) == ["EPSG:4498"]
    assert crs.guess_projected_crs(21_500_000, 3_510_000) == ["EPSG:4499"]


@pytest.mark.parametrize("xy", [(0.5, 0.5), (0.0, 0.0), (-500_000.0, 3_510_000.0),
                                (500_000.0, 9_000_000.0), (1e12, 1e12)])
def test_guess_nonsense_returns_empty(xy):
    assert crs.guess_projected_crs(*xy) == []


def test_public_api():
    assert set(crs.__all__) == {
        "DATUMS", "DATUM_LABELS", "METRIC_CRS", "bd09_to_gcj02", "bd09_to_wgs84", "crs_label",
        "from_wgs84", "gcj02_to_bd09", "gcj02_to_wgs84", "guess_projected_crs", "project",
        "shift_m", "to_metric", "to_wgs84", "transform_xy", "wgs84_to_bd09", "wgs84_to_gcj02",
    }
    assert all(hasattr(crs, name) for name in crs.__all__)


def test_project_is_geopandas_to_crs_and_makes_one_transformer_per_process(monkeypatch):
    """``crs.project`` gives exactly ``GeoSeries.to_crs`` (independent: geopandas' own
    transformer), keeps index, name and Z; and a new thread (Streamlit runs each rerun on one)
    makes no PROJ transformer of its own — pyproj's per-thread ones cost 80–150 ms each."""
    import threading

    import geopandas as gpd
    import pyproj
    from shapely.geometry import LineString, Point, Polygon

    g = gpd.GeoSeries([Polygon([(119.8, 31.6), (119.9, 31.6), (119.9, 31.7)]),
                       LineString([(119.7, 31.5), (120.0, 31.8)]), Point(119.9, 31.7, 5.0)],
                      crs=4326, index=["a", "b", "c"], name="shape")
    for target in (crs.METRIC_CRS, "EPSG:3857"):
        ours, theirs = crs.project(g, target), g.to_crs(target)
        assert ours.geom_equals_exact(theirs, tolerance=0).all()
        assert ours.crs.equals(theirs.crs) and list(ours.index) == ["a", "b", "c"]
        assert ours.name == "shape" and ours.iloc[2].z == 5.0
    back = crs.project(crs.project(g, crs.METRIC_CRS), 4326)
    assert back.geom_equals_exact(g, tolerance=1e-9).all()
    x, y = crs.transform_xy(4326, crs.METRIC_CRS, [120.0], [31.7])
    fx, fy = pyproj.Transformer.from_crs(4326, crs.METRIC_CRS, always_xy=True).transform(
        [120.0], [31.7])
    assert (list(x), list(y)) == (list(fx), list(fy))
    made = []  # PROJ transformers made (pyproj makes one per thread that uses a Transformer)
    real = pyproj.transformer.TransformerFromCRS.__call__
    monkeypatch.setattr(pyproj.transformer.TransformerFromCRS, "__call__",
                        lambda self: made.append(self) or real(self))
    out = []
    threads = [threading.Thread(target=lambda: out.append(crs.project(g, crs.METRIC_CRS)))
               for _ in range(3)]
    for th in threads:
        th.start()
        th.join()
    assert len(out) == 3 and made == []
    with pytest.raises(ValueError, match="naive"):
        crs.project(gpd.GeoSeries([Point(120, 31)]), crs.METRIC_CRS)
