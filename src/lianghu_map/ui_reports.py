"""What the Reports page shows, built without Streamlit: the text with its flagged spans, the
clause table, the list of stored reports (HTML from escaped pieces only), labels and parsing.

Chinese text is shown in the page's script by OpenCC (:func:`display`); English pages show the
Chinese as the analyst gave it: no machine translation (the page says so).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping

import pandas as pd

from .i18n import t
from .meeting.report import Report, ReportLink
from .meeting.text import to_simplified, to_traditional
from .meeting.themes import CONTEXT
from .reports_store import Details, details_changes
from .store.reports import ReportHistory

__all__ = ["TABLE_ROWS", "clause_label", "clause_labels", "clause_pages", "clause_table_html",
           "display", "feature_labels", "link_label", "marked_text_html", "report_history_html",
           "report_list_html", "split_aliases", "theme_label"]

TABLE_ROWS = 50  # clauses in one page of the review's clause table


def display(text: str, lang: str) -> str:
    """Chinese text in the page's script (繁/简 by OpenCC); as given on English pages."""
    if lang == "zh-Hans":
        return to_simplified(text)
    if lang == "zh-Hant":
        return to_traditional(text)
    return text


def _h(text: str, lang: str) -> str:
    return html.escape(display(text, lang)).replace("\n", "<br>")


def marked_text_html(report: Report, lang: str) -> str:
    """The cleaned text, each flagged span marked by its kind and what was decided about it."""
    out, pos = [], 0
    for f in sorted(report.flags, key=lambda f: f.start):
        if f.start < pos:
            continue
        decided = report.decisions.flags.get(f.id, "pending")
        out.append(_h(report.cleaned[pos:f.start], lang))
        tip = html.escape(t(f"reports.flag.{f.kind}", lang), quote=True)
        out.append(f"<mark class='lh-flag lh-flag-{f.kind} lh-{decided}' title='{tip}'>"
                   f"{_h(report.cleaned[f.start:f.end], lang)}</mark>")
        pos = f.end
    out.append(_h(report.cleaned[pos:], lang))
    return ("<div class='lh-report-text' style='max-height:20rem;overflow:auto;"
            "border:1px solid #ddd;padding:6px;line-height:1.7'>" + "".join(out) + "</div>")


def theme_label(report: Report, key: str, lang: str) -> str:
    """A theme's name: its English name on English pages where there is one, else the text's."""
    if key == CONTEXT:
        return t("reports.theme.context", lang)
    theme = next((th for th in report.themes if th.key == key), None)
    if lang == "en" and theme is not None and theme.en:
        return theme.en
    return display(key, lang)


def clause_label(report: Report, clause_id: str, lang: str, width: int = 30) -> str:
    n = next(i for i, c in enumerate(report.clauses, 1) if c.id == clause_id)
    return _clause_label(n, report.clause(clause_id).text, lang, width)


def clause_labels(report: Report, lang: str, width: int = 30) -> dict[str, str]:
    """Every clause's :func:`clause_label` (in one pass over the clauses)."""
    return {c.id: _clause_label(n, c.text, lang, width) for n, c in enumerate(report.clauses, 1)}


def _clause_label(n: int, text: str, lang: str, width: int) -> str:
    text = display(text, lang)
    return f"{n}. {text[:width]}{'…' if len(text) > width else ''}"


def link_label(link: ReportLink, place_names: Mapping[str, str],
               feature_names: Mapping[str, str], lang: str) -> str:
    """「evidence」→ the place or features it links to."""
    if link.place_id:
        target = place_names.get(link.place_id, link.place_id)
    else:
        target = "、".join(feature_names.get(f, f) for f in link.feature_ids)
    arrow = " → " if lang == "en" else "→"
    generic = t("reports.link.generic", lang) if link.mention == "generic" else ""
    return f"“{display(link.text, lang)}”{arrow}{target}{generic}"


def _head(keys: Iterable[str], lang: str, pad: str = "2px 8px") -> str:
    """A table's header cells: the UI texts ``keys`` in ``lang``, escaped."""
    return "".join(f"<th style='text-align:left;padding:{pad}'>{html.escape(t(k, lang))}</th>"
                   for k in keys)


def _cells(cells: Iterable[str]) -> str:
    """A row's cells (each already HTML)."""
    return "".join(f"<td style='padding:2px 8px'>{c}</td>" for c in cells)


def clause_pages(n: int, size: int = TABLE_ROWS) -> list[range]:
    """The pages of a table of ``n`` clauses (clause indexes from 0), one page when ``n`` is 0."""
    return [range(a, min(a + size, n)) for a in range(0, n, size)] or [range(0)]


def clause_table_html(report: Report, place_names: Mapping[str, str],
                      feature_names: Mapping[str, str], lang: str,
                      rows: range | None = None) -> str:
    """The clauses (``rows``: those of one page, numbered as in the whole report) with their
    themes and links."""
    head = _head(("reports.col.n", "reports.col.clause", "reports.col.theme",
                  "reports.col.links"), lang, pad="2px 6px")
    shown = range(len(report.clauses)) if rows is None else rows
    clauses = {report.clauses[i].id for i in shown}
    by_clause: dict[str, list[ReportLink]] = {}
    for lk in report.links:
        if lk.clause_id in clauses:
            by_clause.setdefault(lk.clause_id, []).append(lk)
    out = []
    for i in shown:
        n, c = i + 1, report.clauses[i]
        links = "<br>".join(html.escape(link_label(lk, place_names, feature_names, lang))
                            for lk in by_clause.get(c.id, ()))
        en = report.decisions.annotations.get(c.id, {}).get("en", "")
        text = _h(c.text, lang) + (f"<br><i class='lh-en'>{html.escape(en)}</i>"
                                   if en and lang == "en" else "")
        out.append(f"<tr class='lh-clause' data-clause='{html.escape(c.id, quote=True)}'>"
                   f"<td>{n}</td><td>{text}</td>"
                   f"<td>{html.escape(theme_label(report, report.theme_of(c.id), lang))}</td>"
                   f"<td>{links}</td></tr>")
    return ("<div style='max-height:24rem;overflow:auto'><table class='lh-clauses'>"
            f"<tr>{head}</tr>{''.join(out)}</table></div>")


def report_list_html(records: Iterable, lang: str) -> str:
    """The stored reports (metadata of each record, newest meeting first)."""
    head = _head(("reports.col.date", "reports.col.title", "reports.col.body",
                  "reports.col.revision", "reports.col.updated"), lang)
    rows = []
    for r in sorted(records, key=lambda r: r.date, reverse=True):
        state = t("reports.deleted", lang) if r.deleted else ""
        cells = (html.escape(r.date), _h(r.title, lang) + html.escape(state), _h(r.body, lang),
                 str(r.revision), html.escape(f"{r.updated_by} · {r.updated_at[:16]}"))
        rows.append(f"<tr class='lh-stored-report{' lh-deleted' if r.deleted else ''}'>"
                    f"{_cells(cells)}</tr>")
    if not rows:
        return f"<p class='lh-no-reports'>{html.escape(t('reports.none', lang))}</p>"
    return f"<table class='lh-report-list'><tr>{head}</tr>{''.join(rows)}</table>"


def report_history_html(history: ReportHistory, lang: str) -> str:
    """Every version of a report, newest first: its details, who saved it when, and which
    details changed from the version before (old → new); then the report's audit entries."""
    head = _head(("reports.col.revision", "reports.col.date", "reports.col.title",
                  "reports.col.body", "reports.col.source", "reports.col.updated",
                  "reports.col.changes"), lang)
    rows, previous = [], None
    for v in history.versions:
        changes = () if previous is None else details_changes(Details.of(previous),
                                                              Details.of(v))
        changed = "<br>".join(
            f"<span class='lh-change' data-field='{name}'>"
            f"{html.escape(t(f'reports.field.{name}', lang))}{'：' if lang != 'en' else ': '}"
            f"{_h(old, lang) or '—'} → {_h(new, lang) or '—'}</span>"
            for name, old, new in changes) or html.escape(v.note)
        cells = (f"r{v.revision}", html.escape(v.date), _h(v.title, lang), _h(v.body, lang),
                 html.escape(v.source_url), html.escape(f"{v.created_by} · {v.created_at[:16]}"),
                 changed)
        rows.append(f"<tr class='lh-version' data-revision='{v.revision}'>{_cells(cells)}</tr>")
        previous = v
    audit = "".join(
        f"<li>{html.escape(f'{a.at[:16]} · {a.user} · ')}"
        f"{html.escape(t(f'reports.action.{a.action}', lang))} · r{a.revision}</li>"
        for a in history.audit)
    return (f"<table class='lh-report-history'><tr>{head}</tr>{''.join(reversed(rows))}</table>"
            f"<ul class='lh-report-audit'>{audit}</ul>")


def feature_labels(features: pd.DataFrame, lang: str) -> dict[str, str]:
    """feature id → "name · id" for the choice of a feature (built-in and uploaded)."""
    out = {}
    for fid, row in features.iterrows():
        zh_name, en_name = str(row.get("name_zh") or ""), str(row.get("name_en") or "")
        name = (en_name or display(zh_name, lang)) if lang == "en" else (
            display(zh_name, lang) or en_name)
        out[str(fid)] = f"{name} · {fid}" if name else str(fid)
    return out


_ALIAS_SEP = re.compile(r"[,，、;；\n]+")


def split_aliases(text: str) -> list[str]:
    """Aliases typed in one field, separated by 、 , ， ; or line ends."""
    return [a.strip() for a in _ALIAS_SEP.split(text or "") if a.strip()]
