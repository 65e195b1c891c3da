"""Static map exports (lianghu_map.figure): the PNG decodes at its size, is not blank, has the
legend, draws what the selection says in its states, renders Chinese, and its scale bar is true.
"""

from __future__ import annotations

import io
import json
import math
import warnings
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text
from PIL import Image
from pyproj import Geod, Transformer
from shapely.geometry import Point

from lianghu_map import figure as fg
from lianghu_map.catalog import builtin_catalog
from lianghu_map.crs import to_metric
from lianghu_map.fonts import FontMissing, cjk_font_path, printable, register_cjk_font
from lianghu_map.i18n import t
from lianghu_map.layers import CANONICAL_COLUMNS, LAYERS, LayerSpec
from lianghu_map.selection import MapFilter, MapSelection, select

CAT = builtin_catalog()
HOSTILE = "<script>alert(1)</script>{{7*7}} 𝔘 \u0000 $x^2$ {nb} \u202e\t"
BG = np.array([0xF3, 0xF1, 0xEA])


def _rgb(hex_colour: str) -> np.ndarray:
    h = hex_colour.lstrip("#")
    return np.array([int(h[i:i + 2], 16) for i in (0, 2, 4)])


def _near(img: np.ndarray, colour: str, tol: float = 24.0) -> np.ndarray:
    """Mask of pixels within ``tol`` (RGB distance) of ``colour``."""
    return np.linalg.norm(img[..., :3].astype(float) - _rgb(colour), axis=-1) < tol


def _png(data: bytes) -> np.ndarray:
    im = Image.open(io.BytesIO(data))
    im.load()
    return np.asarray(im.convert("RGB"))


def _overview() -> MapSelection:
    return select(CAT.features, CAT.links, CAT.meeting, MapFilter())


def _texts(mf) -> list[str]:
    return [a.get_text() for a in mf.figure.findobj(Text)]


def _crop(img: np.ndarray, ax) -> np.ndarray:
    """The pixels of ``ax`` in an image of its figure (display origin is bottom left)."""
    bb = ax.get_window_extent()
    h = img.shape[0]
    return img[int(h - bb.y1) + 1:int(h - bb.y0) - 1, int(bb.x0) + 1:int(bb.x1) - 1]


@pytest.fixture(scope="module")
def overview_png() -> bytes:
    return fg.render_map_png(CAT.features, _overview(), "zh-Hans",
                             title=t("app.title", "zh-Hans"),
                             subtitle=t("app.subtitle", "zh-Hans"), today=date(2025, 1, 2))


# -- the PNG ------------------------------------------------------------------------------------

def test_png_decodes_at_its_size_and_is_not_blank(overview_png):
    assert overview_png[:8] == b"\x89PNG\r\n\x1a\n"
    img = _png(overview_png)
    assert img.shape[:2] == (1000, 1600)
    white = np.all(img > 250, axis=-1)
    background = np.linalg.norm(img.astype(float) - BG, axis=-1) < 6
    drawn = ~(white | background)
    assert drawn.mean() > 0.04, f"only {drawn.mean():.1%} of the pixels carry anything"
    colours = np.unique(img.reshape(-1, 3), axis=0)
    assert len(colours) > 200
    # the map itself is there: its background fills a large part of the image
    assert background.mean() > 0.25


def test_png_other_size():
    sel = select(CAT.features, CAT.links, CAT.meeting, MapFilter(directive="innovate.2"))
    img = _png(fg.render_map_png(CAT.features, sel, "en", title="x", size_px=(900, 600)))
    assert img.shape[:2] == (600, 900)
    with pytest.raises(ValueError, match="too small"):
        fg.render_map_png(CAT.features, sel, "en", title="x", size_px=(50, 50))


def test_legend_panel_holds_every_drawn_layer_colour():
    sel = _overview()
    mf = fg.map_figure(CAT.features, sel, "zh-Hans", title="两湖", today=date(2025, 1, 2))
    img = np.asarray(fg.figure_image(mf))
    legend = _crop(img, mf.legend_ax)
    drawn_layers = set(CAT.features.loc[list(sel.drawn), "layer_id"])
    assert {g.layer_id for g in mf.legend} == drawn_layers
    colours = {row.style.color for g in mf.legend for row in g.rows}
    assert len(colours) >= 10
    for colour in colours:
        assert _near(legend, colour).sum() >= 6, f"legend lacks {colour}"
    # and the legend is not just background: the same panel without features is blank
    empty = fg.map_figure(CAT.features, MapSelection((), ()), "zh-Hans", title="两湖")
    assert empty.legend_ax is None and empty.legend == []


def test_legend_lists_only_what_is_drawn():
    sel = MapSelection(("station.wujin", "hub.changzhou_south"), ())
    groups = fg.legend_groups(CAT.features, sel.drawn, "en")
    assert [g.layer_id for g in groups] == ["stations"]
    # the same rows, in the same order, as the live legend (mapview.legend_rows)
    assert [r.label for r in groups[0].rows] == ["transport hub · planned", "station · existing"]
    assert groups[0].title == "Hub & stations"


def test_chinese_renders_with_the_cjk_font_no_tofu():
    """matplotlib warns "Glyph … missing from font(s)" for every character it cannot draw; the
    check is shown to catch tofu with a font that lacks Chinese."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = fg.render_map_png(CAT.features, _overview(), "zh-Hant",
                                title=t("app.title", "zh-Hant"),
                                subtitle=t("app.subtitle", "zh-Hant"))
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []
    # the title band carries ink (the title is drawn, not blank)
    img = _png(png)
    title = img[10:60, 10:600]
    assert (np.linalg.norm(title.astype(float) - _rgb(fg.INK), axis=-1) < 60).sum() > 800
    # control: the same check does catch tofu
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = Figure()
        FigureCanvasAgg(fig)
        fig.add_artist(Text(0.1, 0.5, "兩湖", fontproperties=FontProperties(family="DejaVu Sans"),
                            parse_math=False))
        fig.canvas.draw()
    assert any("missing from font" in str(w.message) for w in caught)


def test_every_language_has_its_own_text():
    sel = MapSelection(("station.wujin",), ())
    for lang, north, scale_word in (("zh-Hans", "北", "公里"), ("zh-Hant", "北", "公里"),
                                    ("en", "N", "km")):
        mf = fg.map_figure(CAT.features, sel, lang, title=t("app.title", lang))
        texts = _texts(mf)
        assert north in texts
        assert any(scale_word in s for s in texts)
        assert any(t("app.title", lang) == s for s in texts)
        footer = next(s for s in texts if "SOURCES.md" in s)
        assert footer.startswith(t("export.date", lang, date=date.today().isoformat()))
    assert fg.legend_groups(CAT.features, sel.drawn, "zh-Hant")[0].title == "樞紐與車站"


# -- what is drawn, and how ------------------------------------------------------------------------

def test_draws_exactly_the_selection():
    sel = MapSelection(shown=("metro.line1",), context=("water.gehu",), focus=("park.xitaihu",),
                       fit=("park.xitaihu",))
    mf = fg.map_figure(CAT.features, sel, "en")
    assert list(mf.map.features.index) == [f for f in CAT.features.index if f in sel.drawn]
    assert mf.map.state_of == {"metro.line1": "normal", "water.gehu": "context",
                               "park.xitaihu": "focus"}
    # fitted to selection.fit: the park fills the view (with a margin), not the lake
    x0, y0, x1, y1 = mf.map.extent
    px0, py0, px1, py1 = to_metric(CAT.features.loc[["park.xitaihu"]].geometry).total_bounds
    assert x0 < px0 < px1 < x1 and y0 < py0 < py1 < y1
    assert max((px1 - px0) / (x1 - x0), (py1 - py0) / (y1 - y0)) > 0.85


@pytest.mark.parametrize("bounds", [(119.85, 31.6, 120.05, 31.8)])
def test_states_match_the_screen(bounds):
    """A line drawn in focus shows more of its colour than drawn normally, and dimmed (context,
    35 % opacity) it shows almost none of it — state_style, as on the web map."""
    colour = "#1c7ed6"  # metro
    counts = {}
    for state in ("focus", "normal", "context"):
        kw = {"shown": (), "context": (), "focus": ()}
        kw[state if state != "normal" else "shown"] = ("metro.line1",)
        sel = MapSelection(**kw)
        mf = fg.map_figure(CAT.features, sel, "en", bounds=bounds, labels=False, footer=False)
        img = np.asarray(fg.figure_image(mf))
        counts[state] = int(_near(_crop(img, mf.map_ax), colour, 30).sum())
    assert counts["focus"] > counts["normal"] * 1.2 > 0
    assert counts["context"] < counts["normal"] * 0.1


def _uploaded(name: str = HOSTILE, style: dict | None = None) -> tuple[gpd.GeoDataFrame, tuple]:
    spec = LayerSpec("up_1", title_zh=name, title_en=name, stored=True, version=3,
                     color="#aa00aa")
    row = dict.fromkeys(CANONICAL_COLUMNS, "")
    row.update(feature_id="up_1/#0", layer_id="up_1", name_zh=name, name_en=name, kind="park",
               status="planned", source=f"analyst: {name}", accuracy_m=0, basis="uploaded",
               style=json.dumps(style or {}))
    gdf = gpd.GeoDataFrame([row], geometry=[Point(119.92, 31.71)], crs=4326)
    feats = pd.concat([CAT.features, gdf.set_index("feature_id", drop=False)])
    return gpd.GeoDataFrame(feats, geometry="geometry", crs=4326), (*LAYERS, spec)


def test_uploaded_feature_keeps_its_own_style():
    feats, layers = _uploaded("绿点", {"color": "#00c800", "fillColor": "#00c800",
                                       "fillOpacity": 1, "radius": 12})
    sel = MapSelection(("up_1/#0",), ())
    mf = fg.map_figure(feats, sel, "zh-Hans", layers, labels=False, footer=False)
    img = np.asarray(fg.figure_image(mf))
    assert _near(_crop(img, mf.map_ax), "#00c800").sum() > 100
    assert fg.sources_line(feats, sel.drawn, "zh-Hans", layers) == "来源：绿点：analyst: 绿点"


def test_hostile_names_do_not_break_the_png():
    feats, layers = _uploaded()
    sel = MapSelection(tuple(f for f in feats.index if f.startswith(("up_1", "station"))), ())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = fg.render_map_png(feats, sel, "en", layers, title=HOSTILE, subtitle=HOSTILE)
    assert _png(png).shape[:2] == (1000, 1600)
    assert not [w for w in caught if "missing from font" in str(w.message)]
    mf = fg.map_figure(feats, sel, "en", layers, title=HOSTILE)
    texts = _texts(mf)
    assert any("<script>alert(1)</script>{{7*7}} □" in s for s in texts)  # text, as text
    assert not any("\u0000" in s or "\u202e" in s for s in texts)


def test_sources_line():
    sel = _overview()
    assert fg.sources_line(CAT.features, sel.drawn, "en") == (
        "Sources: built-in layers: data/geo/SOURCES.md; geometry indicative")
    assert "SOURCES.md" in fg.sources_line(CAT.features, sel.drawn, "zh-Hant")


# -- scale bar and north arrow -------------------------------------------------------------------

@pytest.mark.parametrize(("width_m", "expected"), [
    (100_000, 20_000), (80_000, 20_000), (79_999, 10_000), (50_000, 10_000), (40_000, 10_000),
    (10_000, 2_000), (4_000, 1_000), (3_000, 500), (1_000, 200), (1_000_000, 200_000),
    (123.0, 20.0),
])
def test_scale_bar_length_is_round(width_m, expected):
    assert fg.scale_bar_length(width_m) == pytest.approx(expected)


@pytest.mark.parametrize("width_m", [0, -5, math.nan, math.inf])
def test_scale_bar_length_refuses_nonsense(width_m):
    with pytest.raises(ValueError, match="positive"):
        fg.scale_bar_length(width_m)


def test_scale_bar_is_true_on_the_image():
    mf = fg.map_figure(CAT.features, _overview(), "zh-Hans", labels=False)
    x0, y0, x1, y1 = mf.map.extent
    bar = mf.map.scale
    assert bar.length_m == fg.scale_bar_length(x1 - x0)
    assert bar.label == f"{bar.length_m / 1000:g} 公里"
    ax_px = mf.map_ax.get_window_extent().width
    assert bar.length_px == pytest.approx(bar.length_m / (x1 - x0) * ax_px, rel=1e-6)
    # metres on the map are metres on the ground: the view's width, measured on the ellipsoid
    back = Transformer.from_crs("EPSG:4549", 4326, always_xy=True)  # (independent)
    (lon0, lon1), (lat0, lat1) = back.transform([x0, x1], [(y0 + y1) / 2] * 2)
    ground = Geod(ellps="GRS80").inv(lon0, lat0, lon1, lat1)[2]
    assert ground == pytest.approx(x1 - x0, rel=2e-4)
    # and the bar drawn on the image is that long: its black half is the longest run of ink
    img = np.asarray(fg.figure_image(mf))
    h = img.shape[0]
    bb = mf.map_ax.get_window_extent()
    lower_left = img[int(h - bb.y0 - bb.height * 0.25):int(h - bb.y0),
                     int(bb.x0):int(bb.x0 + bb.width / 2)]
    ink = _near(lower_left, fg.INK, 40)
    longest = 0
    for row in ink:
        run = best = 0
        for v in row:
            run = run + 1 if v else 0
            best = max(best, run)
        longest = max(longest, best)
    assert longest == pytest.approx(bar.length_px / 2, abs=3)


def test_north_arrow_follows_grid_convergence():
    mf = fg.map_figure(CAT.features, _overview(), "en", labels=False)
    # the zone lies just west of the CM (120°E): grid north is turned by a fraction of a degree
    assert 0 < abs(mf.map.north_deg) < 0.5
    fwd = Transformer.from_crs(4326, "EPSG:4549", always_xy=True)
    assert fg._convergence_deg(*fwd.transform(120.0, 31.7)) == pytest.approx(
        0, abs=1e-6)


# -- fonts ---------------------------------------------------------------------------------------

def test_font_comes_from_the_package():
    path = cjk_font_path()
    assert path.name == "NotoSansCJKsc-Regular.otf" and path.parent.parent.name == "mplfonts"
    assert register_cjk_font() == "Noto Sans CJK SC"


def test_missing_font_names_the_package(monkeypatch):
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda _name: None)
    with pytest.raises(FontMissing) as err:
        cjk_font_path()
    assert "pip install mplfonts" in err.value.message("en")
    assert "mplfonts" in err.value.message("zh-Hans")


def test_printable():
    assert printable("a\u0000b\u202ec\td\ne") == "abc d e"
    assert printable("𝔘 兩湖 “x”") == "□ 兩湖 “x”"
    assert printable("x\ny", newlines=True) == "x\ny"
    assert printable("abcdef", max_len=4) == "abc…"
    assert printable(None) == ""


def test_bounds_set_the_view():
    bounds = (119.85, 31.6, 120.05, 31.8)
    mf = fg.map_figure(CAT.features, _overview(), "en", bounds=bounds, labels=False)
    x0, y0, x1, y1 = mf.map.extent
    fwd = Transformer.from_crs(4326, "EPSG:4549", always_xy=True)
    (bx0, bx1), (by0, by1) = fwd.transform([bounds[0], bounds[2]], [bounds[1], bounds[3]])
    assert x0 <= bx0 + 1 and bx1 - 1 <= x1 and y0 <= by0 + 1 and by1 - 1 <= y1
    # widened in one direction only, to the map's shape
    assert min((bx1 - bx0) / (x1 - x0), (by1 - by0) / (y1 - y0)) < 1
    assert max((bx1 - bx0) / (x1 - x0), (by1 - by0) / (y1 - y0)) == pytest.approx(1, abs=0.01)
    # a point as bounds still shows a few km around it; nonsense is refused
    point = fg.map_figure(CAT.features, _overview(), "en", bounds=(119.9, 31.6, 119.9, 31.6),
                          labels=False)
    assert point.map.extent[2] - point.map.extent[0] >= 2 * fg._MIN_HALF_M
    for bad in [(1, 2, math.nan, 3), (120, 31, 119, 32), (0, 0, 200, 1), (1, 2, 3)]:
        with pytest.raises(ValueError, match="bounds"):
            fg.render_map_png(CAT.features, _overview(), "en", title="x", bounds=bad)


def test_nothing_to_draw_still_renders():
    empty = CAT.features.iloc[:0]
    img = _png(fg.render_map_png(empty, MapSelection((), ()), "en", title="empty"))
    assert img.shape[:2] == (1000, 1600)
