"""Clean the meeting report as published and split it into paragraphs and sentences.

The published text (``data/directives/meeting-text-source.txt``) is kept byte for byte.  It
carries pinyin reading aids after traditional characters ("區(qū)") and two garbled spans; this
module removes the aids, repairs the spans and records every repair so the UI can say so.
Chinese script conversion (繁 ↔ 简) goes through OpenCC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import opencc

__all__ = [
    "GARBLED_SPANS",
    "T2S_FIXES",
    "CleanText",
    "Repair",
    "Sentence",
    "clean_text",
    "split_sentences",
    "to_simplified",
    "to_traditional",
]

# A pinyin syllable with tone marks (the reading aids use lower case, ü/ǖǘǚǜ included).
_PINYIN = "a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜńňǹ"
READING_AID = re.compile(rf"\(([{_PINYIN}]+)\)")
# The sentence ends after 。！？ (and any closing quotes that follow).
_SENTENCE_END = re.compile(r"[。！？][”’」』]*")


@dataclass(frozen=True)
class GarbledSpan:
    """A span of the published text whose bytes were broken, and what stood there."""

    garbled: str
    repaired: str
    explanation_en: str
    explanation_zh: str


GARBLED_SPANS: tuple[GarbledSpan, ...] = (
    GarbledSpan(
        garbled="??平坛且l",
        repaired="。科教城要發",
        explanation_en=(
            "“。科教城要發” was decoded one byte off as GBK (A1A3 BFC6 … read from the second "
            "byte gives “？平坛且…l”); the reading aid “(fā)” that followed 發 survived."
        ),
        explanation_zh=(
            "“。科教城要發”的 GBK 字節錯位一字節解碼，成了“??平坛且l”；其後的注音“(fā)”完好。"
        ),
    ),
    GarbledSpan(
        garbled="?gòu)?ldquo;",
        repaired="從“",
        explanation_en=(
            "Where the sentence needs “從“” (加速從“紙上”落到“地上”, “from paper to the ground”) "
            "the source holds “?gòu)?ldquo;”: one unreadable character “?”, “gòu)”, the tail of "
            "a reading aid for a character read gòu (such as 構), not of 從, which reads cóng and "
            "carries no reading aid elsewhere in the text (發展從“團城”), and “?ldquo;”, the HTML "
            "entity “&ldquo;” (“) with its “&” lost. 從 is restored from the sense of the "
            "sentence; where “gòu)” came from is not known."
        ),
        explanation_zh=(
            "句意須為“加速從“紙上”落到“地上””，原文此處卻是“?gòu)?ldquo;”：一個無法辨認的字“?”；"
            "“gòu)”是讀 gòu 的字（如“構”）的注音殘尾，並非“從”的注音（“從”讀 cóng，"
            "文中別處的“從”也不加注音，如“發展從“團城””）；“?ldquo;”是丟了“&”的 HTML 實體"
            "“&ldquo;”（左引號）。“從”按句意補回；“gòu)”從何而來無從查考。"
        ),
    ),
)


@dataclass(frozen=True)
class Repair:
    """One garbled span repaired: where it now stands in the cleaned text."""

    garbled: str
    repaired: str
    start: int  # offset of the repaired text in CleanText.text
    end: int
    explanation_en: str
    explanation_zh: str


@dataclass(frozen=True)
class CleanText:
    """The cleaned report: text in 繁體, what was removed and what was repaired."""

    text: str
    reading_aids_removed: int
    repairs: tuple[Repair, ...]

    @property
    def paragraphs(self) -> list[tuple[int, int]]:
        """(start, end) offsets of each non-empty line."""
        spans, pos = [], 0
        for line in self.text.split("\n"):
            if line.strip():
                spans.append((pos, pos + len(line)))
            pos += len(line) + 1
        return spans


@dataclass(frozen=True)
class Sentence:
    """A sentence of the cleaned text: paragraph number (0-based) and offsets."""

    paragraph: int
    index: int  # 0-based within the paragraph
    start: int
    end: int
    text: str


def clean_text(raw: str) -> CleanText:
    """Repair the garbled spans, then remove every pinyin reading aid."""
    # Mark repairs with private-use sentinels so their offsets survive the aid removal.
    marked = raw.replace("\r\n", "\n")
    for i, span in enumerate(GARBLED_SPANS):
        if marked.count(span.garbled) != 1:
            raise ValueError(f"garbled span {span.garbled!r} not found exactly once")
        marked = marked.replace(span.garbled, f"\ue000{i}\ue001{span.repaired}\ue002")
    cleaned, removed = READING_AID.subn("", marked)
    repairs, out, pos = [], [], 0
    for m in re.finditer(r"\ue000(\d+)\ue001(.*?)\ue002", cleaned):
        out.append(cleaned[pos : m.start()])
        start = sum(len(s) for s in out)
        span = GARBLED_SPANS[int(m.group(1))]
        out.append(m.group(2))
        repairs.append(
            Repair(span.garbled, span.repaired, start, start + len(m.group(2)),
                   span.explanation_en, span.explanation_zh)
        )
        pos = m.end()
    out.append(cleaned[pos:])
    return CleanText("".join(out).strip(), removed, tuple(repairs))


def split_sentences(clean: CleanText) -> list[Sentence]:
    """Split every paragraph into sentences; the pieces cover the paragraph exactly."""
    sentences = []
    for p, (p_start, p_end) in enumerate(clean.paragraphs):
        para = clean.text[p_start:p_end]
        cuts = [m.end() for m in _SENTENCE_END.finditer(para)]
        if not cuts or cuts[-1] != len(para):
            cuts.append(len(para))
        prev = 0
        for i, cut in enumerate(cuts):
            sentences.append(
                Sentence(p, i, p_start + prev, p_start + cut, para[prev:cut])
            )
            prev = cut
    return sentences


@lru_cache(maxsize=2)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


# Words OpenCC t2s leaves in their 繁體 form where standard 简体 differs (著 → 着 as a verb
# particle / "apply"; 著 stays in 著作, 著名, 顯著 …).  Same length, so offsets stay valid.
T2S_FIXES: dict[str, str] = {
    "著力": "着力", "著手": "着手", "著眼": "着眼", "著重": "着重", "著想": "着想",
    "著急": "着急", "著落": "着落", "沉著": "沉着", "穿著": "穿着",
}
# …unless 著 closes a word of its own (顯著力量 is 显著 + 力量, not 显 + 着力).
_T2S_FIX = re.compile("(?<![显昭卓土编原专论名巨遗拙新合译撰])(?:" + "|".join(T2S_FIXES) + ")")


@lru_cache(maxsize=4096)
def to_simplified(text: str) -> str:
    """繁體 → 简体 (OpenCC t2s, then :data:`T2S_FIXES`)."""
    out = _converter("t2s.json").convert(text)
    return _T2S_FIX.sub(lambda m: T2S_FIXES[m.group()], out)


@lru_cache(maxsize=4096)
def to_traditional(text: str) -> str:
    """简体 → 繁體 (OpenCC s2t)."""
    return _converter("s2t.json").convert(text)
