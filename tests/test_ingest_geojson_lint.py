"""GeoJSON structural check (issue 16): big valid files are never parsed in Python; a big file
whose GDAL read shows trouble is, and each feature left out is named with its real reason."""

from __future__ import annotations

import json

import pytest

from lianghu_map.ingest import geojson as reader
from lianghu_map.ingest import ingest_file


def _fc(features: list) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def _pt(x: float, y: float, **props) -> dict:
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "Point", "coordinates": [x, y]}}


@pytest.fixture
def big(monkeypatch):
    """Every file counts as big; json.loads is counted."""
    calls = []
    real = reader.json.loads
    monkeypatch.setattr(reader, "LINT_BYTES", 0)
    monkeypatch.setattr(reader.json, "loads", lambda *a, **k: calls.append(1) or real(*a, **k))
    return calls


def test_big_valid_file_is_not_parsed_in_python(big):
    data = _fc([_pt(119.8 + k / 1000, 31.6, name=f"{k}") for k in range(20)]
               + [{"type": "Feature", "properties": {"name": "x"}, "geometry": None}])
    res = ingest_file("big.geojson", data)
    assert res.ok and len(res.gdf) == 20
    assert big == [], "a valid file (explicit null geometries only) stays on GDAL's fast path"


QGIS_CRS = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}


def _qgis(features: list) -> bytes:
    """As QGIS exports a layer in EPSG:4326: a name and the legacy crs member before the
    features (its "properties" key is not a feature's)."""
    return json.dumps({"type": "FeatureCollection", "name": "图层", "crs": QGIS_CRS,
                       "features": features}, ensure_ascii=False, indent=1).encode()


def test_big_valid_qgis_export_is_not_parsed_in_python(big):
    res = ingest_file("qgis.geojson", _qgis([_pt(119.8 + k / 1000, 31.6, name=f"{k}")
                                             for k in range(20)]))
    assert res.ok and len(res.gdf) == 20 and res.crs_member == "crs"
    assert big == [], "the crs member's properties are not a feature GDAL skipped"


def test_big_qgis_export_with_a_skipped_feature_is_checked(big):
    feats = [_pt(119.8, 31.6, name="a"),
             {"type": "Featre", "properties": {"name": "b"},
              "geometry": {"type": "Point", "coordinates": [119.8, 31.6]}}]
    res = ingest_file("qgis.geojson", _qgis(feats))
    assert big and (1, "feature_type_unknown") in {(f.index, f.code) for f in res.findings}
    assert list(res.gdf["name"]) == ["a"]


def test_big_file_with_trouble_is_checked_and_each_feature_named(big):
    feats = [_pt(119.8, 31.6, name="a"),
             {"type": "Feature", "properties": {"name": "b"},
              "geometry": {"type": "Point", "coordinates": ["119.8", 31.6]}},
             {"type": "Featre", "properties": {"name": "c"},
              "geometry": {"type": "Point", "coordinates": [119.8, 31.6]}},
             _pt(119.9, 31.6, name="d")]
    res = ingest_file("big.geojson", _fc(feats))
    assert big, "GDAL's null geometry / skipped feature sends the file to the structural check"
    named = {(f.index, f.code) for f in res.findings}
    assert {(1, "coordinate_not_number"), (2, "feature_type_unknown")} <= named
    assert "null_geometry" not in res.codes()
    assert res.total == 4 and list(res.gdf["name"]) == ["a", "d"]
    assert list(res.gdf["source_index"]) == [0, 3]  # positions in the file, past the skipped one
    [kept] = [f for f in res.findings if f.code == "features_kept"]
    assert kept.params == {"kept": 2, "total": 4}
    assert "2 of 4 features kept" in kept.message("en")


def test_out_of_range_degrees_name_feature_id_and_value():
    feats = [_pt(119.8, 31.6), _pt(119.81, 31.6),
             {"type": "Feature", "id": "DK2", "properties": {},
              "geometry": {"type": "Polygon", "coordinates": [[[119.8, 31.6], [-361.0, 31.6],
                                                               [119.9, 31.7], [119.8, 31.6]]]}}]
    res = ingest_file("dk.geojson", _fc(feats))
    assert not res.ok and "projected_no_crs" not in res.codes()
    [bad] = [f for f in res.findings if f.code == "out_of_range"]
    assert (bad.index, bad.feature_id, bad.params["x"], bad.params["y"]) == (2, "DK2", -361.0,
                                                                            31.6)


def test_contradicted_crs_names_declared_crs_and_a_sample():
    doc = {"type": "FeatureCollection",
           "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4549"}},
           "features": [_pt(119.8, 31.6)]}
    res = ingest_file("c.geojson", json.dumps(doc).encode())
    [f] = [f for f in res.findings if f.code == "crs_contradicted"]
    assert f.params["crs"].startswith("EPSG:4549") and (f.params["x"], f.params["y"]) == (119.8,
                                                                                        31.6)
    assert "contradiction" in f.message("en") and "矛盾" in f.message("zh-Hans")
