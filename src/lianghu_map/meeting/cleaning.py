"""Clean any meeting report's text, and flag what the analyst must decide.

Generalised from :mod:`.text` (which knows the 2023 report's two garbled spans by heart):

* **reading aids** — a pinyin syllable in parentheses after a character, "區(qū)" or "區（qū）", on
  every character or only some, are removed; :class:`OffsetMap` maps the cleaned text back;
* **widths** — full-width letters and digits (ＡＢ１２) become ASCII, half-width CJK punctuation
  (｡｢｣､) full-width; one character for one, so offsets hold;
* **junk** — navigation (首页 > 新闻), bylines (来源：…, 记者 …, 责编：…, 本报讯（记者 …）) and page
  tools (分享到, 打印本页) at the start or end are *flagged* for removal, never removed here;
* **suspected mojibake** (:mod:`.mojibake`: ``?``/Latin debris inside Han text, UTF-8 read as
  GBK) is *flagged*, never altered, with a suggested repair where one is known.

The analyst's decisions (accept a removal, apply a repair) are applied by :func:`apply_flags`.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .mojibake import HAN as _HAN
from .mojibake import TONED as _TONED
from .mojibake import garbled_spans
from .text import to_simplified

__all__ = [
    "FLAG_KINDS",
    "CleanedText",
    "Flag",
    "OffsetMap",
    "apply_flags",
    "clean_report_text",
    "find_junk",
    "kept_offset",
    "normalise_widths",
    "strip_reading_aids",
]

FLAG_KINDS = ("navigation", "byline", "garbled")

_PLAIN = "a-zü"
# Toneless syllables are aids only directly after a Han character and only if they are pinyin.
_INITIAL = "(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
_FINAL = ("(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|van|üan|ai|ei|ao|ou|an|en|in|"
          "un|vn|ün|ia|ie|iu|ua|uo|ui|ve|üe|er|a|o|e|i|u|v|ü)")
_TONELESS = re.compile(f"{_INITIAL}{_FINAL}")
READING_AID = re.compile(rf"(?<=\S)[(（]([{_PLAIN}{_TONED}]{{1,6}})[)）]")


@dataclass(frozen=True)
class OffsetMap:
    """Maps offsets of a text with pieces cut out back to the text before the cuts."""

    cuts: tuple[tuple[int, int], ...] = ()  # (offset in the new text, characters cut there)

    def to_source(self, offset: int) -> int:
        keys = [c[0] for c in self.cuts]
        i = bisect.bisect_right(keys, offset)
        return offset + sum(n for _, n in self.cuts[:i])


def _is_aid(m: re.Match, text: str) -> bool:
    syllable = m.group(1)
    if any(c in _TONED for c in syllable):
        return True  # a toned syllable in parentheses is a reading aid wherever it stands
    before = text[m.start() - 1]
    return bool(re.match(f"[{_HAN}]", before)) and _TONELESS.fullmatch(syllable) is not None


def strip_reading_aids(text: str) -> tuple[str, int, OffsetMap]:
    """Remove the reading aids; the cleaned text, how many, and the map back to ``text``."""
    out, cuts, pos, shift = [], [], 0, 0
    for m in READING_AID.finditer(text):
        if not _is_aid(m, text):
            continue
        out.append(text[pos:m.start()])
        cuts.append((m.start() - shift, m.end() - m.start()))
        shift += m.end() - m.start()
        pos = m.end()
    out.append(text[pos:])
    return "".join(out), len(cuts), OffsetMap(_merge_cuts(cuts))


def _merge_cuts(cuts: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[list[int]] = []
    for at, n in cuts:
        if merged and merged[-1][0] == at:
            merged[-1][1] += n
        else:
            merged.append([at, n])
    return tuple((a, n) for a, n in merged)


_WIDTH = {**{0xFF10 + i: 0x30 + i for i in range(10)},
          **{0xFF21 + i: 0x41 + i for i in range(26)},
          **{0xFF41 + i: 0x61 + i for i in range(26)},
          0xFF61: ord("。"), 0xFF62: ord("「"), 0xFF63: ord("」"), 0xFF64: ord("、"),
          0x00A0: ord(" ")}


def normalise_widths(text: str) -> tuple[str, int]:
    """Full-width letters/digits → ASCII, half-width CJK punctuation → full width (same length)."""
    changed = sum(1 for c in text if ord(c) in _WIDTH)
    return (text.translate(_WIDTH) if changed else text), changed


@dataclass(frozen=True)
class Flag:
    """A span of the cleaned text the analyst must decide on (offsets in ``CleanedText.text``)."""

    id: str  # stable: kind, text and occurrence
    kind: str  # one of FLAG_KINDS
    start: int
    end: int
    text: str
    suggestion: str = ""  # garbled: a known repair ("" = none known); junk: removal (always "")
    reason: str = ""  # what gave it away (a pattern name)

    def to_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "start": self.start, "end": self.end,
                "text": self.text, "suggestion": self.suggestion, "reason": self.reason}

    @classmethod
    def from_dict(cls, d: dict) -> Flag:
        return cls(d["id"], d["kind"], d["start"], d["end"], d["text"], d.get("suggestion", ""),
                   d.get("reason", ""))


def _stable_id(prefix: str, text: str, seen: dict[str, int]) -> str:
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
    seen[digest] = seen.get(digest, 0) + 1
    n = seen[digest]
    return f"{prefix}-{digest}" + (f"-{n}" if n > 1 else "")


# -- junk at the start or end (patterns on the 简体 form of a line)
_NAV = re.compile(r"^(当前位置|您的位置|你的位置|所在位置|位置)[:：]|^首页\s*[>»›＞/]|"
                  r"([^>»›＞]+[>»›＞]){2,}")
_BYLINE = re.compile(r"^[【\[(（]?(来源|稿源|作者|记者|通讯员|编辑|责编|责任编辑|编审|审核|"
                     r"审校|校对|摄影|摄像|供稿|值班编辑|文字|图片)[】\])）]?\s*[:：\s]")
_TOOLS = re.compile(r"分享到|打印本页|【打印】|【关闭】|关闭窗口|字体[:：]?\s*【?[大中小]|扫一扫|"
                    r"上一篇|下一篇|返回顶部|浏览次数|点击数|阅读数|阅读量|发布时间|发布日期|"
                    r"^(时间|日期)[:：]|【字号|收藏本页|加入收藏|相关链接|相关新闻|^\s*\[?(打印|关闭)\]?\s*$")
_DATE_LINE = re.compile(r"^\s*\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(\s+\d{1,2}:\d{2}(:\d{2})?)?\s*$")
_LEAD_BYLINE = re.compile(r"^(本报讯|本台讯|本网讯|讯)?\s*[（(](记者|通讯员|见习记者|融媒体记者)"
                          r"[^）)]{1,40}[）)]|^(本报讯|本台讯|本网讯)")


def _junk_kind(line: str) -> str | None:
    s = to_simplified(line.strip())
    if not s:
        return None
    if _BYLINE.search(s):
        return "byline"
    if _NAV.search(s) or _TOOLS.search(s) or _DATE_LINE.match(s):
        return "navigation"
    return None


def find_junk(text: str) -> list[tuple[str, int, int, str]]:
    """(kind, start, end, reason) of junk lines at the start and the end, and a byline lead
    ("本报讯（记者 …）") opening the first line of the body."""
    lines, pos = [], 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line), line))
        pos += len(line) + 1
    found: list[tuple[str, int, int, str]] = []
    head = 0
    for start, end, line in lines:
        kind = _junk_kind(line)
        if kind is None and line.strip():
            break
        if kind:
            found.append((kind, start, end, "line"))
        head += 1
    tail = []
    for start, end, line in reversed(lines[head:]):
        kind = _junk_kind(line)
        if kind is None and line.strip():
            break
        if kind:
            tail.append((kind, start, end, "line"))
    if head < len(lines):
        start, _end, line = lines[head]
        indent = len(line) - len(line.lstrip())
        m = _LEAD_BYLINE.match(to_simplified(line[indent:]))
        if m:
            found.append(("byline", start + indent, start + indent + m.end(), "lead"))
    return found + tail[::-1]


@dataclass(frozen=True)
class CleanedText:
    text: str  # reading aids removed, widths normalised, line ends \n, stripped
    reading_aids_removed: int
    widths_normalised: int
    flags: tuple[Flag, ...]
    offsets: OffsetMap  # cleaned text → the source with \n line ends (before strip)
    lead: int  # characters stripped at the start


def clean_report_text(raw: str) -> CleanedText:
    """Clean ``raw`` and flag junk and suspected mojibake (nothing flagged is changed)."""
    unified = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    no_aids, removed, offsets = strip_reading_aids(unified)
    widened, widths = normalise_widths(no_aids)
    text = widened.strip()
    lead = len(widened) - len(widened.lstrip())
    seen: dict[str, int] = {}
    flags = [Flag(_stable_id(kind, text[a:b], seen), kind, a, b, text[a:b], "", reason)
             for kind, a, b, reason in find_junk(text)]
    flags += [Flag(_stable_id("garbled", text[a:b], seen), "garbled", a, b, text[a:b],
                   suggestion, reason) for a, b, suggestion, reason in garbled_spans(text)]
    flags.sort(key=lambda f: (f.start, f.end))
    return CleanedText(text, removed, widths, tuple(flags), offsets, lead)


def apply_flags(text: str, flags: Iterable[Flag], repairs: dict[str, str]) -> tuple[str, list]:
    """The kept text: accepted junk removed (with its line end), accepted garbled spans replaced
    by ``repairs[flag.id]``.  Returns the text and the edits as (start, end, new start, new end,
    flag id) so spans can be followed."""
    out, pos, edits, new_len = [], 0, [], 0
    for f in sorted(flags, key=lambda f: f.start):
        if f.id not in repairs or f.start < pos:
            continue
        end = f.end
        replacement = repairs[f.id]
        if f.kind != "garbled":
            replacement = ""
            if end < len(text) and text[end] == "\n":
                end += 1
        piece = text[pos:f.start]
        out.append(piece)
        new_len += len(piece)
        out.append(replacement)
        edits.append((f.start, end, new_len, new_len + len(replacement), f.id))
        new_len += len(replacement)
        pos = end
    out.append(text[pos:])
    joined = "".join(out)
    lead = len(joined) - len(joined.lstrip())
    edits = [(a, b, c - lead, d - lead, i) for a, b, c, d, i in edits]
    return joined.strip(), edits


def kept_offset(offset: int, edits: list) -> int:
    """Where ``offset`` of the cleaned text stands in the kept text (``apply_flags``' edits)."""
    shift = edits[0][2] - edits[0][0] if edits else 0
    for a, b, c, d, _ in edits:
        if offset >= b:
            shift = d - b
        elif offset >= a:
            return max(c, 0)
        else:
            break
    return max(offset + shift, 0)
