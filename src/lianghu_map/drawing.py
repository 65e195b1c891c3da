"""Draw to query: what the planner drew on the map, the features it covers, their clauses.

The map hands back its drawings as GeoJSON in the *displayed* datum (GCJ-02 over Gaode);
:func:`parse_drawings` checks them and brings them back to WGS84.  :func:`query_drawing` finds
the visible features a drawn area covers, :func:`clauses_of` the clauses that mention them, and
:func:`drawing_layer_file` turns the drawing into a GeoJSON file that goes through the normal
upload path (validation, store, history) when an analyst saves it as a layer.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import mapping, shape

from .basemaps import to_data
from .errors import LianghuError
from .layers import BASE_LAYER_IDS
from .meeting.directives import Meeting
from .meeting.links import LinkTable

__all__ = [
    "DrawingError",
    "Drawn",
    "clauses_of",
    "drawing_layer_file",
    "parse_drawings",
    "query_drawing",
]

_AREAS = ("Polygon", "MultiPolygon")
_LINES = ("LineString", "MultiLineString")
_MAX_VERTICES = 10_000


class DrawingError(LianghuError):
    code = "drawing"
    texts = ("第 {n} 个绘制图形无法使用：{detail}。请删除后重画。",
             "Drawing no. {n} cannot be used: {detail}. Delete it and draw again.")


@dataclass(frozen=True)
class Drawn:
    """The drawing in WGS84: its areas (polygons, rectangles) and lines, in drawing order."""

    areas: tuple  # shapely polygons
    lines: tuple  # shapely line strings

    @property
    def area(self):
        """All drawn areas as one geometry (None when nothing was drawn)."""
        return shapely.union_all(list(self.areas)) if self.areas else None

    def __bool__(self) -> bool:
        return bool(self.areas or self.lines)


def parse_drawings(drawings: Iterable[Mapping] | None, basemap: str) -> Drawn:
    """The map's drawings (GeoJSON features) → :class:`Drawn` in WGS84.  Points and circles
    are not drawing tools here and are skipped; a geometry that is malformed, empty, invalid
    (a self-crossing polygon is repaired) or huge raises :class:`DrawingError` naming it."""
    areas, lines = [], []
    for n, feature in enumerate(drawings or (), start=1):
        raw = feature.get("geometry") if isinstance(feature, Mapping) else None
        if not isinstance(raw, Mapping):
            raise DrawingError(detail="no geometry", n=n)
        try:
            geom = shape(raw)
        except Exception as err:  # shapely raises several types for bad GeoJSON
            detail = " ".join(str(err).split()) or type(err).__name__
            raise DrawingError(detail=detail, n=n) from None
        if geom.is_empty or geom.geom_type not in _AREAS + _LINES:
            continue
        if shapely.get_num_coordinates(geom) > _MAX_VERTICES:
            raise DrawingError(detail=f"> {_MAX_VERTICES} vertices", n=n)
        geom = to_data(geom, basemap)
        if geom.geom_type in _AREAS:
            if not geom.is_valid:
                geom = shapely.make_valid(geom)
                geom = shapely.union_all([g for g in getattr(geom, "geoms", [geom])
                                          if g.geom_type in _AREAS])
            if geom.is_empty or geom.area == 0:
                raise DrawingError(detail="zero area", n=n)
            areas.append(geom)
        else:
            lines.append(geom)
    return Drawn(tuple(areas), tuple(lines))


def query_drawing(features: gpd.GeoDataFrame, area, candidates: Iterable[str]) -> pd.DataFrame:
    """The ``candidates`` (visible features) that ``area`` covers, with ``inside``: True when
    the whole feature is inside the drawing.  A base-layer feature (district, zone) that merely
    surrounds the drawing is left out: it contains any drawing and says nothing about it.
    Order: wholly inside first, then the rest, each in drawing order."""
    ids = [f for f in dict.fromkeys(candidates) if f in features.index]
    if area is None or not ids:
        return pd.DataFrame({"inside": pd.Series(dtype=bool)},
                            index=pd.Index([], name="feature_id"))
    geoms = features.loc[ids].geometry.values
    hit = shapely.intersects(geoms, area)
    inside = shapely.covered_by(geoms, area)
    in_base = features.loc[ids, "layer_id"].isin(BASE_LAYER_IDS).to_numpy()
    surrounds = shapely.covers(geoms, area)
    keep = hit & ~(in_base & surrounds & ~inside)
    rows = sorted(((f, bool(i)) for f, i, k in zip(ids, inside, keep, strict=True) if k),
                  key=lambda r: not r[1])  # stable: drawing order within each group
    return pd.DataFrame({"inside": [r[1] for r in rows]},
                        index=pd.Index([r[0] for r in rows], name="feature_id"))


def clauses_of(feature_ids: Iterable[str], links: LinkTable, meeting: Meeting) -> list[str]:
    """Directive ids mentioning any of ``feature_ids``, in the report's order."""
    wanted = {d for f in feature_ids for d in links.directives_of(f)}
    return [d.id for d in meeting.directives if d.id in wanted]


def drawing_layer_file(drawn: Drawn, name: str) -> bytes:
    """The drawing as a GeoJSON FeatureCollection (WGS84), one feature per drawn shape, named
    ``name`` and numbered: the file an analyst saves through the upload path."""
    shapes = [*drawn.areas, *drawn.lines]
    features = [
        {"type": "Feature", "geometry": mapping(geom),
         "properties": {"name": name if len(shapes) == 1 else f"{name} {i}"}}
        for i, geom in enumerate(shapes, start=1)
    ]
    return json.dumps({"type": "FeatureCollection", "features": features},
                      ensure_ascii=False).encode("utf-8")
