"""Everything the pages show: the meeting reports, gazetteer, built-in and stored layers, links.

The built-in part is loaded once per process.  Stored (uploaded) layers and stored meeting
reports are read from the layer store and cached by the store's revision, so every session sees
a save at its next rerun and a restart sees everything that was saved.  The first use of a store
seeds it with the built-in 2023 report (:func:`lianghu_map.reports_store.ensure_builtin_report`).

Reports: ``Catalog.reports``, newest first by date, each with its metadata and its clauses as a
:class:`~lianghu_map.meeting.directives.Meeting` (:mod:`lianghu_map.meeting.view`);
``Catalog.meeting`` holds every report's clauses (newest report first) and ``Catalog.links`` is
one link table across all of them.  Clause ids are unique across reports: the built-in report's
keep their curated ids (``modern.3`` …), the others are ``<report id>/<clause id>``.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import date as _date
from functools import cache
from threading import Lock

import geopandas as gpd
import numpy as np
import pandas as pd

from .errors import LianghuError
from .layers import (
    LAYERS,
    SOURCE_COLUMNS,
    LayerSpec,
    canonical_features,
    feature_key,
    held_text,
    load_builtin_features,
)
from .meeting.directives import THEME_BY_KEY, Meeting, load_meeting
from .meeting.gazetteer import Gazetteer, load_gazetteer
from .meeting.links import Evidence, Link, LinkTable, build_links
from .meeting.places import load_place_finder
from .meeting.report import Report
from .meeting.view import clause_ids, meeting_view, report_links
from .places_store import place_finder
from .reports_store import (
    BUILTIN_BODY,
    BUILTIN_DATE,
    BUILTIN_ID,
    BUILTIN_TITLE,
    BUILTIN_TITLE_EN,
    ensure_builtin_report,
)
from .store import LayerRecord, LayerStore, ReportRecord, open_store
from .supersede import MERGE_COLUMNS, Supersession, apply_supersessions, supersedes_of
from .tiles import TILED_LAYER

__all__ = [
    "Catalog",
    "ReportView",
    "builtin_catalog",
    "combined_meeting",
    "date_span",
    "feature_attributes",
    "layer_features",
    "load_catalog",
    "read_layer",
]


@dataclass(frozen=True)
class ReportView:
    """A stored meeting report as the pages show it: metadata and its clauses as a Meeting."""

    id: str  # the store's report id (BUILTIN_ID for the 2023 report)
    date: str  # ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD
    title: str
    body: str
    meeting: Meeting
    source_url: str = ""
    revision: int = 0  # the stored revision (0: not from the store)
    title_en: str = ""  # a curated English title (the built-in report's); else none

    @property
    def clause_count(self) -> int:
        return len(self.meeting.directives)

    @property
    def translated(self) -> bool:
        """Every clause has an English translation (curated or the analyst's)."""
        return all(d.en for d in self.meeting.directives)

    def in_range(self, start: _date | None, end: _date | None) -> bool:
        """The report's date (a year or month: any day of it) falls in [start, end]."""
        first, last = date_span(self.date)
        return (start is None or last >= start) and (end is None or first <= end)


def date_span(value: str) -> tuple[_date, _date]:
    """The first and last day a report date (YYYY, YYYY-MM, YYYY-MM-DD) stands for; an
    unreadable date spans every day (it is never filtered out)."""
    parts = [int(p) for p in value.split("-") if p.isdigit()][:3]
    try:
        if len(parts) == 3:
            day = _date(*parts)
            return day, day
        if len(parts) == 2:
            first = _date(parts[0], parts[1], 1)
            following = _date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
            return first, _date.fromordinal(following.toordinal() - 1)
        if len(parts) == 1:
            return _date(parts[0], 1, 1), _date(parts[0], 12, 31)
    except ValueError:
        pass
    return _date.min, _date.max


def combined_meeting(views: tuple[ReportView, ...]) -> Meeting:
    """Every report's clauses in one Meeting (the first report's text and attribution; every
    report's themes, newest report's first)."""
    if not views:
        return replace(builtin_catalog().meeting, directives=(), attribution="")
    first = views[0].meeting
    themes = {th.key: th for v in views for th in v.meeting.themes if th.key != "context"}
    return replace(first, directives=tuple(d for v in views for d in v.meeting.directives),
                   themes=(*themes.values(), THEME_BY_KEY["context"]))


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
    reports: tuple[ReportView, ...] = ()  # newest first
    broken_reports: dict[str, str] = field(default_factory=dict)  # report title → why skipped
    # stored layer id → (its first row in ``features``, each of its rows' position as stored,
    # or None where they are the stored rows in order): a clicked feature's attributes are read
    # from the store by position (see :func:`feature_attributes`)
    stored_rows: dict[str, tuple[int, np.ndarray | None]] = field(default_factory=dict)

    def layer(self, layer_id: str) -> LayerSpec | None:
        return next((spec for spec in self.layers if spec.id == layer_id), None)

    def report(self, report_id: str) -> ReportView | None:
        return next((r for r in self.reports if r.id == report_id), None)

    def report_of(self, directive_id: str) -> ReportView | None:
        """The report a clause belongs to."""
        return next((r for r in self.reports if r.meeting.get(directive_id) is not None), None)


@cache
def builtin_catalog() -> Catalog:
    meeting, gazetteer, features = load_meeting(), load_gazetteer(), load_builtin_features()
    kinds = dict(zip(features.index, features["kind"], strict=True))
    links = build_links(meeting, gazetteer, kinds, geometries=features.geometry.to_dict())
    view = ReportView(BUILTIN_ID, BUILTIN_DATE, BUILTIN_TITLE, BUILTIN_BODY, meeting,
                      title_en=BUILTIN_TITLE_EN)
    return Catalog(meeting, gazetteer, features, links, reports=(view,))


_CACHE_SIZE = 8
_stored_cache: OrderedDict[tuple[str, str, int], gpd.GeoDataFrame] = OrderedDict()
_catalog_cache: OrderedDict[tuple[str, str], Catalog] = OrderedDict()
_report_cache: OrderedDict[tuple[str, str, int], Report] = OrderedDict()
_seeded: set[str] = set()  # stores (by root) this process has seeded with the built-in report
_lock = Lock()


def _remember(cache: OrderedDict, key: tuple, value):
    with _lock:
        cache[key] = value
        cache.move_to_end(key)
        while len(cache) > _CACHE_SIZE:
            cache.popitem(last=False)
    return value


def read_layer(store: LayerStore, layer_id: str, version: int) -> gpd.GeoDataFrame:
    """A stored layer version as stored (original attributes); treat as read-only.  Cached,
    except a layer delivered in tiles: its attributes as stored were 0.27 GB of the server's
    memory with a million parcels, and the map reads a clicked parcel's from the store."""
    key = (str(getattr(store, "root", "")), layer_id, version)
    hit = _stored_cache.get(key)
    if hit is not None:
        return hit
    gdf = store.read(layer_id, version)
    return gdf if len(gdf) > TILED_LAYER else _remember(_stored_cache, key, gdf)


def _root(store: LayerStore) -> str:
    return str(getattr(store, "root", ""))


def load_catalog(store: LayerStore | None = None) -> Catalog:
    """The catalogue for the store's current revision (default store: the configured one)."""
    base = builtin_catalog()
    try:
        store = store or open_store()
        _seed(store)
        revision = store.revision()
    except LianghuError as err:
        return replace(base, store_error=err)
    key = (_root(store), revision)
    hit = _catalog_cache.get(key)
    if hit is not None:
        return hit
    try:
        cat = _with_stored(base, store)
    except LianghuError as err:
        cat = replace(base, store_error=err)
    return _remember(_catalog_cache, key, cat)


def _seed(store: LayerStore) -> None:
    """On the first use of a store, store the built-in report in it.  A store that cannot be
    written (a read-only database) is read as it is: the catalogue then takes the built-in
    report from the data files (see :func:`_with_stored`)."""
    if _root(store) in _seeded:
        return
    store.revision()  # unreachable: a store error for load_catalog, not a failed seed
    try:
        ensure_builtin_report(store)
    except LianghuError:
        return
    _seeded.add(_root(store))


def _read_report(store: LayerStore, rec: ReportRecord) -> Report:
    key = (_root(store), rec.report_id, rec.revision)
    hit = _report_cache.get(key)
    return hit if hit is not None else _remember(
        _report_cache, key, Report.from_dict(store.get_report(rec.report_id)))


def _stored_reports(store: LayerStore, records: list[ReportRecord]
                    ) -> tuple[list[tuple[ReportView, Report, dict]], dict[str, str]]:
    """Every live report of ``records``: (view, report, clause id → catalogue id); and the
    reports that could not be read (title → why)."""
    out, broken = [], {}
    for rec in records:
        if rec.deleted:
            continue
        try:
            report = _read_report(store, rec)
        except LianghuError as err:
            broken[f"{rec.title} ({rec.report_id})"] = err.detail or str(err)
            continue
        except (ValueError, KeyError, TypeError) as err:  # not a report document
            broken[f"{rec.title} ({rec.report_id})"] = type(err).__name__
            continue
        ids = clause_ids(report, rec.report_id, legacy=rec.report_id == BUILTIN_ID)
        view = ReportView(rec.report_id, rec.date, rec.title, rec.body,
                          meeting_view(report, ids), rec.source_url, rec.revision,
                          BUILTIN_TITLE_EN if (rec.report_id, rec.title) == (BUILTIN_ID,
                                                                             BUILTIN_TITLE)
                          else "")  # an analyst's new title has no curated English
        out.append((view, report, ids))
    return out, broken


def _newest_first(view: ReportView) -> tuple:
    """Sort key (reversed): by the first day of the report's date, then its id."""
    return date_span(view.date)[0], view.date, view.id


def _with_stored(base: Catalog, store: LayerStore) -> Catalog:
    every = store.list_reports(include_deleted=True)
    stored_reports, broken_reports = _stored_reports(store, every)
    builtin_unstored = BUILTIN_ID not in {r.report_id for r in every}
    views = tuple(sorted((*(v for v, _, _ in stored_reports),
                          *(base.reports if builtin_unstored else ())),
                         key=_newest_first, reverse=True))
    meeting = combined_meeting(views)
    records = {r.layer_id: r for r in store.list_layers()}
    specs, loaded, linked, links = [], [], {}, []
    broken: dict[str, str] = {}
    for rec in records.values():
        spec = LayerSpec(rec.layer_id, title_zh=rec.title_zh, title_en=rec.title_en, stored=True,
                         version=rec.current_version, color=rec.color)
        try:
            merge, feats, linked[rec.layer_id] = _load_layer(store, rec, spec)
        except LianghuError as err:  # one broken layer must not take the others down
            broken[f"{rec.title_zh or rec.title_en} ({rec.layer_id})"] = err.detail or str(err)
            continue
        specs.append(spec)
        loaded.append((rec, merge, feats))
    merge = feats = None  # held in ``loaded`` alone: freed once the layers are joined
    # official data in place of indicative built-in shapes (see lianghu_map.supersede)
    builtins, remaining, superseded, moved = apply_supersessions(base.features, loaded)
    # held as the uploaded layers' texts are (layers.held_text), so joining copies no text;
    # held_text again on the whole: the index takes the feature_id column's objects
    frames = [held_text(builtins.copy()), *(held_text(f) for f in remaining.values())]
    stored_rows, start, canonical = {}, len(builtins), {r.layer_id: f for r, _, f in loaded}
    for lid, kept in remaining.items():  # in the order of ``frames``
        every = canonical[lid]
        stored_rows[lid] = (start, None if len(kept) == len(every) else
                            np.flatnonzero(every.index.isin(kept.index)))
        start += len(kept)
    features = (base.features if not loaded else
                held_text(gpd.GeoDataFrame(pd.concat(frames), geometry="geometry", crs=4326)))
    drawn = tuple(s for s in specs if not remaining[s.id].empty)  # all superseding: not drawn
    del frames, canonical, remaining, loaded  # the layers' own frames, now joined in features
    # the reports' links: gazetteer places reach the built-in features (as they always did),
    # an analyst's link may name any feature on the map
    kinds = dict(zip(base.features.index, base.features["kind"], strict=True))
    geometries = base.features.geometry.to_dict()
    finder, unlocated = place_finder(store, load_place_finder()), []  # with analysts' places
    if builtin_unstored:  # never stored (the store cannot be written): today's links
        links, unlocated = list(base.links.links), list(base.links.unlocated)
    for _, report, ids in stored_reports:
        table = report_links(report, finder, ids, kinds, geometries, features.index)
        links += table.links
        unlocated += table.unlocated
    have = {(lk.feature_id, lk.directive_id) for lk in links}
    for lid, key_of in linked.items():
        for lk in records[lid].current.links:
            fid = key_of.get(lk.feature_id)
            fid = moved.get(fid, fid)
            d = meeting.get(lk.directive_id)
            if d is None or fid is None or (fid, d.id) in have:
                continue  # a directive id no longer in the meeting, a dropped feature, a repeat
            have.add((fid, d.id))
            start = d.text_hant.find(lk.evidence) if lk.evidence else -1
            span = (start, start + len(lk.evidence)) if start >= 0 else (0, 0)
            links.append(Link(fid, d.id, (Evidence(lk.evidence if start >= 0 else "", *span,
                                                   f"upload:{lk.origin}"),)))
    live = {lid: rec for lid, rec in records.items() if any(s.id == lid for s in specs)}
    return Catalog(meeting, base.gazetteer, features, LinkTable(links, unlocated),
                   (*LAYERS, *drawn), live, broken=broken, superseded=superseded,
                   reports=views, broken_reports=broken_reports, stored_rows=stored_rows)


def _load_layer(store: LayerStore, rec: LayerRecord, spec: LayerSpec
                ) -> tuple[pd.DataFrame, gpd.GeoDataFrame, dict[str, str]]:
    """A stored layer's data for the merge (the data as stored where it supersedes built-in
    features, else only its source ids), its canonical features, and the catalogue id of each
    feature its links name.  A layer delivered in tiles is not kept as stored (see
    :func:`read_layer`): its attributes are freed here, before the layers are joined."""
    gdf = (read_layer(store, rec.layer_id, rec.current.version)
           if rec.current.feature_count <= TILED_LAYER else  # the columns it needs, no more
           store.read(rec.layer_id, rec.current.version, (*SOURCE_COLUMNS, *MERGE_COLUMNS)))
    feats = canonical_features(gdf, spec, kind=rec.kind, status=rec.status, source=rec.source)
    merge = gdf if supersedes_of(gdf) else gdf[["source_id"]]
    return merge, feats, _linked_keys(gdf, feats, rec.current.links)


def _linked_keys(gdf: gpd.GeoDataFrame, feats: gpd.GeoDataFrame, links) -> dict[str, str]:
    """Source id → catalogue id of the features ``links`` name (a map of every feature was a
    million new strings, 0.2 GB at the catalogue's load with a million parcels)."""
    named = {lk.feature_id for lk in links}
    if not named:
        return {}
    sids = gdf["source_id"].astype(str)
    rows = np.flatnonzero(sids.isin(named).to_numpy())
    return {sids.iat[i]: feats.index[i] for i in rows}


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
    store = store or open_store()
    if sup:
        gdf = read_layer(store, layer_id, rec.current_version)
        found = np.flatnonzero(gdf["source_id"].astype(str).isin(sup.source_ids).to_numpy())
        return _row_attributes(gdf, found[0]) if len(found) else []
    row = _stored_row(cat, layer_id, feature_id)
    if row is not None:  # one row read from the store, checked to be the feature's
        try:
            one = store.read_rows(layer_id, rec.current_version, [row])
        except LianghuError:  # a file not written in order, say: read whole below
            one = None
        if one is not None and _key_of(layer_id, one, 0) == feature_id:
            return _row_attributes(one, 0)
    gdf = read_layer(store, layer_id, rec.current_version)
    # the feature's key names its source id, or its position (see layers.feature_key)
    own = feature_id[len(layer_id) + 1:]
    at = own[1:] if own.startswith("#") else ""
    found = np.flatnonzero((gdf["source_index"] == int(at)) if at.isdigit() else
                           (gdf["source_id"].astype(str) == own).to_numpy())
    found = [i for i in found if _key_of(layer_id, gdf, i) == feature_id]
    return _row_attributes(gdf, found[0]) if found else []


def _stored_row(cat: Catalog, layer_id: str, feature_id: str) -> int | None:
    """The feature's position in its layer as stored, from its row in the catalogue."""
    start, rows = cat.stored_rows.get(layer_id, (None, None))
    at = cat.features.index.get_loc(feature_id) if start is not None else None
    if not isinstance(at, int | np.integer):  # no layer rows known, or ids not unique
        return None
    at -= start
    count = len(rows) if rows is not None else cat.records[layer_id].current.feature_count
    return None if not 0 <= at < count else int(rows[at]) if rows is not None else int(at)


def _key_of(layer_id: str, gdf: gpd.GeoDataFrame, row: int) -> str:
    return feature_key(layer_id, gdf["source_id"].iloc[row], gdf["source_index"].iloc[row])


def _row_attributes(gdf: gpd.GeoDataFrame, row: int) -> list[tuple[str, str]]:
    # one value per column, not a row taken from the frame: a take from a stored layer's
    # columns (arrow, in chunks as read) copied them whole, 0.2 GB with a million parcels
    skip = {gdf.geometry.name, "source_index", "source_id"}
    values = [(str(col), gdf[col].iloc[row]) for col in gdf.columns if col not in skip]
    return [(col, "" if _missing(v) else str(v)) for col, v in values
            if not isinstance(v, list | dict)]


def _missing(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # an array-like value
        return False
