"""A meeting report as the analyst adds it: :func:`prepare_report` and the :class:`Report` model.

``prepare_report(text, meta, finder, decisions)`` runs, from the original text every time:

1. clean (:mod:`.cleaning`): reading aids, widths; junk and suspected mojibake *flagged*;
2. keep: the analyst's decisions applied (accepted junk removed, accepted repairs applied —
   nothing flagged changes without a decision);
3. split (:mod:`.clauses`) into clauses with stable ids, then the analyst's merges;
4. link (:mod:`.places`): each clause's place mentions with their evidence, minus the links the
   analyst removed, plus the ones they added; unmatched candidate names listed;
5. themes (:mod:`.themes`): the six 2023 themes by rule, or the document's headings; the
   analyst's assignments win.

The analyst's edits (:meth:`Report.decide`, :meth:`Report.set_theme` …) return a new report
prepared again from the original with the decisions so far; so does :meth:`Report.relink` after
the gazetteer grows.  ``to_dict``/``from_dict`` give the JSON form stored by the report store::

    {"schema": 1,
     "meta": {"id", "date", "title", "body", "kind", "source_url"},
     "original": str, "cleaned": str, "kept": str,
     "reading_aids_removed": int, "widths_normalised": int,
     "flags": [{"id", "kind": navigation|byline|garbled, "start", "end", "text", "suggestion",
                "reason"}],                                     # offsets in "cleaned"
     "decisions": {"flags": {flag id: accept|reject}, "repairs": {flag id: text},
                   "merges": [[clause id, …]], "themes": {clause id: theme key},
                   "theme_mode": default|headings, "heading_level": int|null,
                   "links_removed": [link id], "links_added": [{"clause_id", "evidence", "within",
                   "place_id", "feature_ids", "mention", "note_zh", "note_en"}],
                   "annotations": {clause id: {"en", "label_zh", "label_en", "legacy_id"}}},
     "clauses": [{"id", "start", "end", "text", "tail", "kind": heading|sentence|part,
                  "paragraph", "level", "marker", "section"}],  # offsets in "kept"
     "themes": [{"key", "en", "slug"}], "clause_themes": {clause id: [theme key, rule]},
     "links": [{"id", "clause_id", "start", "end", "text", "place_id", "feature_ids", "mention",
                "origin": gazetteer|analyst, "form": name|short|analyst, "note_zh", "note_en"}],
     "candidates": [[text, start, end]], "repairs": [[flag id, start, end]],
     "stale": ["theme:<clause id>" | "merge:<id>+<id>" | "link:<clause id>:<evidence>"]}

Only ``original``, ``meta`` and ``decisions`` are needed to prepare the report again; the rest is
what they yield, stored so a reader needs no gazetteer.
"""

from __future__ import annotations

import hashlib
import itertools
import time
from collections.abc import Container, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .clauses import Clause, merge_clauses, split_clauses
from .cleaning import Flag, apply_flags, clean_report_text, kept_offset
from .links import Evidence, Link, LinkTable, Unlocated, place_features
from .places import Candidate, PlaceFinder
from .themes import (
    CONTEXT,
    DEFAULT_THEMES,
    Theme,
    assign_themes,
    heading_themes,
    themes_from_headings,
)

__all__ = ["SCHEMA", "Decisions", "Report", "ReportLink", "ReportMeta", "prepare_report"]

SCHEMA = 1  # version of the to_dict form


@dataclass(frozen=True)
class ReportMeta:
    id: str  # stable report id ("2023-lianghu-seminar" …); "" → derived from date and title
    date: str  # ISO date of the meeting (YYYY-MM-DD)
    title: str
    body: str = ""  # the meeting body / kind (指挥部会议, 推进大会 …)
    kind: str = ""
    source_url: str = ""

    def resolved_id(self) -> str:
        if self.id:
            return self.id
        digest = hashlib.sha1(f"{self.date}\n{self.title}".encode()).hexdigest()[:8]
        return f"{self.date}-{digest}"


@dataclass(frozen=True)
class ReportLink:
    """A clause's link to a place (gazetteer) or straight to features (analyst), with evidence."""

    id: str  # stable: clause, target and evidence position
    clause_id: str
    start: int  # evidence span in the kept text
    end: int
    text: str
    place_id: str = ""
    feature_ids: tuple[str, ...] = ()  # analyst links to features (built-in or uploaded)
    mention: str = "named"  # "named" | "generic"
    origin: str = "gazetteer"  # "gazetteer" | "analyst"
    form: str = "name"  # "name" | "short" | "analyst"
    note_zh: str = ""
    note_en: str = ""

    def to_dict(self) -> dict:
        return {"id": self.id, "clause_id": self.clause_id, "start": self.start,
                "end": self.end, "text": self.text, "place_id": self.place_id,
                "feature_ids": list(self.feature_ids), "mention": self.mention,
                "origin": self.origin, "form": self.form, "note_zh": self.note_zh,
                "note_en": self.note_en}

    @classmethod
    def from_dict(cls, d: dict) -> ReportLink:
        return cls(**{**d, "feature_ids": tuple(d.get("feature_ids", ()))})


@dataclass(frozen=True)
class Decisions:
    """Everything the analyst decided; applied to the original on every preparation."""

    flags: Mapping[str, str] = field(default_factory=dict)  # flag id → "accept" | "reject"
    repairs: Mapping[str, str] = field(default_factory=dict)  # garbled flag id → its repair
    merges: tuple[tuple[str, ...], ...] = ()  # clause id groups, applied in order
    themes: Mapping[str, str] = field(default_factory=dict)  # clause id → theme key
    theme_mode: str = "default"  # "default" (the six) | "headings" (the document's own)
    heading_level: int | None = None
    links_removed: tuple[str, ...] = ()  # ReportLink ids
    links_added: tuple[Mapping[str, Any], ...] = ()  # see Report.add_link
    annotations: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # clause id →
    # {"en": translation, "label_zh", "label_en", "legacy_id"} where the analyst supplies them

    def to_dict(self) -> dict:
        return {"flags": dict(self.flags), "repairs": dict(self.repairs),
                "merges": [list(g) for g in self.merges], "themes": dict(self.themes),
                "theme_mode": self.theme_mode, "heading_level": self.heading_level,
                "links_removed": list(self.links_removed),
                "links_added": [dict(a) for a in self.links_added],
                "annotations": {k: dict(v) for k, v in self.annotations.items()}}

    @classmethod
    def from_dict(cls, d: dict) -> Decisions:
        return cls(dict(d.get("flags", {})), dict(d.get("repairs", {})),
                   tuple(tuple(g) for g in d.get("merges", ())), dict(d.get("themes", {})),
                   d.get("theme_mode", "default"), d.get("heading_level"),
                   tuple(d.get("links_removed", ())), tuple(d.get("links_added", ())),
                   dict(d.get("annotations", {})))


@dataclass(frozen=True)
class Report:
    meta: ReportMeta
    original: str  # the text as given, never changed
    cleaned: str  # reading aids removed, widths normalised (flags point here)
    kept: str  # cleaned with the analyst's decisions applied (clauses point here)
    reading_aids_removed: int
    widths_normalised: int
    flags: tuple[Flag, ...]
    decisions: Decisions
    clauses: tuple[Clause, ...]
    themes: tuple[Theme, ...]
    clause_themes: Mapping[str, tuple[str, str]]  # clause id → (theme key, rule)
    links: tuple[ReportLink, ...]
    candidates: tuple[Candidate, ...]  # offsets in the kept text
    repairs: tuple[tuple[str, int, int], ...] = ()  # (flag id, start, end) in the kept text
    stale: tuple[str, ...] = ()  # decisions that no longer apply ("theme:<clause id>" …)
    timings: Mapping[str, float] = field(default_factory=dict, compare=False)

    @property
    def id(self) -> str:
        return self.meta.resolved_id()

    @property
    def byline(self) -> str:
        return " ".join(f.text for f in self.flags if f.kind == "byline")

    def clause(self, clause_id: str) -> Clause | None:
        return next((c for c in self.clauses if c.id == clause_id), None)

    def theme_of(self, clause_id: str) -> str:
        return self.clause_themes.get(clause_id, (CONTEXT, "default"))[0]

    def links_of(self, clause_id: str) -> list[ReportLink]:
        return [lk for lk in self.links if lk.clause_id == clause_id]

    def pending_flags(self) -> list[Flag]:
        return [f for f in self.flags if f.id not in self.decisions.flags]

    # -- the analyst's edits (each returns a new report)
    def revise(self, finder: PlaceFinder, **changes: Any) -> Report:
        return prepare_report(self.original, self.meta, finder,
                              replace(self.decisions, **changes))

    def decide(self, finder: PlaceFinder, flag_id: str, accept: bool,
               repair: str | None = None) -> Report:
        """Accept (remove junk / apply the repair) or reject a flag."""
        flag = next((f for f in self.flags if f.id == flag_id), None)
        if flag is None:
            raise KeyError(f"no flag {flag_id!r}")
        repairs = dict(self.decisions.repairs)
        if accept and flag.kind == "garbled":
            repairs[flag_id] = flag.suggestion if repair is None else repair
        else:
            repairs.pop(flag_id, None)
        flags = {**self.decisions.flags, flag_id: "accept" if accept else "reject"}
        return self.revise(finder, flags=flags, repairs=repairs)

    def set_theme(self, finder: PlaceFinder, clause_id: str, theme: str, *,
                  relink: bool = True) -> Report:
        """``relink=False``: only the decision and the clause's theme change — for a report
        :func:`prepare_report` made with ``finder``, the same report, without cleaning,
        splitting and linking the text again."""
        if theme not in {t.key for t in self.themes} | {CONTEXT}:
            raise KeyError(f"no theme {theme!r}")
        themes = {**self.decisions.themes, clause_id: theme}
        if not relink and clause_id in self.clause_themes:
            return replace(self, decisions=replace(self.decisions, themes=themes),
                           clause_themes={**self.clause_themes, clause_id: (theme, "analyst")})
        return self.revise(finder, themes=themes)

    def use_headings_as_themes(self, finder: PlaceFinder, level: int | None = None) -> Report:
        return self.revise(finder, theme_mode="headings", heading_level=level, themes={})

    def merge(self, finder: PlaceFinder, clause_ids: tuple[str, ...]) -> Report:
        merge_clauses(self.kept, self.clauses, clause_ids)  # raises unless consecutive
        return self.revise(finder, merges=(*self.decisions.merges, tuple(clause_ids)))

    def remove_link(self, finder: PlaceFinder, link_id: str, *, relink: bool = True) -> Report:
        """``relink=False``: as :meth:`set_theme` (only the gazetteer's links are removed by a
        decision, as :func:`prepare_report` does)."""
        removed = (*self.decisions.links_removed, link_id)
        if not relink:
            return replace(self, decisions=replace(self.decisions, links_removed=removed),
                           links=tuple(lk for lk in self.links
                                       if lk.id != link_id or lk.origin == "analyst"))
        return self.revise(finder, links_removed=removed)

    def add_link(self, finder: PlaceFinder, clause_id: str, evidence: str, *,
                 place_id: str = "", feature_ids: tuple[str, ...] = (), within: str = "",
                 mention: str = "named", note_zh: str = "", note_en: str = "") -> Report:
        """Link ``evidence`` (text in the clause; ``within`` a longer phrase that picks the
        occurrence) to a gazetteer place or straight to features."""
        entry = {"clause_id": clause_id, "evidence": evidence, "within": within,
                 "place_id": place_id, "feature_ids": list(feature_ids), "mention": mention,
                 "note_zh": note_zh, "note_en": note_en}
        _locate(self, entry)  # raises if the evidence is not in the clause
        return self.revise(finder, links_added=(*self.decisions.links_added, entry))

    def relink(self, finder: PlaceFinder) -> Report:
        """Prepared again with ``finder`` (after the gazetteer grew)."""
        return self.revise(finder)

    # -- features
    def link_table(self, gazetteer_finder: PlaceFinder, feature_kinds: Mapping[str, str],
                   geometries: Mapping[str, object] | None = None,
                   known: Container[str] = frozenset()) -> LinkTable:
        """The report's links as feature ↔ clause links (``directive_id`` = clause id).
        ``feature_kinds``: the features a gazetteer place may reach (by name or kind);
        ``known``: other features a link may name by id."""
        gaz = gazetteer_finder.gazetteer
        links, unlocated = [], []
        for lk in self.links:
            c = self.clause(lk.clause_id)
            rel = (lk.start - c.start, lk.end - c.start)
            if lk.place_id:
                place = gaz.places[lk.place_id]
                mentions = place_features(place, feature_kinds, geometries, known)
                for fid, mention in mentions.items():
                    links.append(Link(fid, c.id, (Evidence(
                        lk.text, *rel, "gazetteer" if lk.origin == "gazetteer" else "curated",
                        place.id, mention, place.area, lk.note_zh, lk.note_en),)))
                if not mentions:
                    unlocated.append(Unlocated(c.id, place.id, lk.text, *rel,
                                               place.unlocated_zh, place.unlocated_en))
            for fid in lk.feature_ids:
                if fid not in feature_kinds and fid not in known:
                    raise ValueError(f"link {lk.id} names unknown feature {fid!r}")
                links.append(Link(fid, c.id, (Evidence(lk.text, *rel, "curated",
                                                       mention=lk.mention, note_zh=lk.note_zh,
                                                       note_en=lk.note_en),)))
        return LinkTable(links, unlocated)

    # -- storage
    def to_dict(self) -> dict:
        return {
            "schema": SCHEMA,
            "meta": {"id": self.meta.id, "date": self.meta.date, "title": self.meta.title,
                     "body": self.meta.body, "kind": self.meta.kind,
                     "source_url": self.meta.source_url},
            "original": self.original, "cleaned": self.cleaned, "kept": self.kept,
            "reading_aids_removed": self.reading_aids_removed,
            "widths_normalised": self.widths_normalised,
            "flags": [f.to_dict() for f in self.flags],
            "decisions": self.decisions.to_dict(),
            "clauses": [c.to_dict() for c in self.clauses],
            "themes": [t.to_dict() for t in self.themes],
            "clause_themes": {k: list(v) for k, v in self.clause_themes.items()},
            "links": [lk.to_dict() for lk in self.links],
            "candidates": [[c.text, c.start, c.end] for c in self.candidates],
            "repairs": [list(r) for r in self.repairs],
            "stale": list(self.stale),
        }

    @classmethod
    def from_dict(cls, d: dict) -> Report:
        if d.get("schema") != SCHEMA:
            raise ValueError(f"report schema {d.get('schema')!r} is not {SCHEMA}")
        return cls(
            ReportMeta(**d["meta"]), d["original"], d["cleaned"], d["kept"],
            d["reading_aids_removed"], d["widths_normalised"],
            tuple(Flag.from_dict(f) for f in d["flags"]), Decisions.from_dict(d["decisions"]),
            tuple(Clause.from_dict(c) for c in d["clauses"]),
            tuple(Theme.from_dict(t) for t in d["themes"]),
            {k: (v[0], v[1]) for k, v in d["clause_themes"].items()},
            tuple(ReportLink.from_dict(lk) for lk in d["links"]),
            tuple(Candidate(*c) for c in d["candidates"]),
            tuple((r[0], r[1], r[2]) for r in d["repairs"]),
            tuple(d.get("stale", ())),
        )


def _link_id(clause_id: str, target: str, start: int) -> str:
    return f"{clause_id}:{target}@{start}"


def _locate(report: Report, entry: Mapping[str, Any]) -> tuple[Clause, int, int]:
    c = report.clause(entry["clause_id"])
    if c is None:
        raise ValueError(f"link names unknown clause {entry['clause_id']!r}")
    evidence, within = entry["evidence"], entry.get("within", "")
    base = c.text.find(within) if within else 0
    at = c.text.find(evidence, base) if base >= 0 else -1
    if at < 0 or (within and at + len(evidence) > base + len(within)):
        raise ValueError(f"evidence {evidence!r} is not in clause {c.id}")
    if not within and c.text.count(evidence) != 1:
        raise ValueError(f"evidence {evidence!r} is ambiguous in clause {c.id}: give `within`")
    return c, c.start + at, c.start + at + len(evidence)


def _gazetteer_links(clauses: tuple[Clause, ...], finder: PlaceFinder
                     ) -> tuple[list[ReportLink], dict[str, str], list[Candidate]]:
    """Each clause's place links, its text with the names blanked (for themes), candidates."""
    links, masked, candidates = [], {}, []
    for c in clauses:
        text = list(c.text)
        mentions = finder.find(c.text)
        candidates += [Candidate(k.text, c.start + k.start, c.start + k.end)
                       for k in finder.candidates(c.text, mentions)]
        for m in mentions:
            links.append(ReportLink(_link_id(c.id, m.place_id, m.start), c.id,
                                    c.start + m.start, c.start + m.end, m.text, m.place_id,
                                    mention=m.mention, form=m.form))
            text[m.start:m.end] = " " * (m.end - m.start)
        masked[c.id] = "".join(text)
    return links, masked, candidates


def prepare_report(text: str, meta: ReportMeta, finder: PlaceFinder,
                   decisions: Decisions | None = None,
                   themes: tuple[Theme, ...] = DEFAULT_THEMES) -> Report:
    """Clean, keep, split, link and theme ``text`` (see the module doc); per-stage seconds in
    ``Report.timings``."""
    decisions = decisions or Decisions()
    t = [time.perf_counter()]
    cleaned = clean_report_text(text)
    accepted = {fid: (decisions.repairs.get(fid, "")) for fid, d in decisions.flags.items()
                if d == "accept"}
    kept, edits = apply_flags(cleaned.text, cleaned.flags, accepted)
    repairs = tuple((fid, a, b) for _, _, a, b, fid in edits
                    if any(f.id == fid and f.kind == "garbled" for f in cleaned.flags))
    t.append(time.perf_counter())
    clauses = split_clauses(kept)
    stale: list[str] = []  # decisions that no longer apply (their clause's text changed)
    for group in decisions.merges:
        try:
            clauses = merge_clauses(kept, clauses, group)
        except ValueError:
            stale.append("merge:" + "+".join(group))
    clauses = tuple(clauses)
    t.append(time.perf_counter())
    links, masked, candidates = _gazetteer_links(clauses, finder)
    removed = set(decisions.links_removed)
    junk = [(kept_offset(f.start, edits), kept_offset(f.end, edits)) for f in cleaned.flags
            if f.kind != "garbled" and decisions.flags.get(f.id) != "reject"]
    links = [lk for lk in links if lk.id not in removed
             and not any(a <= lk.start and lk.end <= b for a, b in junk)]
    candidates = [c for c in candidates if not any(a <= c.start and c.end <= b for a, b in junk)]
    t.append(time.perf_counter())
    if decisions.theme_mode == "headings":
        theme_list = heading_themes(clauses, decisions.heading_level)
        clause_themes = themes_from_headings(clauses, theme_list)
    else:
        theme_list = tuple(themes)
        clause_themes = assign_themes(clauses, theme_list, masked)
    valid = {th.key for th in theme_list} | {CONTEXT}
    for cid, key in decisions.themes.items():
        if cid in clause_themes and key in valid:
            clause_themes[cid] = (key, "analyst")
        else:
            stale.append(f"theme:{cid}")
    t.append(time.perf_counter())
    report = Report(meta, text, cleaned.text, kept, cleaned.reading_aids_removed,
                    cleaned.widths_normalised, cleaned.flags, decisions, clauses, theme_list,
                    clause_themes, tuple(links), tuple(candidates), repairs)
    added = []
    for entry in decisions.links_added:
        try:
            c, a, b = _locate(report, entry)
        except ValueError:
            stale.append(f"link:{entry['clause_id']}:{entry['evidence']}")
            continue
        target = entry.get("place_id") or ",".join(entry.get("feature_ids", ()))
        added.append(ReportLink(_link_id(c.id, target, a), c.id, a, b, entry["evidence"],
                                entry.get("place_id", ""), tuple(entry.get("feature_ids", ())),
                                entry.get("mention", "named"), "analyst", "analyst",
                                entry.get("note_zh", ""), entry.get("note_en", "")))
    t.append(time.perf_counter())
    timings = dict(zip(("clean", "split", "link", "themes", "analyst links"),
                       (b - a for a, b in itertools.pairwise(t)), strict=True))
    return replace(report, links=(*report.links, *added), stale=tuple(stale), timings=timings)
