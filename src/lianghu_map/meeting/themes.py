"""Themes of a report's clauses: the 2023 six by default, or the document's own headings.

A clause's theme comes, first match wins, from:

1. ``pattern`` — the clause says 要把“X”作为… with X a theme; the theme then runs to the end of
   the paragraph (``section``), as in the 2023 report;
2. ``heading`` — the nearest heading above it (innermost first) whose text names a theme by the
   same pattern or by its keywords;
3. ``keywords`` — two or more distinct keywords of one theme, more than of any other (place names
   and the zone's name 创新区 do not count);
4. ``default`` — ``context``.

``analyst`` marks an assignment the analyst made (``Report`` keeps those over every rule).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .clauses import Clause
from .directives import THEMES as THEMES_2023
from .text import to_simplified

__all__ = ["CONTEXT", "DEFAULT_THEMES", "KEYWORDS", "Theme", "assign_themes", "heading_themes"]

CONTEXT = "context"


@dataclass(frozen=True)
class Theme:
    key: str  # the theme as the text names it (繁體 for the 2023 six), or "context"
    en: str = ""
    slug: str = ""

    def to_dict(self) -> dict:
        return {"key": self.key, "en": self.en, "slug": self.slug}

    @classmethod
    def from_dict(cls, d: dict) -> Theme:
        return cls(d["key"], d.get("en", ""), d.get("slug", ""))


DEFAULT_THEMES: tuple[Theme, ...] = tuple(Theme(t.key, t.en, t.slug) for t in THEMES_2023)

# 简体 keywords of the six themes.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "現代化": ("现代化", "能级", "综合交通", "交通", "枢纽", "空间优化", "形态", "城市更新",
             "基础设施", "中轴", "门户", "轨道", "路网"),
    "創新": ("创新", "科技", "技术", "研发", "人才", "产教融合", "高新", "成果转化", "动能",
           "孵化"),
    "活力": ("活力", "青年", "营商环境", "创业", "就业", "双创", "消费", "金融", "夜经济"),
    "協同": ("协同", "联动", "一体化", "协作", "区域", "合作", "互动", "辐射", "同城化"),
    "生態": ("生态", "绿色", "绿水青山", "环境保护", "低碳", "减碳", "廊道", "湿地", "水环境",
           "治污", "绿城"),
    "宜居": ("宜居", "人居", "文旅", "旅游", "乡村", "公共服务", "教育", "医疗", "养老",
           "产城融合", "住房"),
}
# Words that hold a keyword but are names, not the theme (the zone is the 两湖创新区).
_NOT_KEYWORDS = re.compile(r"创新区|科技局|科技产业园|交通运输局|生态环境局")
_PATTERN = re.compile(r"要把[“\"‘「](.{1,10}?)[”\"’」]作为")


def _theme_of_text(text: str, themes: Sequence[Theme], masked: str) -> tuple[str, str] | None:
    """(theme, rule) from a text: the 要把“X”作为 pattern, else keywords."""
    simple = to_simplified(text)
    keys = {to_simplified(t.key): t.key for t in themes}
    m = _PATTERN.search(simple)
    if m and m.group(1) in keys:
        return keys[m.group(1)], "pattern"
    scores = {}
    body = _NOT_KEYWORDS.sub("", to_simplified(masked))
    for theme in themes:
        words = KEYWORDS.get(theme.key, ())
        scores[theme.key] = sum(1 for w in words if w in body)
    if not scores:
        return None
    best = max(scores.values())
    winners = [k for k, v in scores.items() if v == best]
    if best >= 2 and len(winners) == 1:
        return winners[0], "keywords"
    return None


def assign_themes(clauses: Sequence[Clause], themes: Sequence[Theme] = DEFAULT_THEMES,
                  masked: dict[str, str] | None = None) -> dict[str, tuple[str, str]]:
    """clause id → (theme key, rule).  ``masked``: clause texts with place names blanked."""
    masked = masked or {}
    by_id = {c.id: c for c in clauses}
    heading_theme: dict[str, str] = {}
    out: dict[str, tuple[str, str]] = {}
    section_theme, section_paragraph = None, -1
    for c in clauses:
        found = _theme_of_text(c.text, themes, masked.get(c.id, c.text))
        if c.kind == "heading":
            if found:
                heading_theme[c.id] = found[0]
            section_theme = None
        if found and found[1] == "pattern":
            out[c.id] = found
            section_theme, section_paragraph = found[0], c.paragraph
            continue
        if section_theme and c.paragraph == section_paragraph:
            out[c.id] = (section_theme, "section")
            continue
        head = c.id if c.kind == "heading" else c.section
        while head:
            if head in heading_theme:
                break
            head = by_id[head].section if head in by_id else ""
        if head:
            out[c.id] = (heading_theme[head], "heading")
        elif found:
            out[c.id] = found
        else:
            out[c.id] = (CONTEXT, "default")
    return out


def heading_themes(clauses: Iterable[Clause], level: int | None = None) -> tuple[Theme, ...]:
    """The document's own headings as themes (of ``level``, default the top level present)."""
    heads = [c for c in clauses if c.kind == "heading"]
    if not heads:
        return ()
    level = min(c.level for c in heads) if level is None else level
    out = []
    for c in heads:
        if c.level == level:
            key = c.text[len(c.marker):].strip().rstrip("。：:")
            out.append(Theme(key or c.text, slug=c.id))
    return tuple(out)


def themes_from_headings(clauses: Sequence[Clause], themes: Sequence[Theme]
                         ) -> dict[str, tuple[str, str]]:
    """clause id → (theme, "heading") under the document's own heading themes."""
    by_slug = {t.slug: t.key for t in themes}
    by_id = {c.id: c for c in clauses}
    out = {}
    for c in clauses:
        head = c.id if c.id in by_slug else c.section
        while head and head not in by_slug:
            head = by_id[head].section if head in by_id else ""
        out[c.id] = (by_slug[head], "heading") if head else (CONTEXT, "default")
    return out
