"""AppTest: the app with a damaged store — it starts, names the broken layer, shows the rest —
on either backend; and with a layer database that is down, or reached through secrets."""

from __future__ import annotations

import json
import secrets
import socket

import psycopg
import pytest
from apptest_helpers import map_feature_ids
from conftest import ROOT
from store_helpers import configured_store, damage
from streamlit.testing.v1 import AppTest

from lianghu_map.auth import Access, Role
from lianghu_map.catalog import builtin_catalog
from lianghu_map.ingest import IngestOptions
from lianghu_map.publish import LayerMeta, prepare, save_draft
from lianghu_map.store import open_store
from lianghu_map.store.postgis import PostgisStore

ANALYST = Access(Role.ANALYST, "local")


def _layer(store, title: str, x: float):
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "a", "properties": {"name": title},
         "geometry": {"type": "Point", "coordinates": [x, 31.6]}}]}
    draft = prepare(f"{title}.geojson", json.dumps(doc).encode(), IngestOptions(),
                    builtin_catalog())
    return save_draft(store, draft, LayerMeta(title, title, "other", "existing", "test"), (),
                      "tester", ANALYST)


@pytest.fixture(params=["gpkg", "postgis"])
def configured(request, tmp_path, monkeypatch):
    """The app's store as configured (``open_store()``): a GeoPackage directory, or a fresh
    schema of the test database."""
    yield from configured_store(request, tmp_path, monkeypatch)


def test_a_corrupted_layer_is_named_and_the_others_still_work(configured):
    good, bad = _layer(configured, "完好图层", 119.8), _layer(configured, "损坏图层", 119.9)
    damage(configured, bad.current.file, "garbage")

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning).replace("\\", "")  # markdown escapes
    assert "损坏图层" in warnings and bad.layer_id in warnings
    ids = map_feature_ids(at)
    assert f"{good.layer_id}/a" in ids and f"{bad.layer_id}/a" not in ids
    assert builtin_catalog().features.index.isin(list(ids)).all()


def test_an_unreadable_manifest_leaves_the_built_in_map_working(tmp_path, monkeypatch):
    monkeypatch.setenv("LIANGHU_VAR", str(tmp_path / "var"))
    _layer(open_store(), "图层", 119.8)
    (tmp_path / "var" / "manifest.json").write_text("{ not json")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    assert not at.exception
    assert at.warning, "the map says the uploaded layers cannot be read"
    assert map_feature_ids(at) == set(builtin_catalog().features.index)


def _page_text(at: AppTest) -> str:
    parts = []
    for kind in ("warning", "error", "info", "success", "markdown", "caption", "exception"):
        parts += [str(getattr(e, "value", e)) for e in getattr(at, kind)]
    return " ".join(parts)


def test_a_database_that_is_down_leaves_the_built_in_map_working(monkeypatch):
    """A message, not a traceback; the built-in layers drawn; the password nowhere."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here
    password = "Do-not-show-me-7"
    monkeypatch.setenv("LIANGHU_DATABASE_URL",
                       f"postgresql://city:{password}@127.0.0.1:{port}/layers?connect_timeout=2")
    monkeypatch.setenv("LIANGHU_LOCAL_MODE", "1")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning).replace("\\", "")  # markdown escapes
    assert "cannot reach the layer database postgresql://city@127.0.0.1" in warnings
    assert password not in _page_text(at)
    assert map_feature_ids(at) == set(builtin_catalog().features.index)
    at.switch_page("pages/upload.py").run()
    assert not at.exception
    assert at.error and password not in _page_text(at)


def test_the_database_url_can_come_from_secrets(postgis_server, tmp_path, monkeypatch):
    """``database_url`` / ``database_schema`` in secrets.toml: what every page's store uses."""
    monkeypatch.setenv("LIANGHU_VAR", str(tmp_path / "var"))
    schema = f"t_{secrets.token_hex(6)}"
    store = PostgisStore(postgis_server.url, schema)
    try:
        layer = _layer(store, "机密图层", 119.85)
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
        at.secrets["database_url"] = postgis_server.url
        at.secrets["database_schema"] = schema
        at.run()
        assert not at.exception
        assert f"{layer.layer_id}/a" in map_feature_ids(at)
        assert not (tmp_path / "var").exists()  # the GeoPackage store was never used
    finally:
        store.close()
        with psycopg.connect(postgis_server.url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
