"""Everything the pages show: the meeting, gazetteer, built-in and stored layers, links.

The built-in part is loaded once per process.  Stored (uploaded) layers are read from the layer
store and cached by the store's revision, so every session sees a save at its next rerun and a
restart sees everything that was saved.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cache
from threading import Lock

import geopandas as gpd
import pandas as pd

from .errors import LianghuError
from .layers import LAYERS, LayerSpec, canonical_features, feature_key, load_builtin_features
from .meeting.directives import Meeting, load_meeting
from .meeting.gazetteer import Gazetteer, load_gazetteer
from .meeting.links import Evidence, Link, LinkTable, build_links
from .store import LayerRecord, LayerStore, open_store
from .supersede import Supersession, apply_supersessions

__all__ = [
    "Catalog",
    "builtin_catalog",
    "feature_attributes",
    "layer_features",
    "load_catalog",
    "read_layer",
]


@dataclass(frozen=True)
class Catalog:
    meeting: Meeting
    gazetteer: Gazetteer
    features: gpd.GeoDataFrame  # read-only: copy before changing
    links: LinkTable
    layers: tuple[LayerSpec, ...] = LAYERS  # drawing order, built-in then uploaded
    records: dict[str, LayerRecord] = field(default_factory=dict)  # stored layers by id
    store_error: LianghuError | None = None  # the store could not be read: built-ins only
    broken: dict[str, str] = field(default_factory=dict)  # layer title → why it was skipped
    superseded: dict[str, Supersession] = field(default_factory=dict)  # built-in id → by what

    def layer(self, layer_id: str) -> LayerSpec | None:
        return next((spec for spec in self.layers if spec.id == layer_id), None)


@cache
def builtin_catalog() -> Catalog:
    meeting, gazetteer, features = load_meeting(), load_gazetteer(), load_builtin_features()
    kinds = dict(zip(features.index, features["kind"], strict=True))
    links = build_links(meeting, gazetteer, kinds, geometries=features.geometry.to_dict())
    return Catalog(meeting, gazetteer, features, links)


_CACHE_SIZE = 8
_stored_cache: OrderedDict[tuple[str, str, int], gpd.GeoDataFrame] = OrderedDict()
_catalog_cache: OrderedDict[tuple[str, str], Catalog] = OrderedDict()
_lock = Lock()


def _remember(cache: OrderedDict, key: tuple, value):
    with _lock:
        cache[key] = value
        cache.move_to_end(key)
        while len(cache) > _CACHE_SIZE:
            cache.popitem(last=False)
    return value


def read_layer(store: LayerStore, layer_id: str, version: int) -> gpd.GeoDataFrame:
    """A stored layer version as stored (original attributes), cached; treat as read-only."""
    key = (str(getattr(store, "root", "")), layer_id, version)
    hit = _stored_cache.get(key)
    return hit if hit is not None else _remember(_stored_cache, key,
                                                 store.read(layer_id, version))


def load_catalog(store: LayerStore | None = None) -> Catalog:
    """The catalogue for the store's current revision (default store: the configured one)."""
    base = builtin_catalog()
    try:
        store = store or open_store()
        revision = store.revision()
    except LianghuError as err:
        return Catalog(base.meeting, base.gazetteer, base.features, base.links, store_error=err)
    key = (str(getattr(store, "root", "")), revision)
    hit = _catalog_cache.get(key)
    if hit is not None:
        return hit
    try:
        cat = _with_stored(base, store)
    except LianghuError as err:
        cat = Catalog(base.meeting, base.gazetteer, base.features, base.links, store_error=err)
    return _remember(_catalog_cache, key, cat)


def _with_stored(base: Catalog, store: LayerStore) -> Catalog:
    records = {r.layer_id: r for r in store.list_layers()}
    specs, loaded, links = [], [], list(base.links.links)
    broken: dict[str, str] = {}
    for rec in records.values():
        spec = LayerSpec(rec.layer_id, title_zh=rec.title_zh, title_en=rec.title_en, stored=True,
                         version=rec.current_version, color=rec.color)
        try:
            gdf = read_layer(store, rec.layer_id, rec.current.version)
        except LianghuError as err:  # one broken layer must not take the others down
            broken[f"{rec.title_zh or rec.title_en} ({rec.layer_id})"] = err.detail or str(err)
            continue
        feats = canonical_features(gdf, spec, kind=rec.kind, status=rec.status, source=rec.source)
        specs.append(spec)
        loaded.append((rec, gdf, feats))
    if not specs and not broken:
        return base
    # official data in place of indicative built-in shapes (see lianghu_map.supersede)
    builtins, remaining, superseded, moved = apply_supersessions(base.features, loaded)
    have = {(lk.feature_id, lk.directive_id) for lk in links}
    for rec, gdf, feats in loaded:
        key_of = dict(zip(gdf["source_id"].astype(str), feats.index, strict=True))
        for lk in rec.current.links:
            fid = key_of.get(lk.feature_id)
            fid = moved.get(fid, fid)
            d = base.meeting.get(lk.directive_id)
            if d is None or fid is None or (fid, d.id) in have:
                continue  # a directive id no longer in the meeting, a dropped feature, a repeat
            have.add((fid, d.id))
            start = d.text_hant.find(lk.evidence) if lk.evidence else -1
            span = (start, start + len(lk.evidence)) if start >= 0 else (0, 0)
            links.append(Link(fid, d.id, (Evidence(lk.evidence if start >= 0 else "", *span,
                                                   f"upload:{lk.origin}"),)))
    frames = [builtins, *remaining.values()]
    features = gpd.GeoDataFrame(pd.concat(frames), geometry="geometry", crs=4326)
    drawn = tuple(s for s in specs if not remaining[s.id].empty)  # all superseding: not drawn
    live = {lid: rec for lid, rec in records.items() if any(s.id == lid for s in specs)}
    return Catalog(base.meeting, base.gazetteer, features,
                   LinkTable(links, base.links.unlocated), (*LAYERS, *drawn), live,
                   broken=broken, superseded=superseded)


def layer_features(cat: Catalog, layer_id: str, store: LayerStore | None = None
                   ) -> gpd.GeoDataFrame:
    """A layer for export: an uploaded layer as stored (every original attribute), a built-in
    one in the canonical schema."""
    rec = cat.records.get(layer_id)
    if rec is not None:
        return read_layer(store or open_store(), layer_id, rec.current_version)
    return cat.features[cat.features["layer_id"] == layer_id].reset_index(drop=True)


def feature_attributes(cat: Catalog, feature_id: str, store: LayerStore | None = None
                       ) -> list[tuple[str, str]]:
    """An uploaded feature's own attributes as (name, value) text pairs; [] for built-ins (a
    superseded built-in: the attributes of the uploaded feature that replaced it)."""
    sup = cat.superseded.get(feature_id)
    layer_id = sup.layer_id if sup else feature_id.partition("/")[0]
    rec = cat.records.get(layer_id)
    if rec is None or feature_id not in cat.features.index:
        return []
    gdf = read_layer(store or open_store(), layer_id, rec.current_version)
    if sup:
        rows = gdf[gdf["source_id"].astype(str).isin(sup.source_ids)]
    else:
        keys = [feature_key(layer_id, sid, idx)
                for sid, idx in zip(gdf["source_id"], gdf["source_index"], strict=True)]
        rows = gdf[[k == feature_id for k in keys]]
    if rows.empty:
        return []
    row = rows.iloc[0]
    skip = {gdf.geometry.name, "source_index", "source_id"}
    return [(str(col), "" if pd.isna(row[col]) else str(row[col]))
            for col in gdf.columns if col not in skip and not isinstance(row[col], list | dict)]
