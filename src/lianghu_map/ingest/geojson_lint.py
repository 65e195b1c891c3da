"""A structural check of parsed GeoJSON, feature by feature (issue 16).

GDAL reads GeoJSON fast but, reading with ``on_invalid="ignore"``, a feature whose geometry it
cannot build comes back with no geometry, and a member whose ``type`` is not exactly
``"Feature"`` is skipped altogether.  This module names what is wrong instead: it walks the
parsed document (:func:`lint`) and says, per feature, the structural problem that leaves it out
(an unknown geometry type, a coordinate that is a string, a ring not closed …) or the change made
to it (extra numbers in a position), plus notes on the file as a whole (letter case of ``type``,
a bad ``bbox``, foreign members that change meaning).

It only reads plain Python values (the output of ``json.loads``) and never recurses deeper than
:data:`MAX_DEPTH` geometry collections.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

GEOMETRY_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon",
                  "MultiPolygon", "GeometryCollection")
# nesting depth of "coordinates" per type: 1 = a position, 2 = a list of positions …
DEPTH = {"Point": 1, "MultiPoint": 2, "LineString": 2, "MultiLineString": 3, "Polygon": 3,
         "MultiPolygon": 4}
MAX_DEPTH = 8  # geometry collections inside collections
TOP_TYPES = ("FeatureCollection", "Feature", *GEOMETRY_TYPES)


@dataclass(frozen=True)
class Issue:
    """One thing found in one feature (``index``: its position among the features)."""

    code: str
    index: int | None
    feature_id: Any = None
    params: dict[str, Any] = field(default_factory=dict)
    drop: bool = False  # the feature is left out for it


@dataclass
class Lint:
    features: list[Any]  # the document's features (a lone Feature or geometry: one)
    gdal_rows: list[int]  # positions of the features GDAL reads (type exactly "Feature")
    issues: list[Issue] = field(default_factory=list)
    has_crs: bool = False  # a legacy top-level "crs" member
    has_coord_ref_sys: bool = False  # JSON-FG's "coordRefSys"

    def dropped(self) -> dict[int, Issue]:
        """Feature position → the first issue that leaves it out."""
        out: dict[int, Issue] = {}
        for issue in self.issues:
            if issue.drop and issue.index is not None:
                out.setdefault(issue.index, issue)
        return out


class _Bad(Exception):
    """A structural problem that leaves the feature out."""

    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params


def _short(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def lint(doc: Any) -> Lint:
    """Check a parsed GeoJSON document (it looks like GeoJSON: a dict with a known ``type``,
    in any letter case)."""
    kind = doc.get("type") if isinstance(doc, dict) else None
    top = next((t for t in TOP_TYPES if isinstance(kind, str) and t.lower() == kind.lower()),
               None)
    issues: list[Issue] = []
    if top is not None and top != kind:
        issues.append(Issue("type_case", None, params={"found": kind, "expected": top}))
    if top == "FeatureCollection":
        feats = doc.get("features")
        features = feats if isinstance(feats, list) else []
    elif top == "Feature":
        features = [doc]
    else:
        features = [{"type": "Feature", "properties": None, "geometry": doc}]
    out = Lint(features, [i for i, f in enumerate(features)
                          if isinstance(f, dict) and f.get("type") == "Feature"], issues,
               has_crs=isinstance(doc, dict) and "crs" in doc,
               has_coord_ref_sys=isinstance(doc, dict) and "coordRefSys" in doc)
    if isinstance(doc, dict) and "bbox" in doc:
        _check_bbox(doc["bbox"], None, None, out)
    for i, feat in enumerate(features):
        _lint_feature(i, feat, out)
    return out


def _lint_feature(i: int, feat: Any, out: Lint) -> None:
    issues = out.issues
    if not isinstance(feat, dict):
        issues.append(Issue("feature_not_object", i, params={"found": _short(feat)}, drop=True))
        return
    fid = feat.get("id")
    shown_id = fid if isinstance(fid, str | int) and not isinstance(fid, bool) else None
    kind = feat.get("type")
    if kind != "Feature":
        found = "—" if kind is None else _short(kind)
        issues.append(Issue("feature_type_unknown", i, shown_id, {"found": found}, drop=True))
        return
    if isinstance(fid, dict | list):
        issues.append(Issue("id_not_scalar", i, None, {"found": _short(fid)}))
    props = feat.get("properties")
    for member in ("coordinates", "crs", "geometries"):  # foreign members that change meaning
        if member in feat and not (member == "coordinates" and feat.get("geometry") is None):
            issues.append(Issue("foreign_member", i, shown_id,
                                {"member": member, "where": "Feature"}))
    if isinstance(props, dict) and isinstance(props.get("geometry"), dict | str):
        issues.append(Issue("foreign_member", i, shown_id,
                            {"member": "geometry", "where": "properties"}))
    if "bbox" in feat:
        _check_bbox(feat["bbox"], i, shown_id, out)
    geom = feat.get("geometry")
    if geom is None:
        if "coordinates" in feat:
            issues.append(Issue("coordinates_outside_geometry", i, shown_id, drop=True))
        return  # a null geometry: said by the common checks
    try:
        _geometry(geom, 0, i, shown_id, out)
    except _Bad as bad:
        issues.append(Issue(bad.code, i, shown_id, bad.params, drop=True))


def _geometry(geom: Any, depth: int, i: int, fid: Any, out: Lint) -> None:
    if not isinstance(geom, dict):
        raise _Bad("geometry_not_object", found=_short(geom))
    kind = geom.get("type")
    if kind not in GEOMETRY_TYPES:
        raise _Bad("geometry_type_unknown", found="—" if kind is None else _short(kind))
    if kind == "GeometryCollection":
        parts = geom.get("geometries")
        if not isinstance(parts, list):
            raise _Bad("geometries_missing")
        if depth >= MAX_DEPTH:
            raise _Bad("geometry_too_deep", limit=MAX_DEPTH)
        if depth == 1:  # a collection inside a collection (RFC 7946 §3.1.8: SHOULD NOT)
            out.issues.append(Issue("collection_nested", i, fid))
        elif depth == 0 and len(parts) == 1:
            out.issues.append(Issue("collection_single", i, fid))
        for part in parts:
            _geometry(part, depth + 1, i, fid, out)
        return
    if "coordinates" not in geom:
        raise _Bad("coordinates_missing", type=kind)
    coords = geom["coordinates"]
    if coords == []:
        return  # an empty geometry: said by the common checks
    _nesting(coords, DEPTH[kind], kind)
    long_positions = _positions(coords, DEPTH[kind], kind)
    if long_positions:
        out.issues.append(Issue("position_too_long", i, fid, {"count": long_positions[0]}))
    if kind in ("LineString", "MultiLineString"):
        lines = [coords] if kind == "LineString" else coords
        for line in lines:
            if len(line) < 2:
                raise _Bad("line_too_short", count=len(line))
    elif kind in ("Polygon", "MultiPolygon"):
        polys = [coords] if kind == "Polygon" else coords
        for poly in polys:
            for ring in poly:
                if len(ring) >= 2 and ring[0][:2] != ring[-1][:2]:
                    raise _Bad("ring_not_closed", first=_short(ring[0]), last=_short(ring[-1]))
                if len(ring) < 4:
                    raise _Bad("ring_too_short", count=len(ring))


def _nesting(coords: Any, depth: int, kind: str) -> None:
    """Lists nested exactly ``depth`` deep down to numbers (first element at each level)."""
    level, value = 0, coords
    while isinstance(value, list) and value:
        level += 1
        value = value[0]
    if isinstance(value, list):  # an empty list inside (an empty ring …): judged later
        return
    if level < depth:
        raise _Bad("coordinates_too_shallow", type=kind, found=level, expected=depth)
    if level > depth:
        raise _Bad("coordinates_too_deep", type=kind, found=level, expected=depth)


def _positions(coords: Any, depth: int, kind: str) -> list[int]:
    """Check every position (numbers, 2 or 3 of them); returns the lengths of those over 3."""
    long: list[int] = []
    stack = [(coords, depth)]
    while stack:
        value, d = stack.pop()
        if not isinstance(value, list):
            raise _Bad("coordinates_too_shallow", type=kind, found=depth - d, expected=depth)
        if d > 1:
            stack.extend((v, d - 1) for v in value)
            continue
        for v in value:
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise _Bad("coordinate_not_number", value=_short(v))
            if not math.isfinite(v):
                raise _Bad("coordinate_not_number", value=_short(v))
        if len(value) < 2:
            raise _Bad("position_too_short", count=len(value), position=_short(value))
        if len(value) > 3:
            long.append(len(value))
    return long


def _check_bbox(bbox: Any, i: int | None, fid: Any, out: Lint) -> None:
    ok = (isinstance(bbox, list) and len(bbox) in (4, 6)
          and all(isinstance(v, int | float) and not isinstance(v, bool) for v in bbox))
    if ok:
        n = len(bbox) // 2
        ok = all(bbox[k] <= bbox[k + n] or k == 0 for k in range(n))  # west > east: antimeridian
    if not ok:
        out.issues.append(Issue("bbox_ignored", i, fid, {"found": _short(bbox)}))
