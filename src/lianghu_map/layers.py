"""The built-in layers: catalogue, loading into GeoDataFrames with the canonical schema.

Styles live in :mod:`lianghu_map.style` (re-exported here: ``Style``, ``feature_style``,
``layer_style``).

One GeoJSON (RFC 7946, WGS84) per layer in ``data/geo/``; provenance in ``data/geo/SOURCES.md``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from . import paths
from .i18n import t, zh
from .style import Style, feature_style, layer_style

__all__ = [
    "BASES",
    "BASE_LAYER_IDS",
    "CANONICAL_COLUMNS",
    "HELD_COLUMNS",
    "LABEL_COLUMN",
    "LAYERS",
    "LAYER_BY_ID",
    "STATUSES",
    "LayerSpec",
    "Style",
    "badge_of",
    "canonical_features",
    "display_names",
    "feature_key",
    "feature_style",
    "is_indicative",
    "layer_style",
    "load_builtin_features",
    "name_column",
    "order_names",
    "sanitise_style",
]

CANONICAL_COLUMNS = (
    "feature_id", "layer_id", "name_zh", "name_en", "kind", "status", "source", "accuracy_m",
    "basis", "note_zh", "note_en", "style",  # style: an uploaded feature's whitelisted style
)
# Held as Python strings, one object per value (see held_text): a feature's id, and what a
# layer's features mostly share
HELD_COLUMNS = ("feature_id", "layer_id", "kind", "status", "source", "basis", "style")
_HELD = pd.StringDtype("python", na_value=np.nan)  # still the "str" dtype
STATUSES = ("existing", "under_construction", "planned", "indicative")
# How a feature's geometry was obtained (``official``: an upload superseded the built-in shape)
BASES = ("sourced", "derived", "estimate", "uploaded", "official")


@dataclass(frozen=True)
class LayerSpec:
    id: str
    base: bool = False  # context layers (water, boundaries): kept, dimmed, under any filter
    title_zh: str = ""  # uploaded layers carry their own titles; built-in ones use i18n
    title_en: str = ""
    stored: bool = False  # an uploaded layer from the store
    version: int = 0
    color: str = ""  # an uploaded layer's own colour (stroke and fill)

    def label(self, lang: str) -> str:
        if not self.stored:
            return t(f"layer.{self.id}", lang)
        if lang == "en":
            return self.title_en or self.title_zh
        return zh(self.title_zh, lang) if self.title_zh else self.title_en


# Drawing order: first is drawn at the bottom.
LAYERS: tuple[LayerSpec, ...] = (
    LayerSpec("boundaries", base=True),
    LayerSpec("water", base=True),
    LayerSpec("green"),
    LayerSpec("parks"),
    LayerSpec("places"),
    LayerSpec("transit"),
    LayerSpec("stations"),
)
LAYER_BY_ID = {spec.id: spec for spec in LAYERS}
BASE_LAYER_IDS = frozenset(spec.id for spec in LAYERS if spec.base)  # drawn under, as context


# What an uploaded feature may say about its own look: these keys, these value shapes only.
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_DASH = re.compile(r"^\d{1,3}(?:[ ,]\d{1,3}){0,7}$")
STYLE_WHITELIST: dict[str, tuple[str, float, float]] = {  # key: (kind, min, max)
    "color": ("hex", 0, 0), "fillColor": ("hex", 0, 0), "weight": ("num", 0.5, 12),
    "opacity": ("num", 0, 1), "fillOpacity": ("num", 0, 1), "radius": ("num", 1, 20),
    "dashArray": ("dash", 0, 0),
}


def sanitise_style(value: object) -> tuple[dict, list[str]]:
    """(the allowed part of an uploaded ``style`` property, the keys dropped).  Accepts a dict or
    its JSON text; anything else (CSS text, lists, scripts) is dropped whole."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return {}, ["(not a JSON object)"]
    if not isinstance(value, dict):
        return {}, [] if value is None else ["(not a JSON object)"]
    kept, dropped = {}, []
    for key, v in value.items():
        rule = STYLE_WHITELIST.get(key)
        ok = False
        if rule and rule[0] == "hex":
            ok = isinstance(v, str) and bool(_HEX.match(v))
        elif rule and rule[0] == "num":
            ok = isinstance(v, int | float) and not isinstance(v, bool) and rule[1] <= v <= rule[2]
        elif rule and rule[0] == "dash":
            ok = isinstance(v, str) and bool(_DASH.match(v))
        if ok:
            kept[key] = v
        else:
            dropped.append(str(key)[:40])
    return kept, dropped


def display_names(row, lang: str) -> tuple[str, str]:
    """(main, other) names of a feature for ``lang``; either may stand in for a missing one."""
    return order_names(zh(row["name_zh"], lang), row["name_en"], lang)


def order_names(name_zh: str, name_en: str, lang: str) -> tuple[str, str]:
    """(main, other) of a Chinese name (already in ``lang``'s script) and an English one."""
    main, other = (name_en, name_zh) if lang == "en" else (name_zh, name_en)
    return (main or other), (other if main and other != main else "")


def is_indicative(row) -> bool:
    """Whether a feature must be labelled "indicative": placed from a description, or a
    schematic element by status.  Official data (an upload that superseded the built-in
    shape) never is."""
    if row["basis"] == "official":
        return False
    return row["basis"] == "estimate" or row["status"] == "indicative"


def badge_of(row) -> str:
    """The badge a feature wears: ``official`` (an upload superseded its built-in shape),
    ``indicative`` (see :func:`is_indicative`) or ``""``; its text is ``badge.<which>``."""
    if row["basis"] == "official":
        return "official"
    return "indicative" if is_indicative(row) else ""


def _read_layer(path: Path) -> gpd.GeoDataFrame:
    gdf = gpd.read_file(path, engine="pyogrio")
    if gdf.crs is None or gdf.crs.to_epsg() != 4326:
        gdf = gdf.set_crs(4326) if gdf.crs is None else gdf.to_crs(4326)
    gdf["layer_id"] = path.stem
    for col in CANONICAL_COLUMNS:
        if col not in gdf:
            gdf[col] = ""
    gdf["accuracy_m"] = pd.to_numeric(gdf["accuracy_m"], errors="coerce").fillna(0).astype(int)
    text_cols = [c for c in CANONICAL_COLUMNS if c != "accuracy_m"]
    gdf[text_cols] = gdf[text_cols].fillna("").astype(str)
    return gdf[[*CANONICAL_COLUMNS, "geometry"]]


@cache
def load_builtin_features(geo_dir: Path | None = None) -> gpd.GeoDataFrame:
    """Every built-in feature, in drawing order, indexed by ``feature_id``.

    Cached: the built-in data are immutable while the app runs; treat the result as read-only.
    """
    d = geo_dir or paths.GEO_DIR
    frames = [_read_layer(d / f"{spec.id}.geojson") for spec in LAYERS
              if (d / f"{spec.id}.geojson").exists()]
    gdf = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=4326)
    if gdf["feature_id"].duplicated().any():
        dups = sorted(gdf.loc[gdf["feature_id"].duplicated(), "feature_id"])
        raise ValueError(f"duplicate feature ids in {d}: {dups}")
    return gdf.set_index("feature_id", drop=False)


NAME_ZH_COLUMNS = ("name_zh", "名称", "名稱", "name", "NAME", "Name", "title", "标题", "標題",
                   "label", "名字")
NAME_EN_COLUMNS = ("name_en", "name_eng", "english", "English", "NAME_EN", "Name_EN")


# The analyst's label (name) column, chosen at upload when it is not the detected one: its
# values are kept in the saved data under this name (publish.with_label), so the choice travels
# with each version (revert, export) in every store backend.
LABEL_COLUMN = "map_label"


# what canonical_features reads of a layer as stored
SOURCE_COLUMNS = ("source_id", "source_index", LABEL_COLUMN, *NAME_ZH_COLUMNS, *NAME_EN_COLUMNS,
                  "style")


def name_column(columns) -> str | None:
    """The detected name column of an uploaded layer: the analyst's label column if the data
    has one, else the first Chinese, else the first English name column."""
    cols = set(columns)
    return next((c for c in (LABEL_COLUMN, *NAME_ZH_COLUMNS, *NAME_EN_COLUMNS) if c in cols),
                None)


def _first_text(gdf: gpd.GeoDataFrame, names: tuple[str, ...]) -> pd.Series:
    col = next((c for c in names if c in gdf.columns), None)
    if col is None:
        return pd.Series("", index=gdf.index)
    return gdf[col].map(lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v))
                        else str(v).strip())


_SAFE_ID = re.compile(r"^[\w.~-]{1,80}$")  # \w: letters and digits of any script, and _


def feature_key(layer_id: str, source_id: object, source_index: int) -> str:
    """The catalogue id of an uploaded feature: ``<layer>/<its id>`` when that id is plain
    (letters, digits, ``_.~-``), else ``<layer>/#<its position>``.  Ids reach the map's script
    and widget keys, so markup and template syntax never get there."""
    sid = str(source_id)
    return f"{layer_id}/{sid}" if _SAFE_ID.match(sid) else f"{layer_id}/#{int(source_index)}"


def held_text(frame: pd.DataFrame, columns: tuple[str, ...] = HELD_COLUMNS) -> pd.DataFrame:
    """``frame`` (changed in place) with its text ``columns`` held as Python strings, one
    object per distinct value, and, with a ``feature_id`` column, its index the same objects.
    Arrow-backed strings (the default) make a new string object for each value every time they
    are read, and the Map page reads ids into sets, tuples and dicts: with a million parcels,
    80 MB per copy (a few selections added a gigabyte to the server); and they hold a repeated
    value again for each feature (a layer's source a million times: 36 MB, not 8).  Frames held
    so are joined without copying their text (pd.concat keeps the storage)."""
    for col in columns:
        if col not in frame or frame[col].dtype != "str" or frame[col].dtype == _HELD:
            continue
        codes, values = pd.factorize(frame[col], use_na_sentinel=False)
        frame[col] = pd.array(np.asarray(values, dtype=object)[codes], dtype=_HELD)
    if "feature_id" in frame and frame.index.dtype != _HELD and frame["feature_id"].dtype == _HELD:
        frame.index = pd.Index(frame["feature_id"].array, name=frame.index.name)
    return frame


def canonical_features(gdf: gpd.GeoDataFrame, spec: LayerSpec, *, kind: str, status: str,
                       source: str) -> gpd.GeoDataFrame:
    """An uploaded layer (as stored: original attributes + ``source_id``) in the canonical
    schema, feature ids ``<layer_id>/<source_id>``.  Names come from the analyst's label
    column (:data:`LABEL_COLUMN`), else the usual name columns; a feature with none is called
    by its id."""
    out = pd.DataFrame(index=gdf.index)
    positions = gdf["source_index"] if "source_index" in gdf else range(len(gdf))
    out["feature_id"] = [feature_key(spec.id, sid, idx) for sid, idx in
                         zip(gdf["source_id"], positions, strict=True)]
    out["layer_id"] = spec.id
    names = _first_text(gdf, NAME_ZH_COLUMNS)
    out["name_en"] = _first_text(gdf, NAME_EN_COLUMNS)
    if LABEL_COLUMN in gdf.columns:  # the analyst's label column names it in every language
        names = out["name_en"] = _first_text(gdf, (LABEL_COLUMN,))
    out["name_zh"] = names.where(names != "", out["name_en"])
    out["name_zh"] = out["name_zh"].where(out["name_zh"] != "", "#" + gdf["source_id"].astype(str))
    out["kind"], out["status"], out["source"] = kind, status, source
    out["accuracy_m"] = 0  # unknown: the analyst's source states it
    out["basis"] = "uploaded"
    out["note_zh"], out["note_en"] = "", ""
    out["style"] = gdf["style"].fillna("").astype(str) if "style" in gdf else ""
    res = gpd.GeoDataFrame(held_text(out[list(CANONICAL_COLUMNS)]), geometry=gdf.geometry.values,
                           crs=4326)
    return res.set_index("feature_id", drop=False)
