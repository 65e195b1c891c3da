"""Draw to query: parsing the map's drawings, the features they cover, their clauses, the file."""

from __future__ import annotations

import json

import numpy as np
import pyproj
import pytest
import shapely
from shapely.geometry import box, mapping

from lianghu_map.catalog import builtin_catalog
from lianghu_map.crs import wgs84_to_gcj02
from lianghu_map.drawing import (
    DrawingError,
    Drawn,
    clauses_of,
    drawing_layer_file,
    parse_drawings,
    query_drawing,
)
from lianghu_map.ingest import IngestOptions, ingest_file
from lianghu_map.layers import LAYERS
from lianghu_map.selection import MapFilter, select

CAT = builtin_catalog()
GEOD = pyproj.Geod(ellps="WGS84")
BASE_LAYERS = {spec.id for spec in LAYERS if spec.base}


def feature(geometry: dict | None) -> dict:
    """A drawing as st_folium hands it back."""
    return {"type": "Feature", "properties": {}, "geometry": geometry}


RECT = feature({"type": "Polygon", "coordinates": [[
    [119.80, 31.68], [119.80, 31.75], [119.90, 31.75], [119.90, 31.68], [119.80, 31.68]]]})
LINE = feature({"type": "LineString", "coordinates": [[119.8, 31.7], [119.85, 31.72],
                                                      [119.9, 31.71]]})
POINT = feature({"type": "Point", "coordinates": [119.8, 31.7]})
BOWTIE = feature({"type": "Polygon", "coordinates": [[
    [119.8, 31.7], [119.9, 31.8], [119.9, 31.7], [119.8, 31.8], [119.8, 31.7]]]})


@pytest.fixture(scope="module")
def drawn_ids() -> tuple[str, ...]:
    return select(CAT.features, CAT.links, CAT.meeting, MapFilter()).drawn


@pytest.fixture(scope="module")
def park_box():
    return box(*CAT.features.geometry["park.xitaihu"].bounds).buffer(0.002, join_style="mitre")


# -- parse_drawings


def test_rectangle_and_line_are_kept_points_skipped():
    drawn = parse_drawings([RECT, POINT, LINE], "osm")
    assert drawn
    assert len(drawn.areas) == 1 and len(drawn.lines) == 1
    assert drawn.areas[0].equals(shapely.geometry.shape(RECT["geometry"]))
    assert drawn.lines[0].equals(shapely.geometry.shape(LINE["geometry"]))
    assert drawn.area.area == pytest.approx(0.1 * 0.07)


@pytest.mark.parametrize("drawings", [None, [], (), [POINT],
                                      [feature({"type": "Polygon", "coordinates": []})]])
def test_nothing_drawn_is_falsy(drawings):
    drawn = parse_drawings(drawings, "osm")
    assert not drawn
    assert drawn == Drawn((), ())
    assert drawn.area is None


def test_several_areas_unite():
    other = feature(mapping(box(119.95, 31.6, 120.0, 31.65)))
    drawn = parse_drawings([RECT, other], "osm")
    assert len(drawn.areas) == 2
    assert drawn.area.geom_type == "MultiPolygon"
    assert drawn.area.area == pytest.approx(0.1 * 0.07 + 0.05 * 0.05)


def test_bowtie_polygon_is_repaired():
    assert not shapely.geometry.shape(BOWTIE["geometry"]).is_valid
    drawn = parse_drawings([BOWTIE], "osm")
    assert len(drawn.areas) == 1
    area = drawn.areas[0]
    assert area.is_valid and area.geom_type in ("Polygon", "MultiPolygon")
    assert area.area == pytest.approx(0.005)  # the two triangles, 0.1 × 0.05 / 2 each
    assert area.covers(shapely.Point(119.82, 31.75)) and area.covers(shapely.Point(119.88,
                                                                                   31.75))


@pytest.mark.parametrize("geometry", [
    {"type": "Polygon", "coordinates": [[1, 2]]},
    {"type": "Polygon", "coordinates": [[[119.8, 31.7], [119.8, 31.7], [119.8, 31.7],
                                         [119.8, 31.7]]]},  # zero area
    {"type": "LineString", "coordinates": [[119.8, 31.7]]},
    {"type": "Hexagon", "coordinates": []},
    None,
])
def test_malformed_geometry_names_the_drawing(geometry):
    with pytest.raises(DrawingError) as info:
        parse_drawings([RECT, LINE, feature(geometry)], "osm")
    assert "Drawing no. 3" in info.value.message("en")
    assert "第 3 个" in info.value.message("zh-Hans")
    assert "第 3 個" in info.value.message("zh-Hant")


def test_too_many_vertices_is_refused():
    ring = [[119.8 + 0.1 * np.cos(a), 31.7 + 0.1 * np.sin(a)]
            for a in np.linspace(0, 2 * np.pi, 10_050)]
    ring[-1] = ring[0]
    with pytest.raises(DrawingError) as info:
        parse_drawings([feature({"type": "Polygon", "coordinates": [ring]})], "osm")
    assert "Drawing no. 1" in info.value.message("en")
    assert "10000" in info.value.message("en")


def _gcj_feature(geom) -> dict:
    return feature(mapping(shapely.transform(geom, wgs84_to_gcj02)))


def _max_offset_m(a, b) -> float:
    ca, cb = shapely.get_coordinates(a), shapely.get_coordinates(b)
    assert ca.shape == cb.shape
    _, _, dist = GEOD.inv(ca[:, 0], ca[:, 1], cb[:, 0], cb[:, 1])
    return float(np.max(dist))


def test_drawing_over_gaode_comes_back_in_wgs84():
    wgs_area = shapely.geometry.shape(RECT["geometry"])
    wgs_line = shapely.geometry.shape(LINE["geometry"])
    drawn = parse_drawings([_gcj_feature(wgs_area), _gcj_feature(wgs_line)], "gaode")
    assert _max_offset_m(drawn.areas[0], wgs_area) < 1.0
    assert _max_offset_m(drawn.lines[0], wgs_line) < 1.0
    # the same GCJ-02 drawing read as if over a WGS84 basemap is some 500 m off
    unshifted = parse_drawings([_gcj_feature(wgs_area)], "osm")
    assert 300 < _max_offset_m(unshifted.areas[0], wgs_area) < 800


def test_drawing_over_tianditu_is_not_shifted():
    drawn = parse_drawings([RECT], "tianditu")
    assert drawn.areas[0].equals_exact(shapely.geometry.shape(RECT["geometry"]), 0)


# -- query_drawing


def test_box_around_the_park(park_box, drawn_ids):
    hits = query_drawing(CAT.features, park_box, drawn_ids)
    assert hits.index.name == "feature_id" and list(hits.columns) == ["inside"]
    assert bool(hits.loc["park.xitaihu", "inside"]) is True
    assert hits.index.is_unique
    for fid, inside in hits["inside"].items():
        geom = CAT.features.geometry[fid]
        assert geom.intersects(park_box)
        assert inside == geom.covered_by(park_box)
    assert "station.changzhou_north" not in hits.index  # far away
    assert "district.liyang" not in hits.index


def test_wholly_inside_come_first_in_drawing_order(park_box, drawn_ids):
    hits = query_drawing(CAT.features, park_box, drawn_ids)
    flags = list(hits["inside"])
    assert True in flags and False in flags
    assert flags == sorted(flags, reverse=True)
    order = {fid: i for i, fid in enumerate(drawn_ids)}
    for group in (True, False):
        ids = list(hits.index[hits["inside"] == group])
        assert ids == sorted(ids, key=order.__getitem__)


def test_surrounding_base_features_are_left_out(drawn_ids):
    p = CAT.features.geometry["park.xitaihu"].representative_point()
    small = box(p.x - 0.001, p.y - 0.001, p.x + 0.001, p.y + 0.001)
    surrounding = [f for f in drawn_ids if CAT.features.geometry[f].covers(small)]
    assert {"zone.lianghu", "district.wujin", "park.xitaihu"} <= set(surrounding)
    hits = query_drawing(CAT.features, small, drawn_ids)
    for fid in surrounding:
        if CAT.features.loc[fid, "layer_id"] in BASE_LAYERS:
            assert fid not in hits.index
    # a park is not a base layer: the drawing inside it is about it
    assert "park.xitaihu" in hits.index and not hits.loc["park.xitaihu", "inside"]


def test_base_feature_wholly_inside_is_listed(drawn_ids):
    zone = CAT.features.geometry["zone.core"]
    hits = query_drawing(CAT.features, zone.buffer(0.01), drawn_ids)
    assert bool(hits.loc["zone.core", "inside"]) is True
    partly = box(*zone.bounds).intersection(box(0, 0, zone.centroid.x, 90))
    hits = query_drawing(CAT.features, partly, drawn_ids)
    assert "zone.core" in hits.index and not hits.loc["zone.core", "inside"]


def test_only_candidates_are_listed(park_box):
    hits = query_drawing(CAT.features, park_box, ["park.xitaihu", "nope", "park.xitaihu",
                                                  "station.changzhou_north"])
    assert list(hits.index) == ["park.xitaihu"]
    assert query_drawing(CAT.features, park_box, []).empty
    empty = query_drawing(CAT.features, None, ["park.xitaihu"])
    assert empty.empty and list(empty.columns) == ["inside"]


def test_parsed_drawing_queries(drawn_ids):
    bounds = CAT.features.geometry["park.xitaihu"].bounds
    drawn = parse_drawings([feature(mapping(box(*bounds).buffer(0.002, join_style="mitre")))],
                           "osm")
    assert bool(query_drawing(CAT.features, drawn.area, drawn_ids).loc["park.xitaihu",
                                                                       "inside"])


# -- clauses_of


def test_clauses_in_meeting_order(park_box, drawn_ids):
    hits = query_drawing(CAT.features, park_box, drawn_ids)
    clauses = clauses_of(hits.index, CAT.links, CAT.meeting)
    order = [d.id for d in CAT.meeting.directives]
    assert clauses == [d for d in order if d in set(clauses)]
    assert len(clauses) == len(set(clauses))
    assert set(CAT.links.directives_of("park.xitaihu")) <= set(clauses)
    assert set(clauses) == {d for f in hits.index for d in CAT.links.directives_of(f)}


def test_clauses_of_one_feature():
    own = CAT.links.directives_of("park.xitaihu")
    clauses = clauses_of(["park.xitaihu"], CAT.links, CAT.meeting)
    assert sorted(clauses) == sorted(own) and clauses
    order = [d.id for d in CAT.meeting.directives]
    assert clauses == sorted(clauses, key=order.index)
    assert clauses_of([], CAT.links, CAT.meeting) == []
    assert clauses_of(["nope"], CAT.links, CAT.meeting) == []


# -- drawing_layer_file


def _read(data: bytes):
    result = ingest_file("drawing.geojson", data, IngestOptions())
    assert result.ok, [f.code for f in result.findings]
    return result.gdf


def test_layer_file_is_geojson_the_upload_path_reads():
    drawn = parse_drawings([RECT, LINE, BOWTIE], "osm")
    data = drawing_layer_file(drawn, "草图 <b>")
    doc = json.loads(data.decode("utf-8"))
    assert doc["type"] == "FeatureCollection"
    assert [f["geometry"]["type"] for f in doc["features"]] == [
        "Polygon", "MultiPolygon", "LineString"]  # areas, then lines
    assert [f["properties"]["name"] for f in doc["features"]] == [
        "草图 <b> 1", "草图 <b> 2", "草图 <b> 3"]
    assert "草图".encode() in data  # UTF-8, not \\u escapes
    gdf = _read(data)
    assert len(gdf) == 3
    assert list(gdf["name"]) == ["草图 <b> 1", "草图 <b> 2", "草图 <b> 3"]
    assert gdf.geometry.iloc[0].equals(drawn.areas[0])


def test_layer_file_of_one_shape_keeps_the_name():
    drawn = parse_drawings([RECT], "osm")
    doc = json.loads(drawing_layer_file(drawn, "study area"))
    assert [f["properties"]["name"] for f in doc["features"]] == ["study area"]
    assert len(_read(drawing_layer_file(drawn, "study area"))) == 1


def test_layer_file_of_a_gaode_drawing_is_wgs84():
    wgs = shapely.geometry.shape(RECT["geometry"])
    drawn = parse_drawings([_gcj_feature(wgs)], "gaode")
    gdf = _read(drawing_layer_file(drawn, "x"))
    assert _max_offset_m(gdf.geometry.iloc[0], wgs) < 1.0
