"""Directive links for uploaded features: honour a ``directive_ids`` property, suggest the rest.

Suggestions come from the features' names and text attributes, matched script-insensitively
(繁/简, English case-insensitive) in two ways:

* ``gazetteer`` — the text names a known place (滆湖, 常州南站, 口袋公園 …), matched with word
  boundaries (``Gazetteer.find(strict=True)``: not 全區 in 安全區, 濱湖 in 無錫市濱湖區, 市域 in
  常州市域鐵路, 核心區 in 核心區域, nor a place inside a bureau's name) → every directive that
  mentions that place, or names its own feature in other words (滆湖 ← “人、城、湖”);
* ``keyword`` — a phrase the report sets in quotation marks (its named concepts: “人才硅谷”,
  “青年之城” …; three or more characters, in at most ``MAX_DIRECTIVES_PER_KEYWORD`` directives,
  not a place name) occurs in the text.  Unquoted words of the report (高質量發展, 綠色發展 …) are
  slogans, not mentions, and suggest nothing.

Each suggestion carries its evidence — what matched in the feature and where it stands in the
directive — so the analyst can accept, change or reject it.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from ..errors import Finding, Severity
from ..layers import NAME_EN_COLUMNS, NAME_ZH_COLUMNS
from .directives import Meeting
from .gazetteer import Gazetteer, normalise
from .links import LinkTable

__all__ = [
    "DIRECTIVE_COLUMN",
    "SUGGEST_LIMIT",
    "Suggestion",
    "file_links",
    "suggest_links",
    "text_of",
]

DIRECTIVE_COLUMN = "directive_ids"
MAX_DIRECTIVES_PER_KEYWORD = 3
MIN_KEYWORD = 3  # characters (CJK; Latin keywords need 4). Shorter place names: the gazetteer
MAX_TEXT = 120  # characters of text looked at per feature
MAX_VALUE = 30  # longer attribute values (notes, descriptions) are not names: skipped
SUGGEST_LIMIT = 5_000  # features looked at (suggestions are for the analyst to review)
_SKIP_COLUMNS = {"geometry", "source_index", "source_id", DIRECTIVE_COLUMN, "style"}
_CJK = re.compile(r"[\u3400-\u9fff]")
_QUOTED = re.compile(r"[“‘]([^“”‘’]+)[”’]")
_COMMON = frozenset(normalise(w) for w in (
    "两湖", "創新", "创新", "建設", "發展", "推動", "加快", "打造", "全面", "工作", "項目", "區域",
    "中心", "城市", "現代化", "高質量", "推進", "體系", "公園", "園區", "地區", "新城",
))


@dataclass(frozen=True)
class Suggestion:
    source_id: str  # the feature's id within the layer
    directive_id: str
    origin: str  # "file" | "gazetteer" | "keyword"
    evidence: str  # what matched, as it stands in the feature's text
    directive_evidence: str = ""  # the mention, as it stands in the directive (繁體)
    place_id: str = ""


def text_of(values: tuple) -> str:
    """A feature's names and short text attributes, joined (what suggestions look at)."""
    parts = []
    for v in values:
        if isinstance(v, str) and 0 < len(v.strip()) <= MAX_VALUE \
                and not v.lstrip().startswith(("{", "[")):
            parts.append(v.strip())
    return " · ".join(parts)[:MAX_TEXT]


def _text_columns(gdf: gpd.GeoDataFrame) -> list[str]:
    """Text columns, name columns first."""
    text = [c for c in gdf.columns if c not in _SKIP_COLUMNS
            and (gdf[c].dtype == object or pd.api.types.is_string_dtype(gdf[c]))]
    names = [c for c in (*NAME_ZH_COLUMNS, *NAME_EN_COLUMNS) if c in text]
    return names + [c for c in text if c not in names]


def _parse_ids(value: object) -> list[str]:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value).strip()
    if text.startswith("["):
        try:
            return [str(v).strip() for v in json.loads(text)]
        except json.JSONDecodeError:
            pass
    return [p.strip() for p in re.split(r"[,;，；、\s]+", text) if p.strip()]


def file_links(gdf: gpd.GeoDataFrame, meeting: Meeting, file: str
               ) -> tuple[list[Suggestion], list[Finding]]:
    """Links given by the file's own ``directive_ids`` property; unknown ids are findings."""
    if DIRECTIVE_COLUMN not in gdf.columns:
        return [], []
    out: list[Suggestion] = []
    findings: list[Finding] = []
    for sid, idx, value in zip(gdf["source_id"], gdf["source_index"], gdf[DIRECTIVE_COLUMN],
                               strict=True):
        for did in _parse_ids(value):
            if meeting.get(did) is None:
                findings.append(Finding("unknown_directive", Severity.WARNING, file, int(idx),
                                        str(sid), {"directive": did}))
            else:
                out.append(Suggestion(str(sid), did, "file", did))
    return out, findings


class _DirectiveIndex:
    """Which directives mention each gazetteer place, and the report's quoted phrases."""

    def __init__(self, meeting: Meeting, gazetteer: Gazetteer, links: LinkTable | None = None):
        self.meeting = meeting
        self.by_place: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for d in meeting.directives:
            for m in gazetteer.find(d.text_hant):
                self.by_place[m.place_id].append((d.id, m.text))
        if links is not None:  # a place's own feature, named in a clause by other words
            home = {p.features[0]: p.id for p in gazetteer.places.values()
                    if len(p.features) == 1}
            for link in links.links:
                place = home.get(link.feature_id)
                for e in link.evidence:
                    if place and e.mention == "named" and e.origin in ("gazetteer", "curated"):
                        self.by_place[place].append((link.directive_id, e.text))
        aliases = {normalise(a) for p in gazetteer.places.values() for a in (*p.names, *p.en)}
        phrases: dict[str, dict[str, str]] = defaultdict(dict)  # phrase → directive → as written
        for d in meeting.directives:
            for m in _QUOTED.finditer(d.text_hant):
                phrase = normalise(m.group(1))
                if (len(phrase) >= MIN_KEYWORD and phrase not in _COMMON
                        and phrase not in aliases and _keyword_shape(phrase)):
                    phrases[phrase].setdefault(d.id, m.group(1))
        self.phrases = {p: ds for p, ds in sorted(phrases.items(), key=lambda kv: -len(kv[0]))
                        if len(ds) <= MAX_DIRECTIVES_PER_KEYWORD}

    def keyword_hits(self, text: str) -> list[tuple[str, str, str]]:
        """(phrase as in the feature text, directive id, phrase as in the directive): the
        report's quoted phrases found in ``text``, longest first, not inside a longer one."""
        norm = normalise(text)
        taken: list[tuple[int, int]] = []
        out = []
        for phrase, directives in self.phrases.items():
            at = norm.find(phrase)
            while at >= 0:
                end = at + len(phrase)
                if not any(s < end and at < e for s, e in taken):
                    taken.append((at, end))
                    out.extend((text[at:end], did, written) for did, written in directives.items())
                    break
                at = norm.find(phrase, at + 1)
        return out


def _keyword_shape(frag: str) -> bool:
    if _CJK.search(frag):
        return all(_CJK.match(c) for c in frag)  # CJK runs only: no punctuation, no digits
    return len(frag) >= 4 and frag.isalpha()


def suggest_links(gdf: gpd.GeoDataFrame, meeting: Meeting, gazetteer: Gazetteer,
                  links: LinkTable | None = None) -> list[Suggestion]:
    """Suggested directive links for the first ``SUGGEST_LIMIT`` features (not those the file
    gives itself).  ``links``: the built-in link table, so a place's own feature is also
    suggested where a clause names it in other words (滆湖 ← “人、城、湖”)."""
    index = _DirectiveIndex(meeting, gazetteer, links)
    columns = _text_columns(gdf)
    out: list[Suggestion] = []
    cache: dict[str, list[Suggestion]] = {}
    head = gdf.iloc[:SUGGEST_LIMIT]
    rows = zip(*(head[c].tolist() for c in columns), strict=True) if columns else ()
    for sid, values in zip(head["source_id"], rows, strict=False):
        text = text_of(values)
        if not text:
            continue
        if text not in cache:
            cache[text] = _suggest_for_text(text, index, gazetteer)
        out.extend(Suggestion(str(sid), s.directive_id, s.origin, s.evidence,
                              s.directive_evidence, s.place_id) for s in cache[text])
    return out


def _suggest_for_text(text: str, index: _DirectiveIndex, gazetteer: Gazetteer
                      ) -> list[Suggestion]:
    seen: set[str] = set()
    out: list[Suggestion] = []
    for m in gazetteer.find(text, strict=True):
        for did, mention in index.by_place.get(m.place_id, ()):
            if did not in seen:
                seen.add(did)
                out.append(Suggestion("", did, "gazetteer", m.text, mention, m.place_id))
    for kw, did, mention in index.keyword_hits(text):
        if did not in seen:
            seen.add(did)
            out.append(Suggestion("", did, "keyword", kw, mention))
    return out
