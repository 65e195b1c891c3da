"""HTML for clauses and feature details, built from escaped pieces only.

Offsets of mentions and repairs refer to the cleaned 繁體 text; 简体 (OpenCC, same length) uses
the same offsets.  English has no offsets: its mentions are listed by place name instead.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from .agenda import Step
from .directives import THEME_BY_KEY, Directive, Meeting
from .i18n import kind_label, status_label, t, zh
from .layers import LAYER_BY_ID, LayerSpec, display_names, is_indicative
from .links import Link, LinkTable, Unlocated

__all__ = [
    "clause_html",
    "directive_title",
    "feature_facts",
    "feature_list_html",
    "feature_title_html",
    "heading_html",
    "step_caption_html",
    "theme_label",
]


def theme_label(theme: str, lang: str) -> str:
    if theme == "context":
        return t("theme.context", lang)
    return THEME_BY_KEY[theme].en if lang == "en" else zh(theme, lang)


def directive_title(d: Directive, lang: str) -> str:
    """“Theme · label” of a directive; in English the label alone when it already holds the
    theme's word (“Innovation-led development”, not “Innovation · Innovation-led …”)."""
    theme, label = theme_label(d.theme, lang), d.label(lang)
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


def clause_html(
    d: Directive,
    lang: str,
    mentions: Iterable[Link | Unlocated] = (),
    *,
    mark_repairs: bool = True,
) -> str:
    """The directive's text with mentions in <mark> and repaired spans in <ins>."""
    text = d.text(lang)
    if lang == "en":
        note = ""
        if mark_repairs and d.repairs:
            why = " ".join(r.explanation_en for r in d.repairs)
            label = html.escape(t("dir.repaired", lang))
            note = f' <small><ins title="{html.escape(why)}">[{label}]</ins></small>'
        return f'<p class="lh-clause" lang="en">{html.escape(text)}{note}</p>'
    spans = [(m.start, m.end, "mark", "") for m in mentions]
    if mark_repairs:
        for r in d.repairs:
            why = r.explanation_en if lang == "en" else zh(r.explanation_zh, lang)
            title = t("dir.repaired.help", lang, garbled=r.garbled, repaired=zh(r.repaired, lang),
                      why=why)
            spans.append((max(r.start - d.start, 0), min(r.end - d.start, len(text)), "ins",
                          title))
    return f'<p class="lh-clause" lang="{lang}">{_marked(text, spans)}</p>'


def feature_facts(row, lang: str, layer: LayerSpec | None = None) -> list[tuple[str, str]]:
    """(label, value) pairs of a feature's properties, for display as text (not HTML)."""
    layer = layer or LAYER_BY_ID.get(row["layer_id"])
    accuracy = int(row["accuracy_m"])
    facts = [
        (t("prop.kind", lang), kind_label(row["kind"], lang)),
        (t("prop.status", lang), status_label(row["status"], lang)),
        (t("prop.layer", lang), layer.label(lang) if layer else row["layer_id"]),
        (t("prop.basis", lang), t(f"basis.{row['basis']}", lang) if row["basis"] in
         ("sourced", "derived", "estimate", "uploaded") else row["basis"]),
        (t("prop.accuracy", lang), t("prop.accuracy.value", lang, m=f"{accuracy:,}") if accuracy
         else t("prop.accuracy.unknown", lang)),
        (t("prop.source", lang), row["source"]),
    ]
    note = row["note_en"] if lang == "en" else zh(row["note_zh"], lang)
    if note:
        facts.append((t("prop.note", lang), note))
    return facts


def heading_html(d: Directive, lang: str) -> str:
    """Theme and label of a directive, e.g. “创新 · 西太湖科技产业园”."""
    color = THEME_BY_KEY[d.theme].color
    return (f'<div class="lh-heading" style="border-left:4px solid {color};padding-left:.5em">'
            f"<b>{html.escape(directive_title(d, lang))}</b>"
            f' <small style="color:#777">{html.escape(d.id)}</small></div>')


def feature_title_html(row, lang: str) -> str:
    """Name of a feature (the other language beneath) with an “indicative” badge where due."""
    main, other = display_names(row, lang)
    badge = ""
    if is_indicative(row):
        badge = (' <span class="lh-badge" style="background:#fff3bf;color:#8a5a00;'
                 'border-radius:4px;padding:0 .35em;font-size:.8rem">'
                 f'{html.escape(t("badge.indicative", lang))}</span>')
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


def step_caption_html(step: Step, meeting: Meeting, links: LinkTable, lang: str,
                      feature_count: int) -> str:
    """The Present page's caption of ``step``: the clause with its place names marked, a theme's
    clause list, or the title / overview text; escaped pieces only."""
    if step.kind == "clause":
        d = meeting.get(step.directive)
        body = clause_html(d, lang, [*links.for_directive(d.id), *links.unlocated_in(d.id)])
        if not links.features_of(d.id):
            body += f'<p><small>{html.escape(t("present.no_feature", lang))}</small></p>'
        return heading_html(d, lang) + body
    if step.kind == "theme":
        color = THEME_BY_KEY[step.theme].color
        clauses = meeting.by_theme(step.theme)
        items = "".join(f"<li>{html.escape(d.label(lang))}</li>" for d in clauses)
        return (f'<div class="lh-heading" style="border-left:6px solid {color};'
                f'padding-left:.5em"><b>{html.escape(theme_label(step.theme, lang))}</b></div>'
                f'<div>{html.escape(t("present.theme", lang, n=len(clauses)))}</div>'
                f'<ol style="margin:.2em 0 0 1.2em">{items}</ol>')
    if step.kind == "title":
        return (f'<div class="lh-heading"><b>{html.escape(t("app.title", lang))}</b></div>'
                f'<div>{html.escape(t("app.subtitle", lang))}</div>')
    directives = sum(1 for d in meeting.directives if d.theme != "context")
    text = t("present.overview", lang, n=feature_count, d=directives)
    return f'<div class="lh-heading"><b>{html.escape(text)}</b></div>'
