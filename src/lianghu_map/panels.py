"""HTML for clauses and feature details, built from escaped pieces only.

Offsets of mentions and repairs refer to the cleaned 繁體 text; 简体 (OpenCC, same length) uses
the same offsets.  English has no offsets: its mentions are listed by place name instead.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from .agenda import Step
from .i18n import kind_label, status_label, t, zh
from .layers import BASES, LAYER_BY_ID, LayerSpec, badge_of, display_names
from .meeting.directives import Directive, Meeting, Theme, theme_info
from .meeting.links import Link, LinkTable, Unlocated
from .meeting.text import to_simplified
from .selection import MapSelection

__all__ = [
    "clause_html",
    "clause_number_text",
    "directive_title",
    "export_subtitle",
    "facts_html",
    "feature_facts",
    "feature_list_html",
    "feature_title_html",
    "generic_badge_html",
    "heading_html",
    "map_count_text",
    "report_heading_html",
    "report_label",
    "step_caption_html",
    "theme_label",
]


def theme_label(theme: str, lang: str, themes: Sequence[Theme] = ()) -> str:
    """A theme's name in ``lang`` (``themes``: the meeting's, for a report's own themes; their
    keys are 繁體 text; English where the analyst gave it, else the Chinese in 简体)."""
    if theme == "context":
        return t("theme.context", lang)
    if lang == "en":
        return theme_info(theme, themes).en or zh(theme, "zh-Hans")
    return zh(theme, lang)


def directive_title(d: Directive, lang: str, themes: Sequence[Theme] = ()) -> str:
    """“Theme · label” of a directive; in English the label alone when it already holds the
    theme's word (“Innovation-led development”, not “Innovation · Innovation-led …”)."""
    theme, label = theme_label(d.theme, lang, themes), d.label(lang)
    if lang == "en" and re.search(rf"\b{re.escape(theme)}\b", label, re.IGNORECASE):
        return label
    return f"{theme} · {label}"


def _marked(text: str, spans: list[tuple[int, int, str, str]]) -> str:
    """Escape ``text`` and wrap each (start, end, tag, title) span; overlapping spans are
    clipped to the earlier one."""
    out, pos = [], 0
    for start, end, tag, title in sorted(spans):
        start = max(start, pos)
        if start >= end:
            continue
        out.append(html.escape(text[pos:start]))
        attr = f' title="{html.escape(title)}"' if title else ""
        out.append(f"<{tag}{attr}>{html.escape(text[start:end])}</{tag}>")
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def _mention_spans(mentions: Iterable[Link | Unlocated], lang: str
                   ) -> list[tuple[int, int, str, str]]:
    """<mark> spans of the mentions; a span every piece of evidence of which is generic says so
    in its title."""
    generic: dict[tuple[int, int], bool] = {}
    for m in mentions:
        pieces = m.evidence if isinstance(m, Link) else ()
        for start, end in m.spans:
            is_generic = any(e.mention == "generic" and (e.start, e.end) == (start, end)
                             for e in pieces)
            generic[(start, end)] = generic.get((start, end), True) and is_generic
    help_text = t("link.generic.help", lang)
    return [(s, e, "mark", help_text if g else "") for (s, e), g in generic.items()]


def generic_badge_html(links: Iterable[Link], lang: str) -> str:
    """A small “general mention” badge if every given link is generic (else "")."""
    links = list(links)
    if not links or any(not lk.generic for lk in links):
        return ""
    return (f'<span class="lh-generic" title="{html.escape(t("link.generic.help", lang))}" '
            'style="background:#eef;color:#335;border-radius:4px;padding:0 .35em;'
            f'font-size:.8rem">{html.escape(t("link.generic", lang))}</span>')


def clause_html(
    d: Directive,
    lang: str,
    mentions: Iterable[Link | Unlocated] = (),
    *,
    mark_repairs: bool = True,
) -> str:
    """The directive's text with mentions in <mark> and repaired spans in <ins>; in English
    without a translation, the 简体 text and a note that says so."""
    if lang == "en" and not d.en:
        note = html.escape(t("clause.no_english", lang))
        return (clause_html(d, "zh-Hans", mentions, mark_repairs=mark_repairs)
                + f'<p><small class="lh-no-en">{note}</small></p>')
    text = d.text(lang)
    if lang == "en":
        note = ""
        if mark_repairs and d.repairs:
            why = " ".join(r.explanation_en for r in d.repairs)
            label = html.escape(t("dir.repaired", lang))
            note = f' <small><ins title="{html.escape(why)}">[{label}]</ins></small>'
        return f'<p class="lh-clause" lang="en">{html.escape(text)}{note}</p>'
    spans = _mention_spans(mentions, lang)
    if mark_repairs:
        for r in d.repairs:
            why = r.explanation_en if lang == "en" else zh(r.explanation_zh, lang)
            title = t("dir.repaired.help", lang, garbled=r.garbled, repaired=zh(r.repaired, lang),
                      why=why)
            spans.append((max(r.start - d.start, 0), min(r.end - d.start, len(text)), "ins",
                          title))
    return f'<p class="lh-clause" lang="{lang}">{_marked(text, spans)}</p>'


def report_label(report, lang: str) -> str:
    """“date · title” of a stored report (a :class:`lianghu_map.catalog.ReportView`): the
    title as stored, in 简体 for zh-Hans, its curated English title where there is one."""
    if lang == "en" and report.title_en:
        title = report.title_en
    else:
        title = report.title if lang == "zh-Hant" else to_simplified(report.title)
    return t("report.label", lang, date=report.date, title=title)


def export_subtitle(directive: Directive | None, report, lang: str) -> str:
    """The subtitle of an export (offline HTML, PNG): the chosen clause's title, else the
    chosen report's date and title, else none."""
    if directive is not None:
        return directive_title(directive, lang, report.meeting.themes if report else ())
    return report_label(report, lang) if report is not None else ""


def report_heading_html(report, lang: str) -> str:
    """A report's date and title over its clauses (the side panel's groups); escaped."""
    body = to_simplified(report.body) if lang != "zh-Hant" else report.body
    small = f' <small style="color:#777">{html.escape(body)}</small>' if body else ""
    return (f'<div class="lh-report" data-report="{html.escape(report.id)}" '
            'style="border-bottom:1px solid #ccc;margin:.4em 0 .2em">'
            f"<b>{html.escape(report_label(report, lang))}</b>{small}</div>")


def map_count_text(selection: MapSelection, total: int, filtered: bool, lang: str) -> str:
    """The caption under the map: how many features are drawn and, of those, how many a clause
    highlights or a filter matches (the rest dimmed for context)."""
    n = selection.counts
    parts = [t("map.count", lang, shown=n["drawn"], total=total)]
    if selection.focus:
        parts.append(t("map.count.focus", lang, n=n["focus"]))
    elif filtered and selection.context:
        parts.append(t("map.count.match", lang, n=n["shown"], c=n["context"]))
    return (", " if lang == "en" else "，").join(parts)


def feature_facts(row, lang: str, layer: LayerSpec | None = None) -> list[tuple[str, str]]:
    """(label, value) pairs of a feature's properties, for display as text (not HTML)."""
    layer = layer or LAYER_BY_ID.get(row["layer_id"])
    accuracy = int(row["accuracy_m"])
    facts = [
        (t("prop.kind", lang), kind_label(row["kind"], lang)),
        (t("prop.status", lang), status_label(row["status"], lang)),
        (t("prop.layer", lang), layer.label(lang) if layer else row["layer_id"]),
        (t("prop.basis", lang), t(f"basis.{row['basis']}", lang) if row["basis"] in BASES
         else row["basis"]),
        (t("prop.accuracy", lang), t("prop.accuracy.value", lang, m=f"{accuracy:,}") if accuracy
         else t("prop.accuracy.unknown", lang)),
        (t("prop.source", lang), row["source"]),
    ]
    note = row["note_en"] if lang == "en" else zh(row["note_zh"], lang)
    if note:
        facts.append((t("prop.note", lang), note))
    return facts


def heading_html(d: Directive, lang: str, themes: Sequence[Theme] = ()) -> str:
    """Theme and label of a directive, e.g. “创新 · 西太湖科技产业园”."""
    color = html.escape(theme_info(d.theme, themes).color)
    return (f'<div class="lh-heading" style="border-left:4px solid {color};padding-left:.5em">'
            f"<b>{html.escape(directive_title(d, lang, themes))}</b>"
            f' <small style="color:#777">{html.escape(d.id)}</small></div>')


def feature_title_html(row, lang: str) -> str:
    """Name of a feature (the other language beneath) with an “indicative” badge where due, an
    “official” one where an upload superseded the built-in shape."""
    main, other = display_names(row, lang)
    badge = ""
    colours = {"indicative": "background:#fff3bf;color:#8a5a00",
               "official": "background:#d3f9d8;color:#2b8a3e"}
    which = badge_of(row)
    if which:
        badge = (f' <span class="lh-badge lh-badge-{which}" style="{colours[which]};'
                 'border-radius:4px;padding:0 .35em;font-size:.8rem">'
                 f'{html.escape(t(f"badge.{which}", lang))}</span>')
    return (f'<div class="lh-feature-title"><span style="font-size:1.15rem;font-weight:600">'
            f"{html.escape(main)}</span>{badge}<br><small>{html.escape(other)}</small></div>")


def feature_list_html(rows, lang: str) -> str:
    """Comma-separated feature names with kind and status, escaped."""
    items = []
    for _, row in rows.iterrows():
        name = display_names(row, lang)[0]
        sep, (lp, rp) = (", ", "()") if lang == "en" else ("，", "（）")  # Chinese punctuation
        meta = f"{kind_label(row['kind'], lang)}{sep}{status_label(row['status'], lang)}"
        items.append(f"{html.escape(name)} <small style='color:#666'>{lp}{html.escape(meta)}{rp}"
                     "</small>")
    return "、".join(items) if lang != "en" else ", ".join(items)


def clause_number_text(d: Directive, meeting: Meeting, lang: str) -> str:
    """A clause named for an audience: its theme and number in words (「现代化 · 第3条」,
    "Modernization · clause 3"), never its internal id."""
    n = next(k for k, c in enumerate(meeting.by_theme(d.theme), 1) if c.id == d.id)
    return f"{theme_label(d.theme, lang, meeting.themes)} · {t('present.clause_no', lang, n=n)}"


def _audience_heading_html(d: Directive, meeting: Meeting, lang: str) -> str:
    """The Present page's clause heading: theme and number, then the clause's label (an English
    label that repeats the theme, "Modernization: raising capacity", loses the repeat)."""
    label = d.label(lang)
    theme = theme_label(d.theme, lang, meeting.themes)
    if label.startswith(f"{theme}: "):
        label = label[len(theme) + 2:]
        label = label[:1].upper() + label[1:]
    color = html.escape(meeting.theme(d.theme).color)
    return (f'<div class="lh-heading" style="border-left:4px solid {color};padding-left:.5em">'
            f'<small class="lh-clause-no">{html.escape(clause_number_text(d, meeting, lang))}'
            f"</small> <b>{html.escape(label)}</b></div>")


def step_caption_html(step: Step, meeting: Meeting, links: LinkTable, lang: str,
                      feature_count: int) -> str:
    """The Present page's caption of ``step``: the clause with its place names marked, a theme's
    clause list, or the title / overview text; escaped pieces only."""
    if step.kind == "clause":
        d = meeting.get(step.directive)
        body = clause_html(d, lang, [*links.for_directive(d.id), *links.unlocated_in(d.id)])
        if not links.features_of(d.id):
            body += f'<p><small>{html.escape(t("present.no_feature", lang))}</small></p>'
        return _audience_heading_html(d, meeting, lang) + body
    if step.kind == "theme":
        color = html.escape(meeting.theme(step.theme).color)
        clauses = meeting.by_theme(step.theme)
        items = "".join(f"<li>{html.escape(d.label(lang))}</li>" for d in clauses)
        label = theme_label(step.theme, lang, meeting.themes)
        return (f'<div class="lh-heading" style="border-left:6px solid {color};'
                f'padding-left:.5em"><b>{html.escape(label)}</b></div>'
                f'<div>{html.escape(t("present.theme", lang, n=len(clauses)))}</div>'
                f'<ol style="margin:.2em 0 0 1.2em">{items}</ol>')
    if step.kind == "title":
        return (f'<div class="lh-heading"><b>{html.escape(t("app.title", lang))}</b></div>'
                f'<div>{html.escape(t("app.subtitle", lang))}</div>')
    directives = sum(1 for d in meeting.directives if d.theme != "context")
    text = t("present.overview", lang, n=feature_count, d=directives)
    return f'<div class="lh-heading"><b>{html.escape(text)}</b></div>'


_URL = re.compile(r"https?://[^\s<>\"']+")


def _linked(text: str) -> str:
    """``text`` escaped, each http(s) address in it a link that opens in a new tab (nothing
    else becomes markup: the address is escaped too, and only http and https are linked)."""
    out, last = [], 0
    for m in _URL.finditer(text):
        out.append(html.escape(text[last:m.start()]))
        url = m.group().rstrip(".,;)）")
        out.append(f'<a href="{html.escape(url)}" target="_blank" rel="noopener noreferrer">'
                   f"{html.escape(url)}</a>{html.escape(m.group()[len(url):])}")
        last = m.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def facts_html(facts: list[tuple[str, str]]) -> str:
    """A feature's facts as a small table; a citation ("publisher — title — address ; …") one
    source per line, its address a link a reader can follow."""
    rows = []
    for label, value in facts:
        cell = "<br>".join(_linked(part.strip()) for part in str(value).split(" ; "))
        rows.append("<tr><th style='text-align:left;padding-right:.8em;vertical-align:top;"
                    f"white-space:nowrap'>{html.escape(label)}</th><td>{cell}</td></tr>")
    return f"<table class='lh-facts' style='font-size:.9rem'>{''.join(rows)}</table>"
