"""Spatial analysis for the planning map: catchment rings, measures, per-directive statistics.

Pure functions over the feature table (a GeoDataFrame in EPSG:4326 indexed by ``feature_id``,
as :mod:`lianghu_map.catalog` builds it), the link table and the meeting; no Streamlit here.

Every distance, length and area is computed in :data:`lianghu_map.crs.METRIC_CRS` (EPSG:4549,
CGCS2000 3-degree Gauss-Krüger CM 120E, metres).  Around Changzhou (about 0.1-0.4 degrees from
the central meridian) its scale error is below 0.01 %, so planar figures there agree with
geodesic ones on the WGS84 ellipsoid; far from 120E they do not (an uploaded feature at 110E
would be off by about 1 % in length), which is why a catchment centre must lie near the CRS's
area of use.

Errors a user can cause (an unknown or non-point centre, bad radii) raise :class:`AnalysisError`,
whose ``message(lang)`` names the problem and the offending value in 简体, 繁體 and English.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from numbers import Real
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
from shapely.geometry import Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from .crs import METRIC_CRS, project, to_metric
from .errors import LianghuError
from .framecache import per_frame
from .i18n import localise
from .meeting.directives import Meeting
from .meeting.links import LinkTable

__all__ = [
    "AREA_EXCLUDED_LAYERS",
    "MAX_RADIUS_KM",
    "RING_KM",
    "AnalysisError",
    "Catchment",
    "catchment",
    "catchment_centre",
    "directive_statistics",
    "feature_measures",
    "measure",
    "ring_centres",
    "schematic_area",
    "theme_statistics",
]

RING_KM: tuple[float, ...] = (1.0, 3.0, 5.0, 10.0)
MAX_RADIUS_KM = 50.0
# Layers whose polygons frame the whole zone (districts, the zone outline): counted as linked
# features but left out of area sums, where they would swamp every site.
AREA_EXCLUDED_LAYERS: tuple[str, ...] = ("boundaries",)

_QUAD_SEGS = 32  # a ring is a 128-gon: its area is 0.04 % below the true circle's
_AREA_MARGIN_DEG = 1.0  # a centre may lie this far outside EPSG:4549's declared area of use
_POINT_TYPES = ("Point", "MultiPoint")
_LINE_TYPES = ("LineString", "LinearRing", "MultiLineString")
_POLYGON_TYPES = ("Polygon", "MultiPolygon")

# code: (简体, English); placeholders are filled from the error's params (already text).
_MESSAGES: dict[str, tuple[str, str]] = {
    "unknown_feature": (
        "找不到要素“{feature_id}”，无法作为服务圈中心。",
        'No feature "{feature_id}": it cannot be the catchment centre.',
    ),
    "not_a_point": (
        "要素“{feature_id}”是 {geom_type}；服务圈的中心须为点要素。",
        'Feature "{feature_id}" is a {geom_type}; catchment rings need a point.',
    ),
    "empty_geometry": (
        "要素“{feature_id}”没有几何，无法作为服务圈中心。",
        'Feature "{feature_id}" has no geometry; it cannot be the catchment centre.',
    ),
    "centre_both": (
        "服务圈的中心只能有一处，但同时给出了要素“{feature_id}”和坐标 {centre}。",
        'A catchment has one centre, but both feature "{feature_id}" and point '
        "{centre} were given.",
    ),
    "centre_missing": (
        "没有给出服务圈中心：请选择一个点要素，或输入经纬度。",
        "No catchment centre: choose a point feature or give a longitude and latitude.",
    ),
    "bad_centre": (
        "中心坐标 {centre} 无效：须为（经度，纬度）两个有限数值，经度在 −180…180，纬度在 −90…90。",
        "The centre {centre} is not valid: it must be (longitude, latitude), two "
        "finite numbers, longitude within -180…180 and latitude within -90…90.",
    ),
    "centre_outside": (
        "中心（{lon}，{lat}）超出 {crs} 的适用范围（东经 {west}°…{east}°，"
        "北纬 {south}°…{north}°），距离与面积无法准确量算。",
        "The centre ({lon}, {lat}) lies outside the area where {crs} measures "
        "true (longitude {west}…{east}°E, latitude {south}…{north}°N); distances "
        "and areas there would be wrong.",
    ),
    "no_radii": ("没有给出服务圈半径。", "No catchment radius was given."),
    "radius_not_number": ("半径“{value}”不是数值。", 'The radius "{value}" is not a number.'),
    "radius_not_positive": (
        "半径 {value} 公里无效：须大于 0。",
        "The radius {value} km is not valid: it must be above 0.",
    ),
    "radius_too_large": (
        "半径 {value} 公里超过上限 {limit} 公里。",
        "The radius {value} km is over the limit of {limit} km.",
    ),
    "radius_repeated": (
        "半径 {value} 公里出现了不止一次；各圈半径须互不相同。",
        "The radius {value} km is given more than once; the rings need distinct radii.",
    ),
}


class AnalysisError(LianghuError):
    """A catchment or measure that cannot be computed as asked.

    ``code`` is one of the keys of ``_MESSAGES`` (``unknown_feature``, ``not_a_point``,
    ``radius_too_large`` …); ``params`` hold the offending values as text; ``str(err)`` is the
    English message and ``err.message(lang)`` the message in ``lang``.
    """

    code = "analysis"

    def __init__(self, code: str, **params: Any):
        if code not in _MESSAGES:
            raise KeyError(f"no message for analysis error {code!r}")
        texts = {name: str(value) for name, value in params.items()}
        super().__init__(_MESSAGES[code][1].format(**texts), **texts)
        self.code = code
        self.texts = _MESSAGES[code]

    def message(self, lang: str) -> str:
        return localise(*self.texts, lang).format(**self.params)


def _show(value: object, limit: int = 80) -> str:
    """An offending value as short plain text for a message."""
    if isinstance(value, Real) and not isinstance(value, bool):
        text = f"{float(value):g}"
    elif isinstance(value, str):
        text = value
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------------------
# measures
# --------------------------------------------------------------------------------------


def _part_measures(metric: gpd.GeoSeries) -> pd.DataFrame:
    """area_km2, perimeter_km and length_km of each geometry of a METRIC_CRS series, summed over
    its parts (multi-geometries and collections), positionally (a RangeIndex)."""
    geoms = gpd.GeoSeries(metric.values, crs=metric.crs)  # positional index
    parts = geoms.explode(index_parts=False)  # None rows vanish; reindexed to 0 below
    kind = parts.geom_type
    polygon = kind.isin(_POLYGON_TYPES)
    line = kind.isin(_LINE_TYPES)
    table = pd.DataFrame(
        {
            "area_km2": parts.area.where(polygon, 0.0) / 1e6,
            "perimeter_km": parts.length.where(polygon, 0.0) / 1e3,
            "length_km": parts.length.where(line, 0.0) / 1e3,
        },
        index=parts.index,
    )
    sums = table.groupby(level=0).sum()
    return sums.reindex(range(len(geoms)), fill_value=0.0).astype(float)


def measure(geometry: BaseGeometry | None, crs: Any = "EPSG:4326") -> dict[str, float]:
    """Length, area and perimeter of one geometry given in ``crs``, measured in METRIC_CRS.

    Returns ``{"length_km", "area_km2", "perimeter_km"}``: ``length_km`` sums the line parts,
    ``area_km2`` and ``perimeter_km`` (outer and inner rings) the polygon parts; what does not
    apply is 0.0 (a point, or None / an empty geometry, measures 0 everywhere).
    """
    row = _part_measures(to_metric(gpd.GeoSeries([geometry], crs=crs))).iloc[0]
    return {key: float(row[key]) for key in ("length_km", "area_km2", "perimeter_km")}


def feature_measures(features: gpd.GeoDataFrame) -> pd.DataFrame:
    """Per feature (index ``feature_id``, as ``features``): ``area_km2`` of polygons and
    ``length_km`` of lines, 0.0 where it does not apply; one projection for the whole frame,
    kept while the frame lives (the result is shared: do not modify it)."""

    def make() -> pd.DataFrame:
        table = _part_measures(to_metric(features.geometry))
        table.index = features.index
        return table[["area_km2", "length_km"]]

    return per_frame(features, ("measures",), make)


# --------------------------------------------------------------------------------------
# catchment rings
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)  # eq on DataFrames is ambiguous: compare by identity
class Catchment:
    """Distance rings around a centre and the features that fall within them."""

    centre_id: str | None  # feature id of the centre, or None for a free point
    centre: tuple[float, float]  # (lon, lat) WGS84
    radii_km: tuple[float, ...]  # sorted ascending
    # one row per ring, innermost first (the first is a disc, the others annuli), EPSG:4326:
    # ring (0-based), inner_km, outer_km, area_km2 (of the drawn polygon), geometry
    rings: gpd.GeoDataFrame
    # one row per feature within the largest radius, nearest first: feature_id, distance_km
    # (least straight-line distance from the centre to the geometry; 0 if it holds the centre),
    # ring_km (the smallest radius >= distance_km)
    members: pd.DataFrame


@cache
def _metric_area_of_use() -> tuple[float, float, float, float]:
    area = pyproj.CRS.from_user_input(METRIC_CRS).area_of_use
    bounds = area.bounds if area is not None else (118.5, 24.43, 121.5, 53.33)
    m = _AREA_MARGIN_DEG
    return bounds[0] - m, bounds[1] - m, bounds[2] + m, bounds[3] + m


def _check_centre(centre: object) -> tuple[float, float]:
    try:
        lon, lat = centre  # type: ignore[misc]
        ok = all(isinstance(v, Real) and not isinstance(v, bool) for v in (lon, lat))
    except (TypeError, ValueError):
        ok = False
    if ok:
        lon, lat = float(lon), float(lat)
        ok = math.isfinite(lon) and math.isfinite(lat) and abs(lon) <= 180 and abs(lat) <= 90
    if not ok:
        raise AnalysisError("bad_centre", centre=_show(centre))
    west, south, east, north = _metric_area_of_use()
    if not (west <= lon <= east and south <= lat <= north):
        raise AnalysisError(
            "centre_outside",
            lon=f"{lon:.5f}",
            lat=f"{lat:.5f}",
            crs=METRIC_CRS,
            west=f"{west:g}",
            east=f"{east:g}",
            south=f"{south:g}",
            north=f"{north:g}",
        )
    return lon, lat


def _check_radii(radii_km: Iterable[object]) -> tuple[float, ...]:
    if isinstance(radii_km, Real):
        radii_km = (radii_km,)
    values: list[float] = []
    for r in radii_km:
        if not isinstance(r, Real) or isinstance(r, bool) or math.isnan(float(r)):
            raise AnalysisError("radius_not_number", value=_show(r))
        value = float(r)
        if value <= 0:
            raise AnalysisError("radius_not_positive", value=_show(value))
        if value > MAX_RADIUS_KM:
            raise AnalysisError("radius_too_large", value=_show(value), limit=_show(MAX_RADIUS_KM))
        if value in values:
            raise AnalysisError("radius_repeated", value=_show(value))
        values.append(value)
    if not values:
        raise AnalysisError("no_radii")
    return tuple(sorted(values))


def ring_centres(features: gpd.GeoDataFrame, max_layer: int = 2_000) -> list[str]:
    """Point features that can centre catchment rings (layers of at most ``max_layer``
    features: a list to pick from, not a 100,000-point upload)."""

    def make() -> list[str]:  # the small layers' rows first: a million types cost 0.2 GB
        sizes = features["layer_id"].value_counts()
        rows = np.flatnonzero(features["layer_id"].isin(sizes.index[sizes <= max_layer]))
        points = features.geometry.iloc[rows].geom_type.isin(_POINT_TYPES).to_numpy()
        return list(features.index[rows[points]])

    return per_frame(features, ("ring_centres", max_layer), make)


def catchment_centre(features: gpd.GeoDataFrame, feature_id: str) -> tuple[float, float]:
    """(lon, lat) WGS84 of a point feature; for a MultiPoint, the centroid of all its parts
    (computed in METRIC_CRS).  Raises :class:`AnalysisError` for an unknown id, a feature with
    no geometry or one that is not a point."""
    if feature_id not in features.index:
        raise AnalysisError("unknown_feature", feature_id=_show(feature_id))
    geom = features.geometry.loc[[feature_id]]
    if len(geom) != 1:  # a duplicated id: the table is inconsistent, not the user's choice
        raise ValueError(f"feature id {feature_id!r} is not unique")
    shape = geom.iloc[0]
    if shape is None or shape.is_empty:
        raise AnalysisError("empty_geometry", feature_id=_show(feature_id))
    if shape.geom_type not in _POINT_TYPES:
        raise AnalysisError("not_a_point", feature_id=_show(feature_id), geom_type=shape.geom_type)
    if shape.geom_type == "Point":
        if geom.crs is not None and not geom.crs.equals(pyproj.CRS.from_epsg(4326)):
            shape = project(geom, 4326).iloc[0]
        return float(shape.x), float(shape.y)
    centroid = project(to_metric(geom).centroid, 4326).iloc[0]
    return float(centroid.x), float(centroid.y)


def _ring_table(centre: tuple[float, float], radii: tuple[float, ...]) -> gpd.GeoDataFrame:
    metric_centre = project(gpd.GeoSeries([Point(centre)], crs=4326), METRIC_CRS).iloc[0]
    discs = [metric_centre.buffer(r * 1000.0, quad_segs=_QUAD_SEGS) for r in radii]
    # RFC 7946 winding (exterior counter-clockwise, hole clockwise): geodesic area tools and
    # some renderers add a hole wound like its exterior instead of subtracting it
    shapes = [orient(discs[0], sign=1.0)] + [
        orient(Polygon(outer.exterior.coords, [inner.exterior.coords]), sign=1.0)
        for inner, outer in itertools.pairwise(discs)
    ]
    metric = gpd.GeoSeries(shapes, crs=METRIC_CRS)
    return gpd.GeoDataFrame(
        {
            "ring": np.arange(len(radii)),
            "inner_km": [0.0, *radii[:-1]],
            "outer_km": list(radii),
            "area_km2": metric.area.to_numpy() / 1e6,
        },
        geometry=project(metric, 4326).values,
        crs=4326,
    )


def catchment(
    features: gpd.GeoDataFrame,
    centre_id: str | None = None,
    *,
    centre: tuple[float, float] | None = None,
    radii_km: Iterable[float] = RING_KM,
    exclude: Iterable[str] = (),
) -> Catchment:
    """Rings of ``radii_km`` around a point feature (``centre_id``) or a free (lon, lat) point
    (``centre``; exactly one of the two), and the features within the largest radius.

    Rings are true circles buffered in METRIC_CRS (128-gons), converted to WGS84.  Members
    leave out the centre feature and the ``exclude`` ids (e.g. base polygons such as districts
    and the zone, which hold every centre); features with no geometry are left out too.
    Radii are sorted; each must be a number above 0 and at most 50 km, all distinct.  Raises
    :class:`AnalysisError` otherwise, and for an unknown or non-point ``centre_id``.
    """
    if centre_id is not None and centre is not None:
        raise AnalysisError("centre_both", feature_id=_show(centre_id), centre=_show(centre))
    if centre_id is None and centre is None:
        raise AnalysisError("centre_missing")
    radii = _check_radii(radii_km)
    lonlat = _check_centre(
        catchment_centre(features, centre_id) if centre_id is not None else centre
    )
    rings = _ring_table(lonlat, radii)

    skip = {exclude} if isinstance(exclude, str) else set(exclude)
    if centre_id is not None:
        skip.add(centre_id)
    candidates = features.geometry[~features.index.isin(list(skip))]
    metric = to_metric(candidates)
    origin = project(gpd.GeoSeries([Point(lonlat)], crs=4326), METRIC_CRS).iloc[0]
    distance_km = pd.Series(metric.distance(origin).to_numpy() / 1000.0, index=candidates.index)
    distance_km = distance_km[distance_km.notna() & (distance_km <= radii[-1])]
    radii_arr = np.asarray(radii)
    ring_idx = np.searchsorted(radii_arr, distance_km.to_numpy(), side="left")
    members = pd.DataFrame(
        {
            "feature_id": distance_km.index.astype(str),
            "distance_km": distance_km.to_numpy(dtype=float),
            "ring_km": radii_arr[ring_idx],
        }
    )
    members = members.sort_values(["distance_km", "feature_id"], kind="stable")
    return Catchment(centre_id, lonlat, radii, rings, members.reset_index(drop=True))


# --------------------------------------------------------------------------------------
# statistics by directive and by theme
# --------------------------------------------------------------------------------------

_STAT_COLUMNS = ("features", "points", "boundaries", "area_km2", "length_km")


def _feature_table(features: gpd.GeoDataFrame, only: Iterable[str] | None = None
                   ) -> pd.DataFrame:
    """Per feature (of ``only`` if given): is_point, is_boundary, area_km2 (0 for
    AREA_EXCLUDED_LAYERS), length_km."""
    table = per_frame(features, ("stat_table",), lambda: _stat_table(features))
    return table if only is None else table[table.index.isin(list(only))]


def schematic_area(features: gpd.GeoDataFrame) -> pd.Series:
    """Per feature: whether its drawn area is schematic -- an estimated polygon (``basis``
    ``estimate``) whose ``accuracy_m`` is at least its equivalent radius sqrt(area / pi), so
    that the shape marks where the place may be rather than how big it is (常州科教城's circle
    is its positional uncertainty).  Such areas are left out of the statistics' ``area_km2``.
    A frame without ``basis`` or ``accuracy_m`` has no schematic area."""
    if "basis" not in features or "accuracy_m" not in features:
        return pd.Series(False, index=features.index)
    area_m2 = feature_measures(features)["area_km2"].to_numpy() * 1e6
    accuracy = pd.to_numeric(features["accuracy_m"], errors="coerce").fillna(0.0).to_numpy()
    schematic = ((features["basis"] == "estimate").to_numpy() & (area_m2 > 0)
                 & (accuracy >= np.sqrt(area_m2 / math.pi)))
    return pd.Series(schematic, index=features.index)


def _stat_table(features: gpd.GeoDataFrame) -> pd.DataFrame:
    table = feature_measures(features)
    boundary = features["layer_id"].isin(AREA_EXCLUDED_LAYERS).to_numpy()
    no_area = boundary | schematic_area(features).to_numpy()
    return pd.DataFrame(
        {
            "is_point": features.geom_type.isin(_POINT_TYPES).to_numpy(),
            "is_boundary": boundary,
            "area_km2": np.where(no_area, 0.0, table["area_km2"].to_numpy()),
            "length_km": table["length_km"].to_numpy(),
        },
        index=features.index,
    )


def _aggregate(table: pd.DataFrame, feature_ids: Iterable[str]) -> Mapping[str, float | int]:
    present = [f for f in dict.fromkeys(feature_ids) if f in table.index]
    rows = table.loc[present]
    return {
        "features": len(present),
        "points": int(rows["is_point"].sum()),
        "boundaries": int(rows["is_boundary"].sum()),
        "area_km2": float(rows["area_km2"].sum()),
        "length_km": float(rows["length_km"].sum()),
    }


def _frame(rows: list[dict], key_columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=[*key_columns, *_STAT_COLUMNS])
    return frame.astype(
        {"features": int, "points": int, "boundaries": int, "area_km2": float, "length_km": float}
    )


def directive_statistics(
    features: gpd.GeoDataFrame, links: LinkTable, meeting: Meeting, lang: str = "zh-Hans",
    only: Iterable[str] | None = None,
) -> pd.DataFrame:
    """One row per directive, in meeting order: ``directive_id``, ``theme``, ``label``
    (``d.label(lang)``), then

    * ``features``: linked features present in ``features`` (each once);
    * ``points``: how many of them are points or multipoints;
    * ``boundaries``: how many of them belong to :data:`AREA_EXCLUDED_LAYERS` (the districts
      and zone outlines that frame the whole area);
    * ``area_km2``: total area of the linked polygons, **leaving out** the boundaries layer
      (a clause naming 武進 or 兩湖 would otherwise report a thousand km²) and polygons whose
      area is schematic (:func:`schematic_area`: an uncertainty circle is not a size); lakes,
      parks and other polygons are kept.  Areas are summed feature by feature: where two
      linked polygons overlap (a park inside a high-tech zone), the overlap counts twice;
    * ``length_km``: total length of the linked lines.

    ``links`` needs ``features_of(directive_id)``; ``meeting`` needs ``directives`` whose items
    have ``id``, ``theme`` and ``label(lang)``.  ``only``: count only these features (the
    visible ones); measures are kept per frame, so pass the whole catalogue frame.
    """
    table = _feature_table(features, only)
    rows = [
        {
            "directive_id": d.id,
            "theme": d.theme,
            "label": d.label(lang),
            **_aggregate(table, links.features_of(d.id)),
        }
        for d in meeting.directives
    ]
    return _frame(rows, ["directive_id", "theme", "label"])


def theme_statistics(
    features: gpd.GeoDataFrame, links: LinkTable, meeting: Meeting, lang: str = "zh-Hans",
    only: Iterable[str] | None = None,
) -> pd.DataFrame:
    """One row per theme, in the meeting's order (:meth:`Meeting.theme_order`: the 2023 six or
    a report's own themes, then "context"; themes with no directive included): ``theme`` (the
    theme key), ``directives`` (count), and the columns of :func:`directive_statistics` over
    the **distinct** features linked from the theme's directives: a feature linked by two
    clauses is counted, and its area or length summed, once.  ``lang`` is accepted for
    symmetry (the theme key is language-neutral)."""
    del lang  # the theme label is the page's business (panels.theme_label)
    table = _feature_table(features, only)
    rows = []
    for theme in meeting.theme_order(context=True):
        clauses = [d for d in meeting.directives if d.theme == theme.key]
        fids = [f for d in clauses for f in links.features_of(d.id)]
        rows.append({"theme": theme.key, "directives": len(clauses), **_aggregate(table, fids)})
    frame = _frame(rows, ["theme", "directives"])
    return frame.astype({"directives": int})
