"""The analyst's upload workflow, without Streamlit: ingest → report → links → preview → save.

The Upload page only reads widgets and calls these functions; everything here is testable on
its own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from .auth import Access, require_analyst
from .catalog import Catalog, builtin_catalog
from .errors import Finding, Severity, SupersedeMismatch, SupersedeUnknown
from .framecache import per_frame
from .ingest import IngestOptions, IngestResult, ingest_file
from .layers import LABEL_COLUMN, LAYER_BY_ID, LayerSpec, canonical_features, name_column
from .meeting.suggest import Suggestion, file_links, suggest_links
from .prepared import prepare_soon
from .store import LayerRecord, LayerStore, LinkRecord
from .supersede import (
    SUPERSEDES_COLUMN,
    Candidate,
    family,
    rank_candidates,
    supersedes_of,
    with_supersedes,
)

__all__ = [
    "PREVIEW_LIMIT",
    "UPLOAD_KINDS",
    "Draft",
    "LayerMeta",
    "add_links",
    "attribute_table",
    "delete_layer",
    "findings_frame",
    "identical_layer",
    "label_choices",
    "links_from_table",
    "prepare",
    "preview_features",
    "release_supersessions",
    "restore_layer",
    "revert_layer",
    "save_draft",
    "suggestion_table",
    "supersede_table",
    "supersedes_from_table",
    "title_defaults",
    "with_label",
]

# Kinds an analyst can give a layer (they choose the cartographic style); "other" is neutral.
UPLOAD_KINDS = ("park", "zone", "wetland", "greenway", "ecological_corridor",
                "pocket_park", "water", "metro", "rail", "road", "station", "hub", "heritage",
                "resort", "town_centre", "other")
_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
_ORIGIN_FOR_STORE = {"file": "file", "gazetteer": "suggested", "keyword": "suggested",
                     "analyst": "analyst"}


@dataclass
class Draft:
    """One uploaded file, read and checked, with its link suggestions: not yet saved."""

    result: IngestResult
    suggestions: list[Suggestion] = field(default_factory=list)
    # built-in features each uploaded feature could supersede (by source id), best first
    candidates: dict[str, list[Candidate]] = field(default_factory=dict)
    linked: bool = False  # suggestions and candidates worked out (:func:`add_links`)
    # the preview's canonical frame, kept while what it shows is unchanged: a rerun (a title
    # typed) then reuses what the map derived from it (payload, styles, labels)
    previews: dict = field(default_factory=dict, repr=False)

    @property
    def findings(self) -> list[Finding]:
        return self.result.findings

    @property
    def ok(self) -> bool:
        return self.result.ok


@dataclass(frozen=True)
class LayerMeta:
    title_zh: str
    title_en: str
    kind: str
    status: str
    source: str
    color: str = "#7048e8"
    label_column: str | None = None  # the analyst's label (name) column; None: the detected one


def prepare(name: str, data: bytes, options: IngestOptions, catalog: Catalog,
            progress=None, ingest=ingest_file, links: bool = True) -> Draft:
    """Ingest one file and, if it can be saved (and ``links``), find its directive links
    (:func:`add_links`; the page does that after showing the report).  ``ingest``: how — in
    this process, or :func:`lianghu_map.sandbox.run_ingest` (a worker with budgets) for
    uploads."""
    result = ingest(name, data, options, progress)
    draft = Draft(result)
    if result.ok and result.gdf is not None:  # the file's own links (and their findings)
        draft.suggestions, findings = file_links(result.gdf, catalog.meeting, result.file)
        result.findings.extend(findings)
        if links:
            add_links(draft, catalog)
    return draft


def add_links(draft: Draft, catalog: Catalog) -> Draft:
    """The draft's suggested directive links (after the file's own) and the built-in features
    it could supersede; worked out once."""
    result = draft.result
    if draft.linked or not result.ok or result.gdf is None:
        return draft
    suggested = suggest_links(result.gdf, catalog.meeting, catalog.gazetteer, catalog.links)
    have = {(s.source_id, s.directive_id) for s in draft.suggestions}
    draft.suggestions = draft.suggestions + [s for s in suggested
                                             if (s.source_id, s.directive_id) not in have]
    draft.candidates = rank_candidates(result.gdf, builtin_features(catalog), catalog.gazetteer)
    draft.linked = True
    return draft


def title_defaults(file_name: str) -> tuple[str, str]:
    """The title boxes' pre-fill from a file name, in its own language only: ``(Chinese,
    English)`` — a name with Chinese characters fills the Chinese title, any other name with
    letters the English one (公园.geojson → 公园 / —; parks.geojson → — / parks)."""
    stem = file_name.rsplit(".", 1)[0].strip() if "." in file_name else file_name.strip()
    if _CJK.search(stem):
        return stem, ""
    return ("", stem) if any(ch.isalpha() for ch in stem) else ("", "")


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def identical_layer(draft: Draft, records: Mapping[str, LayerRecord]) -> str | None:
    """A live stored layer whose current version was saved from the same bytes, read the same
    way (same sha256 and the same conversions: datum, CRS …): saving the draft again would
    store an identical copy (a second Save press, a re-upload, another title)."""
    res = draft.result
    for layer_id, rec in records.items():
        cur = rec.current
        if not rec.deleted and cur.sha256 == res.sha256 and \
                tuple(cur.conversions) == tuple(res.conversions):
            return layer_id
    return None


def label_choices(gdf: gpd.GeoDataFrame) -> tuple[list[str], str | None]:
    """The columns an analyst can label the layer's features with (attributes holding text or
    numbers, not the app's own), and the detected name column (the default)."""
    skip = {gdf.geometry.name, "source_id", "source_index", "style", "directive_ids",
            SUPERSEDES_COLUMN, LABEL_COLUMN}
    cols = [str(c) for c in gdf.columns if c not in skip
            and (pd.api.types.is_string_dtype(gdf[c]) or pd.api.types.is_object_dtype(gdf[c])
                 or pd.api.types.is_integer_dtype(gdf[c]))]
    return cols, name_column(gdf.columns)


def with_label(gdf: gpd.GeoDataFrame, column: str | None) -> gpd.GeoDataFrame:
    """``gdf`` with the analyst's label column kept as :data:`LABEL_COLUMN` (its values as
    text), when one is chosen and it is not the detected name column; else as it is.  A file's
    own column of that name is never overwritten."""
    if not column or column not in gdf.columns or column == name_column(gdf.columns) \
            or LABEL_COLUMN in gdf.columns:
        return gdf
    out = gdf.copy()
    out[LABEL_COLUMN] = [None if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)
                         for v in gdf[column]]
    return out


def builtin_features(catalog: Catalog) -> gpd.GeoDataFrame:
    """The built-in features as the catalogue draws them (official where superseded); kept
    while the catalogue's frame lives."""
    feats = catalog.features
    return per_frame(feats, ("builtins",),
                     lambda: feats[feats["layer_id"].isin(list(LAYER_BY_ID))])


def supersede_table(draft: Draft, min_name: float = 0.6, keep: Mapping[str, str] | None = None
                    ) -> pd.DataFrame:
    """One row per uploaded feature (ranked ones): the candidate whose name matches best filled
    in when it matches well enough (``min_name``), else empty, for the analyst to check and
    accept (rows start not accepted, like suggested links): the whole-layer case, matched by
    name.  ``keep`` (source id → built-in id: what the layer being replaced supersedes) starts
    chosen and accepted, so a new version keeps superseding unless the analyst says not."""
    gdf = draft.result.gdf
    names = _feature_names(gdf, draft.candidates) if gdf is not None else {}
    rows = []
    for sid, cands in draft.candidates.items():
        best = max(cands, key=lambda c: (c.name, c.score), default=None)
        kept = (keep or {}).get(sid, "")
        rows.append({
            "accept": bool(kept),
            "feature": sid,
            "name": names.get(sid, ""),
            "supersedes": kept or (best.feature_id if best and best.name >= min_name else ""),
            "score": best.score if best else 0.0,
        })
    return pd.DataFrame(rows, columns=["accept", "feature", "name", "supersedes", "score"])


def supersedes_from_table(table: pd.DataFrame) -> dict[str, str]:
    """Accepted rows with a chosen built-in feature → {source id: built-in id}."""
    return {str(f): str(s).strip() for ok, f, s in
            zip(table["accept"], table["feature"], table["supersedes"], strict=True)
            if bool(ok) and isinstance(s, str) and s.strip()}


def _check_supersedes(gdf: gpd.GeoDataFrame, choices: Mapping[str, str], catalog: Catalog
                      ) -> None:
    builtins = builtin_features(catalog)
    types = dict(zip(gdf["source_id"].astype(str), gdf.geom_type, strict=True))
    for sid, target in choices.items():
        if target not in builtins.index:
            raise SupersedeUnknown(target)
        if sid not in types or family(types[sid]) != family(builtins.geom_type[target]):
            raise SupersedeMismatch(target, feature=sid)


def attribute_table(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """The attributes as the analyst's table shows them (geometry as its type)."""
    out = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    out.insert(0, "geometry_type", gdf.geom_type.to_numpy())
    return out.set_index("source_index")


def findings_frame(findings: list[Finding], lang: str) -> pd.DataFrame:
    """The validation report as a table: severity, where, message (text, not HTML)."""
    rows = sorted(findings, key=lambda f: (_SEVERITY_ORDER[f.severity], f.index or -1))
    return pd.DataFrame({
        "severity": [f.severity.value for f in rows],
        "where": [f.where(lang) for f in rows],
        "message": [f.message(lang) for f in rows],
    })


def _feature_names(gdf: gpd.GeoDataFrame, source_ids) -> dict[str, str]:
    """The names of the features ``source_ids`` (as the map names them); only those rows are
    looked at (a table lists tens of a layer's thousands)."""
    wanted = set(map(str, source_ids))
    sids = gdf["source_id"].astype(str)
    sub = gdf.loc[sids.isin(wanted).to_numpy()]
    spec = LayerSpec("draft", stored=True)
    feats = canonical_features(sub, spec, kind="other", status="existing", source="")
    return dict(zip(sub["source_id"].astype(str), feats["name_zh"], strict=True))


def suggestion_table(draft: Draft, catalog: Catalog, lang: str) -> pd.DataFrame:
    """Suggestions as rows for the analyst to accept, change or reject.  Links the file gives
    itself start accepted; the app's suggestions start unaccepted (the analyst decides)."""
    gdf = draft.result.gdf
    names = (_feature_names(gdf, {s.source_id for s in draft.suggestions})
             if gdf is not None else {})
    rows = []
    for s in draft.suggestions:
        d = catalog.meeting.get(s.directive_id)
        rows.append({
            "accept": s.origin == "file",
            "feature": s.source_id,
            "name": names.get(s.source_id, ""),
            "directive": s.directive_id,
            "label": d.label(lang) if d else "",
            "origin": s.origin,
            "evidence": s.evidence if s.origin == "file" else
            f"{s.evidence} ↔ {s.directive_evidence}",
            "mention": s.directive_evidence,
        })
    columns = ["accept", "feature", "name", "directive", "label", "origin", "evidence", "mention"]
    return pd.DataFrame(rows, columns=columns)


def links_from_table(table: pd.DataFrame, original: pd.DataFrame | None = None
                     ) -> tuple[LinkRecord, ...]:
    """Accepted rows → link records.  A row whose directive the analyst changed is theirs
    ("analyst"), and its mention no longer applies."""
    out: dict[tuple[str, str], LinkRecord] = {}
    for i, row in table.reset_index(drop=True).iterrows():
        if not bool(row["accept"]) or not row["directive"] or not str(row["feature"]):
            continue
        origin = str(row.get("origin") or "analyst")
        mention = str(row.get("mention") or "")
        if original is not None and i < len(original) and \
                original.iloc[i]["directive"] != row["directive"]:
            origin, mention = "analyst", ""
        key = (str(row["feature"]), str(row["directive"]))
        out.setdefault(key, LinkRecord(key[0], key[1], mention,
                                       _ORIGIN_FOR_STORE.get(origin, "analyst")))
    return tuple(out.values())


PREVIEW_LIMIT = 5_000  # features drawn in the preview (the map payload stays small)


def preview_features(draft: Draft, meta: LayerMeta, limit: int = PREVIEW_LIMIT
                     ) -> tuple[LayerSpec, gpd.GeoDataFrame]:
    """The draft as it will look on the map (canonical schema, the layer's colour); at most
    ``limit`` features."""
    spec = LayerSpec("preview", title_zh=meta.title_zh, title_en=meta.title_en, stored=True,
                     color=meta.color)
    key = (meta.kind, meta.status, meta.source, meta.label_column, limit)
    if key not in draft.previews:
        head = with_label(draft.result.gdf.iloc[:limit], meta.label_column)
        draft.previews.clear()
        draft.previews[key] = canonical_features(head, spec, kind=meta.kind, status=meta.status,
                                                 source=meta.source)
    return spec, draft.previews[key]


def save_draft(store: LayerStore, draft: Draft, meta: LayerMeta, links: tuple[LinkRecord, ...],
               user: str, access: Access, replace: str | None = None,
               supersedes: Mapping[str, str] | None = None, catalog: Catalog | None = None
               ) -> LayerRecord:
    """Save as a new layer, or as a new version of ``replace`` (analysts only).  The store
    refuses bad ids and writes atomically; a refused draft (errors in its report) is never
    saved.  ``supersedes`` (source id → built-in feature id, checked against ``catalog``'s
    built-in features) is kept in the saved data: those features replace the built-in shapes
    (:mod:`lianghu_map.supersede`); without it, a file's own ``supersedes`` column is dropped."""
    require_analyst(access)
    user = access.user or user
    if not draft.ok or draft.result.gdf is None:
        raise ValueError("a file with errors in its report cannot be saved")
    res = draft.result
    choices = dict(supersedes or {})
    if choices:
        _check_supersedes(res.gdf, choices, catalog or builtin_catalog())
    gdf = with_label(with_supersedes(res.gdf, choices), meta.label_column)
    common = {"original_name": res.file, "sha256": res.sha256,
              "conversions": tuple(res.conversions), "links": links, "user": user}
    if replace:
        return _prepared(store, store.replace(replace, gdf, **common))
    return _prepared(store, store.create(
        gdf, title_zh=meta.title_zh, title_en=meta.title_en, kind=meta.kind, color=meta.color,
        status=meta.status, source=meta.source, **common))


def _prepared(store: LayerStore, rec: LayerRecord) -> LayerRecord:
    """``rec`` after a write, its new version's map payloads being made in the background
    (a big layer's first view then costs nothing extra, :mod:`lianghu_map.prepared`)."""
    prepare_soon(store, rec.layer_id, rec.current_version)
    return rec


def delete_layer(store: LayerStore, layer_id: str, user: str, access: Access) -> LayerRecord:
    """Soft delete (analysts only): hidden everywhere, every version kept."""
    require_analyst(access)
    return store.delete(layer_id, user=access.user or user)


def restore_layer(store: LayerStore, layer_id: str, user: str, access: Access) -> LayerRecord:
    require_analyst(access)
    return store.restore(layer_id, user=access.user or user)


def release_supersessions(store: LayerStore, layer_id: str, user: str, access: Access
                          ) -> LayerRecord:
    """Bring the indicative shapes back (analysts only): a new version of the layer, the same
    data and links without its ``supersedes`` choices (the upload stays, as a layer of its
    own).  Reverting to the earlier version, or deleting the layer, works too."""
    require_analyst(access)
    rec = store.get(layer_id)
    gdf = store.read(layer_id, rec.current_version)
    if not supersedes_of(gdf):
        return rec
    cur = rec.current
    return _prepared(store, store.replace(layer_id, gdf.drop(columns=[SUPERSEDES_COLUMN]),
                                          original_name=cur.original_name, sha256=cur.sha256,
                                          conversions=cur.conversions, links=cur.links,
                                          user=access.user or user))


def revert_layer(store: LayerStore, layer_id: str, version: int, user: str, access: Access
                 ) -> LayerRecord:
    """Make an old version current again, as a new version (analysts only)."""
    require_analyst(access)
    return _prepared(store, store.revert(layer_id, version, user=access.user or user))
