"""Suspected mojibake in a report's text: spans flagged for the analyst, never altered.

* ``find_garbled`` — a span of ``?``, Latin letters, entity remnants (``ldquo;``), Latin-1
  debris (Ã¤Â) or stray parenthesised pinyin inside Han text (the 2023 report's
  “??平坛且l” and “?gòu)?ldquo;”); runs a few Han characters apart are one span;
* ``find_gbk_mojibake`` — UTF-8 read as GBK (发展 → 鍙戝睍): a stretch whose GBK bytes decode as
  UTF-8, which Chinese text's own GBK bytes almost never do.

:func:`garbled_spans` gives both, each with a suggested repair where one is known: the 2023
spans (:data:`.text.GARBLED_SPANS`), an HTML entity, or the GBK stretch read back as UTF-8 when
no byte was lost.
"""

from __future__ import annotations

import re

from .text import GARBLED_SPANS

__all__ = ["HAN", "TONED", "find_garbled", "find_gbk_mojibake", "garbled_spans"]

HAN = "\u3400-\u9fff\uf900-\ufaff"
TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"

_SUSPECT_RUN = re.compile(rf"[?\ufffd&;#()A-Za-z\u0080-\u024f{TONED}]+")
_GAP = 3  # suspicious runs this close (Han characters only between) are one garbled span


def _suspicious(run: str, before: str, after: str) -> bool:
    if "\ufffd" in run or (len(run) > 1 and "?" in run):
        return True
    if re.search("[\u0080-\u00ff]", run) or any(c in TONED for c in run):
        return True
    if re.search(r"[A-Za-z][;&]|&[A-Za-z]", run):
        return True
    if run.count("(") != run.count(")") and re.search("[A-Za-z]", run):
        return True
    letters = re.sub(r"[^A-Za-z]", "", run)
    han = f"[{HAN}]"
    return (letters.islower() and bool(re.match(han, before)) and bool(re.match(han, after))
            and len(letters) <= 4)


def find_garbled(text: str) -> list[tuple[int, int]]:
    """(start, end) of suspected mojibake spans inside Han text."""
    spans: list[list[int]] = []
    for m in _SUSPECT_RUN.finditer(text):
        before = text[m.start() - 1] if m.start() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        near_han = re.match(f"[{HAN}“”‘’「」，。、]", before or after or " ")
        if not near_han or not _suspicious(m.group(), before, after):
            continue
        gap = text[spans[-1][1]:m.start()] if spans else ""
        if spans and len(gap) <= _GAP and re.fullmatch(f"[{HAN}]*", gap):
            spans[-1][1] = m.end()
        else:
            spans.append([m.start(), m.end()])
    return [(a, b) for a, b in spans]


_HAN_RE = re.compile(f"[{HAN}]")
_SEGMENT = re.compile(r"[^，。！？；：、“”‘’,.!?;:\n]+")
_SEGMENT_PUNCT = "，。！？；：、“”‘’,.!?;: "
_MIN_SEGMENT = 4


def _as_utf8(garbled: str) -> str:
    """``garbled``'s GBK bytes read as UTF-8 (bytes that do not decode as �)."""
    return garbled.encode("gbk", errors="replace").decode("utf-8", errors="replace")


def _regbk(garbled: str) -> str:
    """What UTF-8 read as GBK stood for, if every byte survived; else ""."""
    back = _as_utf8(garbled)
    return back if back != garbled and "\ufffd" not in back and _HAN_RE.search(back) else ""


def _looks_regbk(seg: str) -> bool:
    back = _as_utf8(seg)
    if back == seg:
        return False
    han = len(_HAN_RE.findall(back))
    return han >= 2 and back.count("\ufffd") * 3 <= len(back) and han * 2 >= len(back)


def find_gbk_mojibake(text: str) -> list[tuple[int, int]]:
    """(start, end) of stretches where UTF-8 was read as GBK: their GBK bytes decode as UTF-8
    (Chinese text's own GBK bytes almost never do), e.g. 鍙戝睍 for 发展.  Neighbouring
    stretches join (the garbling swallows the text's own punctuation)."""
    spans: list[tuple[int, int]] = []
    for m in _SEGMENT.finditer(text):
        seg = m.group()
        if len(seg) < _MIN_SEGMENT or not _HAN_RE.search(seg) or not _looks_regbk(seg):
            continue
        if spans and not text[spans[-1][1]:m.start()].strip(_SEGMENT_PUNCT):
            spans[-1] = (spans[-1][0], m.end())
        else:
            spans.append((m.start(), m.end()))
    return spans


_KNOWN_REPAIRS = {g.garbled: g.repaired for g in GARBLED_SPANS}
_ENTITY = re.compile(r"&?(ldquo|rdquo|lsquo|rsquo|quot|amp|nbsp|hellip|mdash);")
_ENTITY_TEXT = {"ldquo": "“", "rdquo": "”", "lsquo": "‘", "rsquo": "’", "quot": "\"",
                "amp": "&", "nbsp": " ", "hellip": "…", "mdash": "—"}


def _suggest(garbled: str) -> str:
    if garbled in _KNOWN_REPAIRS:
        return _KNOWN_REPAIRS[garbled]
    m = _ENTITY.fullmatch(garbled)
    return _ENTITY_TEXT[m.group(1)] if m else _regbk(garbled)


def garbled_spans(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, suggested repair or "", reason) of every suspected mojibake span."""
    gbk = find_gbk_mojibake(text)
    out = [(a, b, _suggest(text[a:b]), "mojibake") for a, b in find_garbled(text)
           if not any(x <= a and b <= y for x, y in gbk)]
    out += [(a, b, _regbk(text[a:b]), "utf8-as-gbk") for a, b in gbk
            if not any(x < b and a < y for x, y, _, _ in out)]
    return sorted(out)
