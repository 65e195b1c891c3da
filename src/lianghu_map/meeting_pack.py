"""The PDF meeting pack (fpdf2), landscape A4 or A3, in 简体, 繁體 or English.

Pages, in order:

1. cover — title, subtitle, the meeting (its opening clause quoted, counts, attribution),
   contents (with each theme's clause and feature counts), date and the "indicative" note;
2. overview map — every feature drawn; the view fitted to the non-base features and the zone
   outlines (the district outlines alone would make the zone a small patch);
3. one page per theme of the meeting, in its order (:meth:`Meeting.theme_order`: the six
   2023 themes, or a report's own headings; not "context"): the map of
   ``MapFilter(themes=(theme,))`` through
   :func:`lianghu_map.selection.select` (the theme's features drawn, the base layers dimmed; a
   theme with no mapped feature shows the zone), every clause quoted in full in the pack's
   language with its label and id, and its features by layer;
4. sources — per layer its provenance: distinct sources, basis, accuracy range and feature
   count (uploaded layers: what their features carry, and the layer's version); the meeting
   text's source and the fonts' credit.

Every page has a footer: date, "geometry indicative", page n of N.

**Page count.**  Each theme is exactly one page.  Its text is set in the largest size (10 pt
on A4, scaled with the paper, down to 6.5 pt) at which it fits the column — measured with the
font's own advance widths (fpdf2's metrics) and the same line breaking the page is drawn with
(:func:`_break_lines`: between CJK characters, at spaces, no closing mark at a line start).
Only if even the smallest size does not fit (many uploaded features linked to one theme) is
the feature list cut, with "… and N more", in the largest size that still lists 20 of them.
The sources flow in two columns from 9.5 pt down to 6 pt, then onto further pages, so their
page count follows from the data: the built-in data give **9 pages** (cover, overview, six
themes, one sources page) on A4 and on A3, in every language (:func:`pack_page_count` plans it
without drawing); a report with its own themes has one page for each of them.

Text: Noto Sans CJK SC from the ``mplfonts`` package (:mod:`lianghu_map.fonts`), embedded as a
subset; English packs are set in DejaVu Sans (from matplotlib) with Noto Sans CJK SC as the
fallback for Chinese characters, because the CJK font's curly quotes are full-width.  Every
data string goes through :func:`lianghu_map.fonts.printable` (no control characters; a glyph
the font lacks becomes "□"), and fpdf2's page-count alias is switched off, so no text — a
layer name included — is interpreted.  Maps are :mod:`lianghu_map.figure` renders placed as
images (150 dpi at A4 size; on A3 the same map, scaled, with as many pixels per millimetre).
"""
from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import geopandas as gpd
from fpdf import FPDF

from .figure import figure_image, map_figure
from .fonts import cjk_font_path, latin_font_path, printable, truetype_subset
from .i18n import status_label, t, zh
from .layers import BASES, LAYERS, LayerSpec, display_names
from .meeting.directives import THEMES, Meeting
from .meeting.links import LinkTable
from .panels import theme_label
from .selection import ZONE_FEATURE, MapFilter, MapSelection, select

__all__ = ["PAPERS", "meeting_pack_pdf", "pack_page_count"]

PAPERS = ("A4", "A3")
_FONT = "NotoSansCJK"
_LATIN = "DejaVuSans"
_INK = (31, 35, 40)
_MUTED = (107, 102, 94)
_RULE = (214, 209, 199)
_PT = 25.4 / 72  # mm per point
_LEADING = 1.42  # line height / font size
_MAP_DPI = 150  # at A4; an A3 map gets the same pixels per millimetre


@dataclass(frozen=True)
class _Para:
    """A paragraph to flow: text, size (× the page's base size), colour, space before (em),
    left indent (mm)."""

    text: str
    size: float = 1.0
    color: tuple[int, int, int] = _INK
    gap: float = 0.0
    indent: float = 0.0
    keep: bool = False  # keep with the next paragraph's first line (headings)


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


class _Pack(FPDF):
    """The pack's pages.  Made twice: a dry run (no maps) with the full font records every
    character set in type; the real run embeds a TrueType cut of the font to those characters
    (see :func:`lianghu_map.fonts.truetype_subset`: text a PDF reader can copy and search)."""

    def __init__(self, paper: str, lang: str, day: str, font_path: Path | None = None):
        super().__init__(orientation="L", unit="mm", format=paper)
        self.lang, self.day = lang, day
        self.dry = font_path is None
        self.chars: set[str] = set()
        self.f = self.w / 297.0  # scale from A4
        self.margin = 12 * self.f
        self.total = 0  # known before the first footer is drawn
        self._lines: dict[tuple[str, float, float], list[str]] = {}
        self._cw: dict[str, float] = {}
        self.add_font(_FONT, "", str(font_path or cjk_font_path()))
        self.main_font = _FONT
        if lang == "en":  # the CJK font's curly quotes are full-width: English in DejaVu Sans
            self.add_font(_LATIN, "", str(latin_font_path()))
            self.set_fallback_fonts([_FONT])
            self.main_font = _LATIN
        self.alias_nb_pages(None)  # no text is interpreted: "{nb}" in a name stays "{nb}"
        self.set_auto_page_break(False)
        self.set_margins(self.margin, self.margin, self.margin)
        self.set_title(printable(t("app.title", lang)))
        self.set_creator("lianghu-map")
        self.set_lang(lang)

    def normalize_text(self, text: str) -> str:  # every string set or measured passes here
        self.chars.update(text)
        return super().normalize_text(text)

    # -- geometry
    @property
    def top(self) -> float:
        return self.margin

    @property
    def bottom(self) -> float:  # content stops here; the footer is below
        return self.h - self.margin - 5 * self.f

    @property
    def content_w(self) -> float:
        return self.w - 2 * self.margin

    def font(self, size_pt: float, color: tuple[int, int, int] = _INK) -> None:
        self.set_font(self.main_font, size=size_pt)
        self.set_text_color(*color)

    def char_width(self, ch: str) -> float:
        """Advance of ``ch`` in mm at 1 pt (fpdf2's own metrics, fallback font included)."""
        w = self._cw.get(ch)
        if w is None:
            self.font(100)
            w = self._cw[ch] = self.get_string_width(ch) / 100
        return w

    def lines(self, text: str, width: float, size_pt: float) -> list[str]:
        """``text`` broken into lines that fit ``width`` mm (a cell's inner width) at
        ``size_pt``: see :func:`_break_lines`."""
        key = (text, round(width, 3), round(size_pt, 3))
        hit = self._lines.get(key)
        if hit is None:
            inner = (width - 2 * self.c_margin) / size_pt
            hit = self._lines[key] = _break_lines(text, inner, self.char_width)
        return hit

    def put(self, x: float, y: float, w: float, text: str, size_pt: float,
            color: tuple[int, int, int] = _INK, align: str = "L") -> None:
        self.font(size_pt, color)
        self.set_xy(x, y)
        self.cell(w, size_pt * _PT * _LEADING, text, align=align)

    def footer(self) -> None:
        size = 7.5 * self.f
        y = self.h - self.margin + 1 * self.f
        self.set_draw_color(*_RULE)
        self.set_line_width(0.2 * self.f)
        self.line(self.margin, y - 1.2 * self.f, self.w - self.margin, y - 1.2 * self.f)
        w = self.content_w
        self.put(self.margin, y, w, t("export.date", self.lang, date=self.day), size, _MUTED)
        self.put(self.margin, y, w, t("pack.footer.note", self.lang), size, _MUTED, "C")
        self.put(self.margin, y, w, t("pack.footer.page", self.lang, page=self.page_no(),
                                      pages=self.total), size, _MUTED, "R")


# -- line breaking and flowing text ---------------------------------------------------------------

# No line starts with a closing mark, none ends with an opening one (a light kinsoku).
_CLOSING = set("，。、；：？！）」』”’》〉】〕…,.;:?!)]}%·")
_OPENING = set("（「『“‘《〈【〔([{")


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _atoms(text: str) -> list[str]:
    """Unbreakable pieces: a wide (CJK) character, a run of other non-space characters (a
    word), or a space; closing marks cling to what precedes them, opening marks to what
    follows."""
    atoms: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == " " or _wide(ch):
            atom, i = ch, i + 1
        else:
            j = i
            while j < n and text[j] != " " and not _wide(text[j]):
                j += 1
            atom, i = text[i:j], j
        prev = atoms[-1] if atoms else " "
        if prev != " " and atom != " " and (atom[0] in _CLOSING or prev[-1] in _OPENING):
            atoms[-1] = prev + atom
        else:
            atoms.append(atom)
    return atoms


def _break_lines(text: str, width_em: float, char_width) -> list[str]:
    """Greedy line breaking of ``text`` into lines of at most ``width_em`` (mm per pt of font
    size): between CJK characters, at spaces (dropped at the break) and, only for a piece wider
    than a line, anywhere."""
    if not text:
        return [""]
    lines: list[str] = []
    line, w = "", 0.0
    for atom in _atoms(text):
        aw = sum(char_width(c) for c in atom)
        if atom == " ":
            if line:
                line, w = line + " ", w + aw
            continue
        if w + aw <= width_em + 1e-9:
            line, w = line + atom, w + aw
            continue
        if line.strip():
            lines.append(line.rstrip(" "))
        line, w = "", 0.0
        for ch in atom:  # only a piece wider than the line is cut inside
            cw = char_width(ch)
            if w + cw > width_em + 1e-9 and line:
                lines.append(line)
                line, w = "", 0.0
            line, w = line + ch, w + cw
    if line.strip() or not lines:
        lines.append(line.rstrip(" "))
    return lines



def _measure(pdf: _Pack, paras: Sequence[_Para], width: float, base_pt: float
             ) -> list[tuple[_Para, list[str], float]]:
    """(paragraph, its lines, line height mm) at ``base_pt``."""
    out = []
    for p in paras:
        size = base_pt * p.size
        out.append((p, pdf.lines(p.text, width - p.indent, size), size * _PT * _LEADING))
    return out


def _flow(pdf: _Pack, measured, columns: Sequence[tuple[float, float]], top: float,
          base_pt: float, *, draw: bool, first_top: float | None = None) -> int:
    """Place ``measured`` lines into ``columns`` (x, width) from ``top`` (``first_top`` on the
    current page) to the page's bottom, page after page; draw them if ``draw``.  Returns the
    number of pages used (1: it all fits where it starts)."""
    pages, col = 1, 0
    y = top if first_top is None else first_top
    for i, (p, lines, lh) in enumerate(measured):
        y += p.gap * base_pt * _PT
        need = len(lines) * lh
        j = i
        while measured[j][0].keep and j + 1 < len(measured):  # a heading goes with what follows
            j += 1
            nxt, _, nlh = measured[j]
            need += nxt.gap * base_pt * _PT + (nlh if not nxt.keep else
                                                len(measured[j][1]) * nlh)
        force = y > top + 0.01 and y + need > pdf.bottom + 0.01 and p.keep
        for k, line in enumerate(lines):
            if (force and k == 0) or y + lh > pdf.bottom + 0.01:
                col += 1
                if col == len(columns):
                    col, pages = 0, pages + 1
                    if draw:
                        pdf.add_page()
                y = top
            if draw:
                x, w = columns[col]
                pdf.put(x + p.indent, y, w - p.indent, line, base_pt * p.size, p.color)
            y += lh
    return pages


def _fit_size(pdf: _Pack, paras: Sequence[_Para], columns: Sequence[tuple[float, float]],
              top: float, start_pt: float, min_pt: float) -> tuple[float, bool]:
    """The largest base size (steps of ¼ pt, from ``start_pt`` down to ``min_pt``) at which
    ``paras`` fit one page; (``min_pt``, False) if none does.  Binary search: smaller text
    never needs more room."""
    sizes = _sizes(start_pt, min_pt)

    def fits(size: float) -> bool:
        return _flow(pdf, _measure(pdf, paras, columns[0][1], size), columns, top, size,
                     draw=False) == 1

    if fits(sizes[0]):  # the usual case: the largest size fits
        return sizes[0], True
    lo, hi = 1, len(sizes)  # the answer is the first index that fits, in [lo, hi]
    while lo < hi:
        mid = (lo + hi) // 2
        if fits(sizes[mid]):
            hi = mid
        else:
            lo = mid + 1
    return (sizes[lo], True) if lo < len(sizes) else (min_pt, False)


def _sizes(start_pt: float, min_pt: float) -> list[float]:
    """Sizes from ``start_pt`` down to ``min_pt`` in steps of ¼ pt."""
    return [start_pt - 0.25 * i for i in range(int((start_pt - min_pt) / 0.25 + 1e-9) + 1)]


_MIN_LISTED = 20  # a cut feature list still names this many (or all) at a readable size


def _cut_list(pdf: _Pack, meeting: Meeting, theme: str, lang: str, features, fids: list[str],
              layers, cols, top: float) -> tuple[float, int]:
    """(size, features listed) for a theme whose whole feature list does not fit: the largest
    size at which the clauses and at least ``_MIN_LISTED`` features fit, and as many features
    as fit at that size (at the smallest size: as many as fit, perhaps none)."""
    def most(size: float) -> int:
        lo, hi = 0, len(fids)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            trial = _theme_paras(meeting, theme, lang, features, fids, layers, mid)
            if _flow(pdf, _measure(pdf, trial, cols[0][1], size), cols, top, size,
                     draw=False) == 1:
                lo = mid
            else:
                hi = mid - 1
        return lo

    sizes = _sizes(10 * pdf.f, 6.5 * pdf.f)
    want = min(len(fids), _MIN_LISTED)
    for size in sizes:
        n = most(size)
        if n >= want:
            return size, n
    return sizes[-1], most(sizes[-1])


# -- page content ---------------------------------------------------------------------------------

def _quote(text: str, lang: str) -> str:
    return f"「{text}」" if lang == "zh-Hant" else f"“{text}”"


def _feature_item(row, lang: str) -> str:
    """"name (status)" — the status only when the feature is not simply existing (nor says so
    in its name)."""
    name = printable(display_names(row, lang)[0], max_len=60)
    status = status_label(row["status"], lang)
    if row["status"] == "existing" or status.lower() in name.lower():
        return name
    return f"{name} ({status})" if lang == "en" else f"{name}（{status}）"


def _feature_paras(features: gpd.GeoDataFrame, fids: list[str], lang: str,
                   layers: tuple[LayerSpec, ...]) -> list[_Para]:
    """The features by layer: "Layer: name, name (planned), …", one paragraph per layer."""
    by_layer: dict[str, list[str]] = {}
    for fid in fids:
        by_layer.setdefault(features.at[fid, "layer_id"], []).append(fid)
    paras = []
    for spec in layers:
        ids = by_layer.get(spec.id)
        if not ids:
            continue
        names = [_feature_item(features.loc[f], lang) for f in ids]
        label = printable(spec.label(lang), max_len=60)
        text = (f"{label}: " + ", ".join(names) if lang == "en"
                else f"{label}：" + "、".join(names))
        paras.append(_Para(text, 0.92, _INK, gap=0.25))
    return paras


def _theme_features(features: gpd.GeoDataFrame, selection: MapSelection) -> list[str]:
    """The theme's features (drawn normally), in map order."""
    return [f for f in selection.shown if f in features.index]


def _theme_paras(meeting: Meeting, theme: str, lang: str, features: gpd.GeoDataFrame,
                 fids: list[str], layers: tuple[LayerSpec, ...], shown: int | None = None
                 ) -> list[_Para]:
    colour = _rgb(meeting.theme(theme).color)
    paras = [_Para(t("pack.clauses", lang), 1.1, _MUTED)]
    for d in meeting.by_theme(theme):
        paras.append(_Para(printable(f"{d.label(lang)}  ·  {d.id}"), 1.0, colour, gap=0.7))
        paras.append(_Para(printable(_quote(d.text(lang), lang)), 1.0, _INK, gap=0.15))
    paras.append(_Para(t("dir.features", lang) + f" ({len(fids)})", 1.1, _MUTED, gap=1.1))
    if not fids:
        paras.append(_Para(t("dir.no_feature", lang), 0.92, _INK, gap=0.2))
        return paras
    n = len(fids) if shown is None else shown
    paras += _feature_paras(features, fids[:n], lang, layers)
    if n < len(fids):
        paras.append(_Para(t("pack.features.more", lang, n=len(fids) - n), 0.92, _MUTED,
                           gap=0.25))
    return paras


def _accuracy(values: Sequence[int], lang: str) -> str:
    known = sorted(int(v) for v in values if int(v) > 0)
    if not known:
        return t("prop.accuracy.unknown", lang)
    lo, hi = known[0], known[-1]
    if lo == hi:
        return t("prop.accuracy.value", lang, m=f"{lo:,}")
    return t("pack.accuracy.range", lang, lo=f"{lo:,}", hi=f"{hi:,}")


def _basis(values: Sequence[str], lang: str) -> str:
    parts = []
    for basis, n in Counter(values).most_common():
        label = t(f"basis.{basis}", lang) if basis in BASES else printable(basis)
        parts.append(f"{label} ×{n}")
    return ", ".join(parts) if lang == "en" else "，".join(parts)


def _sources_paras(features: gpd.GeoDataFrame, meeting: Meeting, lang: str,
                   layers: tuple[LayerSpec, ...]) -> list[_Para]:
    paras = [_Para(t("pack.sources.intro", lang), 0.95, _INK)]
    dot = " · "
    for spec in layers:
        layer = features[features["layer_id"] == spec.id]
        if layer.empty:
            continue
        head = printable(spec.label(lang), max_len=80) + f"  ({spec.id})"
        meta = [t("pack.sources.count", lang, n=len(layer))]
        if spec.stored:
            meta.insert(0, t("pack.sources.uploaded", lang, version=spec.version))
        colon = ": " if lang == "en" else "："
        meta.append(t("prop.basis", lang) + colon + _basis(list(layer["basis"]), lang))
        meta.append(t("prop.accuracy", lang) + colon
                    + _accuracy(list(layer["accuracy_m"]), lang))
        paras.append(_Para(head, 1.08, _INK, gap=0.8, keep=True))
        paras.append(_Para(dot.join(meta), 0.9, _MUTED, gap=0.1, keep=True))
        for source in dict.fromkeys(s for s in layer["source"] if str(s).strip()):
            paras.append(_Para("• " + printable(source, max_len=400), 0.82, _INK, gap=0.1,
                               indent=3))
    attribution = meeting.attribution if lang == "en" else zh(meeting.attribution, lang)
    paras.append(_Para(t("dir.source", lang, attribution=printable(attribution))
                       + (" " if lang == "en" else "") + t("dir.translation_note", lang),
                       0.9, _INK, gap=1.2))
    paras.append(_Para(t("pack.font", lang), 0.9, _INK, gap=0.5))
    return paras


def _heading(pdf: _Pack, title: str, note: str = "", colour: tuple[int, int, int] = _INK
             ) -> float:
    """A page heading (and a note on the right); returns the y below it."""
    size = 17 * pdf.f
    pdf.put(pdf.margin, pdf.top, pdf.content_w, printable(title, max_len=80), size, colour)
    if note:
        pdf.put(pdf.margin, pdf.top + 2.2 * pdf.f, pdf.content_w, printable(note),
                10 * pdf.f, _MUTED, "R")
    y = pdf.top + size * _PT * _LEADING + 1.5 * pdf.f
    pdf.set_draw_color(*colour)
    pdf.set_line_width(0.6 * pdf.f)
    pdf.line(pdf.margin, y, pdf.w - pdf.margin, y)
    return y + 4 * pdf.f


def _map_image(pdf: _Pack, features, selection: MapSelection, lang: str, layers, x: float,
               y: float, w: float, h: float) -> None:
    """A map rendered at the A4 design size of the box (text in true points on A4; scaled with
    the paper on A3), placed at (x, y, w, h) mm."""
    f = pdf.f
    if pdf.dry:  # the dry run only collects the characters
        return
    mf = map_figure(features, selection, lang, layers, width_in=w / f / 25.4,
                    height_in=h / f / 25.4, dpi=_MAP_DPI * f, font_pt=7.6, footer=False)
    pdf.image(figure_image(mf), x=x, y=y, w=w, h=h)
    pdf.set_draw_color(*_RULE)
    pdf.set_line_width(0.2 * f)
    pdf.rect(x, y, w, h)


def _cover(pdf: _Pack, meeting: Meeting, links: LinkTable, features, lang: str,
           sources_pages: int, theme_counts: dict[str, int]) -> None:
    f, x, w = pdf.f, pdf.margin, pdf.content_w
    y = pdf.top + 14 * f
    pdf.set_fill_color(*_rgb(THEMES[0].color))
    pdf.rect(x, pdf.top, w, 3 * f, style="F")
    for line in pdf.lines(t("app.title", lang), w, 28 * f):
        pdf.put(x, y, w, line, 28 * f)
        y += 28 * f * _PT * _LEADING
    y += 2 * f
    for line in pdf.lines(t("app.subtitle", lang), w, 14 * f):
        pdf.put(x, y, w, line, 14 * f, _MUTED)
        y += 14 * f * _PT * _LEADING
    y += 8 * f
    themed = [d for d in meeting.directives if d.theme != "context"]
    linked = {lk.feature_id for d in meeting.directives for lk in links.for_directive(d.id)
              if lk.feature_id in features.index}
    opening = meeting.directives[0].text(lang) if meeting.directives else ""
    attribution = meeting.attribution if lang == "en" else zh(meeting.attribution, lang)
    paras = [
        _Para(t("pack.meeting", lang), 1.25, _MUTED),
        _Para(printable(_quote(opening, lang)), 1.1, _INK, gap=0.4),
        _Para(t("pack.meeting.summary", lang, n=len(meeting.directives), themed=len(themed),
                m=len(linked)), 1.0, _INK, gap=0.5),
        _Para(t("dir.source", lang, attribution=printable(attribution)), 0.9, _MUTED, gap=0.3),
    ]
    col_w = w * 0.52
    _flow(pdf, _measure(pdf, paras, col_w, 11 * f), [(x, col_w)], y, 11 * f, draw=True)
    # contents, on the right
    cx, cw = x + w * 0.58, w * 0.42
    cy = y
    pdf.put(cx, cy, cw, t("pack.contents", lang), 13.75 * f, _MUTED)
    cy += 13.75 * f * _PT * _LEADING + 1.5 * f
    themes = meeting.theme_order()
    first = 3 + len(themes)  # the sources' first page
    last = first - 1 + sources_pages
    entries = [(t("pack.overview", lang), "", "2", None)]
    entries += [(printable(theme_label(th.key, lang, meeting.themes)),
                 t("pack.theme.summary", lang, clauses=len(meeting.by_theme(th.key)),
                   features=theme_counts[th.key]), str(3 + i), _rgb(th.color))
                for i, th in enumerate(themes)]
    entries.append((t("pack.sources", lang), "",
                    str(first) if last == first else f"{first}–{last}", None))
    size = 11 * f
    row_h = size * _PT * _LEADING * 1.2
    for label, note, page, colour in entries:
        tx = cx
        if colour:
            pdf.set_fill_color(*colour)
            box = size * _PT * 0.8
            pdf.rect(cx, cy + (size * _PT * _LEADING - box) / 2, box, box, style="F")
            tx = cx + box + 2 * f
        pdf.put(tx, cy, cw * 0.4, label, size)
        if note:
            pdf.put(cx + cw * 0.3, cy + 0.5 * f, cw * 0.58, note, size * 0.82, _MUTED)
        pdf.put(cx, cy, cw, page, size, _MUTED, "R")
        cy += row_h
    # date and the indicative note, at the bottom
    note = _measure(pdf, [_Para(t("map.indicative_note", lang), 1.0, _INK)], w - 8 * f, 10 * f)
    note_h = sum(len(lines) * lh for _, lines, lh in note)
    ny = pdf.bottom - note_h - 6 * f
    pdf.put(x, ny - 10 * f, w, t("export.date", lang, date=pdf.day), 11 * f)
    pdf.set_fill_color(255, 243, 191)
    pdf.rect(x, ny - 2 * f, w, note_h + 4 * f, style="F")
    _flow(pdf, note, [(x + 4 * f, w - 8 * f)], ny, 10 * f, draw=True)


def pack_page_count(features: gpd.GeoDataFrame, meeting: Meeting, lang: str,
                    layers: tuple[LayerSpec, ...] = LAYERS, *, paper: str = "A4") -> int:
    """How many pages :func:`meeting_pack_pdf` makes for these data (without the maps)."""
    pdf = _Pack(_paper(paper), lang, "")
    pdf.add_page()
    return 2 + len(meeting.theme_order()) + _plan_sources(pdf, features, meeting, lang,
                                                           layers)[2]


def _paper(paper: str) -> str:
    p = str(paper).upper()
    if p not in PAPERS:
        raise ValueError(f"paper must be one of {PAPERS}, not {paper!r}")
    return p


def _plan_sources(pdf: _Pack, features, meeting: Meeting, lang: str, layers
                  ) -> tuple[list[_Para], float, int]:
    """(paragraphs, base size, pages) of the sources section."""
    f = pdf.f
    paras = _sources_paras(features, meeting, lang, layers)
    cols = _source_columns(pdf)
    top = pdf.top + 17 * f * _PT * _LEADING + 5.5 * f
    size, _ = _fit_size(pdf, paras, cols, top, 9.5 * f, 6.0 * f)
    pages = _flow(pdf, _measure(pdf, paras, cols[0][1], size), cols, top, size, draw=False)
    return paras, size, pages


def _source_columns(pdf: _Pack) -> list[tuple[float, float]]:
    gap = 8 * pdf.f
    w = (pdf.content_w - gap) / 2
    return [(pdf.margin, w), (pdf.margin + w + gap, w)]


def meeting_pack_pdf(
    features: gpd.GeoDataFrame,
    links: LinkTable,
    meeting: Meeting,
    lang: str,
    layers: tuple[LayerSpec, ...] = LAYERS,
    *,
    paper: str = "A4",
    today: date | None = None,
) -> bytes:
    """The meeting pack as PDF bytes (landscape ``paper``: "A4" or "A3"); see the module doc."""
    args = (features, links, meeting, lang, layers, _paper(paper),
            (today or date.today()).isoformat())
    dry = _render(*args, font_path=None)
    return bytes(_render(*args, font_path=truetype_subset(dry.chars)).output())


def _render(features, links, meeting, lang, layers, paper, day, *, font_path) -> _Pack:
    pdf = _Pack(paper, lang, day, font_path)
    f = pdf.f
    pdf.add_page()  # the cover; its footer is drawn when the next page starts
    src_paras, src_size, src_pages = _plan_sources(pdf, features, meeting, lang, layers)
    themes = meeting.theme_order()
    pdf.total = 2 + len(themes) + src_pages
    layer_ids = tuple(s.id for s in layers)
    theme_sel = {th.key: select(features, links, meeting,
                                MapFilter(layers=layer_ids, themes=(th.key,))) for th in themes}
    _cover(pdf, meeting, links, features, lang, src_pages,
           {k: len(_theme_features(features, sel)) for k, sel in theme_sel.items()})

    # overview: everything drawn, the view fitted to what is not base (and the zone outlines)
    pdf.add_page()
    overview = select(features, links, meeting, MapFilter(layers=layer_ids))
    base = {s.id for s in layers if s.base}
    overview = replace(overview, fit=tuple(
        f for f in overview.shown
        if features.at[f, "layer_id"] not in base or features.at[f, "kind"] == "zone"))
    n_layers = len({*features.loc[list(overview.drawn), "layer_id"]})
    y = _heading(pdf, t("pack.overview", lang),
                 t("pack.overview.caption", lang, n=len(overview.drawn), layers=n_layers))
    _map_image(pdf, features, overview, lang, layers, pdf.margin, y, pdf.content_w,
               pdf.bottom - y)

    # one page per theme
    map_w = pdf.content_w * 0.57
    gap = 7 * f
    text_x, text_w = pdf.margin + map_w + gap, pdf.content_w - map_w - gap
    for theme in themes:
        pdf.add_page()
        sel = theme_sel[theme.key]
        if not sel.fit and ZONE_FEATURE in features.index:  # nothing mapped: show the zone
            sel = replace(sel, fit=(ZONE_FEATURE,))
        fids = _theme_features(features, sel)
        colour = _rgb(theme.color)
        label = printable(theme_label(theme.key, lang, meeting.themes))
        y = _heading(pdf, t("pack.theme", lang, theme=label),
                     t("pack.theme.summary", lang, clauses=len(meeting.by_theme(theme.key)),
                       features=len(fids)), colour)
        _map_image(pdf, features, sel, lang, layers, pdf.margin, y, map_w, pdf.bottom - y)
        cols = [(text_x, text_w)]
        paras = _theme_paras(meeting, theme.key, lang, features, fids, layers)
        size, fits = _fit_size(pdf, paras, cols, y, 10 * f, 6.5 * f)
        if not fits:  # too many features: list fewer, in the largest size that lists enough
            size, n = _cut_list(pdf, meeting, theme.key, lang, features, fids, layers, cols, y)
            paras = _theme_paras(meeting, theme.key, lang, features, fids, layers, n)
        measured = _measure(pdf, paras, text_w, size)
        if _flow(pdf, measured, cols, y, size, draw=False) > 1:  # clauses alone overflow
            measured = _truncate(pdf, measured, cols, y, size)
        _flow(pdf, measured, cols, y, size, draw=True)

    # sources
    pdf.add_page()
    top = _heading(pdf, t("pack.sources", lang))
    cols = _source_columns(pdf)
    _flow(pdf, _measure(pdf, src_paras, cols[0][1], src_size), cols, top, src_size, draw=True)
    if pdf.page_no() != pdf.total:  # the plan and the drawing must agree
        raise RuntimeError(f"meeting pack: planned {pdf.total} pages, made {pdf.page_no()}")
    return pdf


def _truncate(pdf: _Pack, measured, cols, top: float, base_pt: float):
    """Drop trailing lines until one page holds the rest, the last kept line ending in "…"
    (only reached if the clauses alone overflow the page at the smallest size)."""
    out = [(p, list(lines), lh) for p, lines, lh in measured]
    while out and _flow(pdf, out, cols, top, base_pt, draw=False) > 1:
        lines = out[-1][1]
        lines.pop()
        if not lines:
            out.pop()
    if out:
        lines = out[-1][1]
        lines[-1] = lines[-1][:-1] + "…" if len(lines[-1]) > 1 else "…"
    return out
