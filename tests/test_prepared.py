"""Big layers prepared when they are saved (issue 18, Build 2): saving a big layer keeps its map
payloads with the version in the store (GeoPackage and PostGIS), a fresh catalogue draws it
without encoding anything, a replace gets payloads of its own (the old version's are never
served for it), and a layer saved before payloads were kept still draws (and keeps one then)."""

from __future__ import annotations

import json
import time
import zlib

import numpy as np
import pytest

from lianghu_map import catalog, compact, prepared
from lianghu_map import store as store_module
from lianghu_map.auth import Access, Role
from lianghu_map.catalog import builtin_catalog, load_catalog
from lianghu_map.i18n import LANGS
from lianghu_map.ingest import IngestOptions
from lianghu_map.mapview import feature_groups
from lianghu_map.publish import LayerMeta, prepare, revert_layer, save_draft
from lianghu_map.selection import MapSelection

ANALYST = Access(Role.ANALYST, "local")
META = LayerMeta("地块", "Parcels", "zone", "planned", "unit test")
N = compact.BIG_LAYER + 50


def _geojson(n: int = N, prefix: str = "p", dx: float = 0.0) -> bytes:
    rng = np.random.default_rng(n + len(prefix))
    x, y = rng.uniform(119.6, 119.9, n) + dx, rng.uniform(31.5, 31.8, n)
    feats = [{"type": "Feature", "properties": {"id": f"{prefix}{i}", "name": f"地块{i}"},
              "geometry": {"type": "Polygon", "coordinates": [[
                  [a, b], [a + 0.001, b], [a + 0.001, b + 0.001], [a, b]]]}}
             for i, (a, b) in enumerate(zip(x.tolist(), y.tolist(), strict=True))]
    return json.dumps({"type": "FeatureCollection", "features": feats}).encode()


def _save(store, raw: bytes, replace: str | None = None):
    draft = prepare("parcels.geojson", raw, IngestOptions(), builtin_catalog(), links=False)
    assert draft.ok, [f.message("en") for f in draft.findings]
    rec = save_draft(store, draft, META, (), "tester", ANALYST, replace=replace)
    prepared.wait(store, rec.layer_id, rec.current_version, timeout=120)
    return rec


def _fresh(monkeypatch, store) -> None:
    """As in a newly started process: nothing cached in memory; the map's store is ``store``."""
    for cache in (compact._payloads, compact._geometry, catalog._stored_cache,
                  catalog._catalog_cache):
        cache.clear()
    monkeypatch.setattr(store_module, "open_store", lambda *_a: store)


def _drawn_payload(store, layer_id: str, lang: str = "zh-Hans") -> compact.LayerPayload:
    """The payload the Map page hands the browser for ``layer_id`` (as mapview makes it)."""
    seen = []
    real = compact.layer_payload

    def spy(*args, **kwargs):
        seen.append(real(*args, **kwargs))
        return seen[-1]

    cat = load_catalog(store)
    feats = cat.features
    sel = MapSelection(shown=tuple(feats.index), focus=(), context=(), fit=())
    import lianghu_map.mapview as mapview

    mp = pytest.MonkeyPatch()
    mp.setattr(mapview, "layer_payload", spy)
    try:
        feature_groups(feats, sel, lang, layers=cat.layers)
    finally:
        mp.undo()
    (payload,) = [p for p in seen if p.ids and p.ids[0].startswith(f"{layer_id}/")]
    return payload


def _no_encoding(monkeypatch) -> None:
    def refuse(*_a, **_k):
        raise AssertionError("the payload was encoded on view")

    monkeypatch.setattr(compact, "encode_geometry", refuse)
    monkeypatch.setattr(compact, "build_payload", refuse)


def _head(store, layer_id: str, version: int, lang: str = "zh-Hans") -> dict:
    blob = store.load_prepared(layer_id, version, prepared.blob_name(lang))
    assert blob, f"no payload kept for {layer_id} v{version} {lang}"
    return json.loads(blob.partition(b"\n")[0])


def test_saving_a_big_layer_keeps_its_payload_in_every_language(store, monkeypatch,
                                                                  tmp_path):
    monkeypatch.setattr("lianghu_map.assets.STATIC_DIR", tmp_path / "static")
    rec = _save(store, _geojson())
    for lang in LANGS:
        head = _head(store, rec.layer_id, rec.current_version, lang)
        assert head["count"] == N
    # what was kept is what the view would make from the stored layer itself
    _fresh(monkeypatch, store)
    cat = load_catalog(store)
    layer = cat.features[cat.features["layer_id"] == rec.layer_id]
    made = compact.build_payload(layer, rec.layer_id, "en")
    kept = prepared.stored_payload(store, rec.layer_id, rec.current_version, "en", layer)
    assert kept is not None and kept.key == made.key and kept.text == made.text


def test_a_small_layer_keeps_no_payload(store):
    rec = _save(store, _geojson(20))
    assert store.load_prepared(rec.layer_id, rec.current_version,
                               prepared.blob_name("zh-Hans")) is None


def test_a_fresh_process_draws_it_without_encoding(store, monkeypatch, tmp_path):
    monkeypatch.setattr("lianghu_map.assets.STATIC_DIR", tmp_path / "static")
    rec = _save(store, _geojson())
    key = _head(store, rec.layer_id, rec.current_version)["key"]
    _fresh(monkeypatch, store)
    _no_encoding(monkeypatch)
    payload = _drawn_payload(store, rec.layer_id)
    assert payload.key == key and len(payload.ids) == N
    # content-addressed for the browser, as before
    assert (tmp_path / "static" / "cache" / f"{key}.json").read_text("utf-8") == payload.text


def test_a_replace_gets_its_own_payload_and_never_the_old_one(store, monkeypatch, tmp_path):
    monkeypatch.setattr("lianghu_map.assets.STATIC_DIR", tmp_path / "static")
    v1 = _save(store, _geojson())
    old_key = _head(store, v1.layer_id, 1)["key"]
    v2 = _save(store, _geojson(prefix="q", dx=0.05), replace=v1.layer_id)
    assert v2.current_version == 2
    new_key = _head(store, v2.layer_id, 2)["key"]
    assert new_key != old_key
    _fresh(monkeypatch, store)
    _no_encoding(monkeypatch)
    drawn = _drawn_payload(store, v2.layer_id)
    assert drawn.key == new_key and drawn.ids[0] == f"{v2.layer_id}/q0"
    # the old version's payload, asked for with the new features, is refused
    layer = load_catalog(store).features
    layer = layer[layer["layer_id"] == v2.layer_id]
    assert prepared.stored_payload(store, v2.layer_id, 1, "zh-Hans", layer) is None
    # a revert is a new version with v1's data: it gets v1's payload (copied, not encoded)
    v3 = revert_layer(store, v1.layer_id, 1, "tester", ANALYST)
    prepared.wait(store, v3.layer_id, 3, timeout=120)
    assert _head(store, v3.layer_id, 3)["key"] == old_key
    _fresh(monkeypatch, store)
    assert _drawn_payload(store, v3.layer_id).key == old_key


def test_a_layer_saved_without_a_payload_still_draws_and_keeps_one(store, monkeypatch,
                                                                   tmp_path):
    monkeypatch.setattr("lianghu_map.assets.STATIC_DIR", tmp_path / "static")
    draft = prepare("parcels.geojson", _geojson(), IngestOptions(), builtin_catalog(),
                    links=False)
    rec = store.create(draft.result.gdf, title_zh="旧图层", title_en="Old", kind="zone",
                       color="#7048e8", status="planned", source="older app",
                       original_name="parcels.geojson", sha256=draft.result.sha256,
                       conversions=(), links=(), user="tester")  # as an older app saved it
    name = prepared.blob_name("zh-Hans")
    assert store.load_prepared(rec.layer_id, 1, name) is None
    _fresh(monkeypatch, store)
    payload = _drawn_payload(store, rec.layer_id)  # made on view, as before
    assert len(payload.ids) == N
    deadline = time.monotonic() + 30  # kept in the background for the next process
    while store.load_prepared(rec.layer_id, 1, name) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _head(store, rec.layer_id, 1)["key"] == payload.key


def test_a_payload_of_other_code_or_damaged_is_made_anew(gpkg_store, monkeypatch, tmp_path):
    monkeypatch.setattr("lianghu_map.assets.STATIC_DIR", tmp_path / "static")
    store = gpkg_store
    rec = _save(store, _geojson())
    name = prepared.blob_name("zh-Hans")
    blob = store.load_prepared(rec.layer_id, 1, name)
    head, _, body = blob.partition(b"\n")
    layer = load_catalog(store).features
    layer = layer[layer["layer_id"] == rec.layer_id]
    assert prepared.stored_payload(store, rec.layer_id, 1, "zh-Hans", layer) is not None
    other = json.dumps({**json.loads(head), "recipe": "0" * 16}).encode()
    store.save_prepared(rec.layer_id, 1, name, other + b"\n" + body)  # an older app's
    assert prepared.stored_payload(store, rec.layer_id, 1, "zh-Hans", layer) is None
    damaged = zlib.compress(b'{"broken": true}')[:-3]
    store.save_prepared(rec.layer_id, 1, name, head + b"\n" + damaged)
    assert prepared.stored_payload(store, rec.layer_id, 1, "zh-Hans", layer) is None
    _fresh(monkeypatch, store)
    assert _drawn_payload(store, rec.layer_id).key == json.loads(head)["key"]  # made anew


def test_prepared_names_and_versions_are_checked(store):
    from lianghu_map.errors import LayerNotFound, StoreError

    rec = _save(store, _geojson(20))
    with pytest.raises(StoreError):
        store.save_prepared(rec.layer_id, 1, "../../etc/passwd", b"x")
    with pytest.raises(LayerNotFound):
        store.save_prepared(rec.layer_id, 9, "payload.en", b"x")
    store.save_prepared(rec.layer_id, 1, "payload.en", b"one")
    store.save_prepared(rec.layer_id, 1, "payload.en", b"two")  # written over
    assert store.load_prepared(rec.layer_id, 1, "payload.en") == b"two"


def test_a_temporary_file_a_killed_write_left_is_removed_by_the_next_write(gpkg_store):
    import os
    import time

    rec = _save(gpkg_store, _geojson(20))
    gpkg_store.save_prepared(rec.layer_id, 1, "payload.en", b"one")
    folder = gpkg_store.root / "layers" / rec.layer_id / "prepared"
    stale, fresh = folder / ".killed.tmp", folder / ".writing.tmp"
    stale.write_bytes(b"x" * 100)
    fresh.write_bytes(b"y")  # another process's write in progress
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    gpkg_store.save_prepared(rec.layer_id, 1, "tiles", b"two")
    assert not stale.exists() and fresh.exists()
    assert gpkg_store.load_prepared(rec.layer_id, 1, "payload.en") == b"one"


def test_postgis_an_older_schema_gains_the_prepared_table(postgis_server, monkeypatch,
                                                          tmp_path):
    import psycopg
    from store_helpers import sql

    from lianghu_map.store import postgis
    from lianghu_map.store.postgis import PostgisStore

    monkeypatch.setattr("lianghu_map.assets.STATIC_DIR", tmp_path / "static")
    schema = "t_prepared_migration"
    old = PostgisStore(postgis_server.url, schema)
    try:
        draft = prepare("parcels.geojson", _geojson(), IngestOptions(), builtin_catalog(),
                        links=False)
        with monkeypatch.context() as mp:
            mp.setattr(postgis, "SCHEMA_VERSION", 4)  # the app before prepared payloads
            rec = old.create(draft.result.gdf, title_zh="旧", title_en="Old", kind="zone",
                             color="#7048e8", status="planned", source="older app",
                             original_name="p.geojson", sha256="a" * 64, conversions=(),
                             links=(), user="tester")
            assert sql(old, "SELECT to_regclass('{s}.prepared')") == [(None,)]
        new = PostgisStore(postgis_server.url, schema)  # this app, started later
        assert new.load_prepared(rec.layer_id, 1, prepared.blob_name("en")) is None
        assert prepared.prepare_version(new, rec.layer_id, 1) == len(LANGS)
        _fresh(monkeypatch, new)
        _no_encoding(monkeypatch)
        assert len(_drawn_payload(new, rec.layer_id).ids) == N
        new.close()
    finally:
        old.close()
        with psycopg.connect(postgis_server.url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
