"""Unit: official data supersedes built-in geometry — the suggestion ranking, the catalogue merge,
the checks on save, and the store round trip on both backends (lianghu_map.supersede)."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import pytest
from shapely import affinity
from shapely.geometry import LineString, Point, box, mapping

from lianghu_map import catalog
from lianghu_map.auth import Access, Role
from lianghu_map.catalog import builtin_catalog, feature_attributes, load_catalog
from lianghu_map.errors import StoreError, SupersedeMismatch, SupersedeUnknown, WriteDenied
from lianghu_map.i18n import LANGS, t
from lianghu_map.ingest import IngestOptions
from lianghu_map.layers import is_indicative
from lianghu_map.publish import (
    LayerMeta,
    prepare,
    release_supersessions,
    save_draft,
    supersede_table,
    supersedes_from_table,
)
from lianghu_map.store import LinkRecord
from lianghu_map.supersede import (
    SUPERSEDES_COLUMN,
    apply_supersessions,
    family,
    geometry_overlap,
    name_similarity,
)

ANALYST = Access(Role.ANALYST, "local")
BUILTINS = builtin_catalog().features


def _doc(*features: tuple[str, dict, object]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": fid, "properties": props, "geometry": mapping(geom)}
        for fid, props, geom in features]}, ensure_ascii=False).encode()


def _draft(data: bytes, name: str = "official.geojson"):
    draft = prepare(name, data, IngestOptions(), builtin_catalog())
    assert draft.ok, [f.message("en") for f in draft.findings]
    return draft


def _moved(fid: str, dx_m: float = 100.0):
    """A built-in geometry moved east by ``dx_m`` (a stand-in for a survey of the same thing)."""
    return affinity.translate(BUILTINS.at[fid, "geometry"], xoff=dx_m / 94_800)


HITECH = box(119.90, 31.60, 120.00, 31.68)


# -- ranking ---------------------------------------------------------------------------------

def test_names_match_across_scripts_and_case_and_unrelated_names_do_not():
    assert name_similarity("武进国家高新区", ["武進國家高新區"]) == 1.0
    assert name_similarity("WUJIN NATIONAL HI-TECH ZONE", ["Wujin National Hi-tech Zone"]) == 1.0
    assert name_similarity("常州地铁1号线（实测）", ["常州地鐵1號線"]) >= 0.8  # contained
    assert name_similarity("金坛站", ["常州地鐵1號線", "Changzhou Metro Line 1"]) < 0.3
    assert name_similarity("区内道路", ["區內"]) < 0.6  # short generic aliases are not names
    assert name_similarity("常州地铁1号线", ["常州地鐵6號線"]) < 0.3  # another line


def test_overlap_is_iou_for_areas_buffered_share_for_lines_distance_for_points():
    a, b = box(0, 0, 1000, 1000), box(500, 0, 1500, 1000)
    assert geometry_overlap(a, b) == pytest.approx(1 / 3)
    line = LineString([(0, 0), (10_000, 0)])
    assert geometry_overlap(line, affinity.translate(line, yoff=200), 300) == pytest.approx(1.0)
    assert geometry_overlap(line, affinity.translate(line, yoff=2_000), 300) == 0.0
    assert geometry_overlap(Point(0, 0), Point(300, 0), 300) == pytest.approx(2 / 3)
    assert geometry_overlap(a, line) == 0.0  # different families never overlap


def test_an_official_park_boundary_ranks_its_built_in_park_first():
    draft = _draft(_doc(("b1", {"name": "武进国家高新技术产业开发区"}, HITECH)))
    (best, *rest) = draft.candidates["b1"]
    assert best.feature_id == "park.wujin_hitech"
    assert best.name >= 0.6 and best.overlap > 0.3
    assert all(c.score < best.score for c in rest)
    assert all(family(BUILTINS.geom_type[c.feature_id]) == "polygon"
               for c in draft.candidates["b1"])


def test_a_surveyed_line_and_a_station_rank_their_built_ins_first_by_shape_alone():
    draft = _draft(_doc(("l1", {"name": "线路A"}, _moved("metro.line1")),
                        ("s1", {"name": "站点B"}, _moved("station.wujin", 50))))
    assert draft.candidates["l1"][0].feature_id == "metro.line1"
    assert draft.candidates["l1"][0].overlap > 0.9
    assert draft.candidates["s1"][0].feature_id == "station.wujin"


def test_a_whole_network_is_matched_by_name_and_only_accepted_rows_supersede():
    names = {fid: BUILTINS.at[fid, "name_zh"] for fid in ("metro.line1", "metro.line5")}
    draft = _draft(_doc(*[(fid.split(".")[1], {"name": name + "（实测）"}, _moved(fid, 3_000))
                          for fid, name in names.items()],
                        ("x", {"name": "无名支线"}, LineString([(119.0, 31.0), (119.1, 31.0)]))))
    table = supersede_table(draft)
    assert dict(zip(table["feature"], table["supersedes"], strict=True)) == {
        "line1": "metro.line1", "line5": "metro.line5", "x": ""}
    assert not table["accept"].any()  # the analyst accepts, as for suggested links
    assert supersedes_from_table(table) == {}
    table.loc[table["feature"] == "line1", "accept"] = True
    table.loc[table["feature"] == "x", "accept"] = True  # accepted, but nothing chosen
    assert supersedes_from_table(table) == {"line1": "metro.line1"}


# -- the catalogue merge ---------------------------------------------------------------------

def _saved(store, data: bytes, choices: dict[str, str], status: str = "existing",
           source: str = "官方来源"):
    return save_draft(store, _draft(data), LayerMeta("官方", "Official", "park", status, source),
                      (), "甲", ANALYST, supersedes=choices)


def test_the_merge_keeps_id_names_kind_links_and_takes_geometry_source_accuracy(gpkg_store):
    rec = _saved(gpkg_store, _doc(("b1", {"name": "高新区", "accuracy_m": 5}, HITECH)),
                 {"b1": "park.wujin_hitech"})
    cat = load_catalog(gpkg_store)
    before, after = BUILTINS.loc["park.wujin_hitech"], cat.features.loc["park.wujin_hitech"]
    for col in ("feature_id", "layer_id", "name_zh", "name_en", "kind", "status"):
        assert after[col] == before[col], col
    assert after.geometry.equals(HITECH)
    assert after["source"] == f"官方来源 ({rec.current.created_at[:10]})"
    assert after["accuracy_m"] == 5 and after["basis"] == "official"
    assert not is_indicative(after) and is_indicative(before)
    assert rec.current.created_at[:10] in after["note_en"] and "甲" in after["note_zh"]
    assert cat.links.directives_of("park.wujin_hitech") == \
        builtin_catalog().links.directives_of("park.wujin_hitech")
    # the upload is not drawn a second time, and its layer (all superseding) is not listed
    assert not cat.features.index.str.startswith(rec.layer_id).any()
    assert rec.layer_id not in {s.id for s in cat.layers} and rec.layer_id in cat.records
    assert len(cat.features) == len(BUILTINS)
    assert cat.superseded["park.wujin_hitech"].source_ids == ("b1",)
    # the side panel's "uploaded attributes" are those of the feature that replaced it
    assert ("name", "高新区") in feature_attributes(cat, "park.wujin_hitech", gpkg_store)


def test_parts_are_joined_an_indicative_status_becomes_the_uploads_and_links_follow(gpkg_store):
    west, east = box(119.7, 31.5, 119.8, 31.6), box(119.8, 31.5, 119.9, 31.6)
    draft = _draft(_doc(("w", {"name": "两湖创新区西"}, west),
                        ("e", {"name": "两湖创新区东"}, east)))
    save_draft(gpkg_store, draft, LayerMeta("区", "", "zone", "planned", "src"),
               (LinkRecord("e", "modern.1", "", "analyst"),), "甲", ANALYST,
               supersedes={"w": "zone.lianghu", "e": "zone.lianghu"})
    row = load_catalog(gpkg_store).features.loc["zone.lianghu"]
    assert BUILTINS.at["zone.lianghu", "status"] == "indicative"
    assert row["status"] == "planned" and row.geometry.area == pytest.approx(0.02)
    assert "modern.1" in load_catalog(gpkg_store).links.directives_of("zone.lianghu")


def test_the_latest_saved_layer_wins_and_the_other_is_drawn_as_its_own(gpkg_store):
    first = _saved(gpkg_store, _doc(("a", {"name": "甲"}, HITECH)), {"a": "park.wujin_hitech"})
    later = box(119.91, 31.61, 119.99, 31.67)
    second = _saved(gpkg_store, _doc(("b", {"name": "乙"}, later)), {"b": "park.wujin_hitech"})
    cat = load_catalog(gpkg_store)
    assert cat.features.at["park.wujin_hitech", "geometry"].equals(later)
    assert cat.superseded["park.wujin_hitech"].layer_id == second.layer_id
    assert cat.features.at[f"{first.layer_id}/a", "geometry"].equals(HITECH)


def test_a_choice_naming_no_built_in_feature_is_ignored_by_the_merge():
    rec_like = type("R", (), {})
    gdf = gpd.GeoDataFrame({"source_id": ["a"], SUPERSEDES_COLUMN: ["park.nowhere"]},
                           geometry=[HITECH], crs=4326)
    rec = rec_like()
    rec.current = type("V", (), {"created_at": "2026-01-01T00:00:00+00:00"})()
    rec.layer_id = "up-x"
    out, remaining, sups, moved = apply_supersessions(BUILTINS, [(rec, gdf, gdf)])
    assert out is BUILTINS and sups == {} and moved == {} and len(remaining["up-x"]) == 1


# -- saving: checks, rights, a file's own column, both backends ------------------------------

def test_save_refuses_unknown_targets_and_other_geometry_types_and_writes_nothing(gpkg_store):
    data = _doc(("b1", {"name": "高新区"}, HITECH))
    with pytest.raises(SupersedeUnknown) as unknown:
        _saved(gpkg_store, data, {"b1": "park.nowhere"})
    with pytest.raises(SupersedeMismatch) as mismatch:
        _saved(gpkg_store, data, {"b1": "metro.line1"})
    assert gpkg_store.list_layers() == []
    for lang in LANGS:
        assert "park.nowhere" in unknown.value.message(lang)
        assert "metro.line1" in mismatch.value.message(lang)
        assert "b1" in mismatch.value.message(lang)
        if lang != "en":
            assert not re.search(r"[\u4e00-\u9fff][,:]", unknown.value.message(lang))


def test_a_files_own_supersedes_column_never_replaces_anything_by_itself(gpkg_store):
    data = _doc(("b1", {"name": "高新区", SUPERSEDES_COLUMN: "park.wujin_hitech"}, HITECH))
    rec = _saved(gpkg_store, data, {})
    assert SUPERSEDES_COLUMN not in gpkg_store.read(rec.layer_id).columns
    assert load_catalog(gpkg_store).superseded == {}


def test_a_viewer_cannot_supersede_or_release(gpkg_store):
    viewer = Access(Role.VIEWER, "")
    with pytest.raises(WriteDenied):
        save_draft(gpkg_store, _draft(_doc(("b1", {}, HITECH))), LayerMeta("a", "", "park",
                   "existing", "s"), (), "乙", viewer, supersedes={"b1": "park.wujin_hitech"})
    rec = _saved(gpkg_store, _doc(("b1", {}, HITECH)), {"b1": "park.wujin_hitech"})
    with pytest.raises(WriteDenied):
        release_supersessions(gpkg_store, rec.layer_id, "乙", viewer)
    assert gpkg_store.get(rec.layer_id).current_version == 1


def test_versions_audit_and_release_on_either_backend(store):
    rec = _saved(store, _doc(("b1", {"name": "高新区"}, HITECH)), {"b1": "park.wujin_hitech"})
    assert store.read(rec.layer_id)[SUPERSEDES_COLUMN].tolist() == ["park.wujin_hitech"]
    assert load_catalog(store).features.at["park.wujin_hitech", "geometry"].equals(HITECH)
    released = release_supersessions(store, rec.layer_id, "甲", ANALYST)
    assert released.current_version == 2 and released.current.sha256 == rec.current.sha256
    cat = load_catalog(store)
    assert cat.features.at["park.wujin_hitech", "geometry"].equals(
        BUILTINS.at["park.wujin_hitech", "geometry"])
    assert cat.features.at[f"{rec.layer_id}/b1", "geometry"].equals(HITECH)
    assert [(e.action, e.version) for e in store.audit()] == [("create", 1), ("replace", 2)]
    # releasing again changes nothing and writes nothing
    assert release_supersessions(store, rec.layer_id, "甲", ANALYST).current_version == 2
    store.revert(rec.layer_id, 1, user="甲")
    assert load_catalog(store).features.at["park.wujin_hitech", "basis"] == "official"


def test_a_tiled_layers_clicked_feature_is_read_from_the_store_by_row(store, monkeypatch):
    """A layer delivered in tiles is not kept as stored (its attributes were 0.27 GB with a
    million parcels): a click reads the feature's row alone, found from its row in the
    catalogue, also behind another stored layer and with a row moved to the built-ins."""
    monkeypatch.setattr(catalog, "TILED_LAYER", 2)
    small = _saved(store, _doc(("s1", {"name": "小"}, Point(119.6, 31.6))), {})
    names = ["甲", "乙", "丙", "丁", "戊"]
    big = _saved(store, _doc(*((f"p{i}", {"name": n}, Point(119.7 + i / 100, 31.6))
                               for i, n in enumerate(names[:2])),
                             ("b1", {"name": "高新区"}, HITECH),
                             *((f"p{i}", {"name": n}, Point(119.7 + i / 100, 31.6))
                               for i, n in enumerate(names[2:], 2))),
                 {"b1": "park.wujin_hitech"})
    catalog._stored_cache.clear()
    reads, read = [], store.read
    monkeypatch.setattr(store, "read", lambda lid, v=None, columns=None: (
        reads.append((lid, columns)), read(lid, v, columns))[1])
    cat = load_catalog(store)
    # the big layer's names, ids and supersessions are read, not its other attributes
    wanted = dict(reads)[big.layer_id]
    assert {"source_id", "name", "supersedes"} <= set(wanted)
    assert dict(reads)[small.layer_id] is None  # read whole, and kept
    assert cat.stored_rows[big.layer_id][1].tolist() == [0, 1, 3, 4, 5]  # b1 is drawn as built-in
    root = str(getattr(store, "root", ""))
    assert (root, small.layer_id, 1) in catalog._stored_cache
    assert (root, big.layer_id, 1) not in catalog._stored_cache

    def no_whole_read(*_a, **_k):
        raise AssertionError("the whole layer was read for one feature")

    monkeypatch.setattr(store, "read", no_whole_read)
    got = {i: dict(feature_attributes(cat, f"{big.layer_id}/p{i}", store))["name"]
           for i in range(5)}
    assert got == dict(enumerate(names))
    assert dict(feature_attributes(cat, f"{small.layer_id}/s1", store))["name"] == "小"
    assert feature_attributes(cat, f"{big.layer_id}/p9", store) == []
    monkeypatch.undo()  # the superseded feature's upload is read whole, as before
    assert ("name", "高新区") in feature_attributes(cat, "park.wujin_hitech", store)

    def broken_rows(*_a, **_k):
        raise StoreError("rows not where they were written")

    monkeypatch.setattr(store, "read_rows", broken_rows)  # a row read that fails: read whole
    assert dict(feature_attributes(cat, f"{big.layer_id}/p3", store))["name"] == "丁"


def test_strings_exist_in_three_languages():
    keys = ("basis.official", "badge.official", "upload.supersede", "upload.supersede.help",
            "upload.supersede.none", "upload.supersede.col", "upload.supersede.table",
            "stored.supersedes", "stored.release", "export.sources.official")
    for key in keys:
        texts = {lang: t(key, lang, name="n", id="i", score="1", names="n", source="s")
                 for lang in LANGS}
        assert len(set(texts.values())) == 3 or key == "badge.official", texts
        for lang in ("zh-Hans", "zh-Hant"):
            assert not re.search(r"[\u4e00-\u9fff][,:]", texts[lang]), texts[lang]


def test_a_clicked_uploaded_feature_shows_its_own_attributes_whatever_its_id(gpkg_store):
    """The side panel's attributes are found from the feature's key: a plain id names the row,
    an id that is not plain (markup, spaces) is keyed by position (layers.feature_key)."""
    rec = _saved(gpkg_store, _doc(("p1", {"name": "甲"}, Point(119.7, 31.6)),
                                  ("<b>x</b>", {"name": "乙"}, Point(119.71, 31.6)),
                                  ("7", {"name": "丙"}, Point(119.72, 31.6)),
                                  ("a b", {"name": "丁"}, Point(119.73, 31.6))), {})
    cat = load_catalog(gpkg_store)
    ids = [fid for fid in cat.features.index if fid.startswith(rec.layer_id + "/")]
    assert sorted(ids) == sorted(f"{rec.layer_id}/{k}" for k in ("p1", "#1", "7", "#3"))
    names = {fid.partition("/")[2]: dict(feature_attributes(cat, fid, gpkg_store))["name"]
             for fid in ids}
    assert names == {"p1": "甲", "#1": "乙", "7": "丙", "#3": "丁"}
    assert feature_attributes(cat, f"{rec.layer_id}/#9", gpkg_store) == []
    # the catalogue holds each id once, as a Python string the index and the column share
    # (arrow strings made a new object per id each time they were read)
    index = cat.features.index
    assert index.dtype == "str" and cat.features["feature_id"].dtype == "str"
    assert all(a is b and a is c
               for a, b, c in zip(index, index, cat.features["feature_id"], strict=True))
    # and what a layer's features share (its id, kind, status, source) once per value
    mine = cat.features[cat.features["layer_id"] == rec.layer_id]
    for col in ("layer_id", "kind", "status", "source", "basis"):
        values = list(mine[col])  # kept alive: a freed string's id may come back
        assert all(v is values[0] for v in values), col
    assert cat.features.loc[ids[0], "source"] == "官方来源"
