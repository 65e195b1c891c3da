"""Static maps for print and slides: the current view as a PNG, and the meeting pack's maps.

Drawn with matplotlib's object API only (``Figure`` + the Agg canvas, never ``pyplot``: the
app serves sessions from several threads), in the metric CRS (EPSG:4549, CGCS2000 3° GK
CM 120E) so the scale bar is true, on the web map's plain background (no tiles: offline).

Print matches screen: every feature is drawn with :func:`lianghu_map.mapview.state_style` of
:func:`lianghu_map.layers.layer_style` (an uploaded feature's whitelisted ``style`` on top), in
the map's drawing order — layer by layer, dimmed context under normal under focus.  Leaflet
sizes (pixels) become points by one factor (:func:`_px`) tied to the text size.

All text goes through :func:`lianghu_map.fonts.printable` and is drawn in Noto Sans CJK SC
with ``parse_math=False`` (a "$" in a name is text, not mathtext).
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import geopandas as gpd
import numpy as np
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch, Polygon, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.text import Text
from matplotlib.transforms import Affine2D, Bbox
from shapely.geometry import box
from shapely.geometry.polygon import orient

from . import style as _style
from .crs import METRIC_CRS, to_metric, transform_xy
from .fonts import cjk_font_path, printable
from .i18n import t
from .layers import LAYER_BY_ID, LAYERS, LayerSpec, Style, display_names
from .mapview import feature_options, legend_rows
from .selection import MapSelection

__all__ = [
    "BACKGROUND",
    "LegendGroup",
    "LegendRow",
    "MapFigure",
    "ScaleBar",
    "draw_legend",
    "draw_map",
    "draw_north_arrow",
    "draw_scale_bar",
    "figure_image",
    "legend_groups",
    "map_figure",
    "render_map_png",
    "scale_bar_length",
    "sources_line",
]

BACKGROUND = "#f3f1ea"  # the web map's background (mapview._BACKGROUND_CSS)
INK = "#1f2328"
MUTED = "#6b665e"
_STATE_ORDER = ("context", "normal", "focus")
_MARGIN = 0.06  # of the fitted extent, each side
_MIN_HALF_M = 2500.0  # a single point is shown with at least 5 km around it


def _font(size: float) -> FontProperties:
    return FontProperties(fname=str(cjk_font_path()), size=size)


def _px(font_pt: float) -> float:
    """Points per Leaflet pixel: 13 pt text (the 1600 px PNG) → ~1 pt per screen pixel."""
    return font_pt * 0.075


# -- legend -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LegendRow:
    label: str  # "kind · status" in the language
    style: Style  # the layer's style for it (normal state)
    geom_type: str


@dataclass(frozen=True)
class LegendGroup:
    layer_id: str
    title: str  # the layer's label in the language
    rows: tuple[LegendRow, ...]


def legend_groups(features: gpd.GeoDataFrame, drawn: Iterable[str], lang: str,
                  layers: tuple[LayerSpec, ...] = LAYERS) -> list[LegendGroup]:
    """Per drawn layer, its rows — the same rows, labels and styles as the live legend
    (:func:`lianghu_map.mapview.legend_rows`), in the same order."""
    ids = tuple(f for f in dict.fromkeys(drawn) if f in features.index)
    return [LegendGroup(spec.id, spec.label(lang),
                        tuple(LegendRow(e.label(lang), e.style(spec), e.geom_type)
                              for e in entries))
            for spec, entries in legend_rows(features, ids, layers)]


# -- scale bar and north arrow --------------------------------------------------------------------

@dataclass(frozen=True)
class ScaleBar:
    length_m: float
    label: str
    length_px: float  # on the rendered figure


def scale_bar_length(width_m: float, fraction: float = 0.25) -> float:
    """The longest round length (1, 2 or 5 × 10ⁿ m) not over ``fraction`` of ``width_m``."""
    target = width_m * fraction
    if not math.isfinite(target) or target <= 0:
        raise ValueError(f"map width must be positive, got {width_m!r}")
    exp = math.floor(math.log10(target))
    for step in (5, 2, 1):
        length = step * 10.0 ** exp
        if length <= target * (1 + 1e-9):
            return length
    return 10.0 ** exp  # unreachable: 1 × 10^floor(log10(target)) <= target


def _km(length_m: float) -> str:
    km = length_m / 1000
    return f"{km:g}" if km >= 0.001 else f"{km:.6f}".rstrip("0")


def _data_per_point(ax: Axes) -> float:
    """Metres per typographic point on the axes (equal aspect)."""
    x0, x1 = ax.get_xlim()
    return (x1 - x0) / (ax.get_position().width * ax.figure.get_figwidth() * 72)


def draw_scale_bar(ax: Axes, lang: str, font_pt: float) -> ScaleBar:
    """A two-segment scale bar, bottom left, a round length in km about a quarter of the map's
    width (true in EPSG:4549: its scale error here is under 1e-4)."""
    (x0, x1), (y0, _y1) = ax.get_xlim(), ax.get_ylim()
    length = scale_bar_length(x1 - x0)
    mpp = _data_per_point(ax)
    bx, by = x0 + 1.1 * font_pt * mpp, y0 + 1.2 * font_pt * mpp
    bar_h = 0.42 * font_pt * mpp
    label = t("export.scale", lang, km=_km(length))
    pad = 0.45 * font_pt * mpp
    text_h = 1.25 * font_pt * mpp
    ax.add_patch(Rectangle((bx - pad, by - pad), length + 2 * pad, bar_h + text_h + 2 * pad,
                           facecolor=(1, 1, 1, 0.82), edgecolor="none", zorder=900))
    for i, colour in enumerate((INK, "white")):
        ax.add_patch(Rectangle((bx + i * length / 2, by), length / 2, bar_h, facecolor=colour,
                               edgecolor=INK, linewidth=0.6, zorder=901))
    ax.add_artist(Text(bx, by + bar_h + 0.3 * font_pt * mpp, printable(label),
                       fontproperties=_font(font_pt * 0.85), color=INK, ha="left", va="bottom",
                       parse_math=False, zorder=902))
    px_per_m = ax.get_position().width * ax.figure.get_figwidth() * ax.figure.dpi / (x1 - x0)
    return ScaleBar(length, label, length * px_per_m)


def _convergence_deg(x: float, y: float) -> float:
    """Angle of true north from grid north (degrees, clockwise) at metric point (x, y)."""
    lon, lat = transform_xy(METRIC_CRS, 4326, x, y)
    nx, ny = transform_xy(4326, METRIC_CRS, lon, min(lat + 0.01, 89.99))
    return math.degrees(math.atan2(nx - x, ny - y))


def draw_north_arrow(ax: Axes, lang: str, font_pt: float) -> float:
    """A north arrow, top left, turned by the grid convergence; returns that angle (°)."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    mpp = _data_per_point(ax)
    size = 2.6 * font_pt * mpp
    cx, cy = x0 + 2.0 * font_pt * mpp, y1 - 3.6 * font_pt * mpp
    angle = _convergence_deg((x0 + x1) / 2, (y0 + y1) / 2)
    a = math.radians(angle)

    def rot(px: float, py: float) -> tuple[float, float]:
        return (cx + px * math.cos(a) + py * math.sin(a), cy - px * math.sin(a) + py * math.cos(a))

    half = size / 2
    left = [rot(0, half), rot(-0.38 * size, -half), rot(0, -0.22 * size)]
    right = [rot(0, half), rot(0.38 * size, -half), rot(0, -0.22 * size)]
    ax.add_patch(Polygon(left, closed=True, facecolor=INK, edgecolor=INK, linewidth=0.7,
                         zorder=902))
    ax.add_patch(Polygon(right, closed=True, facecolor="white", edgecolor=INK, linewidth=0.7,
                         zorder=902))
    tx, ty = rot(0, half + 0.25 * font_pt * mpp)
    ax.add_artist(Text(tx, ty, printable(t("export.north", lang)), fontproperties=_font(font_pt),
                       color=INK, ha="center", va="bottom", rotation=-angle, parse_math=False,
                       zorder=902, path_effects=[_halo(font_pt)]))
    return angle


def _halo(font_pt: float) -> patheffects.AbstractPathEffect:
    return patheffects.withStroke(linewidth=max(font_pt * 0.22, 1.5), foreground="white")


# -- the map itself ------------------------------------------------------------------------------

def _metric_bounds(bounds: Sequence[float]) -> tuple[float, float, float, float]:
    """lon/lat (minx, miny, maxx, maxy) → metric bounds of the densified box."""
    bounds = tuple(float(v) for v in bounds)
    ok = len(bounds) == 4 and all(math.isfinite(v) for v in bounds)
    if not ok or not (-180 <= bounds[0] <= bounds[2] <= 180
                      and -90 <= bounds[1] <= bounds[3] <= 90):
        raise ValueError(f"bounds must be lon/lat (minx, miny, maxx, maxy), not {bounds!r}")
    minx, miny, maxx, maxy = bounds
    u = np.linspace(0.0, 1.0, 17)  # each edge densified: the box is curved in the metric CRS
    lon = np.concatenate([minx + (maxx - minx) * u, np.full(17, maxx),
                          maxx - (maxx - minx) * u, np.full(17, minx)])
    lat = np.concatenate([np.full(17, miny), miny + (maxy - miny) * u, np.full(17, maxy),
                          maxy - (maxy - miny) * u])
    xs, ys = transform_xy(4326, METRIC_CRS, lon, lat)
    return float(np.min(xs)), float(np.min(ys)), float(np.max(xs)), float(np.max(ys))


def _extent(geoms: gpd.GeoSeries, aspect: float) -> tuple[float, float, float, float]:
    """Metric bounds of ``geoms`` with a margin, widened to ``aspect`` (width / height)."""
    minx, miny, maxx, maxy = (float(v) for v in geoms.total_bounds)
    return _fit_aspect((minx, miny, maxx, maxy), aspect)


def _fit_aspect(b: tuple[float, float, float, float], aspect: float,
                margin: float = _MARGIN) -> tuple[float, float, float, float]:
    minx, miny, maxx, maxy = b
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    hw = max((maxx - minx) / 2 * (1 + 2 * margin), _MIN_HALF_M)
    hh = max((maxy - miny) / 2 * (1 + 2 * margin), _MIN_HALF_M)
    if hw / hh < aspect:
        hw = hh * aspect
    else:
        hh = hw / aspect
    return cx - hw, cy - hh, cx + hw, cy + hh


def _dash(pattern: str | None, lw: float, k: float) -> tuple | str:
    """Leaflet dashArray ("8 6", pixels) → a matplotlib line style (scaled by the line width)."""
    if not pattern:
        return "solid"
    try:
        seq = [float(v) for v in pattern.replace(",", " ").split()]
    except ValueError:
        return "solid"
    if len(seq) % 2:
        seq = seq * 2
    if not seq or not any(seq):
        return "solid"
    return (0, tuple(max(v * k / max(lw, 0.1), 0.05) for v in seq))


@dataclass(frozen=True)
class _Look:
    """A feature's drawing options in matplotlib terms (points)."""

    stroke: tuple
    lw: float
    fill: tuple | str
    dash: tuple | str
    size: float  # marker diameter, points
    hatch: tuple | None = None  # hatched areas: the hatch colour (the fill is then clear)
    band: tuple | None = None  # schematic lines: (colour, width in points) of the pale band

    @staticmethod
    def of(opts: dict, k: float) -> _Look:
        lw = max(float(opts.get("weight", 1)) * k, 0.25)
        stroke = to_rgba(opts["color"], float(opts.get("opacity", 1.0)))
        fill = (to_rgba(opts.get("fillColor") or opts["color"], float(opts.get("fillOpacity", 0)))
                if opts.get("fill") else "none")
        hatch = None
        if opts.get("hatch") and fill != "none":
            hatch, fill = (*fill[:3], min(fill[3] + 0.3, 1.0)), (1, 1, 1, 0)
        band = ((to_rgba(opts["color"], float(opts.get("bandOpacity", 0.2))),
                 float(opts["band"]) * k) if opts.get("band") else None)
        return _Look(stroke, lw, fill, _dash(opts.get("dashArray"), lw, k),
                     2 * float(opts.get("radius", 6)) * k, hatch, band)


def _polygon_path(poly) -> MplPath:
    poly = orient(poly, 1.0)  # exterior counter-clockwise, holes clockwise: holes stay holes
    verts, codes = [], []
    for ring in (poly.exterior, *poly.interiors):
        xy = np.asarray(ring.coords)[:, :2]
        verts.append(xy)
        codes.append([MplPath.MOVETO] + [MplPath.LINETO] * (len(xy) - 2) + [MplPath.CLOSEPOLY])
    return MplPath(np.concatenate(verts), np.concatenate(codes))


def _parts(geom) -> tuple[list, list, list]:
    """(polygons, lines, points) of a geometry, collections flattened."""
    polys, lines, points = [], [], []
    stack = [geom]
    while stack:
        g = stack.pop()
        if g is None or g.is_empty:
            continue
        kind = g.geom_type
        if kind == "Polygon":
            polys.append(g)
        elif kind in ("LineString", "LinearRing"):
            lines.append(g)
        elif kind == "Point":
            points.append(g)
        else:  # Multi*, GeometryCollection
            stack.extend(reversed(list(g.geoms)))
    return polys, lines, points


def _state_of(selection: MapSelection) -> dict[str, str]:
    state_of = dict.fromkeys(selection.context, "context")
    state_of.update(dict.fromkeys(selection.shown, "normal"))
    state_of.update(dict.fromkeys(selection.focus, "focus"))
    return state_of


@dataclass
class DrawnMap:
    """What :func:`draw_map` drew: the metric extent, the drawn features (map order) with their
    metric geometry and state, the point markers, the scale bar and the north arrow's turn."""

    extent: tuple[float, float, float, float]  # EPSG:4549 (minx, miny, maxx, maxy)
    features: gpd.GeoDataFrame
    metric: gpd.GeoSeries
    state_of: dict[str, str]
    markers: list[tuple[float, float, float]]  # x, y (metric), diameter (points)
    scale: ScaleBar | None = None
    north_deg: float = 0.0  # grid convergence the north arrow is turned by
    labels: int = 0  # feature labels placed


def draw_map(ax: Axes, features: gpd.GeoDataFrame, selection: MapSelection, lang: str,
             layers: tuple[LayerSpec, ...] = LAYERS, *, bounds: Sequence[float] | None = None,
             font_pt: float = 10.0, labels: bool = True, furniture: bool = True) -> DrawnMap:
    """The map into ``ax`` (metric CRS): ``selection.drawn`` in its states, then (``furniture``)
    scale bar and north arrow, then (``labels``) feature names where they fit.

    Extent: ``bounds`` (lon/lat) if given, else the features of ``selection.fit``, else
    everything drawn, with a margin, widened to the axes' shape.  ``font_pt`` is the text size;
    it also sets the size of a Leaflet pixel (:func:`_px`).  The axes' figure needs a canvas
    (``FigureCanvasAgg(fig)``) when labels are placed: they are measured."""
    dm = _draw_features(ax, features, selection, layers, bounds, font_pt)
    if furniture:
        dm.scale = draw_scale_bar(ax, lang, font_pt)
        dm.north_deg = draw_north_arrow(ax, lang, font_pt)
    if labels:
        renderer = ax.figure.canvas.get_renderer()
        x0, y0, _, y1 = dm.extent
        mpp = _data_per_point(ax)
        taken = []
        if furniture:  # the scale bar's box and the north arrow's corner, in display pixels
            taken = [_data_box(ax, x0, y0, x0 + dm.scale.length_m + 2.5 * font_pt * mpp,
                               y0 + 4.0 * font_pt * mpp),
                     _data_box(ax, x0, y1 - 6.0 * font_pt * mpp, x0 + 4.0 * font_pt * mpp, y1)]
        dm.labels = _place_labels(ax, renderer, dm, lang, font_pt, taken)
    return dm


def _draw_features(ax: Axes, features: gpd.GeoDataFrame, selection: MapSelection,
                   layers: tuple[LayerSpec, ...], bounds: Sequence[float] | None,
                   font_pt: float) -> DrawnMap:
    state_of = _state_of(selection)
    drawn = features.loc[[fid for fid in features.index if fid in state_of]]
    metric = to_metric(drawn.geometry) if not drawn.empty else gpd.GeoSeries(crs=METRIC_CRS)
    pos = ax.get_position()
    fig_w, fig_h = ax.figure.get_size_inches()
    aspect = (pos.width * fig_w) / (pos.height * fig_h)
    if bounds is not None:
        extent = _fit_aspect(_metric_bounds(bounds), aspect, margin=0.0)
    else:
        fit = [f for f in selection.fit if f in state_of]
        target = metric.loc[fit] if fit else metric
        if target.empty:  # nothing drawn: the whole catalogue, else the zone's surroundings
            allb = (features.total_bounds if not features.empty
                    else np.array([119.4, 31.35, 120.1, 31.95]))
            extent = _fit_aspect(_metric_bounds(allb), aspect)
        else:
            extent = _extent(target, aspect)
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    ax.set_aspect("equal", adjustable="box")
    ax.set_facecolor(BACKGROUND)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor("#8c8577")
        spine.set_linewidth(0.8)

    k = _px(font_pt)
    spec_index = {spec.id: i for i, spec in enumerate(layers)}
    clip = box(*extent).buffer((extent[2] - extent[0]) * 0.05)
    markers: list[tuple[float, float, float]] = []
    own = drawn["style"] if "style" in drawn else [""] * len(drawn)
    parts: dict[tuple[str, str], list[tuple]] = {}
    for fid, lid, kind, status, basis, style, geom in zip(
            drawn.index, drawn["layer_id"], drawn["kind"], drawn["status"], drawn["basis"], own,
            metric.values, strict=True):
        parts.setdefault((lid, state_of[fid]), []).append((kind, status, basis, style, geom))
    for spec in layers:
        for s_rank, state in enumerate(_STATE_ORDER):
            items = parts.get((spec.id, state))
            if items:
                z = 10 + spec_index[spec.id] * 4 + s_rank
                markers += _draw_part(ax, items, spec, state, k, z, clip)
    return DrawnMap(extent, drawn, metric, state_of, markers)


def _draw_part(ax: Axes, items: list[tuple], spec: LayerSpec, state: str, k: float, z: float,
               clip) -> list[tuple[float, float, float]]:
    """One layer's features in one state — (kind, status, basis, own style, metric geometry)
    each — grouped by look into a few collections; returns the point markers drawn (x, y,
    diameter in points)."""
    polys: dict[_Look, list] = {}
    lines: dict[_Look, list] = {}
    points: dict[_Look, list] = {}
    for kind, status, basis, style, geom in items:
        if geom is None or geom.is_empty:
            continue
        opts = feature_options(spec, kind, status, basis, geom.geom_type,
                               style if isinstance(style, str) else "", state)
        look = _Look.of(opts, k)
        g_polys, g_lines, g_points = _parts(geom)
        if (g_polys or g_lines) and not geom.intersects(clip):
            continue
        polys.setdefault(look, []).extend(g_polys)
        lines.setdefault(look, []).extend(g_lines)
        points.setdefault(look, []).extend(g_points)
    for look, items in polys.items():
        if items:
            patches = PatchCollection(
                [PathPatch(_polygon_path(p)) for p in items], facecolors=[look.fill],
                edgecolors=[look.stroke], linewidths=look.lw, linestyles=[look.dash],
                joinstyle="round", capstyle="round", zorder=z)
            if look.hatch is not None:  # as on the live map: diagonal lines in the fill colour
                patches.set_hatch("////")
                patches.set_hatchcolor([look.hatch])
            ax.add_collection(patches)
    for look, items in lines.items():
        if items and look.band is not None:  # a schematic line's pale band, under it
            ax.add_collection(LineCollection(
                [np.asarray(ln.coords)[:, :2] for ln in items], colors=[look.band[0]],
                linewidths=look.band[1], capstyle="round", joinstyle="round", zorder=z - 0.5))
        if items:
            ax.add_collection(LineCollection(
                [np.asarray(ln.coords)[:, :2] for ln in items], colors=[look.stroke],
                linewidths=look.lw, linestyles=[look.dash], joinstyle="round",
                capstyle="round", zorder=z))
    markers = []
    for look, items in points.items():
        if items:
            xy = np.array([(p.x, p.y) for p in items])
            ax.scatter(xy[:, 0], xy[:, 1], s=look.size ** 2, marker="o",
                       facecolors=[look.fill if look.fill != "none" else (1, 1, 1, 0)],
                       edgecolors=[look.stroke], linewidths=look.lw, zorder=z + 0.5)
            markers += [(x, y, look.size + look.lw) for x, y in xy]
    return markers


# -- labels -------------------------------------------------------------------------------------

_MAX_LABELS = 60  # candidates tried, by priority (a big uploaded layer stays fast)
# Where a point's label may go: direction from the marker's centre, and the text's anchor.
_POINT_OFFSETS = [(1, 0, "left", "center"), (-1, 0, "right", "center"),
                  (0, 1, "center", "bottom"), (0, -1, "center", "top"),
                  (0.72, 0.72, "left", "bottom"), (0.72, -0.72, "left", "top"),
                  (-0.72, 0.72, "right", "bottom"), (-0.72, -0.72, "right", "top")]


def label_text(row, lang: str) -> str:
    """A feature's map label — the live map's (:func:`style.label_text`), in printable glyphs."""
    return printable(_style.label_text(printable(display_names(row, lang)[0])))


def _label_candidates(dm: DrawnMap, lang: str) -> list[tuple[float, str, str, list, bool]]:
    """(priority, text, state, anchor points, is_point) for every drawn feature in view."""
    view = box(*dm.extent)
    out = []
    for fid, row in dm.features.iterrows():
        geom = dm.metric.loc[fid]
        if geom is None or geom.is_empty or not geom.intersects(view):
            continue
        text = label_text(row, lang)
        if not text:
            continue
        state = dm.state_of[fid]
        # the live map's order (style.label_rule): hub > parks > stations > lakes > lines > …
        uploaded = row["layer_id"] not in LAYER_BY_ID
        rank = ({"focus": 0, "normal": 10, "context": 20}[state]
                + _style.label_rule(row["kind"], uploaded=uploaded).priority)
        gt = geom.geom_type
        if gt.endswith("Point"):
            _, _, pts = _parts(geom)
            anchors = [(p.x, p.y) for p in pts if view.contains(p)]
            out.append((rank, text, state, anchors, True))
        elif gt.endswith("LineString"):
            _, lns, _ = _parts(geom.intersection(view))
            lns.sort(key=lambda ln: -ln.length)
            anchors = [(p.x, p.y) for ln in lns[:1]
                       for p in (ln.interpolate(f, normalized=True) for f in (0.5, 0.3, 0.7))]
            out.append((rank + 0.01, text, state, anchors, False))
        else:
            inside = geom.intersection(view)
            if inside.is_empty:
                continue
            p = inside.representative_point()
            out.append((rank, text, state, [(p.x, p.y)], False))
    out.sort(key=lambda c: c[0])
    return out


def _place_labels(ax: Axes, renderer, dm: DrawnMap, lang: str, font_pt: float,
                  taken: list[Bbox]) -> int:
    """Greedy labels: each tries a few spots and is skipped if it would cover another label, a
    point marker, the furniture (``taken``) or the map's edge.  Returns how many were placed."""
    ax_box = ax.get_window_extent(renderer)
    size = font_pt * 0.86
    prop = _font(size)
    px_per_pt = ax.figure.dpi / 72
    blocked = list(taken)
    radius: dict[tuple[float, float], float] = {}  # marker radius (points) at a position
    for x, y, d in dm.markers:
        (cx, cy), r = ax.transData.transform((x, y)), d * px_per_pt / 2
        blocked.append(Bbox.from_extents(cx - r, cy - r, cx + r, cy + r))
        key = (round(x, 1), round(y, 1))
        radius[key] = max(radius.get(key, 0.0), d / 2)
    placed = []
    for _rank, text, state, anchors, is_point in _label_candidates(dm, lang)[:_MAX_LABELS]:
        colour = MUTED if state == "context" else INK
        offsets = (_POINT_OFFSETS if is_point else [(0, 0, "center", "center")])
        done = False
        for ax_x, ax_y in anchors:
            reach = radius.get((round(ax_x, 1), round(ax_y, 1)), 0.0) + 0.3 * size  # points
            for dx, dy, ha, va in offsets:
                label = Text(ax_x, ax_y, text, fontproperties=prop, color=colour, ha=ha, va=va,
                             parse_math=False, zorder=800, path_effects=[_halo(size)])
                ax.add_artist(label)
                if is_point:
                    off = (dx * reach * px_per_pt, dy * reach * px_per_pt)
                    label.set_transform(ax.transData + Affine2D().translate(*off))
                bb = label.get_window_extent(renderer)
                inside = (bb.x0 >= ax_box.x0 + 2 and bb.x1 <= ax_box.x1 - 2
                          and bb.y0 >= ax_box.y0 + 2 and bb.y1 <= ax_box.y1 - 2)
                if inside and not any(bb.overlaps(o) for o in blocked + placed):
                    placed.append(bb.expanded(1.04, 1.15))
                    done = True
                    break
                label.remove()
            if done:
                break
    return len(placed)


# -- the whole figure ---------------------------------------------------------------------------

@dataclass
class MapFigure:
    figure: Figure
    map_ax: Axes
    legend_ax: Axes | None
    legend: list[LegendGroup]
    map: DrawnMap


def sources_line(features: gpd.GeoDataFrame, drawn: Iterable[str], lang: str,
                 layers: tuple[LayerSpec, ...] = LAYERS) -> str:
    """"Sources: built-in layers: data/geo/SOURCES.md; geometry indicative; <uploaded layer>:
    <its source>" for the drawn layers, in ``lang``."""
    ids = [f for f in dict.fromkeys(drawn) if f in features.index]
    sub = features.loc[ids]
    drawn_layers = set(sub["layer_id"])
    parts = []
    if any(not spec.stored and spec.id in drawn_layers for spec in layers) or not ids:
        parts.append(t("export.sources.builtin", lang))
    official = sub[sub["basis"] == "official"]  # built-in features that uploads superseded
    for fid in official.index:
        parts.append(t("export.sources.official", lang, name=display_names(official.loc[fid],
                                                                           lang)[0],
                       source=official.at[fid, "source"]))
    for spec in layers:
        if spec.stored and spec.id in drawn_layers:
            srcs = [s for s in dict.fromkeys(sub.loc[sub["layer_id"] == spec.id, "source"]) if s]
            parts.append(t("export.sources.layer", lang, layer=spec.label(lang),
                           source=", ".join(srcs) or "?"))
    return t("export.sources", lang, sources=t("export.sources.sep", lang).join(parts))


def _fit_text(renderer, text: str, prop: FontProperties, width_px: float) -> str:
    """``text`` cut with "…" to fit ``width_px``."""
    def width(s: str) -> float:
        return renderer.get_text_width_height_descent(s, prop, ismath=False)[0]

    if width(text) <= width_px:
        return text
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if width(text[:mid] + "…") <= width_px:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


def draw_legend(ax: Axes, groups: list[LegendGroup], lang: str, font_pt: float) -> int:
    """The legend into ``ax`` (its own panel): header, then per layer its title and rows, text
    shrunk to fit the panel's height (and rows left out, counted, if even that is not enough).
    Returns the number of rows drawn (titles included)."""
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    pos = ax.get_position()
    w_pt = pos.width * fig.get_figwidth() * 72
    h_pt = pos.height * fig.get_figheight() * 72
    ax.set_xlim(0, w_pt)
    ax.set_ylim(0, h_pt)
    ax.set_axis_off()
    header_pt = font_pt * 1.1
    rows: list[tuple[str, LegendRow | None]] = []
    for g in groups:
        rows.append((g.title, None))
        rows.extend((r.label, r) for r in g.rows)
    avail = h_pt - header_pt * 2.0
    size = font_pt
    min_size = max(font_pt * 0.62, 5.0)
    if rows and len(rows) * size * 1.55 > avail:
        size = max(avail / (len(rows) * 1.55), min_size)
    capacity = max(int(avail // (size * 1.55)), 1)
    hidden = 0
    if len(rows) > capacity:
        hidden = len(rows) - (capacity - 1)
        rows = rows[: capacity - 1]
    y = h_pt - header_pt * 0.9
    ax.add_artist(Text(0, y, printable(t("legend.header", lang)), fontproperties=_font(header_pt),
                       color=INK, ha="left", va="center", parse_math=False))
    y -= header_pt * 1.3
    sw = size * 2.2  # swatch width
    px_per_pt = fig.dpi / 72
    k = _px(font_pt)
    for label, row in rows:
        y -= size * 1.55 / 2
        if row is None:
            prop = _font(size * 1.02)
            text = _fit_text(renderer, printable(label), prop, w_pt * px_per_pt)
            ax.add_artist(Text(0, y, text, fontproperties=prop, color=INK, ha="left",
                               va="center", parse_math=False))
        else:
            _swatch(ax, row, 0.35 * size, y, sw, size, k)
            prop = _font(size * 0.92)
            x_text = sw + 0.9 * size
            text = _fit_text(renderer, printable(label), prop, (w_pt - x_text) * px_per_pt)
            ax.add_artist(Text(x_text, y, text, fontproperties=prop, color=INK, ha="left",
                               va="center", parse_math=False))
        y -= size * 1.55 / 2
    if hidden:
        y -= size * 1.55 / 2
        ax.add_artist(Text(0, y, printable(t("export.legend.more", lang, n=hidden)),
                           fontproperties=_font(size * 0.9), color=MUTED, ha="left",
                           va="center", parse_math=False))
    return len(rows)


def _swatch(ax: Axes, row: LegendRow, x: float, y: float, w: float, size: float,
            k: float) -> None:
    """A legend swatch at (x, y) in the legend panel's point units: line, area or circle in the
    layer's own colours (strokes at full opacity so the colour reads)."""
    style = row.style
    lw = min(max(style.weight * k, 1.6), size * 0.42)
    dash = _dash(style.dash, lw, k)
    if row.geom_type.endswith("Point"):  # filled, half-filled or a ring, as on the map
        r = min(style.radius * k, size * 0.55)
        ax.scatter([x + w / 2], [y], s=(2 * r) ** 2,
                   facecolors=[to_rgba(style.fill or "#ffffff", style.fill_opacity
                                       if style.fill else 0.0)],
                   edgecolors=[style.color], linewidths=max(style.weight * k, 1.2),
                   linestyles=[dash], zorder=3)
    elif row.geom_type.endswith("LineString"):
        if style.band:
            ax.add_line(Line2D([x, x + w], [y, y], color=to_rgba(style.color, 0.2),
                               linewidth=min(style.band * k, size * 0.8),
                               solid_capstyle="butt"))
        ax.add_line(Line2D([x, x + w], [y, y], color=style.color, linewidth=lw, linestyle=dash,
                           solid_capstyle="butt", dash_capstyle="butt"))
    else:
        h = size * 0.85
        alpha = 0.5 + min(style.fill_opacity, 0.5) if style.fill else 0.0
        patch = Rectangle((x, y - h / 2), w, h, edgecolor=style.color, linewidth=lw,
                          linestyle=dash,
                          facecolor=to_rgba(style.fill or "white",
                                            0.0 if style.hatch else alpha))
        if style.hatch:
            patch.set_hatch("////")
            patch.set_hatchcolor(to_rgba(style.fill or style.color, alpha))
        ax.add_patch(patch)


def map_figure(
    features: gpd.GeoDataFrame,
    selection: MapSelection,
    lang: str,
    layers: tuple[LayerSpec, ...] = LAYERS,
    *,
    title: str = "",
    subtitle: str = "",
    bounds: Sequence[float] | None = None,
    width_in: float = 16.0,
    height_in: float = 10.0,
    dpi: float = 100.0,
    font_pt: float = 13.0,
    footer: bool = True,
    today: date | None = None,
    labels: bool = True,
) -> MapFigure:
    """A complete map figure: title band (if ``title``), the map with scale bar and north arrow,
    the legend panel on the right, and (if ``footer``) the date and the sources line."""
    fig = Figure(figsize=(width_in, height_in), dpi=dpi, facecolor="white")
    canvas = FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()
    em = font_pt / 72  # inches
    pad = 0.9 * em
    title_h = 0.0
    if title:
        title_h = pad + 1.75 * em * 1.2 + (1.05 * em * 1.35 if subtitle else 0) + 0.55 * pad
    footer_h = (0.85 * em * 1.5 + 0.5 * pad) if footer else 0.0
    groups = legend_groups(features, selection.drawn, lang, layers)
    legend_w = _legend_width(renderer, groups, font_pt, width_in)
    gap = 0.8 * pad if groups else 0.0
    map_box = (pad, footer_h + 0.5 * pad, width_in - 2 * pad - legend_w - gap,
               height_in - title_h - footer_h - (0.5 * pad if title else pad) - 0.5 * pad)
    ax = fig.add_axes((map_box[0] / width_in, map_box[1] / height_in,
                       map_box[2] / width_in, map_box[3] / height_in))
    dm = draw_map(ax, features, selection, lang, layers, bounds=bounds, font_pt=font_pt,
                  labels=labels)
    legend_ax = None
    if groups:
        legend_ax = fig.add_axes(((width_in - pad - legend_w) / width_in,
                                  map_box[1] / height_in, legend_w / width_in,
                                  map_box[3] / height_in))
        draw_legend(legend_ax, groups, lang, font_pt)
    text_w_px = (width_in - 2 * pad) * dpi
    if title:
        prop = _font(font_pt * 1.75)
        y = 1 - (pad + 1.75 * em * 0.6) / height_in
        fig.add_artist(Text(pad / width_in, y, _fit_text(renderer, printable(title), prop,
                                                          text_w_px),
                            fontproperties=prop, color=INK, ha="left", va="center",
                            parse_math=False, transform=fig.transFigure))
        if subtitle:
            prop = _font(font_pt * 1.05)
            y = 1 - (pad + 1.75 * em * 1.2 + 1.05 * em * 0.7) / height_in
            fig.add_artist(Text(pad / width_in, y, _fit_text(renderer, printable(subtitle),
                                                              prop, text_w_px),
                                fontproperties=prop, color=MUTED, ha="left", va="center",
                                parse_math=False, transform=fig.transFigure))
    if footer:
        day = (today or date.today()).isoformat()
        text = (t("export.date", lang, date=day) + "   "
                + sources_line(features, selection.drawn, lang, layers))
        prop = _font(font_pt * 0.85)
        fig.add_artist(Text(pad / width_in, (0.5 * pad + 0.85 * em * 0.6) / height_in,
                            _fit_text(renderer, printable(text), prop, text_w_px),
                            fontproperties=prop, color=MUTED, ha="left", va="center",
                            parse_math=False, transform=fig.transFigure))
    return MapFigure(fig, ax, legend_ax, groups, dm)


def _legend_width(renderer, groups: list[LegendGroup], font_pt: float, width_in: float) -> float:
    """Inches for the legend panel: its widest line, within 14 em and 30 % of the figure."""
    if not groups:
        return 0.0
    px_per_in = renderer.dpi
    title, row = _font(font_pt * 1.02), _font(font_pt * 0.92)
    widths = [renderer.get_text_width_height_descent(printable(g.title), title, False)[0]
              for g in groups]
    widths += [renderer.get_text_width_height_descent(printable(r.label), row, False)[0]
               + 3.1 * font_pt / 72 * px_per_in for g in groups for r in g.rows]
    need = max(widths) / px_per_in + 0.3 * font_pt / 72
    return min(max(need, 14 * font_pt / 72), 0.3 * width_in)


def _data_box(ax: Axes, x0: float, y0: float, x1: float, y1: float) -> Bbox:
    (ax0, ay0), (ax1, ay1) = ax.transData.transform([(x0, y0), (x1, y1)])
    return Bbox.from_extents(min(ax0, ax1), min(ay0, ay1), max(ax0, ax1), max(ay0, ay1))


def figure_image(mf: MapFigure):
    """The rendered figure as an RGB PIL image (for the PDF; no PNG round trip)."""
    from PIL import Image

    canvas = mf.figure.canvas
    canvas.draw()
    return Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw",
                            "RGBA", 0, 1).convert("RGB")


def render_map_png(
    features: gpd.GeoDataFrame,
    selection: MapSelection,
    lang: str,
    layers: tuple[LayerSpec, ...] = LAYERS,
    *,
    title: str,
    subtitle: str = "",
    bounds: Sequence[float] | None = None,
    size_px: tuple[int, int] = (1600, 1000),
    today: date | None = None,
) -> bytes:
    """The current view as a PNG of exactly ``size_px``: title (+ subtitle), the drawn features
    in their states, legend, scale bar, north arrow, date and sources line, all in ``lang``."""
    w, h = (int(v) for v in size_px)
    if w < 200 or h < 150:
        raise ValueError(f"size_px too small: {size_px!r} (at least 200 × 150)")
    dpi = 100.0
    font_pt = min(max(13.0 * min(w / 1600, h / 1000), 6.5), 40.0)
    mf = map_figure(features, selection, lang, layers, title=title, subtitle=subtitle,
                    bounds=bounds, width_in=w / dpi, height_in=h / dpi, dpi=dpi,
                    font_pt=font_pt, footer=True, today=today)
    buf = io.BytesIO()
    mf.figure.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue()
