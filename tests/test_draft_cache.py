"""An unsaved upload stays private (issue 19, "Also"): previewing a draft of more than
``compact.BIG_LAYER`` features must not write its payload under ``static/``, which anyone can
fetch by name; a saved layer's payload still goes there (the browser fetches and caches it)."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
from apptest_helpers import map_args
from conftest import ROOT
from shapely.geometry import Point
from streamlit.testing.v1 import AppTest

import lianghu_map.assets as assets
from lianghu_map.compact import BIG_LAYER, layer_payload
from lianghu_map.layers import LayerSpec, canonical_features


def _big_doc(n: int) -> bytes:
    feats = [{"type": "Feature", "properties": {"name": f"私有地块{i}"},
              "geometry": {"type": "Point", "coordinates": [119.8 + i * 1e-5, 31.7]}}
             for i in range(n)]
    return json.dumps({"type": "FeatureCollection", "features": feats},
                      ensure_ascii=False).encode()


@pytest.fixture
def static_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(assets, "STATIC_DIR", tmp_path / "static")
    return tmp_path / "static"


def _cached_files(static_dir):
    return sorted((static_dir / "cache").glob("*.json")) if (static_dir / "cache").exists() else []


def test_an_unpublished_payload_is_not_written(static_dir):
    spec = LayerSpec("draft-test", title_zh="草稿", stored=True)
    gdf = gpd.GeoDataFrame({"name": ["甲", "乙"], "source_id": ["0", "1"]},
                           geometry=[Point(119.8, 31.7)] * 2, crs=4326)
    feats = canonical_features(gdf, spec, kind="park", status="planned", source="test")
    payload = layer_payload(feats, spec.id, "draft-v", "zh-Hans", publish=False)
    assert payload.text and _cached_files(static_dir) == []
    published = layer_payload(feats, spec.id, "draft-v", "zh-Hans")  # same payload, now public
    assert published is payload and _cached_files(static_dir) != []


def test_previewing_a_big_draft_writes_nothing_public(static_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("LIANGHU_VAR", str(tmp_path / "var"))
    monkeypatch.setenv("LIANGHU_LOCAL_MODE", "1")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("pages/upload.py").run()
    n = BIG_LAYER + 500
    at.file_uploader(key="upload_files").set_value(
        [("secret-parcels.geojson", _big_doc(n), "application/geo+json")]).run()
    assert not at.exception
    script = map_args(at)["feature_group"] or ""
    assert "\\u79c1\\u6709\\u5730\\u5757" in script  # 私有地块: the data is inline …
    assert _cached_files(static_dir) == []  # … and nothing of it is under static/
    assert "/app/static/cache/" not in script
