"""Shared helpers of the store tests: a layer created with test defaults, a replacement, equality
of stored layers, the manifest as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd

from lianghu_map.store import LayerRecord, LayerStore, LinkRecord

LINK = LinkRecord("p1", "d-2023-01", "湖畔公园", "file")


def create(store: LayerStore, gdf: gpd.GeoDataFrame, **kw) -> LayerRecord:
    args = {"title_zh": "公园", "title_en": "Parks", "kind": "park", "color": "#2a9d8f",
            "status": "planned", "source": "test", "original_name": "parks.geojson",
            "sha256": "a" * 64, "conversions": ("crs: EPSG:4490 → EPSG:4326",),
            "links": (LINK,), "user": "alice"}
    return store.create(gdf, **{**args, **kw})


def replace(store: LayerStore, layer_id: str, gdf: gpd.GeoDataFrame) -> LayerRecord:
    return store.replace(layer_id, gdf, original_name="v2.geojson", sha256="b" * 64,
                         conversions=(), links=(), user="bob")


def assert_same(actual: gpd.GeoDataFrame, expected: gpd.GeoDataFrame) -> None:
    """Same columns in the same order, same values (nulls alike), geometries within 1e-9."""
    assert list(actual.columns) == list(expected.columns)
    assert actual.crs.to_epsg() == 4326
    assert list(actual.index) == list(range(len(expected)))
    geom = expected.geometry.name
    assert actual.geometry.name == geom
    for a, e in zip(actual.geometry, expected.geometry, strict=True):
        assert a.equals_exact(e, tolerance=1e-9), (a, e)
    pd.testing.assert_frame_equal(
        pd.DataFrame(actual.drop(columns=geom)),
        pd.DataFrame(expected.drop(columns=geom)).reset_index(drop=True),
    )


def manifest(root: Path) -> dict:
    return json.loads((root / "manifest.json").read_text(encoding="utf-8"))
