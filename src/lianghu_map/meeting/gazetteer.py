"""Places and their aliases, and script-insensitive matching of them in text.

Names are stored in 繁體 (as in the report); matching converts text and aliases to 简体 with
OpenCC, so the same places are found in the 繁 and the 简 text.  English aliases match
case-insensitively on word boundaries.  Overlapping matches resolve to the longest name
("武進國家高新區" is the park, not the district 武進).

Word boundaries (the gazetteer's knowledge of longer names):

* ``nonplace`` entries are longer names that hold a place name but are not the place (an
  organisation, another city's district, a rail type: 武進生態環境局, 濱湖區, 市域鐵路 …); they
  win as the longest match and yield nothing;
* a name followed, within a few characters of the same word, by an organisation suffix (局, 政府,
  委員會 …) is part of an organisation's name, not a mention of the place (always);
* ``strict`` matching (analysts' feature names, not the report) also drops: the report's own
  deictic names (我區, 全區, 區內: only the report's voice makes them Wujin); short names (two
  characters, or listed in ``bounded``) glued to the word before them (安全區, 產業園區內, 常州市域)
  unless that word is a home administrative prefix (常州市, 武進區 …), or after another city's
  prefix (無錫市濱湖); and short names followed by a suffix that makes a different place or word
  (濱湖區, 核心區域, 滆湖路).  Kind nouns (``head``: 綠道, 口袋公園 …) end a name, so the word
  before them does not matter.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .. import paths
from .text import to_simplified

__all__ = ["Gazetteer", "Mention", "Place", "load_gazetteer", "normalise"]


@dataclass(frozen=True)
class Place:
    id: str
    names: tuple[str, ...]  # 繁體
    en: tuple[str, ...]
    features: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    area: bool = False
    unlocated_zh: str = ""
    unlocated_en: str = ""
    within: str = ""  # generic kinds: only features that lie in or cross this feature
    nonplace: bool = False  # a longer name that holds a place name but is not the place
    match: bool = True  # False: named only by curated entries (too generic to match alone)
    head: bool = False  # a kind noun that ends names (綠道): no boundary needed before it
    report_only: tuple[str, ...] = ()  # aliases that stand for the place only in the report
    bounded: tuple[str, ...] = ()  # longer aliases that still need word boundaries

    def name(self, lang: str) -> str:
        if lang == "en":
            return self.en[0] if self.en else self.names[0]
        return to_simplified(self.names[0]) if lang == "zh-Hans" else self.names[0]


@dataclass(frozen=True)
class Mention:
    place_id: str
    start: int  # offsets in the text searched
    end: int
    text: str  # the mention as it stands


def normalise(text: str) -> str:
    """简体, lower case, same length as ``text`` (offsets stay valid)."""
    out = to_simplified(text)
    if len(out) != len(text):  # OpenCC phrase conversion changed the length: go char by char
        out = "".join(to_simplified(c) for c in text)
    return out.lower()


_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
# An organisation's name: the place name, up to six more characters, then one of these.
# (not 布局, 格局 …: 沿中軸布局 is the axis)
_ORGANISATION = re.compile(r"[\u3400-\u9fff]{0,6}?(分局|(?<![布格大全结当])局|政府|委员会|委|"
                           r"指挥部|办公室|法院|检察院|公安|税务|集团|公司)")
# Administrative levels: a name glued after "<home prefix>" (常州市武進) is still a boundary.
_HOME_PREFIXES = tuple(normalise(p) for p in (
    "江蘇省", "江蘇", "常州市", "常州", "武進區", "金壇區", "鐘樓區", "天寧區", "新北區",
))
# Suffixes that turn a short name into another place or another word (濱湖區, 核心區域, 滆湖路;
# not 線: 中軸線 is the central axis).
_OTHER_AFTER = frozenset("区市县镇乡村路街道巷站桥域")


class Gazetteer:
    def __init__(self, places: list[Place]):
        ids = [p.id for p in places]
        if len(set(ids)) != len(ids):
            raise ValueError("duplicate place ids in the gazetteer")
        self.places = {p.id: p for p in places}
        patterns: dict[str, str] = {}
        self._report_only = {normalise(a) for p in places for a in p.report_only}
        self._bounded = {normalise(a) for p in places for a in p.bounded}
        for p in places:
            if not p.match:
                continue
            for alias in (*p.names, *p.en):
                key = normalise(alias)
                if key in patterns and patterns[key] != p.id:
                    raise ValueError(f"alias {alias!r} names two places")
                patterns[key] = p.id
        self._alias_to_place = patterns
        alternation = "|".join(
            rf"\b{re.escape(a)}\b" if a.isascii() else re.escape(a)
            for a in sorted(patterns, key=len, reverse=True)
        )
        self._regex = re.compile(alternation)

    def find(self, text: str, *, strict: bool = False) -> list[Mention]:
        """Non-overlapping mentions, longest name first, in text order.  ``strict``: the text is a
        feature's name or attribute, not the report (see the module doc for the extra rules)."""
        norm = normalise(text)
        out: list[Mention] = []
        for m in self._regex.finditer(norm):
            place = self.places[self._alias_to_place[m.group()]]
            if place.nonplace or _ORGANISATION.match(norm, m.end()):
                continue
            after_place = bool(out) and out[-1].end == m.start()  # 兩湖中軸: 中軸 after 兩湖
            if strict and not self._bounded_ok(norm, m.start(), m.end(), place, after_place):
                continue
            out.append(Mention(place.id, m.start(), m.end(), text[m.start():m.end()]))
        return out

    def _bounded_ok(self, norm: str, start: int, end: int, place: Place,
                    after_place: bool) -> bool:
        alias = norm[start:end]
        if alias in self._report_only:
            return False
        if not _CJK_CHAR.match(alias) or (len(alias) > 2 and alias not in self._bounded):
            return True
        if end < len(norm) and norm[end] in _OTHER_AFTER:
            return False
        if place.head or after_place or start == 0 or not _CJK_CHAR.match(norm[start - 1]):
            return True
        return norm[:start].endswith(_HOME_PREFIXES)


def _place(entry: dict) -> Place:
    return Place(
        id=entry["id"], names=tuple(entry["names"]), en=tuple(entry.get("en", ())),
        features=tuple(entry.get("features", ())), kinds=tuple(entry.get("kinds", ())),
        area=bool(entry.get("area", False)),
        unlocated_zh=entry.get("unlocated_zh", ""), unlocated_en=entry.get("unlocated_en", ""),
        within=entry.get("within", ""), nonplace=bool(entry.get("nonplace", False)),
        match=bool(entry.get("match", True)), head=bool(entry.get("head", False)),
        report_only=tuple(entry.get("report_only", ())), bounded=tuple(entry.get("bounded", ())),
    )


@cache
def load_gazetteer(path: Path | None = None) -> Gazetteer:
    with (path or paths.DIRECTIVES_DIR / "gazetteer.toml").open("rb") as fh:
        return Gazetteer([_place(e) for e in tomllib.load(fh)["place"]])
