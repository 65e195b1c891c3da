"""lianghu_map.analysis: measures, catchment rings and statistics, checked against pyproj.Geod.

The reference figures come from a different code path: geodesics on the WGS84 ellipsoid
(``pyproj.Geod``) over the lon/lat geometries, never the EPSG:4549 projection the module uses.
"""

from __future__ import annotations

import math
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
from shapely.geometry import LineString, MultiPoint, Point, box

from lianghu_map import analysis
from lianghu_map.analysis import (
    RING_KM,
    AnalysisError,
    catchment,
    catchment_centre,
    directive_statistics,
    feature_measures,
    measure,
    schematic_area,
    theme_statistics,
)
from lianghu_map.catalog import builtin_catalog
from lianghu_map.crs import METRIC_CRS
from lianghu_map.meeting.directives import THEMES, Meeting

GEOD = pyproj.Geod(ellps="WGS84")
HUB = "hub.changzhou_south"
LANGS = ("zh-Hans", "zh-Hant", "en")


@pytest.fixture(scope="module")
def cat():
    return builtin_catalog()


@pytest.fixture(scope="module")
def features(cat):
    return cat.features


@pytest.fixture(scope="module")
def measures(features):
    return feature_measures(features)


@pytest.fixture(scope="module")
def boundary_ids(features):
    return list(features.index[features["layer_id"] == "boundaries"])


def _geodesic_km(a: Point, b: Point) -> float:
    return GEOD.inv(a.x, a.y, b.x, b.y)[2] / 1000.0


# -- measures ----------------------------------------------------------------------------


def test_gehu_area_near_official_and_geodesic(features, measures):
    area = measures.loc["water.gehu", "area_km2"]
    print(f"滆湖 area in {METRIC_CRS}: {area:.2f} km²")
    # official 164 km²; the GSHHS outline is the older, larger shoreline (+23 %, SOURCES.md)
    assert abs(area - 164.0) / 164.0 < 0.25
    geodesic_m2, _ = GEOD.geometry_area_perimeter(features.geometry.loc["water.gehu"])
    assert area == pytest.approx(abs(geodesic_m2) / 1e6, rel=0.01)
    assert measures.loc["water.gehu", "length_km"] == 0.0


def test_measure_polygon_area_and_perimeter(features):
    gehu = features.geometry.loc["water.gehu"]
    got = measure(gehu)
    area_m2, perimeter_m = GEOD.geometry_area_perimeter(gehu)
    assert got["area_km2"] == pytest.approx(abs(area_m2) / 1e6, rel=0.005)
    assert got["perimeter_km"] == pytest.approx(perimeter_m / 1000.0, rel=0.005)
    assert got["length_km"] == 0.0


@pytest.mark.parametrize("feature_id", ["metro.line1", "rail.changtai"])
def test_line_length_matches_geodesic(features, measures, feature_id):
    line = features.geometry.loc[feature_id]
    expected = GEOD.geometry_length(line) / 1000.0
    print(f"{feature_id}: {measures.loc[feature_id, 'length_km']:.3f} km, geodesic {expected:.3f}")
    assert measures.loc[feature_id, "length_km"] == pytest.approx(expected, rel=0.005)
    assert measure(line)["length_km"] == pytest.approx(expected, rel=0.005)
    assert measures.loc[feature_id, "area_km2"] == 0.0
    assert measure(line)["area_km2"] == 0.0


def test_handmade_meridian_line():
    # 0.1 degree of latitude at 31.7 N: M * 0.1 * pi / 180 with M the WGS84 meridional radius
    a, e2, phi = 6378137.0, 0.00669437999014, math.radians(31.7)
    meridional = a * (1 - e2) / (1 - e2 * math.sin(phi) ** 2) ** 1.5
    expected_km = meridional * math.radians(0.1) / 1000.0
    assert expected_km == pytest.approx(11.09, abs=0.01)
    line = LineString([(119.9, 31.65), (119.9, 31.75)])
    assert measure(line)["length_km"] == pytest.approx(expected_km, rel=0.005)


def test_measure_in_a_projected_crs():
    square = box(500_000, 3_500_000, 502_000, 3_503_000)  # 2 km x 3 km in EPSG:4549
    got = measure(square, crs=METRIC_CRS)
    assert got == pytest.approx({"area_km2": 6.0, "perimeter_km": 10.0, "length_km": 0.0})


def test_feature_measures_shape(features, measures):
    assert list(measures.columns) == ["area_km2", "length_km"]
    assert list(measures.index) == list(features.index)
    kinds = features.geom_type
    assert (measures.loc[kinds.isin(["Point", "MultiPoint"])] == 0.0).all().all()
    assert (measures.loc[kinds.str.endswith("Polygon"), "area_km2"] > 0).all()
    assert (measures.loc[kinds.str.endswith("LineString"), "length_km"] > 0).all()


# -- catchment rings ---------------------------------------------------------------------


def test_station_lands_in_the_ring_of_its_geodesic_distance(features, boundary_ids):
    hub = features.geometry.loc[HUB]
    station = features.geometry.loc["station.wujin"]
    expected = _geodesic_km(hub, station)
    print(f"常州南站 → 武進站: geodesic {expected:.3f} km")
    assert 5.0 < expected < 10.0  # the data: 武進站 is about 7.9 km south-east of the hub
    for radii in (RING_KM, (1.0, 3.0, 5.0, 8.0, 10.0)):
        c = catchment(features, HUB, radii_km=radii, exclude=boundary_ids)
        row = c.members.set_index("feature_id").loc["station.wujin"]
        assert row["distance_km"] == pytest.approx(expected, rel=0.005)
        ring = c.rings[(c.rings["inner_km"] < expected) & (expected <= c.rings["outer_km"])]
        assert len(ring) == 1
        assert row["ring_km"] == ring["outer_km"].iloc[0]
    assert row["ring_km"] == 8.0  # the last run: (5, 8] holds 7.9 km


def test_members_are_sorted_and_leave_out_centre_and_excluded(features, boundary_ids):
    c = catchment(features, HUB, exclude=boundary_ids)
    ids = list(c.members["feature_id"])
    assert HUB not in ids
    assert not set(ids) & set(boundary_ids)
    assert list(c.members.columns) == ["feature_id", "distance_km", "ring_km"]
    assert c.members["distance_km"].is_monotonic_increasing
    assert (c.members["distance_km"] <= max(RING_KM)).all()
    # every member's ring is the smallest radius at or beyond its distance
    for dist, ring in zip(c.members["distance_km"], c.members["ring_km"], strict=True):
        assert ring == min(r for r in RING_KM if r >= dist)
    # the 常泰鐵路 stub ends at the hub: distance 0; 金壇站 (~31 km) is outside 10 km
    assert c.members.set_index("feature_id").loc["rail.changtai", "distance_km"] == 0.0
    assert "station.jintan" not in ids
    # without the exclusion the districts and the zone (which hold the hub) come back at 0 km
    everything = catchment(features, HUB)
    zone = everything.members.set_index("feature_id").loc["zone.lianghu"]
    assert zone["distance_km"] == 0.0
    assert zone["ring_km"] == 1.0
    # a single id is taken as one id, not as its characters
    assert "zone.lianghu" not in set(
        catchment(features, HUB, exclude="zone.lianghu").members["feature_id"]
    )


def test_rings_are_true_circles(features):
    radii = (1.0, 3.0, 5.0, 10.0)
    c = catchment(features, HUB, radii_km=radii)
    assert c.rings.crs.to_epsg() == 4326
    assert list(c.rings["ring"]) == [0, 1, 2, 3]
    assert list(c.rings["inner_km"]) == [0.0, 1.0, 3.0, 5.0]
    assert list(c.rings["outer_km"]) == list(radii)
    hub = features.geometry.loc[HUB]
    assert c.centre == (hub.x, hub.y)
    for row in c.rings.itertuples():
        expected = math.pi * (row.outer_km**2 - row.inner_km**2)
        assert row.area_km2 == pytest.approx(expected, rel=0.005)
        geodesic_m2, _ = GEOD.geometry_area_perimeter(row.geometry)
        assert abs(geodesic_m2) / 1e6 == pytest.approx(expected, rel=0.005)
        # every vertex of the outer boundary lies at the outer radius (geodesic distance)
        lon, lat = np.asarray(row.geometry.exterior.coords).T
        _, _, dist = GEOD.inv(np.full_like(lon, hub.x), np.full_like(lat, hub.y), lon, lat)
        np.testing.assert_allclose(dist / 1000.0, row.outer_km, rtol=0.005)
    assert c.rings.geometry.iloc[0].geom_type == "Polygon"
    assert all(len(g.interiors) == 1 for g in c.rings.geometry.iloc[1:])


def test_free_centre_point(features):
    lanyuewan = features.geometry.loc["station.lanyuewan"]
    c = catchment(features, centre=(lanyuewan.x, lanyuewan.y), radii_km=(2.0, 0.5))
    assert c.centre_id is None
    assert c.radii_km == (0.5, 2.0)  # sorted
    assert c.centre == (lanyuewan.x, lanyuewan.y)
    members = c.members.set_index("feature_id")
    # a free point excludes nothing: the station itself is a member at 0 km
    assert members.loc["station.lanyuewan", "distance_km"] == pytest.approx(0.0, abs=1e-6)
    assert members.loc["station.lanyuewan", "ring_km"] == 0.5
    hub = features.geometry.loc[HUB]
    assert _geodesic_km(lanyuewan, hub) > 2.0
    assert HUB not in members.index


def test_multipoint_centre_is_the_centroid_of_its_parts(features):
    parts = features.geometry.loc["park.sino_israel"]
    assert isinstance(parts, MultiPoint)
    lon, lat = catchment_centre(features, "park.sino_israel")
    a, b = parts.geoms
    # the metric centroid of two points lies on the geodesic between them, half-way
    assert _geodesic_km(a, Point(lon, lat)) == pytest.approx(_geodesic_km(a, b) / 2, rel=0.005)
    assert _geodesic_km(b, Point(lon, lat)) == pytest.approx(_geodesic_km(a, b) / 2, rel=0.005)
    assert catchment_centre(features, HUB) == (
        features.geometry.loc[HUB].x,
        features.geometry.loc[HUB].y,
    )


@pytest.mark.parametrize(
    ("kwargs", "code", "value"),
    [
        ({"centre_id": "station.nowhere"}, "unknown_feature", "station.nowhere"),
        ({"centre_id": "metro.line1"}, "not_a_point", "metro.line1"),
        ({"centre_id": "water.gehu"}, "not_a_point", "Polygon"),
        ({}, "centre_missing", None),
        ({"centre_id": HUB, "centre": (119.9, 31.7)}, "centre_both", HUB),
        ({"centre": (119.9,)}, "bad_centre", "(119.9,)"),
        ({"centre": (float("nan"), 31.7)}, "bad_centre", "nan"),
        ({"centre": (31.7, 119.9)}, "bad_centre", "119.9"),
        ({"centre": (100.0, 31.7)}, "centre_outside", "100.00000"),
        ({"centre": (119.9, 31.7), "radii_km": (1.0, -2.0)}, "radius_not_positive", "-2"),
        ({"centre": (119.9, 31.7), "radii_km": (0,)}, "radius_not_positive", "0"),
        ({"centre": (119.9, 31.7), "radii_km": (5.0, 60.0)}, "radius_too_large", "60"),
        ({"centre": (119.9, 31.7), "radii_km": (float("inf"),)}, "radius_too_large", "inf"),
        ({"centre": (119.9, 31.7), "radii_km": (3.0, 1.0, 3.0)}, "radius_repeated", "3"),
        ({"centre": (119.9, 31.7), "radii_km": ()}, "no_radii", None),
        ({"centre": (119.9, 31.7), "radii_km": ("5",)}, "radius_not_number", "5"),
        ({"centre": (119.9, 31.7), "radii_km": (True,)}, "radius_not_number", "True"),
    ],
)
def test_bad_input_raises_typed_error(features, kwargs, code, value):
    with pytest.raises(AnalysisError) as info:
        catchment(features, **kwargs)
    err = info.value
    assert err.code == code
    messages = {lang: err.message(lang) for lang in LANGS}
    assert str(err) == messages["en"]
    assert len(set(messages.values())) == 3  # three different texts
    for text in messages.values():
        assert "{" not in text  # every placeholder filled
        if value is not None:
            assert value in text


def test_error_message_names_the_geometry_type(features):
    with pytest.raises(AnalysisError, match=r"\"metro\.line1\" is a LineString; .* need a point"):
        catchment_centre(features, "metro.line1")
    with pytest.raises(AnalysisError) as info:
        catchment_centre(features, "station.nowhere")
    assert "找不到要素“station.nowhere”" in info.value.message("zh-Hans")


# -- statistics: a small synthetic table ------------------------------------------------


@dataclass(frozen=True)
class FakeDirective:
    id: str
    theme: str

    def label(self, lang: str) -> str:
        return f"{self.id}:{lang}"


class FakeLinks:
    def __init__(self, by_directive: dict[str, list[str]]):
        self.by_directive = by_directive

    def features_of(self, directive_id: str) -> list[str]:
        return list(self.by_directive.get(directive_id, []))


def _metric_to_wgs84(geom):
    return gpd.GeoSeries([geom], crs=METRIC_CRS).to_crs(4326).iloc[0]


X0, Y0 = 490_000.0, 3_508_000.0  # near 兩湖, EPSG:4549 (easting, northing)
ECOLOGY, SYNERGY = THEMES[4].key, THEMES[3].key


@pytest.fixture(scope="module")
def synthetic():
    """p1: a 2 km x 2 km square (4 km²); l1: a 3 km line; pt1, pt2: points; b1: a 100 km²
    boundary.  eco.1 and eco.2 (生態) both link p1; eco.2 also links b1, pt2 and an id that
    is not in the table; syn.1 (協同) links nothing."""
    rows = [
        ("p1", "parks", box(X0, Y0, X0 + 2000, Y0 + 2000)),
        ("l1", "transit", LineString([(X0, Y0 - 500), (X0 + 3000, Y0 - 500)])),
        ("pt1", "stations", Point(X0 + 100, Y0 + 100)),
        ("pt2", "places", MultiPoint([(X0, Y0), (X0 + 500, Y0)])),
        ("b1", "boundaries", box(X0 - 5000, Y0 - 5000, X0 + 5000, Y0 + 5000)),
    ]
    features = gpd.GeoDataFrame(
        {"feature_id": [r[0] for r in rows], "layer_id": [r[1] for r in rows]},
        geometry=[_metric_to_wgs84(r[2]) for r in rows],
        crs=4326,
    ).set_index("feature_id", drop=False)
    links = FakeLinks({
        "eco.1": ["p1", "l1", "pt1"],
        "eco.2": ["p1", "b1", "pt2", "gone.feature"],
        "syn.1": [],
    })  # fmt: skip
    meeting = Meeting(  # the 2023 six themes (the default), synthetic clauses
        None, (FakeDirective("eco.1", ECOLOGY), FakeDirective("syn.1", SYNERGY),
               FakeDirective("eco.2", ECOLOGY)), "", Path("synthetic")
    )  # fmt: skip
    return features, links, meeting


def test_directive_statistics_synthetic(synthetic):
    features, links, meeting = synthetic
    stats = directive_statistics(features, links, meeting, lang="en")
    assert list(stats["directive_id"]) == ["eco.1", "syn.1", "eco.2"]  # meeting order
    assert list(stats["label"]) == ["eco.1:en", "syn.1:en", "eco.2:en"]
    rows = stats.set_index("directive_id")
    assert rows.loc["eco.1", ["features", "points", "boundaries"]].tolist() == [3, 1, 0]
    assert rows.loc["eco.1", "area_km2"] == pytest.approx(4.0, rel=1e-3)
    assert rows.loc["eco.1", "length_km"] == pytest.approx(3.0, rel=1e-3)
    # eco.2: p1, b1, pt2 (the missing id is not counted); b1 counted but not in the area
    assert rows.loc["eco.2", ["features", "points", "boundaries"]].tolist() == [3, 1, 1]
    assert rows.loc["eco.2", "area_km2"] == pytest.approx(4.0, rel=1e-3)
    assert rows.loc["syn.1", ["features", "points", "area_km2", "length_km"]].tolist() == [
        0, 0, 0.0, 0.0]  # fmt: skip


def test_theme_statistics_synthetic_counts_a_feature_once(synthetic):
    features, links, meeting = synthetic
    stats = theme_statistics(features, links, meeting)
    assert list(stats["theme"]) == [t.key for t in THEMES]
    eco = stats.set_index("theme").loc[ECOLOGY]
    assert eco["directives"] == 2
    assert eco["features"] == 5  # p1, l1, pt1, b1, pt2: p1 linked twice, counted once
    assert eco["points"] == 2
    assert eco["boundaries"] == 1
    assert eco["area_km2"] == pytest.approx(4.0, rel=1e-3)  # not 8: p1 once; not 104: no b1
    assert eco["length_km"] == pytest.approx(3.0, rel=1e-3)
    syn = stats.set_index("theme").loc[SYNERGY]
    assert (syn["directives"], syn["features"], syn["area_km2"]) == (1, 0, 0.0)
    assert stats.set_index("theme").loc["現代化", "directives"] == 0


# -- statistics: schematic areas -----------------------------------------------------------

# Estimated polygons whose accuracy_m is at least their equivalent radius: the 科教城 circle
# (1.5 km radius, ±2 km: it shows uncertainty, not size) and the 淹城 ellipse (0.5 km², ±1 km).
SCHEMATIC_BUILTIN = {"park.kejiaocheng", "heritage.yancheng"}


def test_schematic_areas_of_the_builtin_data(features):
    got = set(features.index[schematic_area(features)])
    assert got == SCHEMATIC_BUILTIN
    for fid in got:  # checked with geodesic areas, not the module's projection
        area_m2 = abs(GEOD.geometry_area_perimeter(features.geometry.loc[fid])[0])
        assert features.loc[fid, "accuracy_m"] >= math.sqrt(area_m2 / math.pi)
    for fid in ("park.xitaihu", "park.wujin_hitech", "water.gehu"):  # sized to their areas
        assert fid not in got


def test_statistics_leave_schematic_areas_out(synthetic):
    features, links, meeting = synthetic
    circle = _metric_to_wgs84(Point(X0 + 8000, Y0).buffer(1500.0, quad_segs=32))  # 7.07 km²
    extra = gpd.GeoDataFrame(
        {"feature_id": ["c1", "c2"], "layer_id": ["parks", "parks"],
         "basis": ["estimate", "sourced"], "accuracy_m": [2000, 2000]},
        geometry=[circle, circle], crs=4326,
    ).set_index("feature_id", drop=False)
    both = pd.concat([features.assign(basis="derived", accuracy_m=10), extra])
    links = FakeLinks({"eco.1": ["c1", "p1"], "eco.2": ["c2"], "syn.1": []})
    rows = directive_statistics(both, links, meeting).set_index("directive_id")
    assert rows.loc["eco.1", "features"] == 2
    assert rows.loc["eco.1", "area_km2"] == pytest.approx(4.0, rel=1e-3)  # p1 only, not c1
    assert rows.loc["eco.2", "area_km2"] == pytest.approx(math.pi * 1.5**2, rel=2e-3)  # sourced
    themes = theme_statistics(both, links, meeting).set_index("theme")
    assert themes.loc[ECOLOGY, "area_km2"] == pytest.approx(4.0 + math.pi * 1.5**2, rel=2e-3)


# -- statistics: the built-in catalogue --------------------------------------------------


def test_directive_statistics_builtin(cat, features, measures):
    stats = directive_statistics(features, cat.links, cat.meeting)
    assert list(stats["directive_id"]) == [d.id for d in cat.meeting.directives]
    assert stats["directive_id"].is_unique
    assert list(stats["label"]) == [d.label("zh-Hans") for d in cat.meeting.directives]
    numeric = stats[["features", "points", "boundaries", "area_km2", "length_km"]]
    assert (numeric >= 0).all().all()
    # a clause's area is its linked non-boundary polygons, summed by hand here
    for row in stats.itertuples():
        fids = set(cat.links.features_of(row.directive_id)) & set(features.index)
        assert row.features == len(fids)
        area = sum(
            measures.loc[f, "area_km2"] for f in fids
            if features.loc[f, "layer_id"] != "boundaries" and f not in SCHEMATIC_BUILTIN
        )
        assert row.area_km2 == pytest.approx(area)
    # the clauses that link 常州南站 count it as a point
    hub_rows = [d.id for d in cat.meeting.directives if HUB in cat.links.features_of(d.id)]
    assert hub_rows
    assert (stats.set_index("directive_id").loc[hub_rows, "points"] >= 1).all()


def test_theme_statistics_builtin(cat, features, measures):
    stats = theme_statistics(features, cat.links, cat.meeting)
    assert list(stats["theme"]) == [t.key for t in THEMES]
    assert stats["directives"].sum() == len(cat.meeting.directives)
    by_directive = directive_statistics(features, cat.links, cat.meeting)
    for row in stats.itertuples():
        clauses = [d.id for d in cat.meeting.directives if d.theme == row.theme]
        distinct = {f for d in clauses for f in cat.links.features_of(d)} & set(features.index)
        assert row.directives == len(clauses)
        assert row.features == len(distinct)
        assert row.length_km == pytest.approx(sum(measures.loc[f, "length_km"] for f in distinct))
        # never more than the clauses' sum, which counts a shared feature once per clause
        assert (
            row.area_km2
            <= by_directive.loc[by_directive["theme"] == row.theme, "area_km2"].sum() + 1e-9
        )
    numeric = stats[["directives", "features", "points", "boundaries", "area_km2", "length_km"]]
    assert (numeric >= 0).all().all()
    # in the real data some theme links a feature from two clauses (so dedup matters)
    shared = []
    for theme in THEMES:
        linked = [f for d in cat.meeting.directives if d.theme == theme.key
                  for f in cat.links.features_of(d.id)]  # fmt: skip
        if len(linked) > len(set(linked)):
            shared.append(theme.key)
    assert shared


def test_module_is_streamlit_free():
    code = (
        "import sys, lianghu_map.analysis; "
        "assert 'streamlit' not in sys.modules, sorted(m for m in sys.modules if 'streamlit' in m)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert set(analysis.__all__) >= {"Catchment", "catchment", "measure", "RING_KM"}
