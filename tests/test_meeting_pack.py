"""The PDF meeting pack: page count for A4 and A3 in every language, every theme's clauses quoted
(read back from the PDF), feature lists, the sources page, and hostile text.

The text is read back with pypdf's own ``extract_text`` — what any reader does for search, copy
and paste; the pack embeds the font as TrueType with the standard Identity-H encoding so that it
can (see lianghu_map.fonts.truetype_subset).
Texts are compared with whitespace removed.
"""

from __future__ import annotations

import io
import re
from datetime import date
from functools import cache

import geopandas as gpd
import pandas as pd
import pytest
from pypdf import PdfReader
from shapely.geometry import Point

from lianghu_map.catalog import builtin_catalog
from lianghu_map.fonts import printable
from lianghu_map.i18n import t
from lianghu_map.layers import CANONICAL_COLUMNS, LAYERS, LayerSpec, display_names
from lianghu_map.meeting.directives import THEMES
from lianghu_map.meeting.links import Evidence, Link, LinkTable
from lianghu_map.meeting_pack import meeting_pack_pdf, pack_page_count
from lianghu_map.panels import theme_label
from lianghu_map.selection import MapFilter, select

CAT = builtin_catalog()
DAY = date(2025, 1, 2)
LANGS = ("zh-Hans", "zh-Hant", "en")
SIX = [th for th in THEMES if th.key != "context"]
HOSTILE = "<script>alert(1)</script>{{7*7}} 𝔘 \u0000 {nb} $x$"


def _norm(text: str) -> str:
    return re.sub(r"[\s\x00]+", "", text)


@cache
def _pack(paper: str, lang: str) -> tuple[bytes, list[str]]:
    pdf = meeting_pack_pdf(CAT.features, CAT.links, CAT.meeting, lang, CAT.layers, paper=paper,
                           today=DAY)
    return pdf, _texts(pdf)


def _texts(pdf: bytes) -> list[str]:
    return [_norm(p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("lang", LANGS)
def test_fonts_are_embedded_so_that_readers_can_extract_text(lang):
    """TrueType outlines with the standard Identity-H encoding (a CFF font would come with an
    embedded encoding CMap that pypdf and pdfminer cannot read: garbage instead of Chinese)."""
    pdf, pages = _pack("A4", lang)
    page = PdfReader(io.BytesIO(pdf)).pages[2]
    fonts = [f.get_object() for f in page["/Resources"]["/Font"].values()]
    assert fonts
    for font in fonts:
        assert font["/Encoding"] == "/Identity-H"
        assert font["/DescendantFonts"][0].get_object()["/Subtype"] == "/CIDFontType2"
    assert "\x00" not in "".join(pages) and "\ufffd" not in "".join(pages)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("paper", ["A4", "A3"])
def test_page_count_and_paper(paper, lang):
    pdf, pages = _pack(paper, lang)
    assert pdf[:5] == b"%PDF-"
    assert len(pages) == 9  # cover, overview, six themes, sources
    reader = PdfReader(io.BytesIO(pdf))
    w, h = (float(v) for v in reader.pages[0].mediabox[2:])
    assert w > h  # landscape
    expected = (841.89, 595.28) if paper == "A4" else (1190.55, 841.89)
    assert (w, h) == pytest.approx(expected, abs=1)
    for n, page in enumerate(pages, 1):
        assert _norm(t("pack.footer.page", lang, page=n, pages=9)) in page
        assert _norm(t("export.date", lang, date=DAY.isoformat())) in page


def test_page_count_is_planned():
    assert pack_page_count(CAT.features, CAT.meeting, "zh-Hant", paper="A4") == 9
    assert pack_page_count(CAT.features, CAT.meeting, "en", paper="A3") == 9
    with pytest.raises(ValueError, match="paper"):
        meeting_pack_pdf(CAT.features, CAT.links, CAT.meeting, "en", paper="letter")


@pytest.mark.parametrize("paper", ["A4", "A3"])
@pytest.mark.parametrize("lang", LANGS)
def test_each_theme_page_quotes_its_clauses_in_full(paper, lang):
    _, pages = _pack(paper, lang)
    for i, theme in enumerate(SIX):
        page = pages[2 + i]
        assert _norm(t("pack.theme", lang, theme=theme_label(theme.key, lang))) in page
        for d in CAT.meeting.by_theme(theme.key):
            text = d.text(lang)
            assert text, d.id
            assert _norm(text) in page, f"{d.id} not quoted in full on page {3 + i} ({lang})"
            assert _norm(d.label(lang)) in page
        others = [d for th in SIX if th.key != theme.key for d in CAT.meeting.by_theme(th.key)]
        assert not any(_norm(d.text(lang)) in page for d in others)


def test_clauses_are_in_the_pack_language():
    _, hans = _pack("A4", "zh-Hans")
    _, hant = _pack("A4", "zh-Hant")
    _, en = _pack("A4", "en")
    d = CAT.meeting.get("modern.3")  # 常州南站樞紐: 简/繁 differ
    assert d.text("zh-Hans") != d.text("zh-Hant")
    assert _norm(d.text("zh-Hans")) in hans[2] and _norm(d.text("zh-Hant")) not in hans[2]
    assert _norm(d.text("zh-Hant")) in hant[2] and _norm(d.text("zh-Hans")) not in hant[2]
    assert _norm(d.en) in en[2] and _norm(d.text("zh-Hans")) not in en[2]


@pytest.mark.parametrize("lang", LANGS)
def test_theme_pages_list_their_features(lang):
    _, pages = _pack("A4", lang)
    for i, theme in enumerate(SIX):
        sel = select(CAT.features, CAT.links, CAT.meeting, MapFilter(themes=(theme.key,)))
        names = [printable(display_names(CAT.features.loc[f], lang)[0]) for f in sel.shown]
        for name in names:
            assert _norm(name) in pages[2 + i], (theme.key, name)
        if not names:
            assert _norm(t("dir.no_feature", lang)) in pages[2 + i]
    assert not CAT.meeting.by_theme("活力") or len(pages) == 9


@pytest.mark.parametrize("lang", LANGS)
def test_cover_and_sources_page(lang):
    _, pages = _pack("A4", lang)
    cover, sources = pages[0], pages[-1]
    assert _norm(t("app.title", lang)) in cover
    assert _norm(t("app.subtitle", lang)) in cover
    assert _norm(t("map.indicative_note", lang)) in cover
    assert _norm(CAT.meeting.directives[0].text(lang)) in cover
    assert _norm(t("pack.sources", lang)) in sources
    for spec in CAT.layers:
        assert _norm(spec.label(lang)) in sources and f"({spec.id})" in sources
        n = int((CAT.features["layer_id"] == spec.id).sum())
        assert _norm(t("pack.sources.count", lang, n=n)) in sources
    # provenance: every distinct source of the built-in data, and the accuracy range
    for source in CAT.features["source"].unique():
        assert _norm(source) in sources
    assert _norm(t("pack.accuracy.range", lang, lo="250", hi="10,000")) in sources
    assert "NotoSansCJKSC" in sources and "mplfonts" in sources


def _hostile_catalog(n_extra: int):
    """The built-in catalogue plus an uploaded layer with a hostile title and names, its features
    linked to innovate.2 (so they are listed on the Innovation page)."""
    spec = LayerSpec("up_x", title_zh=HOSTILE, title_en=HOSTILE, stored=True, version=2,
                     color="#aa00aa")
    rows, geoms = [], []
    for i in range(1 + n_extra):
        row = dict.fromkeys(CANONICAL_COLUMNS, "")
        name = HOSTILE if i == 0 else f"上传的很长的要素名称第 {i} 号 long uploaded name {i}"
        row.update(feature_id=f"up_x/#{i}", layer_id="up_x", name_zh=name, name_en=name,
                   kind="park", status="planned", source=f"analyst {HOSTILE}", accuracy_m=0,
                   basis="uploaded", style='{"color": "</script>"}')
        rows.append(row)
        geoms.append(Point(119.85 + (i % 20) * 0.004, 31.70 + (i // 20) * 0.004))
    up = gpd.GeoDataFrame(rows, geometry=geoms, crs=4326).set_index("feature_id", drop=False)
    feats = gpd.GeoDataFrame(pd.concat([CAT.features, up]), geometry="geometry", crs=4326)
    upload = (Evidence("", 0, 0, "upload:file"),)
    links = LinkTable([*CAT.links.links, *(Link(f, "innovate.2", upload) for f in up.index)],
                      CAT.links.unlocated)
    return feats, links, (*LAYERS, spec)


def test_hostile_text_and_a_long_feature_list_keep_the_pack_whole():
    feats, links, layers = _hostile_catalog(n_extra=80)
    pdf = meeting_pack_pdf(feats, links, CAT.meeting, "en", layers, paper="A4", today=DAY)
    pages = _texts(pdf)
    assert len(pages) == 9  # the feature list was cut, not spilled onto more pages
    innovation = pages[3]
    assert _norm("<script>alert(1)</script>{{7*7}} □") in innovation  # as text; 𝔘 → □
    assert _norm("{nb} $x$") in innovation  # no alias substitution, no markup
    more = re.search(r"…and(\d+)more", innovation)
    assert more and 0 < int(more.group(1)) < 80
    for d in CAT.meeting.by_theme("創新"):  # the clauses stay whole
        assert _norm(d.en) in innovation
    assert _norm(HOSTILE.replace("\u0000", "").replace("𝔘", "□")) in pages[-1]  # sources
    assert _norm(t("pack.sources.uploaded", "en", version=2)) in pages[-1]
