"""The attribute table of what the map shows: one row per visible feature.

:func:`visible_table` builds it (names in the UI language, layer, kind, status, how the feature
is drawn now, the clauses that mention it, area and length in the metric CRS, accuracy and
source); :func:`filter_table` narrows it by a free-text query over every column.  The page
shows it with Streamlit's sortable table and downloads exactly its rows.
"""

from __future__ import annotations

import unicodedata

import geopandas as gpd
import pandas as pd

from .framecache import RECENT, per_frame
from .i18n import kind_label, status_label, t, zh
from .layers import LayerSpec, order_names
from .meeting.gazetteer import normalise
from .meeting.links import LinkTable
from .selection import MapSelection

__all__ = ["TABLE_COLUMNS", "filter_table", "table_ids", "visible_table"]

# column key -> UI string key
TABLE_COLUMNS = {
    "name": "table.col.name",
    "name_other": "table.col.name_other",
    "layer": "table.col.layer",
    "kind": "table.col.kind",
    "status": "table.col.status",
    "drawn": "table.col.drawn",
    "clauses": "table.col.clauses",
    "area_km2": "table.col.area_km2",
    "length_km": "table.col.length_km",
    "accuracy_m": "table.col.accuracy_m",
    "source": "table.col.source",
}


def table_ids(selection: MapSelection) -> list[str]:
    """The visible features: every feature drawn on the map (dimmed context too), in drawing
    order, each once."""
    return list(dict.fromkeys(selection.drawn))


def visible_table(
    features: gpd.GeoDataFrame,
    selection: MapSelection,
    links: LinkTable,
    measures: pd.DataFrame,
    lang: str,
    layers: tuple[LayerSpec, ...],
) -> pd.DataFrame:
    """One row per visible feature (index: feature id); columns :data:`TABLE_COLUMNS` keys.
    ``measures``: area_km2 and length_km per feature id (:func:`analysis.feature_measures`).
    Kept per frame, selection and language (shared: do not modify it)."""
    key = ("table", lang, selection, id(links), id(measures),
           tuple((spec.id, spec.label(lang)) for spec in layers))
    return per_frame(features, key, lambda: _table(features, selection, links, measures, lang,
                                                   layers), keep=RECENT)


def _table(features, selection, links, measures, lang, layers) -> pd.DataFrame:
    ids = [f for f in table_ids(selection) if f in features.index]
    sub = features.loc[ids]
    state = dict.fromkeys(selection.context, "context")
    state.update(dict.fromkeys(selection.shown, "normal"))
    state.update(dict.fromkeys(selection.focus, "focus"))
    drawn_label = {s: t(f"table.drawn.{s}", lang) for s in ("normal", "context", "focus")}
    labels = {spec.id: spec.label(lang) for spec in layers}
    to_zh = _memo(lambda n: zh(n, lang))
    names = [order_names(to_zh(a), b, lang) for a, b in zip(sub["name_zh"], sub["name_en"],
                                                       strict=True)]
    measured = measures.reindex(sub.index).fillna(0.0)
    table = pd.DataFrame({
        "name": [n[0] for n in names],
        "name_other": [n[1] for n in names],
        "layer": sub["layer_id"].map(lambda i: labels.get(i, i)),
        "kind": sub["kind"].map(_memo(lambda k: kind_label(k, lang))),
        "status": sub["status"].map(_memo(lambda s: status_label(s, lang))),
        "drawn": [drawn_label[state[f]] for f in sub.index],
        "clauses": [len(links.directives_of(f)) for f in sub.index],
        "area_km2": measured["area_km2"].round(3) if len(sub) else [],
        "length_km": measured["length_km"].round(3) if len(sub) else [],
        "accuracy_m": pd.to_numeric(sub["accuracy_m"], errors="coerce"),
        "source": sub["source"].fillna("").astype(str),
    }, index=pd.Index(sub.index, name="feature_id"))
    return table[list(TABLE_COLUMNS)]


def _memo(fn):
    """``fn`` remembered per value (a column has few distinct kinds and statuses)."""
    seen: dict = {}
    return lambda v: seen[v] if v in seen else seen.setdefault(v, fn(v))


def filter_table(table: pd.DataFrame, query: str) -> pd.DataFrame:
    """Rows of ``table`` with ``query`` in some column or the feature id (case-, width- and
    script-insensitive: 简/繁 match each other)."""
    q = _fold(query.strip())
    if not q:
        return table
    text = table.index.to_series().astype(str)
    for column in table.columns:
        text = text + "\n" + table[column].astype(object).fillna("").astype(str)
    return table[text.map(_fold).str.contains(q, regex=False)]


def _fold(text: str) -> str:
    """简体, lower case, full-width forms folded (／ → /, ｈ → h)."""
    return normalise(unicodedata.normalize("NFKC", text))
