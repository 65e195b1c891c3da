"""What the map shows for a filter: visible, dimmed-context and focused features, and the fit.

Pure functions over the feature table and the link table; the pages turn widgets into a
:class:`MapFilter` and hand the resulting :class:`MapSelection` to :mod:`lianghu_map.mapview`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import geopandas as gpd
import numpy as np

from .framecache import RECENT, per_frame, recent
from .layers import BASE_LAYER_IDS, LAYERS
from .meeting.directives import Meeting
from .meeting.gazetteer import normalise
from .meeting.links import LinkTable

__all__ = ["MapFilter", "MapSelection", "select"]

ZONE_FEATURE = "zone.lianghu"  # what a clause with no mapped feature shows


@dataclass(frozen=True)
class MapFilter:
    layers: tuple[str, ...] = tuple(spec.id for spec in LAYERS)
    themes: tuple[str, ...] = ()  # empty: every theme
    directive: str | None = None
    statuses: tuple[str, ...] = ()  # empty: every status
    name: str = ""
    scope: tuple[str, ...] | None = None  # the clauses of the chosen reports (None: all)

    @property
    def active(self) -> bool:
        return bool(self.themes or self.directive or self.statuses or self.name.strip()
                    or self.scope is not None)


@dataclass(frozen=True)
class MapSelection:
    shown: tuple[str, ...]  # drawn normally
    context: tuple[str, ...]  # drawn dimmed: base layers and, with a directive, the rest
    focus: tuple[str, ...] = ()  # highlighted: the directive's features
    fit: tuple[str, ...] = ()  # fit the view to these (empty: leave the view alone)

    @cached_property
    def _hash(self) -> int:
        return hash((self.shown, self.context, self.focus, self.fit))

    def __hash__(self) -> int:
        """Hashed once (a selection keys the caches of every run: a million ids each time)."""
        return self._hash

    @cached_property
    def drawn(self) -> tuple[str, ...]:
        return self.context + self.shown + self.focus

    @property
    def matches(self) -> tuple[str, ...]:
        """What the filter or step is about: shown and focused, not the dimmed context."""
        return self.shown + self.focus

    @cached_property
    def counts(self) -> dict[str, int]:
        """Distinct features drawn, shown, in context and in focus (the map's caption): kept
        with the selection, as selections are kept per frame (a million ids took 0.3 s to
        count on every rerun)."""
        return {"drawn": len(set(self.drawn)), "shown": len(set(self.shown)),
                "context": len(set(self.context)), "focus": len(set(self.focus))}

    @property
    def drawn_set(self) -> frozenset[str]:
        """``drawn`` as a set, kept for the last selections used (not with each one)."""
        return recent(self, ("drawn_set",), lambda: frozenset(self.drawn))


def feature_id_set(features) -> frozenset[str]:
    """The ids of a catalogue frame as a set, kept while the frame lives (a URL's view is
    checked against them on every run)."""
    return per_frame(features, ("id_set",), lambda: frozenset(features.index))


_NAME_CHUNK = 50_000  # names normalised at a time (a million at once took 0.27 GB)


def _name_matches(features: gpd.GeoDataFrame, query: str) -> set[str]:
    q = normalise(query.strip())
    found = np.zeros(len(features), dtype=bool)
    for start in range(0, len(features), _NAME_CHUNK):
        part = features.iloc[start:start + _NAME_CHUNK]
        hay = (part["name_zh"] + "\n" + part["name_en"]).map(normalise)
        found[start:start + len(part)] = hay.str.contains(q, regex=False).to_numpy(dtype=bool)
    return set(features.index[found])


def select(
    features: gpd.GeoDataFrame, links: LinkTable, meeting: Meeting, flt: MapFilter
) -> MapSelection:
    """Apply ``flt``.  Order: layers → status and name → report scope and theme → directive.
    Kept per frame and filter (a rerun that changes neither, a click or a pan, costs nothing
    here), for the last :data:`framecache.RECENT` filters used: a million features' selection
    each."""
    return per_frame(features, ("select", flt, id(links), id(meeting)),
                     lambda: _select(features, links, meeting, flt), keep=RECENT)


def _select(
    features: gpd.GeoDataFrame, links: LinkTable, meeting: Meeting, flt: MapFilter
) -> MapSelection:
    in_layers = features[features["layer_id"].isin(flt.layers)]
    candidates = set(in_layers.index)
    if flt.statuses:
        candidates &= set(in_layers.index[in_layers["status"].isin(flt.statuses)])
    if flt.name.strip():
        candidates &= _name_matches(in_layers, flt.name)
    base = set(in_layers.index[in_layers["layer_id"].isin(BASE_LAYER_IDS)])
    scope = None if flt.scope is None else set(flt.scope)
    if flt.themes or scope is not None:
        themed = {
            fid for d in meeting.directives
            if (not flt.themes or d.theme in flt.themes) and (scope is None or d.id in scope)
            for fid in links.features_of(d.id)
        }
        candidates &= themed
    order = list(in_layers.index)  # keep drawing order
    directive = meeting.get(flt.directive) if flt.directive else None
    if directive is None:
        shown = [f for f in order if f in candidates]
        context = [f for f in order if f in base and f not in candidates] if flt.active else []
        fit = shown if flt.active else []
        return MapSelection(tuple(shown), tuple(context), (), tuple(fit))
    linked = set(links.features_of(directive.id))
    focus = [f for f in order if f in linked and f in candidates]
    rest = [f for f in order if f not in linked and (f in candidates or f in base)]
    specific = set(links.features_of(directive.id, specific_first=True))
    fit = [f for f in focus if f in specific] or focus
    if not fit and ZONE_FEATURE in features.index:
        fit = [ZONE_FEATURE]
    return MapSelection((), tuple(rest), tuple(focus), tuple(fit))
