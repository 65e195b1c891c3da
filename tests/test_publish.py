"""The upload workflow without Streamlit: suggestions, link records, save, export round trip."""

from __future__ import annotations

import io
import json
import warnings

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from lianghu_map.auth import Access, Role
from lianghu_map.catalog import builtin_catalog, layer_features, load_catalog
from lianghu_map.errors import WriteDenied
from lianghu_map.export import EXPORT_FORMATS, export_layer
from lianghu_map.ingest import IngestOptions, ingest_file
from lianghu_map.meeting.suggest import suggest_links
from lianghu_map.publish import (
    LayerMeta,
    delete_layer,
    links_from_table,
    prepare,
    restore_layer,
    revert_layer,
    save_draft,
    suggestion_table,
)
from lianghu_map.store import open_store

CAT = builtin_catalog()
ANALYST = Access(Role.ANALYST, "local")
META = LayerMeta("测试图层", "Test layer", "park", "planned", "unit test")

DOC = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "id": "a", "properties": {
        "name": "常州南站站前广场", "area_ha": 12.5, "count": 3, "flag": True, "note": None,
        "tags": ["a", "b"], "directive_ids": "modern.2; nonsense.9"},
     "geometry": {"type": "Point", "coordinates": [119.8851234567, 31.7123456789]}},
    {"type": "Feature", "id": "b", "properties": {
        "name": "西太湖科技產業園 北区", "area_ha": 0.25, "count": 0, "flag": False,
        "note": "<b>raw</b>", "tags": [], "directive_ids": None},
     "geometry": {"type": "Polygon", "coordinates": [[[119.80, 31.70], [119.82, 31.70],
                                                      [119.82, 31.72], [119.80, 31.70]]]}},
    {"type": "Feature", "id": "c", "properties": {
        "name": "Greenway", "area_ha": None, "count": 7, "flag": None, "note": "",
        "tags": None, "directive_ids": None},
     "geometry": {"type": "LineString", "coordinates": [[119.7, 31.6], [119.75, 31.65]]}},
]}
RAW = json.dumps(DOC, ensure_ascii=False).encode()


@pytest.fixture
def store(tmp_path):
    return open_store(tmp_path / "var")


def test_file_directive_ids_are_honoured_and_unknown_ids_reported():
    draft = prepare("parks.geojson", RAW, IngestOptions(), CAT)
    assert draft.ok
    given = {(s.source_id, s.directive_id) for s in draft.suggestions if s.origin == "file"}
    assert given == {("a", "modern.2")}
    unknown = [f for f in draft.findings if f.code == "unknown_directive"]
    assert [(f.index, f.feature_id, f.params["directive"]) for f in unknown] == [
        (0, "a", "nonsense.9")]


def test_suggestions_carry_evidence_script_insensitively():
    draft = prepare("parks.geojson", RAW, IngestOptions(), CAT)
    by_feature = {}
    for s in draft.suggestions:
        by_feature.setdefault(s.source_id, []).append(s)
    # 常州南站 (简体 in the file) is a gazetteer place the 繁體 report names
    south = [s for s in by_feature["a"] if s.origin == "gazetteer"]
    assert south and all(s.place_id for s in south)
    assert all(s.directive_evidence in CAT.meeting.get(s.directive_id).text_hant for s in south)
    # 西太湖科技產業園 (繁體 in the file) → the 創新 clause that names the park
    west = {s.directive_id for s in by_feature["b"]}
    named = {d.id for d in CAT.meeting.directives if "西太湖科技產業園" in d.text_hant}
    assert named and named <= west


def test_keyword_suggestions_need_a_distinctive_phrase():
    gdf = gpd.GeoDataFrame({"name": ["创新发展工作", "口袋公园"], "source_id": ["x", "y"],
                            "source_index": [0, 1]},
                           geometry=[shapely.Point(119.8, 31.6)] * 2, crs=4326)
    found = {(s.source_id, s.origin) for s in suggest_links(gdf, CAT.meeting, CAT.gazetteer)}
    assert ("x", "keyword") not in found  # only common words: no suggestion
    assert any(sid == "y" for sid, _ in found)


def test_table_decisions_become_link_records():
    draft = prepare("parks.geojson", RAW, IngestOptions(), CAT)
    table = suggestion_table(draft, CAT, "en")
    assert table.loc[table["origin"] == "file", "accept"].all()
    assert not table.loc[table["origin"] != "file", "accept"].any()
    edited = table.copy()
    edited["accept"] = False
    edited.loc[0, "accept"] = True  # the file's link, kept as is
    row = edited.index[edited["origin"] != "file"][0]
    edited.loc[row, ["accept", "directive"]] = [True, "ecology.1"]  # changed by the analyst
    links = {(lk.feature_id, lk.directive_id, lk.origin) for lk in links_from_table(edited, table)}
    assert ("a", "modern.2", "file") in links
    assert (table.loc[row, "feature"], "ecology.1", "analyst") in links
    assert len(links) == 2


def test_saved_layer_joins_the_catalog_with_its_links(store):
    draft = prepare("parks.geojson", RAW, IngestOptions(), CAT)
    links = links_from_table(suggestion_table(draft, CAT, "zh-Hans"))
    rec = save_draft(store, draft, META, links, "tester", ANALYST)
    cat = load_catalog(store)
    assert f"{rec.layer_id}/a" in cat.features.index
    assert cat.layer(rec.layer_id).label("en") == "Test layer"
    assert f"{rec.layer_id}/a" in cat.links.features_of("modern.2")
    row = cat.features.loc[f"{rec.layer_id}/b"]
    assert row["name_zh"] == "西太湖科技產業園 北区" and row["kind"] == "park"
    assert row["source"] == "unit test" and row["basis"] == "uploaded"


def test_a_refused_draft_is_never_saved(store):
    draft = prepare("bad.geojson", b"[1, 2]", IngestOptions(), CAT)
    with pytest.raises(ValueError, match="errors"):
        save_draft(store, draft, META, (), "tester", ANALYST)
    assert store.list_layers() == []


def _read_export(data: bytes, fmt: str) -> gpd.GeoDataFrame:
    if fmt == "csv":
        return ingest_file("x.csv", data).gdf
    with warnings.catch_warnings():  # GDAL: an in-memory GeoPackage has no .gpkg extension
        warnings.simplefilter("ignore", RuntimeWarning)
        return pyogrio.read_dataframe(io.BytesIO(data))


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_round_trip_upload_store_download(store, fmt):
    """Upload → save → download: same geometries (stored precision: float64) and properties."""
    draft = prepare("parks.geojson", RAW, IngestOptions(), CAT)
    rec = save_draft(store, draft, META, (), "tester", ANALYST)
    cat = load_catalog(store)
    back = _read_export(export_layer(layer_features(cat, rec.layer_id, store), fmt), fmt)
    assert len(back) == 3
    for feat, geom in zip(DOC["features"], back.geometry, strict=True):
        assert geom.equals_exact(shapely.geometry.shape(feat["geometry"]), tolerance=1e-12)
    if fmt == "geojson":  # the JSON export keeps every property with its JSON type
        doc = json.loads(export_layer(layer_features(cat, rec.layer_id, store), fmt))
        for orig, out in zip(DOC["features"], doc["features"], strict=True):
            props = {k: v for k, v in orig["properties"].items() if k != "tags"}
            assert {k: out["properties"][k] for k in props} == props
            assert out["properties"]["id"] == orig["id"]
    names = list(back["name"])
    assert names == [f["properties"]["name"] for f in DOC["features"]]
    assert pd.to_numeric(back["count"]).tolist() == [3, 0, 7]


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_builtin_layers_download_with_source_and_accuracy(fmt):
    cat = builtin_catalog()
    data = export_layer(layer_features(cat, "parks"), fmt)
    back = _read_export(data, fmt)
    assert len(back) == (cat.features["layer_id"] == "parks").sum()
    assert {"feature_id", "source", "accuracy_m", "basis"} <= set(back.columns)


def test_viewers_cannot_write_through_the_workflow(store):
    """Every write of the workflow checks the role itself, whatever the page shows."""
    draft = prepare("parks.geojson", RAW, IngestOptions(), CAT)
    viewer = Access(Role.VIEWER, "none")
    with pytest.raises(WriteDenied):
        save_draft(store, draft, META, (), "mallory", viewer)
    rec = save_draft(store, draft, META, (), "tester", ANALYST)
    for write in (lambda a: delete_layer(store, rec.layer_id, "mallory", a),
                  lambda a: restore_layer(store, rec.layer_id, "mallory", a),
                  lambda a: revert_layer(store, rec.layer_id, 1, "mallory", a)):
        with pytest.raises(WriteDenied):
            write(viewer)
        with pytest.raises(WriteDenied):
            write("analyst")  # not an Access: a tampered value grants nothing
    assert [r.current_version for r in store.list_layers()] == [1]
    assert [e.action for e in store.get(rec.layer_id).events] == ["create"]
