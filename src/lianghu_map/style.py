"""The one style specification: colours, dash patterns, symbols and label rules per kind,
status and geometry — read by the live map (:mod:`mapview`, the offline HTML), the legends and
the printed maps (:mod:`figure`, the PNG and the PDF pack), so what is shown and what is printed
cannot drift apart.

**Status** is encoded the same way for every kind, by geometry family:

=====================  ====================  =========================  ======================
status                 lines (dash pattern)  points (fill vs ring)      areas (fill vs hatch)
=====================  ====================  =========================  ======================
existing               solid                 filled                     filled
under construction     dash-dot              half-filled                hatched, solid outline
planned                dashed                ring (white centre)        hatched, dashed outline
indicative             dotted                ring, dotted               no fill, dotted outline
=====================  ====================  =========================  ======================

A kind's own pattern (district outlines, the zones, the axis) stands for the kind, whatever the
status.

**Schematic geometry** — a line drawn as a chord between known points, an area sized from a
figure rather than traced (``basis`` ``estimate``) — looks schematic: a line is drawn thin over
a pale band (the corridor it lies in), an area gets a dotted outline; the tooltip says
"indicative".  A solid line of full weight means geometry from a surveyed or sourced trace.

**Labels**: which features are named, from which zoom, in which priority when labels collide
(hub > parks and zones > stations > lakes > lines > towns and places > districts > uploads),
in what type style (:data:`LABEL_RULES`, :func:`label_rule`, :func:`label_text`).

**Uploaded layers** keep their analyst's colour; their lines are never filled.
:data:`DRAW_COLOR` (the drawing and measuring tools) is a colour no layer uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .layers import LayerSpec

__all__ = [
    "DRAW_COLOR",
    "KIND_STYLE",
    "LABEL_RULES",
    "STATUS_STYLE",
    "LabelRule",
    "Style",
    "feature_style",
    "geometry_family",
    "is_schematic",
    "label_rule",
    "label_text",
    "layer_style",
]


@dataclass(frozen=True)
class Style:
    color: str
    weight: float
    fill: str | None = None  # None: no fill
    fill_opacity: float = 0.0
    dash: str | None = None
    radius: float = 6.0  # points
    hatch: bool = False  # areas: hatched instead of a flat fill
    band: float = 0.0  # lines: width (px) of the pale band under a schematic line; 0: none


# Cartographic style by kind; status and basis modify it (see feature_style).
KIND_STYLE: dict[str, Style] = {
    "water": Style("#3b82c4", 1, "#a5d0f0", 0.75),
    "district": Style("#78716c", 1.5, None, 0.0, "6 4"),
    "zone": Style("#b91c1c", 2, "#fca5a5", 0.06, "10 6"),
    "park": Style("#d9480f", 2, "#ffa94d", 0.28),
    "hub": Style("#c92a2a", 3, "#fa5252", 0.95, radius=10),
    "station": Style("#862e9c", 2, "#862e9c", 0.95, radius=6),
    "metro": Style("#1c7ed6", 4),
    "rail": Style("#343a40", 3.5),
    "road": Style("#a61e4d", 3),
    "axis": Style("#b91c1c", 4, None, 0.0, "2 10"),
    "ecological_corridor": Style("#2b8a3e", 6),
    "wetland": Style("#2f9e44", 1.5, "#8ce99a", 0.45),
    "greenway": Style("#37b24d", 4),
    "pocket_park": Style("#2f9e44", 2, "#b2f2bb", 0.9, radius=6),
    "heritage": Style("#a16207", 2, "#ffd43b", 0.6, radius=8),
    "resort": Style("#a16207", 2, "#ffe066", 0.4, radius=8),
    "town_centre": Style("#495057", 2, "#495057", 0.95, radius=6),
}
_DEFAULT_STYLE = Style("#495057", 2, "#adb5bd", 0.3)
DRAW_COLOR = "#ff00b8"  # drawings and measurements: a colour no layer uses (a test checks)


@dataclass(frozen=True)
class _StatusLook:
    line_dash: str | None  # lines
    point_fill: float | None  # points: factor on the kind's fill opacity; None: a ring
    point_dash: str | None  # points: the ring's stroke
    area_hatch: bool  # areas
    area_fill: bool  # areas: filled (flat or hatched) at all
    area_dash: str | None  # areas: the outline


STATUS_STYLE: dict[str, _StatusLook] = {
    "existing": _StatusLook(None, 1.0, None, False, True, None),
    "under_construction": _StatusLook("12 4 2 4", 0.4, None, True, True, None),
    "planned": _StatusLook("8 6", None, None, True, True, "8 6"),
    "indicative": _StatusLook("2 6", None, "2 3", False, False, "2 6"),
}
_SCHEMATIC_AREA_DASH = "3 5"


def geometry_family(geom_type: str) -> str:
    """"point", "line" or "area" of a geometry type name ("" counts as an area)."""
    if geom_type.endswith("Point"):
        return "point"
    if geom_type.endswith("LineString"):
        return "line"
    return "area"


def is_schematic(basis: str, geom_type: str) -> bool:
    """Whether a line or area was drawn schematically (placed from a description or a figure,
    not traced from a source); points carry their uncertainty in ``accuracy_m`` instead."""
    return basis == "estimate" and geometry_family(geom_type) != "point"


def feature_style(kind: str, status: str, basis: str = "", geom_type: str = "") -> Style:
    """The style of a feature of ``kind`` in ``status`` (see the module docstring)."""
    base = KIND_STYLE.get(kind, _DEFAULT_STYLE)
    look = STATUS_STYLE.get(status, STATUS_STYLE["existing"])
    family = geometry_family(geom_type)
    schematic = is_schematic(basis, geom_type)
    if family == "line":
        dash = base.dash or look.line_dash
        if schematic:  # thin, over a pale band: "somewhere along here"
            return replace(base, weight=max(round(base.weight * 0.6, 1), 1.5), dash=dash,
                           fill=None, fill_opacity=0.0, band=max(base.weight * 2.5, 8.0))
        return replace(base, dash=dash, fill=None, fill_opacity=0.0)
    if family == "point":
        if look.point_fill is None:
            return replace(base, fill="#ffffff", fill_opacity=1.0, dash=look.point_dash)
        fill = base.fill or base.color
        return replace(base, fill=fill, fill_opacity=base.fill_opacity * look.point_fill,
                       dash=look.point_dash)
    dash = base.dash or look.area_dash or (_SCHEMATIC_AREA_DASH if schematic else None)
    if not look.area_fill or base.fill is None:
        return replace(base, fill=None, fill_opacity=0.0, dash=dash)
    return replace(base, dash=dash, hatch=look.area_hatch,
                   fill_opacity=max(base.fill_opacity, 0.35) if look.area_hatch
                   else base.fill_opacity)


def layer_style(spec: LayerSpec, kind: str, status: str, basis: str = "",
                geom_type: str = "") -> Style:
    """:func:`feature_style`, in the layer's own colour when it has one (uploaded layers); an
    uploaded line is a line: never filled."""
    style = feature_style(kind, status, basis, geom_type)
    if not spec.color:
        return style
    if geometry_family(geom_type) == "line":
        return replace(style, color=spec.color, fill=None, fill_opacity=0.0)
    if style.fill is None and geometry_family(geom_type) == "area":
        return replace(style, color=spec.color)
    fill = "#ffffff" if style.fill == "#ffffff" else spec.color
    return replace(style, color=spec.color, fill=fill, fill_opacity=style.fill_opacity or 0.3)


# -- labels -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LabelRule:
    role: str  # the label's type style: CSS class ``lh-l-<role>`` on the live map
    priority: float  # lower wins a collision
    min_zoom: int  # the live map names it from this zoom on …
    max_zoom: int = 18  # … up to this one
    size: float = 1.0  # type size, relative to the map's label size


LABEL_RULES: dict[str, LabelRule] = {
    "hub": LabelRule("hub", 0, 8, size=1.15),
    "park": LabelRule("park", 1, 10),
    "zone": LabelRule("zone", 1.5, 9, size=1.05),
    "station": LabelRule("station", 2, 12, size=0.92),
    "water": LabelRule("water", 3, 8, size=1.1),
    "line": LabelRule("line", 4, 11, size=0.9),
    "town": LabelRule("town", 5, 11, size=0.92),
    "district": LabelRule("district", 6, 8, 12, size=1.25),
    "upload": LabelRule("upload", 7, 13, size=0.9),
}
_ROLE_OF_KIND = {
    "hub": "hub", "park": "park", "zone": "zone", "station": "station", "water": "water",
    "metro": "line", "rail": "line", "road": "line", "axis": "line",
    "ecological_corridor": "line", "greenway": "line", "wetland": "town",
    "pocket_park": "town", "heritage": "town", "resort": "town", "town_centre": "town",
    "district": "district",
}


def label_rule(kind: str, *, uploaded: bool = False) -> LabelRule:
    """The label rule of a feature of ``kind`` (an uploaded layer's features are "upload")."""
    if uploaded:
        return LABEL_RULES["upload"]
    return LABEL_RULES[_ROLE_OF_KIND.get(kind, "town")]


_PAREN = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")


def label_text(name: str) -> str:
    """A map label from a feature's main name in the UI language: a trailing parenthesis
    dropped (滆湖（西太湖） → 滆湖), cut to about 16 CJK or 30 Latin characters."""
    name = " ".join(str(name).split())
    short = _PAREN.sub("", name).strip()
    name = short or name
    wide = sum(1 for ch in name if ord(ch) > 0x2E80)
    limit = 16 if wide > len(name) / 2 else 30
    return name if len(name) <= limit else name[: limit - 1] + "…"
