"""Places and their aliases, and script-insensitive matching of them in text.

Names are stored in 繁體 (as in the report); matching converts text and aliases to 简体 with
OpenCC, so the same places are found in the 繁 and the 简 text.  English aliases match
case-insensitively on word boundaries.  Overlapping matches resolve to the longest name
("武進國家高新區" is the park, not the district 武進).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from . import paths
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


class Gazetteer:
    def __init__(self, places: list[Place]):
        ids = [p.id for p in places]
        if len(set(ids)) != len(ids):
            raise ValueError("duplicate place ids in the gazetteer")
        self.places = {p.id: p for p in places}
        patterns: dict[str, str] = {}
        for p in places:
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

    def find(self, text: str) -> list[Mention]:
        """Non-overlapping mentions, longest name first, in text order."""
        norm = normalise(text)
        return [
            Mention(self._alias_to_place[m.group()], m.start(), m.end(), text[m.start():m.end()])
            for m in self._regex.finditer(norm)
        ]


def _place(entry: dict) -> Place:
    return Place(
        id=entry["id"], names=tuple(entry["names"]), en=tuple(entry.get("en", ())),
        features=tuple(entry.get("features", ())), kinds=tuple(entry.get("kinds", ())),
        area=bool(entry.get("area", False)),
        unlocated_zh=entry.get("unlocated_zh", ""), unlocated_en=entry.get("unlocated_en", ""),
    )


@cache
def load_gazetteer(path: Path | None = None) -> Gazetteer:
    with (path or paths.DIRECTIVES_DIR / "gazetteer.toml").open("rb") as fh:
        return Gazetteer([_place(e) for e in tomllib.load(fh)["place"]])
