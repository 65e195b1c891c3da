"""Checks common to every format, after a reader: null geometries, CRS, ranges, datum,
validity, types, ids, style."""

from __future__ import annotations

import json
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from ..crs import DATUM_LABELS, crs_label, guess_projected_crs, shift_m, to_wgs84
from ..errors import GEOMETRY_NAMES, Localised, Severity
from ..layers import STYLE_WHITELIST, sanitise_style
from .base import (
    CHINA,
    FAMILY,
    ID_COLUMNS,
    IngestOptions,
    IngestResult,
    Progress,
    Refused,
    Report,
    short,
)
from .datum_hint import doubt, hint


def check(gdf: gpd.GeoDataFrame, declared: bool, fmt: str, options: IngestOptions,
           rep: Report, res: IngestResult, tell: Progress) -> gpd.GeoDataFrame:
    if res.total is None:  # (readers that leave rows out before this set it themselves)
        res.total = len(gdf)
    if len(gdf) == 0:  # (every feature left out by the reader, each named: say so)
        raise rep.refuse("none_kept", total=res.total) if rep.dropped else rep.refuse(
            "no_features")
    if gdf.columns.duplicated().any():
        gdf = _dedupe_columns(gdf, rep)
    if len(gdf) > options.max_features:
        raise rep.refuse("too_many_features", count=len(gdf), limit=options.max_features)
    _check_sizes(gdf, options, rep)
    gdf = gdf.copy() if fmt == "csv" else gdf
    gdf["source_index"] = gdf.index.to_numpy(dtype="int64")
    gdf = gdf.reset_index(drop=True)
    ids = _id_series(gdf)

    geoms = gdf.geometry.to_numpy()
    missing = pd.isna(geoms) | shapely.is_empty(geoms)
    coords, which = shapely.get_coordinates(geoms, return_index=True)
    missing[np.unique(which[~np.isfinite(coords).all(axis=1)])] = True  # NaN / inf vertices
    for i in np.flatnonzero(missing):
        rep.drop("null_geometry", index=int(gdf["source_index"].iat[i]),
                 feature_id=ids.iat[i] if ids is not None else None)
    if missing.all():
        raise rep.refuse("no_geometry")
    if missing.any():
        gdf = gdf.loc[~missing].reset_index(drop=True)
        ids = ids.loc[~missing].reset_index(drop=True) if ids is not None else None
    if shapely.has_z(gdf.geometry.to_numpy()).any():
        gdf = gdf.set_geometry(shapely.force_2d(gdf.geometry.to_numpy()), crs=gdf.crs)
        rep.conversions.append("Z coordinates dropped (2-D map)")

    gdf = _to_lonlat(gdf, declared, fmt, options, rep, res)
    tell(0.75, "convert")
    gdf = _check_ranges(gdf, ids, options, rep)
    if options.datum == "wgs84":
        _hint_datum(gdf, rep)
    else:
        other = doubt(gdf.geometry.to_numpy(), options.datum)
        if other is not None:
            rep.add("datum_doubtful", Severity.WARNING,
                    datum=Localised(*DATUM_LABELS[options.datum]),
                    fits=Localised(*DATUM_LABELS[other[0]]), datum_code=other[0],
                    reason=other[1])
        gdf = gdf.set_geometry(to_wgs84(gdf.geometry, options.datum))
        label = DATUM_LABELS[options.datum][1]
        rep.add("datum_converted", Severity.INFO, datum=Localised(*DATUM_LABELS[options.datum]),
                count=len(gdf))
        rep.conversions.append(f"{label} → WGS84 (vectorised; iterative inverse)")
    tell(0.85, "repair")
    gdf = _repair(gdf, ids, rep)
    if len(gdf) == 0:  # every geometry collapsed (a zero-length line …)
        raise rep.refuse("no_geometry")
    _check_types(gdf, rep)
    gdf["source_id"] = _unique_ids(gdf, ids, rep)
    if "style" in gdf.columns:
        gdf = _whitelist_style(gdf, rep)
    if rep.dropped:
        rep.add("features_kept", Severity.INFO, kept=len(gdf), total=res.total)
    return _plain_columns(gdf)


def _hint_datum(gdf: gpd.GeoDataFrame, rep: Report) -> None:
    """Likely GCJ-02 / BD-09 (attribute names, or a better fit to the district boundaries after
    a shift): a warning with the evidence; the analyst chooses the datum."""
    found = hint(list(gdf.columns), gdf.geometry.to_numpy())
    if found is not None:
        rep.add("datum_likely", Severity.WARNING, datum=Localised(*DATUM_LABELS[found[0]]),
                datum_code=found[0], reason=found[1])


def _dedupe_columns(gdf: gpd.GeoDataFrame, rep: Report) -> gpd.GeoDataFrame:
    """Attribute names that repeat (a damaged DBF, a hand-made CSV) get ``~2``, ``~3`` …"""
    seen: dict[str, int] = {}
    names = []
    for col in gdf.columns:
        n = seen[col] = seen.get(col, 0) + 1
        names.append(col if n == 1 or col == gdf.geometry.name else f"{col}~{n}")
        if n == 2:
            rep.add("duplicate_column", Severity.WARNING, name=str(col)[:80])
    out = gdf.copy()
    out.columns = names
    return gpd.GeoDataFrame(out, geometry=gdf.geometry.name, crs=gdf.crs)


def _check_sizes(gdf: gpd.GeoDataFrame, options: IngestOptions, rep: Report) -> None:
    """Vertex count, attribute names and values: refused when over the limits."""
    vertices = int(shapely.get_num_coordinates(gdf.geometry.to_numpy()).sum())
    if vertices > options.max_vertices:
        raise rep.refuse("too_many_vertices", count=vertices, limit=options.max_vertices)
    name_limit = max(options.max_property_chars // 50, 64)
    for col in gdf.columns:
        if len(str(col)) > name_limit:
            raise rep.refuse("property_name_too_long", name=str(col)[:80] + "…",
                             length=len(str(col)), limit=name_limit)
        if col == gdf.geometry.name or not (gdf[col].dtype == object
                                            or pd.api.types.is_string_dtype(gdf[col])):
            continue
        try:  # vectorised (Arrow strings: native); non-strings count 0
            lengths = gdf[col].str.len().fillna(0)
        except AttributeError:  # an object column with no strings at all
            continue
        if len(lengths) and lengths.max() > options.max_property_chars:
            i = int(np.argmax(lengths.to_numpy()))
            raise rep.refuse("property_too_long", index=i, name=str(col)[:80],
                             length=int(lengths.iat[i]), limit=options.max_property_chars)


def _whitelist_style(gdf: gpd.GeoDataFrame, rep: Report) -> gpd.GeoDataFrame:
    """Keep only the whitelisted part of ``style`` properties (colours, widths, opacities,
    dashes), as JSON text; report what was dropped."""
    kept_any, dropped_keys = False, set()
    values = []
    for v in gdf["style"]:
        kept, dropped = sanitise_style(v)
        dropped_keys.update(dropped)
        kept_any = kept_any or bool(kept)
        values.append(json.dumps(kept) if kept else None)
    if kept_any:
        gdf["style"] = values
    else:
        gdf = gdf.drop(columns=["style"])
    if dropped_keys:
        rep.add("style_stripped", Severity.INFO, dropped=tuple(sorted(dropped_keys)[:12]),
                allowed=tuple(STYLE_WHITELIST))
    return gdf


def _id_series(gdf: gpd.GeoDataFrame) -> pd.Series | None:
    """Each feature's own id: per row, the first present of the id columns (a GeoJSON ``id``
    member, an ``id`` or ``feature_id`` property …)."""
    cols = [c for c in ID_COLUMNS if c in gdf.columns]
    if not cols:
        return None
    ids = pd.Series([None] * len(gdf), index=gdf.index, dtype=object)
    for col in cols:  # vectorised: null and blank ids are absent
        raw = gdf[col]
        text = raw.astype(str).astype(object)
        present = raw.notna().to_numpy() & (text.str.strip() != "").to_numpy()
        ids = ids.where(ids.notna(), text.where(present, None))
    return ids


def _to_lonlat(gdf: gpd.GeoDataFrame, declared: bool, fmt: str, options: IngestOptions,
               rep: Report, res: IngestResult) -> gpd.GeoDataFrame:
    """Bring the layer to EPSG:4326 — from a declared CRS, the analyst's choice, or (only when
    the coordinates are plainly longitude/latitude) by assuming WGS84.  A declared CRS the
    numbers contradict is refused unless the analyst overrides it; wherever a CRS put the
    layer, it must land somewhere plausible."""
    crs = gdf.crs if declared else None
    coords = shapely.get_coordinates(gdf.geometry.to_numpy())
    degrees = _degree_like(coords)
    if crs is not None and options.ignore_declared_crs:
        rep.add("declared_crs_ignored", Severity.INFO, crs=_label(crs))
        crs = None
    elif crs is not None and ((crs.is_projected and degrees.all())
                              or (crs.is_geographic and degrees.mean() < 0.5)):
        k = int(np.argmin(degrees)) if crs.is_geographic else 0  # a sample that shows it
        codes = [] if crs.is_projected else guess_projected_crs(*coords[k])
        raise rep.refuse("crs_contradicted", crs=_label(crs),
                         x=_num(coords[k, 0]), y=_num(coords[k, 1]),
                         looks=Localised("经纬度（度）", "degrees of longitude/latitude")
                         if crs.is_projected else Localised("投影坐标（米）", "projected metres"),
                         codes=codes)
    if crs is None and options.assume_crs:
        try:
            crs = CRS.from_user_input(options.assume_crs)
        except Exception as exc:  # pyproj raises CRSError; keep the message
            raise rep.refuse("unreadable", detail=f"{options.assume_crs}: {short(exc)}") from None
        rep.add("crs_assumed", Severity.INFO, crs=crs_label(options.assume_crs))
    if crs is None:
        if degrees.mean() < 0.5:  # mostly beyond any longitude/latitude: projected
            cx, cy = float(np.median(gdf.geometry.bounds["minx"])), float(
                np.median(gdf.geometry.bounds["miny"]))
            suggestions = guess_projected_crs(cx, cy)
            raise rep.refuse("projected_no_crs", x=round(cx, 1), y=round(cy, 1),
                             suggestions=tuple(crs_label(c) for c in suggestions[:5])
                             or "EPSG:4549", codes=suggestions)
        # (a few positions out of range among degrees: named by the range check)
        if fmt not in ("geojson", "kml", "kmz"):  # formats that define lon/lat need no word
            rep.add("crs_assumed_wgs84", Severity.INFO)
        crs = CRS.from_epsg(4326)
    epsg = crs.to_epsg()
    res.source_crs = f"EPSG:{epsg}" if epsg else crs.to_string()
    gdf = gdf.set_crs(crs, allow_override=True)
    if epsg != 4326:
        gdf = gdf.to_crs(4326)
        if declared and not options.ignore_declared_crs:
            code = {"crs": "legacy_crs", "coordRefSys": "jsonfg_crs"}.get(
                res.crs_member or "", "crs_converted")
            rep.add(code, Severity.INFO, crs=crs_label(res.source_crs))
        rep.conversions.append(f"{res.source_crs} → EPSG:4326")
        _check_landing(gdf, res.source_crs, rep)
    return gdf


def _label(crs: CRS) -> str:
    epsg = crs.to_epsg()
    return crs_label(f"EPSG:{epsg}") if epsg else crs.name


def _num(v: float) -> float:
    return round(float(v), 6 if abs(v) <= 360 else 1)


def _degree_like(coords: np.ndarray) -> np.ndarray:
    """Per position: could it be longitude/latitude in degrees (perhaps swapped, or a typo)?
    Projected metres are beyond ±360 almost everywhere."""
    return (np.abs(coords) <= 360).all(axis=1)


LANDING_FAR_KM = 300  # a converted layer's centre farther than this from Lianghu: a warning
_LIANGHU = (119.75, 31.6)


def _check_landing(gdf: gpd.GeoDataFrame, crs: str, rep: Report) -> None:
    """After a CRS conversion: is the layer where a Changzhou layer would be?"""
    x0, y0, x1, y1 = gdf.total_bounds
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    if not (np.isfinite(cx) and np.isfinite(cy)):
        return
    where = f"{cx:.4f}, {cy:.4f}"
    if abs(cy) < 1.0:
        rep.add("crs_result_equator", Severity.WARNING, crs=crs_label(crs), where=where)
        return
    km = float(shift_m(np.array([[cx, cy]]), np.array([_LIANGHU]))[0]) / 1000
    if km > LANDING_FAR_KM:
        rep.add("crs_result_far", Severity.WARNING, crs=crs_label(crs), where=where,
                km=round(km))


def _inside(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return (x >= CHINA[0]) & (x <= CHINA[2]) & (y >= CHINA[1]) & (y <= CHINA[3])


OVERSHOOT = 1e-9  # degrees past ±180/±90 that are floating-point noise (180.00000000000006)


def _clamp_overshoot(gdf: gpd.GeoDataFrame, rep: Report) -> gpd.GeoDataFrame:
    """Positions a hair past ±180°/±90° (rounding in the exporting tool) are put on the limit;
    said once, with the count."""
    x0, y0, x1, y1 = gdf.total_bounds
    if x0 >= -180 and x1 <= 180 and y0 >= -90 and y1 <= 90:
        return gdf
    geoms = gdf.geometry.to_numpy()
    coords = shapely.get_coordinates(geoms)
    over = np.abs(coords) - (180.0, 90.0)
    noise = ((over > 0) & (over <= OVERSHOOT)).any(axis=1)
    if not noise.any():
        return gdf
    limits = np.array([180.0, 90.0])
    geoms = shapely.transform(geoms, lambda c: np.clip(c, -limits, limits))
    rep.add("coordinate_clamped", Severity.INFO, count=int(noise.sum()), epsilon=OVERSHOOT)
    rep.conversions.append(f"{int(noise.sum())} positions within {OVERSHOOT}° past ±180/±90 "
                           "set on the limit")
    return gdf.set_geometry(geoms, crs=gdf.crs)


def _check_ranges(gdf: gpd.GeoDataFrame, ids: pd.Series | None, options: IngestOptions,
                  rep: Report) -> gpd.GeoDataFrame:
    gdf = _clamp_overshoot(gdf, rep)
    b = gdf.geometry.bounds.to_numpy()
    cx, cy = (b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2
    swapped = ~_inside(cx, cy) & _inside(cy, cx)
    bad = ((b[:, 0] < -180) | (b[:, 2] > 180) | (b[:, 1] < -90) | (b[:, 3] > 90)) & ~swapped
    src = gdf["source_index"].to_numpy()
    if swapped.any():
        if options.swap_xy:
            geoms = gdf.geometry.to_numpy().copy()
            geoms[swapped] = shapely.transform(geoms[swapped], lambda c: c[:, ::-1])
            gdf.geometry.values[:] = geoms  # in place: same rows, same CRS
            rep.add("axes_swapped", Severity.INFO)
            rep.conversions.append(f"longitude/latitude swapped on {int(swapped.sum())} features")
        else:
            for i in np.flatnonzero(swapped):
                rep.add("swapped_axes", Severity.ERROR, index=int(src[i]),
                        feature_id=ids.iat[i] if ids is not None else None,
                        x=round(float(cx[i]), 5), y=round(float(cy[i]), 5))
    for i in np.flatnonzero(bad):  # the first position out of range, as it is in the file
        c = shapely.get_coordinates(gdf.geometry.iat[i])
        k = int(np.argmin((np.abs(c) <= (180, 90)).all(axis=1)))
        rep.add("out_of_range", Severity.ERROR, index=int(src[i]),
                feature_id=ids.iat[i] if ids is not None else None,
                x=_num(c[k, 0]), y=_num(c[k, 1]))
    if (swapped.any() and not options.swap_xy) or bad.any():
        raise Refused("coordinates")
    x0, y0, x1, y1 = gdf.total_bounds
    if not _inside(np.array([x0, x1]), np.array([y0, y1])).any():
        rep.add("outside_china", Severity.WARNING,
                bounds=f"{x0:.4f}, {y0:.4f} – {x1:.4f}, {y1:.4f}")
    return gdf


def _repair(gdf: gpd.GeoDataFrame, ids: pd.Series | None, rep: Report) -> gpd.GeoDataFrame:
    geoms = gdf.geometry.to_numpy()
    invalid = ~shapely.is_valid(geoms)
    if not invalid.any():
        return gdf
    idx = np.flatnonzero(invalid)
    reasons = shapely.is_valid_reason(geoms[idx])
    fixed = shapely.make_valid(geoms[idx], method="structure", keep_collapsed=False)
    src = gdf["source_index"].to_numpy()
    keep = np.ones(len(gdf), dtype=bool)
    for k, i in enumerate(idx):
        fid = ids.iat[i] if ids is not None else None
        if fixed[k] is None or shapely.is_empty(fixed[k]):
            rep.drop("unrepairable_geometry", index=int(src[i]), feature_id=fid,
                     reason=str(reasons[k]))
            keep[i] = False
        else:
            rep.add("invalid_geometry", Severity.WARNING, index=int(src[i]), feature_id=fid,
                    reason=str(reasons[k]))
    geoms = geoms.copy()
    geoms[idx] = fixed
    gdf = gdf.set_geometry(geoms, crs=gdf.crs)
    rep.conversions.append(f"make_valid on {len(idx)} features")
    return gdf.loc[keep].reset_index(drop=True) if not keep.all() else gdf


def _check_types(gdf: gpd.GeoDataFrame, rep: Report) -> None:
    families = sorted({FAMILY.get(t, t) for t in gdf.geom_type.unique()})
    if len(families) > 1:
        rep.add("mixed_geometry", Severity.WARNING,
                types=tuple(GEOMETRY_NAMES.get(f, f) for f in families))


def _unique_ids(gdf: gpd.GeoDataFrame, ids: pd.Series | None, rep: Report) -> pd.Series:
    """The features' own ids (made unique) or their positions in the file."""
    if ids is None:
        return gdf["source_index"].astype(str)
    ids = ids.reindex(gdf.index) if len(ids) != len(gdf) else ids.set_axis(gdf.index)
    out = ids.where(ids.notna(), gdf["source_index"].astype(str)).astype(str)
    dup = out.duplicated(keep="first")
    if dup.any():
        first = {v: int(gdf["source_index"].iat[k]) for k, v in
                 enumerate(out) if not dup.iat[k]}
        seen = set(out)
        for k in np.flatnonzero(dup.to_numpy()):
            n, new = 2, f"{out.iat[k]}~2"
            while new in seen:
                n += 1
                new = f"{out.iat[k]}~{n}"
            seen.add(new)
            rep.add("duplicate_id", Severity.WARNING, index=int(gdf["source_index"].iat[k]),
                    feature_id=out.iat[k], id=out.iat[k], first=first[out.iat[k]], new_id=new)
            out.iat[k] = new
    return out


def _plain_columns(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Nested values (lists, dicts from GeoJSON properties) become JSON text, so every store and
    export can hold them."""
    for col in gdf.columns:
        if col == gdf.geometry.name or gdf[col].dtype != object:
            continue
        if gdf[col].map(lambda v: isinstance(v, (list, dict, np.ndarray))).any():
            gdf[col] = gdf[col].map(_jsonable)
    return gdf


def _jsonable(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        v = v.tolist()
    return json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
