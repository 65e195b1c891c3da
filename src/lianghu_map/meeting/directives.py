"""The meeting report as directives: stable ids, themes, and text in 繁體 / 简体 / English.

Source: ``data/directives/meeting-text-source.txt`` (the report as published) and
``data/directives/directives.toml`` (curated ids, themes, translations).  Each directive is a
contiguous run of sentences of the cleaned text; every sentence of the body belongs to exactly one
directive, and the last line of the report (the editor's credit) is kept as attribution.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .. import paths
from .text import CleanText, Repair, clean_text, split_sentences, to_simplified

__all__ = [
    "THEMES",
    "Directive",
    "Meeting",
    "Theme",
    "load_meeting",
    "theme_info",
]


@dataclass(frozen=True)
class Theme:
    key: str  # the theme as the text names it (繁體), or "context"
    slug: str  # the id prefix of its directives
    en: str
    color: str


THEMES: tuple[Theme, ...] = (
    Theme("現代化", "modern", "Modernization", "#1f5fa8"),
    Theme("創新", "innovate", "Innovation", "#c2410c"),
    Theme("活力", "vitality", "Vitality", "#b4237a"),
    Theme("協同", "synergy", "Synergy", "#6d28d9"),
    Theme("生態", "ecology", "Ecology", "#15803d"),
    Theme("宜居", "livable", "Livability", "#a16207"),
    Theme("context", "context", "Context", "#57534e"),
)
THEME_BY_KEY = {t.key: t for t in THEMES}
# Colours of a report's own themes (its headings), in their order: the six first, then more.
THEME_PALETTE: tuple[str, ...] = (*(t.color for t in THEMES[:-1]), "#0e7490", "#be123c",
                                  "#4d7c0f", "#7c3aed", "#b45309", "#0f766e")


def theme_info(key: str, themes: Sequence[Theme] = ()) -> Theme:
    """The theme ``key`` names: from ``themes`` (a meeting's), else one of the 2023 six, else a
    report's own theme not listed (its key as label, an ASCII slug and a colour from the key)."""
    found = next((th for th in themes if th.key == key), None) or THEME_BY_KEY.get(key)
    if found is not None:
        return found
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()
    colour = THEME_PALETTE[int(digest, 16) % len(THEME_PALETTE)]
    return Theme(key, f"theme-{digest[:8]}", "", colour)


@dataclass(frozen=True)
class Directive:
    id: str
    theme: str  # a Theme.key
    order: int  # position in the report, 0-based
    paragraph: int
    start: int  # span in the cleaned text
    end: int
    text_hant: str  # cleaned source (繁體)
    en: str
    label_hant: str
    label_en: str
    repairs: tuple[Repair, ...]  # garbled spans repaired inside this directive

    @property
    def text_hans(self) -> str:
        return to_simplified(self.text_hant)

    def text(self, lang: str) -> str:
        if lang == "en":
            return self.en
        return self.text_hans if lang == "zh-Hans" else self.text_hant

    def label(self, lang: str) -> str:
        if lang == "en":
            return self.label_en
        return to_simplified(self.label_hant) if lang == "zh-Hans" else self.label_hant


@dataclass(frozen=True)
class Meeting:
    """The whole report: cleaned text, directives in order, and its attribution."""

    clean: CleanText
    directives: tuple[Directive, ...]
    attribution: str  # the editor's credit line, as published
    source_path: Path
    # the report's themes in order, "context" last: the 2023 six by default, or the report's
    # own (its headings; keys in 繁體, as Directive.theme)
    themes: tuple[Theme, ...] = THEMES

    def theme(self, key: str) -> Theme:
        return theme_info(key, self.themes)

    def theme_order(self, *, context: bool = False) -> tuple[Theme, ...]:
        """The meeting's themes in order, then any theme a clause has that the list lacks;
        "context" last, and only with ``context``."""
        keys = [th.key for th in self.themes] + [d.theme for d in self.directives]
        keys = [k for k in dict.fromkeys(keys) if k != "context"] + (["context"] if context
                                                                        else [])
        return tuple(self.theme(k) for k in keys)

    def get(self, directive_id: str) -> Directive | None:
        return next((d for d in self.directives if d.id == directive_id), None)

    def by_theme(self, theme: str) -> list[Directive]:
        return [d for d in self.directives if d.theme == theme]


def _read_curated(path: Path) -> list[dict]:
    with path.open("rb") as fh:
        entries = tomllib.load(fh)["directive"]
    ids = [e["id"] for e in entries]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{path}: duplicate directive ids")
    for e in entries:
        if e["theme"] not in THEME_BY_KEY:
            raise ValueError(f"{path}: directive {e['id']} has unknown theme {e['theme']!r}")
    return entries


def build_meeting(raw: str, curated: list[dict], source_path: Path) -> Meeting:
    """Assign the sentences of ``raw`` (cleaned) to the curated directives by their anchors."""
    clean = clean_text(raw)
    sentences = split_sentences(clean)
    *body, credit = sentences
    starts = {}
    for e in curated:
        hits = [i for i, s in enumerate(body) if s.text.startswith(e["starts"])]
        if len(hits) != 1:
            raise ValueError(f"directive {e['id']}: anchor {e['starts']!r} matches {len(hits)}")
        starts[hits[0]] = e
    if 0 not in starts:
        raise ValueError("the first sentence belongs to no directive")
    directives = []
    current: list = []
    entry = None

    def close() -> None:
        if entry is None:
            return
        start, end = current[0].start, current[-1].end
        directives.append(
            Directive(
                id=entry["id"], theme=entry["theme"], order=len(directives),
                paragraph=current[0].paragraph, start=start, end=end,
                text_hant=clean.text[start:end], en=entry["en"],
                label_hant=entry["label_zh"], label_en=entry["label_en"],
                repairs=tuple(r for r in clean.repairs if r.start < end and r.end > start),
            )
        )

    for i, sentence in enumerate(body):
        new_paragraph = bool(current) and sentence.paragraph != current[-1].paragraph
        if i in starts or new_paragraph:
            if i not in starts:
                raise ValueError(f"paragraph {sentence.paragraph} starts with no directive")
            close()
            entry, current = starts[i], []
        current.append(sentence)
    close()
    return Meeting(clean, tuple(directives), credit.text, source_path)


@cache
def load_meeting(directives_dir: Path | None = None) -> Meeting:
    """The report from ``data/directives`` (cached: it is immutable data)."""
    d = directives_dir or paths.DIRECTIVES_DIR
    source = d / "meeting-text-source.txt"
    raw = source.read_text(encoding="utf-8")
    return build_meeting(raw, _read_curated(d / "directives.toml"), source)
