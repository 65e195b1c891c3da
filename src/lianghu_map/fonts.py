"""The CJK font of the printed exports (PNG maps, the PDF meeting pack).

**Noto Sans CJK SC Regular** (Google/Adobe, SIL Open Font License 1.1), as shipped by the
``mplfonts`` package (a declared dependency) in ``mplfonts/fonts/NotoSansCJKsc-Regular.otf``.
It covers 简体 and 繁體 (the SC cut draws 繁體 characters in mainland glyph shapes), Latin,
digits and the punctuation the app uses, so the same file serves all three languages; matplotlib
renders it through FreeType and fpdf2 embeds a subset of it.  Nothing is downloaded and no
system font is needed.

English PDFs set their text in **DejaVu Sans** (shipped with matplotlib itself, Bitstream Vera
licence), with Noto Sans CJK SC as the fallback for Chinese characters: the CJK font's curly
quotes are full-width, which reads as stray spaces in English (see :func:`latin_font_path`).

The package is located with :func:`importlib.util.find_spec`, never imported: importing
``mplfonts`` changes matplotlib's global configuration.

:func:`printable` makes any text (uploaded names can hold anything) safe for both renderers:
control and format characters go, and characters the font has no glyph for become "□" (rather
than an invisible glyph in the PDF or a tofu warning in matplotlib).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import tempfile
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from .errors import LianghuError

__all__ = [
    "CJK_FAMILY",
    "FONT_CREDIT",
    "FONT_FILE",
    "FONT_PACKAGE",
    "FontMissing",
    "cjk_font_path",
    "font_charmap",
    "latin_font_path",
    "printable",
    "register_cjk_font",
    "truetype_subset",
]

FONT_PACKAGE = "mplfonts"
FONT_FILE = "NotoSansCJKsc-Regular.otf"
CJK_FAMILY = "Noto Sans CJK SC"
FONT_CREDIT = "Noto Sans CJK SC, SIL Open Font License 1.1, via the mplfonts package"
MISSING_GLYPH = "□"  # U+25A1, in the font


class FontMissing(LianghuError):
    """The CJK font file (from the ``mplfonts`` package) is not installed."""

    code = "font_missing"
    texts = ("找不到中文字体（{detail}）。请安装 mplfonts 软件包：pip install mplfonts。",
             "The Chinese font is missing ({detail}). Install the mplfonts package: "
             "pip install mplfonts.")


def cjk_font_path() -> Path:
    """Path of Noto Sans CJK SC Regular in the installed ``mplfonts`` package.

    Raises :class:`FontMissing` (naming the package to install) if it is not there."""
    try:
        spec = importlib.util.find_spec(FONT_PACKAGE)
    except (ImportError, ValueError):
        spec = None
    locations = list(spec.submodule_search_locations or ()) if spec else []
    for location in locations:
        path = Path(location) / "fonts" / FONT_FILE
        if path.is_file():
            return path
    where = f"{FONT_PACKAGE}/fonts/{FONT_FILE}"
    raise FontMissing(f"{where} not found" if locations else f"no package {FONT_PACKAGE}")


def latin_font_path() -> Path:
    """DejaVu Sans from matplotlib's own data (always installed with matplotlib)."""
    import matplotlib

    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    if not path.is_file():
        raise FontMissing(f"{path} not found (reinstall matplotlib)")
    return path


@cache
def register_cjk_font() -> str:
    """Register the font with matplotlib's font manager (once per process); its family name.

    After this, ``FontProperties(family=CJK_FAMILY)`` finds it; the exports themselves pass
    the file (``FontProperties(fname=…)``) so that no other font of that name can stand in."""
    from matplotlib import font_manager

    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


@cache
def font_charmap() -> frozenset[int]:
    """Code points the font has glyphs for (read once; about 45,000)."""
    from matplotlib.ft2font import FT2Font

    return frozenset(FT2Font(str(cjk_font_path())).get_charmap())


def truetype_subset(chars: Iterable[str]) -> Path:
    """Noto Sans CJK SC cut down to ``chars`` and converted to TrueType (quadratic) outlines.

    Why: the packaged font is CFF (PostScript outlines, CID-keyed); fpdf2 embeds such a font
    with its own encoding CMap, which PDF text extractors (pypdf, pdfminer) cannot read, so
    the pack's Chinese could not be copied or searched.  A TrueType font is embedded with the
    standard Identity-H encoding.  Cutting the font first keeps the conversion fast (about 1.5 s
    for the ~700 characters of a pack).  The file is written once per character set into the
    system's temporary directory and reused."""
    wanted = sorted({ord(c) for c in "".join(chars)} | set(range(0x20, 0x7F)))
    key = hashlib.sha256((FONT_FILE + ",".join(map(str, wanted))).encode()).hexdigest()[:20]
    folder = Path(tempfile.gettempdir()) / "lianghu-map-fonts"
    target = folder / f"noto-sc-{key}.ttf"
    if target.is_file():
        return target
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(str(cjk_font_path()), lazy=True)
    options = subset.Options()
    options.layout_features, options.name_IDs = [], ["*"]
    options.notdef_outline = options.desubroutinize = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    order, glyphs = font.getGlyphOrder(), font.getGlyphSet()
    quadratic = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        quadratic[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, quadratic
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    glyf.compile(font)
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion, maxp.numGlyphs = 0x00010000, len(order)
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                  "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                  "maxComponentElements"):
        setattr(maxp, field, 1 if field == "maxZones" else 0)
    maxp.recalc(font)
    post = font["post"]
    post.formatType, post.extraNames, post.mapping, post.glyphOrder = 2.0, [], {}, order
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{key}.{os.getpid()}.tmp"
    font.save(str(tmp))
    tmp.replace(target)
    return target


_DROP = {"Cc", "Cf", "Cs", "Co", "Cn"}  # control, format, surrogate, private use, unassigned


def printable(text: object, *, max_len: int | None = None, newlines: bool = False) -> str:
    """``text`` as something both renderers can draw: tabs (and newlines, unless ``newlines``)
    become spaces, other control/format characters are removed, characters without a glyph
    in the font become "□"; cut to ``max_len`` characters with "…" if given."""
    glyphs = font_charmap()
    out = []
    for ch in "" if text is None else str(text):
        if ch == "\n" and newlines:
            out.append(ch)
        elif ch in "\t\r\n":
            out.append(" ")
        elif unicodedata.category(ch) in _DROP:
            continue
        elif ord(ch) in glyphs:
            out.append(ch)
        else:
            out.append(MISSING_GLYPH)
    result = "".join(out)
    if max_len is not None and len(result) > max_len:
        result = result[: max(max_len - 1, 0)].rstrip() + "…"
    return result
