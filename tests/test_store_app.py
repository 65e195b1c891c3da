"""AppTest: the app with a damaged store — it starts, names the broken layer, shows the rest."""

from __future__ import annotations

import json

from apptest_helpers import map_feature_ids
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from lianghu_map.auth import Access, Role
from lianghu_map.catalog import builtin_catalog
from lianghu_map.ingest import IngestOptions
from lianghu_map.publish import LayerMeta, prepare, save_draft
from lianghu_map.store import open_store

ANALYST = Access(Role.ANALYST, "local")


def _layer(store, title: str, x: float):
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "a", "properties": {"name": title},
         "geometry": {"type": "Point", "coordinates": [x, 31.6]}}]}
    draft = prepare(f"{title}.geojson", json.dumps(doc).encode(), IngestOptions(),
                    builtin_catalog())
    return save_draft(store, draft, LayerMeta(title, title, "other", "existing", "test"), (),
                      "tester", ANALYST)


def test_a_corrupted_layer_is_named_and_the_others_still_work(tmp_path, monkeypatch):
    monkeypatch.setenv("LIANGHU_VAR", str(tmp_path / "var"))
    store = open_store()
    good, bad = _layer(store, "完好图层", 119.8), _layer(store, "损坏图层", 119.9)
    (tmp_path / "var" / bad.current.file).write_bytes(b"this is not a GeoPackage")

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
