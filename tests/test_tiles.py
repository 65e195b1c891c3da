"""Layers of a million polygons delivered in tiles (issue 18, Build 3): every feature in exactly
one tile of each level it is drawn at, the tile of its box's centre; overviews generalised
(thinned, at most BUDGET per tile, lighter); a tile's geometry decodes to its features; texts
escaped; the tile set kept in the store with its version (GeoPackage and PostGIS) and unpacked
for the browser, and a fresh process draws the layer from it without making anything."""

from __future__ import annotations

import io
import json
import zipfile

import geopandas as gpd
import numpy as np
import pytest
import shapely

from lianghu_map import compact, prepared, tiles
from lianghu_map.mapview import feature_groups
from lianghu_map.selection import MapSelection
from tests.test_prepared import _fresh, _geojson, _save


def _parcels(n: int, spread: float = 0.3, size: float = 0.001, seed: int = 7,
             names=None) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(119.6, 119.6 + spread, n), rng.uniform(31.5, 31.5 + spread, n)
    r = rng.uniform(size / 4, size, n)
    geoms = shapely.box(x - r, y - r, x + r, y + r)
    return gpd.GeoDataFrame(
        {"name_zh": names or [f"地块{i}" for i in range(n)], "name_en": "", "kind": "zone",
         "status": "planned", "basis": "upload"},
        geometry=geoms, crs=4326, index=[f"up-t/{i}" for i in range(n)])


def _members(ts: tiles.TileSet, z: int) -> dict[str, list[int]]:
    return {path.split("/")[1][:-5]: json.loads(text)["i"] for path, text in ts.files.items()
            if path.startswith(f"{z}/") and path.count(".") == 1}


def test_every_feature_is_in_one_detail_tile_the_tile_of_its_centre():
    gdf = _parcels(5_000)
    ts = tiles.build_tileset(gdf, "up-t", langs=("en",))
    z = tiles.LEVELS[-1]
    members = _members(ts, z)
    seen = sorted(i for ids in members.values() for i in ids)
    assert seen == list(range(len(gdf)))  # all of them, once
    bounds = shapely.bounds(gdf.geometry.values)
    for name, ids in members.items():
        for i in ids[:50]:
            cx, cy = (bounds[i, 0] + bounds[i, 2]) / 2, (bounds[i, 1] + bounds[i, 3]) / 2
            # the centre of the box in Mercator, not in degrees: equal here to far below a tile
            assert name == "{}-{}".format(*tiles.tile_of(cx, cy, z))
    level = next(lv for lv in ts.index["levels"] if lv["z"] == z)
    assert sorted(map(tuple, level["tiles"])) == sorted(
        tuple(map(int, n.split("-"))) for n in members)


def test_overviews_are_thinned_and_lighter():
    gdf = _parcels(20_000, spread=0.05, size=0.0004)  # dense: far more than a pixel each
    ts = tiles.build_tileset(gdf, "up-t", langs=("en",))
    per_level = {z: _members(ts, z) for z in tiles.LEVELS}
    counts = {z: sum(map(len, m.values())) for z, m in per_level.items()}
    assert counts[tiles.LEVELS[-1]] == 20_000
    assert counts[8] < 2_000 and counts[8] < counts[10] < counts[12] < 20_000, counts
    for z in tiles.LEVELS[:-1]:
        assert max(map(len, per_level[z].values())) <= tiles.BUDGET
    size = {z: sum(len(t) for p, t in ts.files.items() if p.startswith(f"{z}/"))
            for z in tiles.LEVELS}
    assert size[8] * 10 < size[tiles.LEVELS[-1]], size
    # the thinning keeps the larger parcels: the median kept at level 8 is above the median
    area = shapely.area(gdf.geometry.values)
    kept = [i for ids in per_level[8].values() for i in ids]
    assert np.median(area[kept]) > np.median(area)


def test_a_tile_decodes_to_its_features():
    gdf = _parcels(3_000)
    ts = tiles.build_tileset(gdf, "up-t", langs=("zh-Hans",))
    z = tiles.LEVELS[-1]
    path = next(p for p in sorted(ts.files) if p.startswith(f"{z}/") and p.count(".") == 1)
    geo = json.loads(ts.files[path])
    parts = compact.decode_payload(geo, compact.QUANTUM)
    assert len(parts) == len(geo["i"])
    for local, kind, rings in parts:
        assert kind == 2
        original = gdf.geometry.iloc[geo["i"][local]]
        drawn = shapely.Polygon(rings[0])
        assert shapely.hausdorff_distance(original, drawn) < 2 * compact.QUANTUM
        assert geo["ids"][local] == gdf.index[geo["i"][local]].split("/", 1)[1]
    text = json.loads(ts.files[path.replace(".json", ".zh-Hans.json")])
    assert len(text["tips"]) == len(geo["i"])
    first = gdf["name_zh"].iloc[geo["i"][0]]
    assert text["tips"][0].startswith(f"<b>{first}</b>")


def test_a_feature_wider_than_half_a_tile_is_in_the_wide_file():
    gdf = _parcels(500)
    big = shapely.box(119.55, 31.45, 119.95, 31.85)  # 0.4°: more than half a z10 tile
    gdf.loc["up-t/big", ["name_zh", "name_en", "kind", "status", "basis"]] = [
        "片区", "", "zone", "planned", "upload"]
    gdf.loc["up-t/big", "geometry"] = big
    ts = tiles.build_tileset(gdf, "up-t", langs=("en",))
    for lv in ts.index["levels"]:
        members = _members(ts, lv["z"])
        if lv["z"] == 8:  # a z8 tile is 1.4° across: it fits in one
            assert not lv["wide"] and any(500 in ids for ids in members.values())
            continue
        assert lv["wide"] and members["w"] == [500], lv["z"]
        assert all(500 not in ids for name, ids in members.items() if name != "w")


def test_level_for_a_zoom():
    assert tiles.level_for(3) == tiles.LEVELS[0]
    assert tiles.level_for(11.5) == 10
    assert tiles.level_for(18) == tiles.LEVELS[-1]


def test_tile_texts_are_escaped():
    evil = "<img src=x onerror=alert(1)>{{7*7}}"
    gdf = _parcels(50, names=[evil] * 50)
    ts = tiles.build_tileset(gdf, "up-t")
    for path, text in ts.files.items():
        assert "<img" not in text and "{{" not in text, path
    doc = json.loads(next(t for p, t in ts.files.items() if p.endswith(".en.json")))
    assert doc["tips"][0].startswith("<b>&lt;img")
    # a label is set as textContent: the plain text (shortened to a label's length)
    assert evil.startswith(doc["names"][0].rstrip("…"))


def test_archive_round_trip_and_publish(tmp_path, monkeypatch):
    monkeypatch.setattr("lianghu_map.assets.STATIC_DIR", tmp_path / "static")
    ts = tiles.build_tileset(_parcels(300), "up-t")
    data = tiles.archive(ts)
    head = tiles.read_archive(data)
    assert head.key == ts.key and head.index == ts.index and head.files is None
    tiles.publish(head, data)
    root = tmp_path / "static" / "cache" / "tiles" / ts.key
    on_disk = {str(p.relative_to(root)): p.read_text("utf-8")
               for p in root.rglob("*.json")}
    assert on_disk == ts.files
    assert not list((tmp_path / "static" / "cache" / "tiles").glob(".*"))  # no leftovers


def test_publish_writes_only_tile_paths(tmp_path, monkeypatch):
    monkeypatch.setattr("lianghu_map.assets.STATIC_DIR", tmp_path / "static")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("index.json", json.dumps({"key": "k" * 24, "index": {}}))
        zf.writestr("../../evil.json", "{}")
        zf.writestr("14/../../x.json", "{}")
        zf.writestr("14/1-2.json", "{}")
    data = buf.getvalue()
    tiles.publish(tiles.read_archive(data), data)
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.json"))
    assert written == [f"static/cache/tiles/{'k' * 24}/14/1-2.json"]


N = compact.BIG_LAYER + 50


def _tile_spec(store, layer_id: str, lang: str = "zh-Hans") -> dict:
    """The spec the Map page hands the browser for ``layer_id`` (as mapview makes it)."""
    from lianghu_map.catalog import load_catalog

    cat = load_catalog(store)
    sel = MapSelection(shown=tuple(cat.features.index), focus=(), context=(), fit=())
    groups = feature_groups(cat.features, sel, lang, layers=cat.layers)
    (group,) = [g for g in groups if g.layer_name == layer_id]
    (big,) = [c for c in group._children.values() if type(c).__name__ == "BigLayer"]
    return big.spec


def test_saving_a_tiled_layer_keeps_its_tile_set_and_a_fresh_process_draws_it(
        store, monkeypatch, tmp_path):
    monkeypatch.setattr("lianghu_map.assets.STATIC_DIR", tmp_path / "static")
    monkeypatch.setattr(tiles, "TILED_LAYER", N - 10)
    rec = _save(store, _geojson())
    assert prepared.is_prepared(store, rec.layer_id, rec.current_version)
    blob = store.load_prepared(rec.layer_id, rec.current_version, prepared.TILES_BLOB)
    head = json.loads(blob.partition(b"\n")[0])
    assert head["count"] == N
    for lang in ("zh-Hans", "en"):  # no single payloads for a tiled layer
        assert store.load_prepared(rec.layer_id, rec.current_version,
                                   prepared.blob_name(lang)) is None

    _fresh(monkeypatch, store)
    prepared._published.clear()
    import shutil
    shutil.rmtree(tmp_path / "static", ignore_errors=True)  # a new machine on the same store

    def refuse(*_a, **_k):
        raise AssertionError("made on view")

    monkeypatch.setattr(tiles, "build_tileset", refuse)
    monkeypatch.setattr(compact, "build_payload", refuse)
    spec = _tile_spec(store, rec.layer_id, "en")
    assert spec["key"] == head["key"] and "url" not in spec and "data" not in spec
    assert spec["count"] == N and spec["tiles"]["lang"] == "en"
    assert spec["tiles"]["url"] == f"/app/static/cache/tiles/{head['key']}"
    root = tmp_path / "static" / "cache" / "tiles" / head["key"]
    detail = spec["tiles"]["levels"][-1]
    x, y = detail["tiles"][0]
    geo = json.loads((root / str(detail["z"]) / f"{x}-{y}.json").read_text("utf-8"))
    assert geo["ids"][0].startswith("p")
    assert (root / str(detail["z"]) / f"{x}-{y}.en.json").is_file()


def test_a_tile_set_of_other_features_is_never_served(store, monkeypatch, tmp_path):
    monkeypatch.setattr("lianghu_map.assets.STATIC_DIR", tmp_path / "static")
    monkeypatch.setattr(tiles, "TILED_LAYER", N - 10)
    rec = _save(store, _geojson())
    from lianghu_map.catalog import load_catalog

    _fresh(monkeypatch, store)
    layer = load_catalog(store).features
    layer = layer[layer["layer_id"] == rec.layer_id]
    assert prepared.stored_tiles(store, rec.layer_id, rec.current_version, layer) is not None
    prepared._published.clear()
    fewer = layer.iloc[1:]  # a supersede drew fewer: not the prepared set's features
    assert prepared.stored_tiles(store, rec.layer_id, rec.current_version, fewer) is None


@pytest.mark.parametrize("count", [tiles.TILED_LAYER, tiles.TILED_LAYER + 1])
def test_tiled_from_the_threshold_up(count):
    assert prepared._names(count) == (["tiles"] if count > tiles.TILED_LAYER
                                      else [prepared.blob_name(lang) for lang in
                                            ("zh-Hans", "zh-Hant", "en")])


def test_static_keeps_the_newest_tile_sets(tmp_path, monkeypatch):
    import os

    monkeypatch.setattr("lianghu_map.assets.STATIC_DIR", tmp_path / "static")
    made = []
    for k in range(tiles.KEEP_SETS + 2):
        ts = tiles.build_tileset(_parcels(20, seed=k), "up-t", langs=("en",))
        tiles.publish(ts)
        root = tmp_path / "static" / "cache" / "tiles" / ts.key
        os.utime(root, (k, 1_000_000 + k))  # published one after the other
        made.append(ts)
    assert tiles.touch(made[0]) is False  # pruned: a view unpacks it again from the store
    kept = {p.name for p in (tmp_path / "static" / "cache" / "tiles").iterdir()}
    assert kept == {ts.key for ts in made[-tiles.KEEP_SETS:]}
    # beyond the newest six but drawn within the hour (an open page may still fetch it): kept
    import time

    for k, ts in enumerate(made[2:]):
        os.utime(tmp_path / "static" / "cache" / "tiles" / ts.key, (0, time.time() - 100 + k))
    tiles.publish(made[0])
    kept = {p.name for p in (tmp_path / "static" / "cache" / "tiles").iterdir()}
    assert kept == {ts.key for ts in [made[0], *made[2:]]}


def test_a_view_while_the_tiles_are_being_made_waits_for_them(store, monkeypatch, tmp_path):
    monkeypatch.setattr("lianghu_map.assets.STATIC_DIR", tmp_path / "static")
    monkeypatch.setattr(tiles, "TILED_LAYER", N - 10)
    rec = _save(store, _geojson())
    _fresh(monkeypatch, store)
    prepared._published.clear()
    real, looks, waited = prepared.stored_tiles, [], []

    def stored(*args):  # the first look comes while the save's preparation still runs
        looks.append(args[1])
        return None if len(looks) == 1 else real(*args)

    def refuse(*_a, **_k):
        raise AssertionError("made a second time on view")

    monkeypatch.setattr(prepared, "stored_tiles", stored)
    monkeypatch.setattr(prepared, "progress", lambda *_a: 0.5)
    monkeypatch.setattr(prepared, "wait", lambda *a, **_k: waited.append(a[1]))
    monkeypatch.setattr(tiles, "build_tileset", refuse)
    spec = _tile_spec(store, rec.layer_id)
    assert waited == [rec.layer_id] and len(looks) == 2 and spec["tiles"]["levels"]
