"""Official data replaces indicative geometry: an uploaded feature SUPERSEDES a built-in one.

The choice is data, kept with the upload: a stored feature whose ``supersedes`` attribute names
a built-in feature id takes that feature's place in the catalogue.  The built-in feature keeps
its id, layer, kind, names and links (so every filter, Present step, clause and export still
finds it); its geometry, source, accuracy and basis come from the upload, its basis becomes
``official`` (no "indicative" badge) and its note says who uploaded it and when.  The uploaded
feature is not drawn a second time.

Because the choice lives in the stored layer's data, it is versioned, audited and reversible by
the store's own operations on either backend (no schema change): deleting the layer, reverting
it to a version without the choice, or saving a version that drops it brings the indicative
shape back.

Suggestions rank the built-in features an uploaded feature could supersede by name similarity
(繁/简/English names and the gazetteer's aliases) and geometric overlap (IoU for areas, buffered
overlap for lines, distance for points), features of the same geometry family only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher

import geopandas as gpd
import pandas as pd
from shapely import unary_union
from shapely.geometry.base import BaseGeometry

from .crs import METRIC_CRS, project
from .framecache import per_frame
from .i18n import t
from .layers import NAME_EN_COLUMNS, NAME_ZH_COLUMNS
from .meeting.gazetteer import Gazetteer, normalise
from .store import LayerRecord

__all__ = [
    "OFFICIAL",
    "SUPERSEDES_COLUMN",
    "SUPERSEDE_LIMIT",
    "Candidate",
    "Supersession",
    "apply_supersessions",
    "family",
    "geometry_overlap",
    "name_similarity",
    "rank_candidates",
    "supersedes_of",
    "with_supersedes",
]

SUPERSEDES_COLUMN = "supersedes"  # per stored feature: the built-in feature id it replaces
MERGE_COLUMNS = ("source_id", SUPERSEDES_COLUMN, "accuracy_m")  # what the merge reads, and geometry
OFFICIAL = "official"  # the basis of a built-in feature whose geometry came from an upload
SUPERSEDE_LIMIT = 200  # uploaded features ranked (whole networks are tens, not thousands)
MIN_SCORE = 0.2  # candidates below this are not suggested
_NAME_WEIGHT = 0.5
_MIN_ALIAS = 3  # gazetteer aliases shorter than this are too generic to compare (全區, 區內)
_NUMBER = re.compile(r"\d+")


def family(geom_type: str) -> str:
    """``polygon`` | ``line`` | ``point`` (multi-parts in their family), else ``""``."""
    g = (geom_type or "").removeprefix("Multi")
    return {"Polygon": "polygon", "LineString": "line", "Point": "point"}.get(g, "")


# -- ranking ---------------------------------------------------------------------------------

def _norm(text: str) -> str:
    return "".join(ch for ch in normalise(text or "") if ch.isalnum())


def name_similarity(name: str, names: Iterable[str]) -> float:
    """0–1: how well ``name`` matches the best of ``names`` (script- and case-insensitive;
    a whole name inside the other scores at least 0.6, more the more of it it covers; names of
    fewer than three letters count for less, names with different numbers much less)."""
    return _similarity(_norm(name), [_norm(other) for other in names])


def _similarity(a: str, others: Iterable[str], floor: float = 0.0,
                matchers: dict[str, SequenceMatcher] | None = None) -> float:
    """:func:`name_similarity` of names already normalised (:func:`_norm`).  A pair that
    cannot beat the best so far, nor reach ``floor``, is not compared in full (upper bounds:
    the lengths, then difflib's ``quick_ratio``): the result is exact when it is at least
    ``floor``, else some value below ``floor``.  ``matchers``: one per other name, reused."""
    best = 0.0
    numbers_a = _NUMBER.findall(a)
    for b in others:
        if not a or not b:
            continue
        short, long_ = sorted((a, b), key=len)
        factor = min(1.0, len(short) / _MIN_ALIAS)  # two characters say little (區內, 中軸)
        numbers_b = _NUMBER.findall(b)
        if numbers_a and numbers_b and numbers_a != numbers_b:
            factor *= 0.3  # 1號線 is not 6號線, S1 is not S2
        contained = len(short) >= _MIN_ALIAS and short in long_
        bound = factor * (1.0 if contained else 2 * len(short) / (len(a) + len(b)))
        if bound <= best or bound < floor:
            continue
        sm = matchers.get(b) if matchers is not None else None
        if sm is None:
            sm = SequenceMatcher(None, "", b)
            if matchers is not None:
                matchers[b] = sm
        sm.set_seq1(a)
        if not contained and factor * sm.quick_ratio() < max(best, floor):
            continue
        score = sm.ratio()
        if contained:
            score = max(score, 0.6 + 0.4 * len(short) / len(long_))
        best = max(best, score * factor)
    return best


def geometry_overlap(a: BaseGeometry, b: BaseGeometry, tolerance_m: float = 300.0) -> float:
    """0–1 overlap of two geometries of one family, both in a metric CRS: IoU for areas; for
    lines the mean share of each inside the other buffered by ``tolerance_m``; for points
    1 at the same place falling to 0 at three tolerances."""
    if a is None or b is None or a.is_empty or b.is_empty:
        return 0.0
    fam = family(a.geom_type)
    if fam != family(b.geom_type):
        return 0.0
    if fam == "polygon":
        inter = a.intersection(b).area
        union = a.area + b.area - inter
        return float(inter / union) if union > 0 else 0.0
    if fam == "line":
        shares = [x.intersection(y.buffer(tolerance_m, 2)).length / x.length
                  for x, y in ((a, b), (b, a)) if x.length]
        return float(sum(shares) / 2) if len(shares) == 2 else 0.0
    return max(0.0, 1.0 - a.distance(b) / (3 * tolerance_m))


@dataclass(frozen=True)
class Candidate:
    """A built-in feature an uploaded feature could supersede, and why."""

    feature_id: str
    score: float  # what the ranking sorts by
    name: float  # name similarity, 0–1
    overlap: float  # geometric overlap, 0–1


def _names(gdf: gpd.GeoDataFrame) -> list[list[str]]:
    cols = [c for c in (*NAME_ZH_COLUMNS, *NAME_EN_COLUMNS) if c in gdf.columns]
    return [[str(v) for v in row if isinstance(v, str) and v.strip()]
            for row in gdf[cols].itertuples(index=False)] if cols else [[] for _ in range(len(gdf))]


def _builtin_names(builtins: gpd.GeoDataFrame, gazetteer: Gazetteer | None
                   ) -> dict[str, list[str]]:
    """Normalised names of each built-in feature: its own and its gazetteer aliases (of places
    that stand for it alone, three letters or more)."""
    out = {fid: [n for n in (_norm(zh), _norm(en)) if n]
           for fid, zh, en in zip(builtins.index, builtins["name_zh"], builtins["name_en"],
                                  strict=True)}
    for place in (gazetteer.places.values() if gazetteer else ()):
        if len(place.features) == 1 and place.features[0] in out:
            aliases = (_norm(n) for n in (*place.names, *place.en))
            out[place.features[0]] += [n for n in aliases if len(n) >= _MIN_ALIAS]
    return {fid: list(dict.fromkeys(names)) for fid, names in out.items()}


def _prepared(builtins: gpd.GeoDataFrame, gazetteer: Gazetteer | None):
    """(normalised names by id, per geometry family (id, metric geometry, tolerance, the box
    beyond which nothing overlaps)) of the built-in features."""
    by_family: dict[str, list[tuple[str, BaseGeometry, float, tuple[float, ...]]]] = {}
    for fid, geom, acc in zip(builtins.index, project(builtins.geometry, METRIC_CRS),
                              builtins["accuracy_m"], strict=True):
        if geom is not None and not geom.is_empty:
            tol = max(float(acc or 0), 300.0)
            box = geom.buffer(3 * tol, 1).bounds
            by_family.setdefault(family(geom.geom_type), []).append((fid, geom, tol, box))
    return _builtin_names(builtins, gazetteer), by_family


def rank_candidates(gdf: gpd.GeoDataFrame, builtins: gpd.GeoDataFrame,
                    gazetteer: Gazetteer | None = None, limit: int = 5
                    ) -> dict[str, list[Candidate]]:
    """Per uploaded feature (by ``source_id``; the first :data:`SUPERSEDE_LIMIT`), the built-in
    features of its geometry family it could supersede, best first, at most ``limit``."""
    sub = gdf.iloc[:SUPERSEDE_LIMIT]
    names = [[_norm(n) for n in own] for own in _names(sub)]
    metric = project(sub.geometry, METRIC_CRS)
    base_names, by_family = per_frame(builtins, ("supersede", id(gazetteer)),
                                      lambda: _prepared(builtins, gazetteer))
    out: dict[str, list[Candidate]] = {}
    matchers: dict[str, SequenceMatcher] = {}
    for sid, geom, own in zip(sub["source_id"].astype(str), metric, names, strict=True):
        if geom is None or geom.is_empty:
            out[sid] = []
            continue
        x0, y0, x1, y1 = geom.bounds
        found = []
        for fid, base, tol, (bx0, by0, bx1, by1) in by_family.get(family(geom.geom_type), ()):
            near = x0 <= bx1 and bx0 <= x1 and y0 <= by1 and by0 <= y1
            overlap = geometry_overlap(geom, base, tol) if near else 0.0
            # (a name too unlike to lift the score to MIN_SCORE is not worked out exactly)
            floor = (MIN_SCORE - (1 - _NAME_WEIGHT) * overlap) / _NAME_WEIGHT
            name = max((_similarity(n, base_names[fid], floor, matchers) for n in own),
                       default=0.0)
            score = _NAME_WEIGHT * name + (1 - _NAME_WEIGHT) * overlap
            if score >= MIN_SCORE:
                found.append(Candidate(fid, round(score, 3), round(name, 3), round(overlap, 3)))
        out[sid] = sorted(found, key=lambda c: (-c.score, c.feature_id))[:limit]
    return out


# -- the choice, kept in the stored data -----------------------------------------------------

def with_supersedes(gdf: gpd.GeoDataFrame, choices: Mapping[str, str]) -> gpd.GeoDataFrame:
    """``gdf`` (as ingested) with the analyst's choices (source id → built-in id) in its
    :data:`SUPERSEDES_COLUMN`; a file's own column of that name is replaced by the choices."""
    out = gdf.copy()
    if not choices:
        return out.drop(columns=[SUPERSEDES_COLUMN], errors="ignore")
    out[SUPERSEDES_COLUMN] = [choices.get(str(sid), "") for sid in out["source_id"]]
    return out


def supersedes_of(gdf: gpd.GeoDataFrame) -> dict[str, str]:
    """The choices kept in a stored layer: source id → built-in id (non-empty only)."""
    if SUPERSEDES_COLUMN not in gdf.columns:
        return {}
    return {str(sid): str(v).strip() for sid, v in zip(gdf["source_id"], gdf[SUPERSEDES_COLUMN],
                                                       strict=True)
            if isinstance(v, str) and v.strip()}


# -- the catalogue merge ---------------------------------------------------------------------

@dataclass(frozen=True)
class Supersession:
    """A built-in feature whose geometry now comes from a stored layer."""

    feature_id: str  # the built-in feature
    layer_id: str  # the stored layer
    version: int
    source_ids: tuple[str, ...]  # the stored features (their parts are joined)
    source: str
    at: str  # ISO 8601 time of the stored version
    by: str
    title_zh: str
    title_en: str
    original_name: str

    @property
    def date(self) -> str:
        return self.at[:10]


def _official_row(row: pd.Series, sup: Supersession, status: str, accuracy: int,
                  geom: BaseGeometry) -> pd.Series:
    row = row.copy()
    values = {"layer": sup.layer_id, "version": sup.version, "date": sup.date, "by": sup.by,
              "file": sup.original_name}
    row["geometry"] = geom
    row["source"] = f"{sup.source} ({sup.date})"  # the date it became official, ISO
    row["accuracy_m"] = accuracy
    row["basis"] = OFFICIAL
    row["status"] = status if row["status"] == "indicative" else row["status"]
    row["note_zh"] = t("official.note", "zh-Hant", **values)
    row["note_en"] = t("official.note", "en", **values)
    row["style"] = ""
    return row


def _accuracy(rows: gpd.GeoDataFrame) -> int:
    if "accuracy_m" not in rows.columns:  # see MERGE_COLUMNS
        return 0
    values = pd.to_numeric(rows["accuracy_m"], errors="coerce").dropna()
    values = values[values > 0]
    return int(values.max()) if len(values) else 0


def apply_supersessions(
    builtins: gpd.GeoDataFrame,
    stored: Iterable[tuple[LayerRecord, pd.DataFrame, gpd.GeoDataFrame]],
) -> tuple[gpd.GeoDataFrame, dict[str, gpd.GeoDataFrame], dict[str, Supersession],
           dict[str, str]]:
    """Merge stored layers' supersessions into the built-in features.

    ``stored``: per live layer (record, data as stored — or only its ``source_id`` column where
    it supersedes nothing — and canonical features in the same order).
    Returns (built-in features with the superseded rows replaced, each layer's canonical features
    without the rows now drawn as built-ins, supersessions by built-in id, stored feature key →
    built-in id).  Where two layers supersede one feature the most recently saved wins; the other
    is drawn as its own feature.  A choice naming no built-in feature is ignored (drawn as its
    own)."""
    stored = list(stored)
    winner: dict[str, tuple[str, LayerRecord]] = {}  # built-in id → (created_at, record)
    for rec, gdf, _ in stored:
        for target in set(supersedes_of(gdf).values()):
            if target in builtins.index:
                prev = winner.get(target)
                if prev is None or rec.current.created_at >= prev[0]:
                    winner[target] = (rec.current.created_at, rec)
    if not winner:
        return builtins, {rec.layer_id: feats for rec, _, feats in stored}, {}, {}
    out = builtins.copy()
    remaining: dict[str, gpd.GeoDataFrame] = {}
    sups: dict[str, Supersession] = {}
    moved: dict[str, str] = {}
    for rec, gdf, feats in stored:
        choice = supersedes_of(gdf)
        sids = gdf["source_id"].astype(str).to_numpy()
        won = [str(sid) in choice and winner.get(choice[str(sid)], ("", None))[1] is rec
               for sid in sids]
        remaining[rec.layer_id] = feats[[not w for w in won]]
        by_target: dict[str, list[int]] = {}
        for i, (sid, w) in enumerate(zip(sids, won, strict=True)):
            if w:
                by_target.setdefault(choice[str(sid)], []).append(i)
                moved[feats.index[i]] = choice[str(sid)]
        cur = rec.current
        for target, rows in by_target.items():
            part = gdf.iloc[rows]
            geoms = [g for g in part.geometry if g is not None and not g.is_empty]
            geom = geoms[0] if len(geoms) == 1 else unary_union(geoms)
            sup = Supersession(target, rec.layer_id, cur.version,
                               tuple(str(s) for s in part["source_id"]), rec.source,
                               cur.created_at, cur.created_by, rec.title_zh, rec.title_en,
                               cur.original_name)
            sups[target] = sup
            out.loc[target] = _official_row(out.loc[target], sup, rec.status, _accuracy(part),
                                            geom)
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=builtins.crs)
    return out, remaining, sups, moved
