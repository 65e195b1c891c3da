"""A prepared :class:`~.report.Report` as the pages read it: a :class:`~.directives.Meeting` of its
clauses and a :class:`~.links.LinkTable` of its place links, under catalogue-wide clause ids.

Every page and function that takes a ``Meeting`` (the Map's filters, the Directives page, the
Present agenda, the PDF pack) reads any report through :func:`meeting_view`.  Clause ids must be
unique across reports: :func:`clause_ids` keeps a clause's curated id (``legacy_id``, the 2023
report's ``modern.3`` …) where ``legacy`` is set, and namespaces every other one as
``<report id>/<clause id>``.

A report in 简体 (no character OpenCC t2s would change) is shown in 繁體 by OpenCC (s2t) where that
keeps every offset (one character for one); a report in 繁體 is kept as written.  English is the
analyst's translation where given (``annotations[clause]["en"]``), else "".
"""

from __future__ import annotations

import re
from collections.abc import Container, Mapping
from dataclasses import replace
from pathlib import Path

from .directives import (
    THEME_BY_KEY,
    THEME_PALETTE,
    Directive,
    Meeting,
    Theme,
    theme_info,
)
from .links import LinkTable
from .places import PlaceFinder
from .report import Report
from .text import GARBLED_SPANS, CleanText, Repair, to_simplified, to_traditional

__all__ = ["LABEL_CHARS", "clause_ids", "meeting_themes", "meeting_view", "report_links"]

LABEL_CHARS = 18  # a clause without a curated label is labelled by its opening characters


def clause_ids(report: Report, namespace: str, *, legacy: bool = False) -> dict[str, str]:
    """clause id → the id the catalogue knows it by (see the module doc)."""
    notes = report.decisions.annotations
    return {c.id: (notes.get(c.id, {}).get("legacy_id") if legacy else None)
            or f"{namespace}/{c.id}" for c in report.clauses}


def _traditional(text: str, simplified: bool) -> str:
    """繁體 of a 简体 report's text (kept as is if OpenCC would change its length)."""
    out = to_traditional(text) if simplified else text
    return out if len(out) == len(text) else text


def _repairs(report: Report) -> tuple[Repair, ...]:
    """The accepted repairs of garbled spans, in the kept text, explained where the span is a
    known one (``text.GARBLED_SPANS``)."""
    flags = {f.id: f for f in report.flags}
    out = []
    for fid, start, end in report.repairs:
        flag = flags.get(fid)
        if flag is None:
            continue
        repaired = report.kept[start:end]
        known = next((s for s in GARBLED_SPANS
                      if s.garbled == flag.text and s.repaired == repaired), None)
        out.append(Repair(flag.text, repaired, start, end,
                          known.explanation_en if known else "",
                          known.explanation_zh if known else ""))
    return tuple(out)


def _label(text: str) -> str:
    text = text.strip()
    return text if len(text) <= LABEL_CHARS else text[:LABEL_CHARS] + "…"


_ENUMERATOR = re.compile(r"^\s*(?:\(\s*[0-9IVXivx]+\s*\)|[0-9IVXivx]+\s*[.)])\s*")


def _heading_text(en: str) -> str:
    """A heading's English without its enumerator ("2. Lake co-governance." → "Lake
    co-governance")."""
    return _ENUMERATOR.sub("", en).strip().rstrip(".:;").strip()


def meeting_themes(report: Report) -> tuple[tuple[Theme, ...], dict[str, str]]:
    """The report's themes as the pages show them, in its order ("context" last), and report
    theme key → that theme's key.  The 2023 six keep theirs; a report's own theme (a heading)
    is keyed by its text in 繁體 (as clause texts are shown), with the English the analyst gave
    its heading (its ``label_en``, else its translation without the enumerator) or none, and a
    colour by its place in the report."""
    simplified = to_simplified(report.kept) == report.kept
    notes = report.decisions.annotations
    themes, keys = [], {"context": "context"}
    for th in report.themes:
        key = th.key if th.key in THEME_BY_KEY else _traditional(th.key, simplified)
        keys[th.key] = key
        if any(x.key == key for x in themes):  # two headings of one text: one theme
            continue
        if key in THEME_BY_KEY:  # one of the six (by default, or a heading naming one)
            themes.append(THEME_BY_KEY[key])
            continue
        own = sum(1 for x in themes if x.key not in THEME_BY_KEY)
        note = notes.get(th.slug, {})
        en = th.en or note.get("label_en", "") or _heading_text(note.get("en", ""))
        themes.append(Theme(key, theme_info(key).slug, en,
                            THEME_PALETTE[own % len(THEME_PALETTE)]))
    if not any(th.key == "context" for th in themes):
        themes.append(THEME_BY_KEY["context"])
    return tuple(themes), keys


def meeting_view(report: Report, ids: Mapping[str, str]) -> Meeting:
    """The report's clauses as directives (``ids``: :func:`clause_ids`), with its themes
    (:func:`meeting_themes`)."""
    repairs = _repairs(report)
    notes = report.decisions.annotations
    simplified = to_simplified(report.kept) == report.kept  # no 繁體 character in it
    themes, theme_keys = meeting_themes(report)
    directives = []
    for order, c in enumerate(report.clauses):
        note = notes.get(c.id, {})
        theme = report.theme_of(c.id)
        label = note.get("label_zh") or _label(c.text)
        directives.append(Directive(
            id=ids[c.id], theme=theme_keys.get(theme, "context"),
            order=order, paragraph=c.paragraph, start=c.start, end=c.end,
            text_hant=_traditional(c.text, simplified), en=note.get("en", ""),
            label_hant=_traditional(label, simplified),
            label_en=note.get("label_en") or to_simplified(label),  # no English: the Chinese
            repairs=tuple(r for r in repairs if r.start < c.end and r.end > c.start)))
    clean = CleanText(report.kept, report.reading_aids_removed, repairs)
    return Meeting(clean, tuple(directives), report.byline, Path(report.id), themes)


def report_links(report: Report, finder: PlaceFinder, ids: Mapping[str, str],
                 feature_kinds: Mapping[str, str], geometries: Mapping[str, object],
                 known: Container[str] = frozenset()) -> LinkTable:
    """The report's links, feature ↔ catalogue clause id.  ``feature_kinds``: the features a
    gazetteer place may reach (by name or kind); ``known``: other features an analyst link may
    name (uploaded ones; the catalogue's index: not a copy of a million ids per report).  A link
    to a place or feature no longer known is left out."""
    kept = tuple(lk for lk in report.links
                 if (not lk.place_id or lk.place_id in finder.gazetteer.places)
                 and all(f in feature_kinds or f in known for f in lk.feature_ids))
    table = replace(report, links=kept).link_table(finder, feature_kinds, geometries, known)
    links = [replace(lk, directive_id=ids[lk.directive_id]) for lk in table.links]
    unlocated = [replace(u, directive_id=ids[u.directive_id]) for u in table.unlocated]
    return LinkTable(links, unlocated)
