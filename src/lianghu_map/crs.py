"""Chinese map datums (WGS84, GCJ-02, BD-09) and projected-CRS helpers, vectorised in numpy.

Conventions -- read before calling anything here:

* **Argument order is (lon, lat) everywhere**: every coordinate array is shaped (N, 2) with
  column 0 = longitude (x) and column 1 = latitude (y), in degrees. That is the order of
  GeoJSON, shapely and pyproj with ``always_xy=True``. Many Chinese code snippets and the
  ``prcoords`` package use (lat, lon) instead; mixing the two is the classic bug (it moves
  Changzhou into the Indian Ocean, or silently returns it unchanged as "outside China").
* "WGS84" also stands for CGCS2000 (GPS, Tianditu, OSM): the two differ by centimetres.
* GCJ-02 ("Mars coordinates", Amap/Gaode, Tencent) is WGS84 plus an obfuscating offset of
  a few hundred metres (about 0.5 km east-south-east around Changzhou). Points outside the
  usual ``out_of_china`` rectangle (lon < 72.004 or > 137.8347, lat < 0.8293 or > 55.8271)
  are returned **unchanged** by the GCJ-02 functions, as in every reference implementation;
  the test is made on the input point (WGS84 forwards, GCJ-02 backwards), like ``prcoords``.
* BD-09 (Baidu) is GCJ-02 plus Baidu's rotation/shift (``x_pi = pi * 3000 / 180``), about
  1 km further. The BD-09 step has no China test: like ``prcoords``, a point outside China
  still gets the Baidu shift (only its GCJ-02 step is the identity).
* Every conversion takes and returns a new float64 (N, 2) array; empty arrays are fine and
  non-finite coordinates pass through unchanged. The functions fit ``shapely.transform``
  directly (which, by default, hands them an (N, 2) array of x, y and drops any z);
  :func:`to_wgs84` / :func:`from_wgs84` keep z.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import Any, TypeVar

import numpy as np
import pyproj
import shapely

__all__ = [
    "DATUMS",
    "DATUM_LABELS",
    "METRIC_CRS",
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "crs_label",
    "from_wgs84",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "guess_projected_crs",
    "project",
    "shift_m",
    "to_metric",
    "to_wgs84",
    "transform_xy",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
]

DATUMS: tuple[str, ...] = ("wgs84", "gcj02", "bd09")
DATUM_LABELS: dict[str, tuple[str, str]] = {  # datum -> (简体 label, English label)
    "wgs84": ("WGS84 / CGCS2000（GPS、天地图、OSM）", "WGS84 / CGCS2000 (GPS, Tianditu, OSM)"),
    "gcj02": ("GCJ-02（高德、腾讯）", "GCJ-02 (Amap/Gaode, Tencent)"),
    "bd09": ("BD-09（百度）", "BD-09 (Baidu)"),
}

# CGCS2000 / 3-degree Gauss-Kruger CM 120E: the local metric CRS for Changzhou.
METRIC_CRS = "EPSG:4549"

# GCJ-02 constants (Krasovsky 1940 ellipsoid) and Baidu's.
GCJ_A = 6378245.0
GCJ_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0
_BD_DLON = 0.0065
_BD_DLAT = 0.006

Geoms = TypeVar("Geoms")
LonLatFn = Callable[[np.ndarray], np.ndarray]


def _as_lonlat(lonlat: Any) -> np.ndarray:
    arr = np.asarray(lonlat, dtype=np.float64)
    if arr.size == 0:
        return arr.reshape(0, 2)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"expected an (N, 2) array of (lon, lat), got shape {arr.shape}")
    return arr


def _in_china(lonlat: np.ndarray) -> np.ndarray:
    """Mask of points inside the GCJ-02 rectangle (False for NaN)."""
    lon, lat = lonlat[:, 0], lonlat[:, 1]
    return (lon >= 72.004) & (lon <= 137.8347) & (lat >= 0.8293) & (lat <= 55.8271)


def _sin3(s: np.ndarray) -> np.ndarray:
    """sin 3b from s = sin b (the triple-angle identity: one multiply instead of a sine)."""
    return s * (3.0 - 4.0 * s * s)


def _gcj_offsets(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The GCJ-02 latitude and longitude series (before scaling to degrees) at x = lon - 105,
    y = lat - 35: the public formulas, whose twelve sines are seven here (sines take most of
    the time): the sin 6πx + sin 2πx term is common to both series, and sin 6πx, sin πx and
    sin πy come from sin 2πx, sin πx/3 and sin πy/3 by the triple-angle identity (the same
    values to ~1e-15, far below the 1e-9° that matters)."""
    s2x = np.sin(2.0 * np.pi * x)
    sx3 = np.sin(x / 3.0 * np.pi)
    sy3 = np.sin(y / 3.0 * np.pi)
    both = (20.0 * _sin3(s2x) + 20.0 * s2x) * 2.0 / 3.0
    rx = 0.1 * x * y
    root = np.sqrt(np.abs(x))
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + rx + 0.2 * root + both
    dlat += (20.0 * _sin3(sy3) + 40.0 * sy3) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + rx + 0.1 * root + both
    dlon += (20.0 * _sin3(sx3) + 40.0 * sx3) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return dlat, dlon


def _wgs_to_gcj_anywhere(wgs: np.ndarray) -> np.ndarray:
    """The GCJ-02 formulas with no China test."""
    lon = wgs[:, 0]
    lat = wgs[:, 1]
    dlat, dlon = _gcj_offsets(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * np.pi
    sinlat = np.sin(radlat)
    magic = 1.0 - GCJ_EE * sinlat * sinlat
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((GCJ_A * (1.0 - GCJ_EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (GCJ_A / sqrtmagic * np.cos(radlat) * np.pi)
    return np.column_stack([lon + dlon, lat + dlat])


def _gcj_to_wgs_anywhere(gcj: np.ndarray, tol_deg: float, max_iter: int) -> np.ndarray:
    """Fixed-point iteration ``w <- w - (f(w) - g)`` until the largest step is < tol_deg."""
    wgs = gcj.copy()
    if wgs.size == 0:
        return wgs
    for _ in range(max_iter):
        err = _wgs_to_gcj_anywhere(wgs) - gcj
        wgs = wgs - err
        if np.max(np.abs(err)) < tol_deg:
            return wgs
    raise RuntimeError(f"gcj02_to_wgs84 did not converge to {tol_deg} deg in {max_iter} steps")


def _inside_only(arr: np.ndarray, fn: LonLatFn) -> np.ndarray:
    """Apply ``fn`` to the rows inside China; the others are copied unchanged."""
    inside = _in_china(arr)
    if inside.all():  # the usual case: whole array at once (also the empty array)
        return fn(arr)
    out = arr.copy()
    if inside.any():
        out[inside] = fn(arr[inside])
    return out


def wgs84_to_gcj02(lonlat: np.ndarray) -> np.ndarray:
    """WGS84 -> GCJ-02 for an (N, 2) array of (lon, lat); outside China: unchanged."""
    return _inside_only(_as_lonlat(lonlat), _wgs_to_gcj_anywhere)


def gcj02_to_wgs84(lonlat: np.ndarray, tol_deg: float = 1e-9, max_iter: int = 30) -> np.ndarray:
    """GCJ-02 -> WGS84, the exact inverse of :func:`wgs84_to_gcj02` (lon, lat order).

    Iterates until the last correction is below ``tol_deg`` (1e-9 deg ~ 0.1 mm; it takes
    about four steps) and raises ``RuntimeError`` if that is not reached in ``max_iter``.
    Points outside China are returned unchanged.
    """
    return _inside_only(
        _as_lonlat(lonlat), lambda gcj: _gcj_to_wgs_anywhere(gcj, tol_deg, max_iter)
    )


def gcj02_to_bd09(lonlat: np.ndarray) -> np.ndarray:
    """GCJ-02 -> BD-09 (Baidu), (lon, lat) order; applied everywhere, no China test."""
    gcj = _as_lonlat(lonlat)
    x, y = gcj[:, 0], gcj[:, 1]
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return np.column_stack([z * np.cos(theta) + _BD_DLON, z * np.sin(theta) + _BD_DLAT])


def bd09_to_gcj02(lonlat: np.ndarray) -> np.ndarray:
    """BD-09 -> GCJ-02 by the standard closed-form inverse, (lon, lat) order.

    Like every reference implementation it is approximate: ``bd09_to_gcj02(gcj02_to_bd09(p))``
    is within 0.25 m of ``p`` (0.13 m around Changzhou), far below BD-09 data accuracy.
    """
    bd = _as_lonlat(lonlat)
    x, y = bd[:, 0] - _BD_DLON, bd[:, 1] - _BD_DLAT
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return np.column_stack([z * np.cos(theta), z * np.sin(theta)])


def wgs84_to_bd09(lonlat: np.ndarray) -> np.ndarray:
    """WGS84 -> BD-09 via GCJ-02, (lon, lat) order."""
    return gcj02_to_bd09(wgs84_to_gcj02(lonlat))


def bd09_to_wgs84(lonlat: np.ndarray) -> np.ndarray:
    """BD-09 -> WGS84 via GCJ-02 (exact GCJ-02 inverse), (lon, lat) order."""
    return gcj02_to_wgs84(bd09_to_gcj02(lonlat))


# datum -> (to WGS84, from WGS84); None = identity
_CONVERTERS: dict[str, tuple[LonLatFn, LonLatFn] | None] = {
    "wgs84": None,
    "gcj02": (gcj02_to_wgs84, wgs84_to_gcj02),
    "bd09": (bd09_to_wgs84, wgs84_to_bd09),
}


def _transform(geoms: Geoms, fn: LonLatFn | None) -> Geoms:
    """``shapely.transform`` over a GeoSeries/GeoDataFrame/array/geometry, keeping metadata."""
    gpd = sys.modules.get("geopandas")  # no hard dependency: tools/ runs without geopandas
    if gpd is not None and isinstance(geoms, gpd.GeoDataFrame):
        out = geoms.copy()
        out[geoms.geometry.name] = _transform(geoms.geometry, fn)
        return out
    if gpd is not None and isinstance(geoms, gpd.GeoSeries):
        crs = geoms.crs
        if fn is not None and crs is not None and not crs.is_geographic:
            raise ValueError(f"datum conversion needs lon/lat degrees, not CRS {crs.to_string()}")
        values = np.asarray(geoms.values, dtype=object)
        if fn is not None:
            values = shapely.transform(values, fn)
        return gpd.GeoSeries(values, index=geoms.index, crs=crs, name=geoms.name)
    if fn is None:
        return np.array(geoms, dtype=object) if isinstance(geoms, np.ndarray) else geoms
    return shapely.transform(geoms, _keep_z(fn), include_z=None)  # per geometry: 2D or 3D


def _keep_z(fn: LonLatFn) -> LonLatFn:
    """Wrap a (lon, lat) converter for (N, 2) or (N, 3) arrays; z passes through."""

    def convert(coords: np.ndarray) -> np.ndarray:
        out = np.array(coords, dtype=np.float64)
        out[:, :2] = fn(coords[:, :2])
        return out

    return convert


def _converters(datum: str) -> tuple[LonLatFn, LonLatFn] | None:
    if datum not in _CONVERTERS:
        raise ValueError(f"unknown datum {datum!r}; expected one of {DATUMS}")
    return _CONVERTERS[datum]


def to_wgs84(geoms: Geoms, datum: str) -> Geoms:
    """Convert geometries given in ``datum`` to WGS84 (identity for "wgs84").

    ``geoms`` is a GeoSeries (index, name and CRS kept), a GeoDataFrame (its active geometry
    column), a numpy array of shapely geometries (None and empties allowed) or one geometry;
    the same type comes back. Raises ``ValueError`` for an unknown datum, or for a GeoSeries
    whose CRS is projected (datums apply to lon/lat degrees).
    """
    conv = _converters(datum)
    return _transform(geoms, None if conv is None else conv[0])


def from_wgs84(geoms: Geoms, datum: str) -> Geoms:
    """Inverse of :func:`to_wgs84`: WGS84 geometries expressed in ``datum``."""
    conv = _converters(datum)
    return _transform(geoms, None if conv is None else conv[1])


_GEOD = pyproj.Geod(ellps="WGS84")


def shift_m(a_lonlat: np.ndarray, b_lonlat: np.ndarray) -> np.ndarray:
    """Geodesic distance in metres (WGS84 ellipsoid) between paired (lon, lat) rows."""
    a, b = _as_lonlat(a_lonlat), _as_lonlat(b_lonlat)
    if a.shape != b.shape:
        raise ValueError(f"shape mismatch: {a.shape} vs {b.shape}")
    if a.size == 0:
        return np.zeros(0)
    _, _, dist = _GEOD.inv(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
    return np.asarray(dist, dtype=np.float64)


# --------------------------------------------------------------------------------------
# guessing the CRS of projected coordinates that came without one
# --------------------------------------------------------------------------------------
# In order of preference for ties: CGCS2000 3-degree GK without / with zone prefix,
# CGCS2000 6-degree GK zones 20/21 (prefixed), WGS84 UTM 50N/51N, Xian 1980 and
# Beijing 1954 3-degree GK CM 120E, Web Mercator.
_GUESS_CANDIDATES = (
    "EPSG:4549", "EPSG:4548", "EPSG:4550",  # CGCS2000 3° GK CM 120E / 117E / 123E
    "EPSG:4528", "EPSG:4527", "EPSG:4529",  # CGCS2000 3° GK zone 40 / 39 / 41
    "EPSG:4498", "EPSG:4499",  # CGCS2000 6° GK zone 20 / 21
    "EPSG:32650", "EPSG:32651",  # WGS 84 / UTM zone 50N / 51N
    "EPSG:2385", "EPSG:2437",  # Xian 1980 / Beijing 1954 3° GK CM 120E
    "EPSG:3857",  # WGS 84 / Pseudo-Mercator
)  # fmt: skip
_CHINA_BOX = (73.0, 18.0, 135.1, 53.6)  # lon_min, lat_min, lon_max, lat_max
_AREA_MARGIN_DEG = 1.0  # tolerance on each CRS's declared area of use
_LIANGHU_CENTRE = (119.75, 31.6)  # lon, lat
_SAME_PLACE_M = 5_000.0  # candidates landing this close together are ranked by preference


@cache
def _to_lonlat(code: str) -> tuple[pyproj.Transformer, tuple[float, float, float, float]] | None:
    try:
        crs = pyproj.CRS.from_user_input(code)
    except pyproj.exceptions.CRSError:  # pragma: no cover - depends on the PROJ database
        return None
    area = crs.area_of_use
    bounds = area.bounds if area is not None else (-180.0, -90.0, 180.0, 90.0)
    return pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True), bounds


def guess_projected_crs(x: float, y: float) -> list[str]:
    """Likely CRSs ("EPSG:nnnn") for a projected (x = easting, y = northing) pair.

    A candidate is kept if (x, y) converted to lon/lat lands inside China (lon 73..135.1,
    lat 18..53.6) and within 1 degree of the CRS's declared area of use. The result is
    ordered by distance from the Lianghu zone centre (119.75 E, 31.6 N); candidates landing
    within 5 km of each other (same projection on different datums) keep the preference
    order of the candidate list (CGCS2000 first). Returns [] when nothing fits.
    """
    hits: list[tuple[float, int, str]] = []
    for rank, code in enumerate(_GUESS_CANDIDATES):
        found = _to_lonlat(code)
        if found is None:  # pragma: no cover - depends on the PROJ database
            continue
        transformer, (west, south, east, north) = found
        lon, lat = transformer.transform(float(x), float(y))
        if not (math.isfinite(lon) and math.isfinite(lat)):
            continue
        m = _AREA_MARGIN_DEG
        if not (_CHINA_BOX[0] <= lon <= _CHINA_BOX[2] and _CHINA_BOX[1] <= lat <= _CHINA_BOX[3]):
            continue
        if not (west - m <= lon <= east + m and south - m <= lat <= north + m):
            continue
        dist = float(shift_m(np.array([[lon, lat]]), np.array([_LIANGHU_CENTRE]))[0])
        hits.append((dist, rank, code))
    hits.sort()
    ordered: list[str] = []
    group: list[tuple[float, int, str]] = []
    for hit in [*hits, (math.inf, 0, "")]:  # sentinel flushes the last group
        if group and hit[0] - group[0][0] > _SAME_PLACE_M:
            ordered.extend(code for _, _, code in sorted(group, key=lambda h: h[1]))
            group = []
        group.append(hit)
    return ordered


def crs_label(code: str) -> str:
    """``"EPSG:4549 CGCS2000 / 3-degree Gauss-Kruger CM 120E"``: the code plus PROJ's name."""
    return f"{code} {pyproj.CRS.from_user_input(code).name}"


# ------------------------------------------------------------------ projections between CRSs
# pyproj keeps a Transformer's PROJ objects per thread, and making them costs 80–150 ms here
# (EPSG:4326 → EPSG:4549: PROJ searches its database for the operation).  Streamlit runs every
# rerun of a page on a new thread, so each rerun that measured or ranked anything in metres
# paid that again.  Projections run instead on one long-lived thread that keeps them.
_PROJ_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lianghu-proj")


@cache
def _proj_transformer(src: str, dst: str) -> pyproj.Transformer:  # (used on _PROJ_THREAD only)
    return pyproj.Transformer.from_crs(src, dst, always_xy=True)


def transform_xy(src: Any, dst: Any, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """``pyproj.Transformer.from_crs(src, dst, always_xy=True).transform(x, y)``, the
    transformer made once per process (see above)."""
    key = (pyproj.CRS.from_user_input(src).to_wkt(), pyproj.CRS.from_user_input(dst).to_wkt())
    return _PROJ_THREAD.submit(lambda: _proj_transformer(*key).transform(x, y)).result()


def project(geoms: Any, crs: Any) -> Any:
    """``geoms.to_crs(crs)`` for a GeoSeries with a CRS — the same coordinates (the same
    transformation, lon/lat order), the index, name and Z kept — with PROJ's transformer made
    once per process, not once per thread (see above)."""
    import geopandas as gpd

    if geoms.crs is None:
        raise ValueError("Cannot transform naive geometries. Please set a crs first.")
    src, dst = geoms.crs, pyproj.CRS.from_user_input(crs)
    if src.equals(dst):
        return geoms.copy()
    key = (src.to_wkt(), dst.to_wkt())

    def work() -> np.ndarray:
        fwd = _proj_transformer(*key)

        def convert(xy: np.ndarray) -> np.ndarray:
            x, y = fwd.transform(xy[:, 0], xy[:, 1])
            return np.column_stack([x, y])

        return _transform(np.asarray(geoms.values, dtype=object), convert)

    return gpd.GeoSeries(_PROJ_THREAD.submit(work).result(), index=geoms.index, crs=dst,
                         name=geoms.name)


def to_metric(geoms: Any) -> Any:
    """A GeoSeries in :data:`METRIC_CRS` (one without a CRS is taken as WGS84 lon/lat)."""
    return project(geoms if geoms.crs is not None else geoms.set_crs(4326), METRIC_CRS)
