"""Split a report's kept text into clauses: headings, sentences and their enumerated parts.

Every line is a paragraph.  A paragraph that opens with an enumerator (一、 （一） 1. （1） ①
第一章) starts with a heading: the whole line if it is short or has no sentence end, else its
first sentence when that is short (the body follows); a long first sentence makes the line an
enumerated item, not a heading.  Sentences end after 。！？! (and the closing quotes after them);
a sentence with two or more inline enumerators (一是… 二是…, （1）…（2）…, ①…②…, 第一，…) is cut
before each of them into parts.

Splitting is lossless: ``"".join(c.text + c.tail for c in clauses) == text`` (``tail`` is the
whitespace after a clause).  Ids come from the clause's own text (sha1, with an occurrence number
for repeats), so they are the same on every run and survive edits elsewhere in the text.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

__all__ = ["CLAUSE_KINDS", "Clause", "clause_ids", "merge_clauses", "split_clauses"]

CLAUSE_KINDS = ("heading", "sentence", "part")

_NUM = "一二三四五六七八九十"
_HEADING = re.compile(
    rf"(?P<l0>第[{_NUM}]+[章节節部分篇][、，,\s]?)"
    rf"|(?P<l1>[{_NUM}]+、)"
    rf"|(?P<l2>[（(][{_NUM}]+[）)])"
    r"|(?P<l3>\d{1,2}(?:[.．、](?!\d)|\s))"
    r"|(?P<l4>[（(]\d{1,2}[）)])"
    r"|(?P<l5>[①-⑳])"
)
_SENTENCE_END = re.compile(r"[。！？!][”’」』\"')）]*")
_INLINE_ENUM = re.compile(
    rf"[{_NUM}]是|第[{_NUM}]+[，,、]|其[{_NUM}][，,、是]|[（(]\d{{1,2}}[）)]|[（(][{_NUM}]{{1,2}}[）)]|[①-⑳]")
_HEADING_MAX = 40  # a first sentence this short (or shorter) after an enumerator is a heading
_WS = " \t\u3000\n"


@dataclass(frozen=True)
class Clause:
    id: str
    start: int  # offsets in the kept text
    end: int
    text: str
    tail: str  # whitespace up to the next clause
    kind: str  # one of CLAUSE_KINDS
    paragraph: int  # 0-based line number among non-empty lines
    level: int = 0  # headings: 0 第X章 … 5 ①; others 0
    marker: str = ""  # the enumerator it opens with ("一、", "（1）", "二是" …)
    section: str = ""  # id of the nearest heading above ("" before any)

    def to_dict(self) -> dict:
        return {"id": self.id, "start": self.start, "end": self.end, "text": self.text,
                "tail": self.tail, "kind": self.kind, "paragraph": self.paragraph,
                "level": self.level, "marker": self.marker, "section": self.section}

    @classmethod
    def from_dict(cls, d: dict) -> Clause:
        return cls(**{k: d[k] for k in ("id", "start", "end", "text", "tail", "kind",
                                         "paragraph", "level", "marker", "section")})


def _heading_marker(line: str) -> tuple[int, str] | None:
    m = _HEADING.match(line)
    if not m:
        return None
    level = int(m.lastgroup[1])
    return level, m.group()


def _sentence_cuts(text: str, start: int, end: int) -> list[int]:
    cuts = [m.end() for m in _SENTENCE_END.finditer(text, start, end)]
    if not cuts or cuts[-1] != end:
        cuts.append(end)
    return sorted(set(cuts))


def _part_cuts(text: str, start: int, end: int) -> list[tuple[int, str]]:
    """Cut points before inline enumerators (only when the sentence holds two or more)."""
    marks = [(m.start(), m.group()) for m in _INLINE_ENUM.finditer(text, start, end)
             if m.start() == start or text[m.start() - 1] in "；;，,：:。 \u3000"]
    if len(marks) < 2:
        return []
    return [(p, g) for p, g in marks if p > start]


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, marker) of the clauses of one paragraph (no heading handling)."""
    out = []
    prev = start
    for cut in _sentence_cuts(text, start, end):
        parts = _part_cuts(text, prev, cut)
        first_marker = ""
        m = _INLINE_ENUM.match(text, prev)
        if parts and m:
            first_marker = m.group()
        p_prev, marker = prev, first_marker
        for p, g in parts:
            out.append((p_prev, p, "part", marker))
            p_prev, marker = p, g
        out.append((p_prev, cut, "part" if parts else "sentence", marker))
        prev = cut
    return out


def _paragraph_clauses(text: str, start: int, end: int) -> list[tuple[int, int, str, int, str]]:
    line = text[start:end]
    head = _heading_marker(line)
    if head is None:
        return [(a, b, k, 0, mk) for a, b, k, mk in _pieces(text, start, end)]
    level, marker = head
    first = _SENTENCE_END.search(line)
    if (first is None and len(line) <= _HEADING_MAX * 2) or (
            first is not None and first.end() == len(line) <= _HEADING_MAX):
        return [(start, end, "heading", level, marker)]
    if first is not None and first.end() < len(line) and first.end() <= _HEADING_MAX:
        rest = start + first.end()
        while rest < end and text[rest] in _WS:
            rest += 1
        body = [(a, b, k, 0, mk) for a, b, k, mk in _pieces(text, rest, end)]
        return [(start, start + first.end(), "heading", level, marker), *body]
    # a long first sentence: an enumerated item, not a heading
    pieces = _pieces(text, start, end)
    a, b, k, mk = pieces[0]
    return [(a, b, k, 0, mk or marker), *[(a, b, k, 0, mk) for a, b, k, mk in pieces[1:]]]


def clause_ids(texts: Sequence[str]) -> list[str]:
    """Stable ids from the clauses' texts: ``c-<sha1[:10]>``, ``-2``, ``-3`` … for repeats."""
    seen: dict[str, int] = {}
    out = []
    for t in texts:
        digest = hashlib.sha1(t.encode("utf-8")).hexdigest()[:10]
        seen[digest] = seen.get(digest, 0) + 1
        out.append(f"c-{digest}" + (f"-{seen[digest]}" if seen[digest] > 1 else ""))
    return out


def split_clauses(text: str) -> list[Clause]:
    """The clauses of ``text`` (lossless; see the module doc)."""
    raw: list[tuple[int, int, str, int, str, int]] = []
    pos, paragraph = 0, 0
    for line in text.split("\n"):
        lead = len(line) - len(line.lstrip(_WS))
        body = line.strip(_WS)
        if body:
            start = pos + lead
            for a, b, k, lv, mk in _paragraph_clauses(text, start, start + len(body)):
                # whitespace at a cut inside a paragraph belongs to the tail of the clause before
                while b > a and text[b - 1] in _WS:
                    b -= 1
                while a < b and text[a] in _WS:
                    a += 1
                if b > a:
                    raw.append((a, b, k, lv, mk, paragraph))
            paragraph += 1
        pos += len(line) + 1
    clauses: list[Clause] = []
    ids = clause_ids([text[a:b] for a, b, *_ in raw])
    sections: dict[int, str] = {}
    for i, (a, b, kind, level, marker, par) in enumerate(raw):
        a2 = raw[i + 1][0] if i + 1 < len(raw) else len(text)
        if kind == "heading":
            sections = {lv: s for lv, s in sections.items() if lv < level}
        section = sections[max(sections)] if sections else ""
        clauses.append(Clause(ids[i], a, b, text[a:b], text[b:a2], kind, par, level, marker,
                              section))
        if kind == "heading":
            sections[level] = ids[i]
    if clauses and clauses[0].start:
        raise ValueError("split_clauses needs a text without leading whitespace")
    return clauses


def merge_clauses(text: str, clauses: Sequence[Clause], group: Sequence[str]) -> list[Clause]:
    """Join consecutive clauses (ids in ``group``, in order) into one; its id from its text."""
    idx = [i for i, c in enumerate(clauses) if c.id in set(group)]
    if len(idx) != len(group) or idx != list(range(idx[0], idx[0] + len(idx))):
        raise ValueError(f"clauses {list(group)} are not consecutive clauses of the text")
    first, last = clauses[idx[0]], clauses[idx[-1]]
    merged = replace(first, end=last.end, text=text[first.start:last.end], tail=last.tail,
                     kind="heading" if first.kind == "heading" else "sentence")
    out = [*clauses[:idx[0]], merged, *clauses[idx[-1] + 1:]]
    ids = clause_ids([c.text for c in out])
    renamed = {c.id: i for c, i in zip(out, ids, strict=True)}
    return [replace(c, id=renamed[c.id], section=renamed.get(c.section, c.section))
            for c in out]
