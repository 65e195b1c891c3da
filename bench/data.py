"""The benchmark's input: a deterministic synthetic GeoJSON of land parcels in the Lianghu zone.

``parcels(n)`` returns the path of an RFC 7946 FeatureCollection of ``n`` features (default
100,000, about 80 MB), written once under ``bench/.cache/`` and reused while the generator
version and the feature count are the same.  Everything comes from one seeded numpy generator,
so the file is byte-identical on every machine.

What it holds, per feature: a small star-shaped polygon (6–12 vertices, counter-clockwise, closed)
scattered over lon 119.4–120.1, lat 31.3–31.9; properties ``id`` (string), ``name``
(``地块000001`` …), ``area_ha`` (float), ``floors`` (int), ``land_use`` (a category), ``note``
(Chinese text of varying length).  About 1 % of the polygons are bow-ties (self-intersecting, so
``make_valid`` runs) and about 0.5 % of the features have ``"geometry": null`` (so the null
geometry path runs).  Coordinates are written at full double precision, as GIS exports do.

Run ``python -m bench.data [--features N]`` to (re)build it and print its size.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

__all__ = ["CACHE_DIR", "DEFAULT_FEATURES", "Dataset", "parcels"]

CACHE_DIR = Path(__file__).resolve().parent / ".cache"
DEFAULT_FEATURES = 100_000
VERSION = 1  # bump when the generator changes, so cached files are rebuilt
SEED = 20230615
LON = (119.4, 120.1)
LAT = (31.3, 31.9)
MAX_SIZE = 0.003  # degrees, a parcel's largest radius
INVALID_SHARE = 0.01
NULL_SHARE = 0.005
LAND_USE = ("居住用地", "商业服务业用地", "工业用地", "物流仓储用地", "公园绿地", "农林用地",
            "水域", "道路与交通设施用地", "公共管理与公共服务用地", "科研用地")
NOTE_WORDS = ("规划", "保留", "近期", "远期", "建设", "改造", "生态", "廊道", "湿地", "滨湖",
              "科创", "产业园", "控制线", "用地", "调整", "示意", "边界", "待核实")


@dataclass(frozen=True)
class Dataset:
    path: Path
    features: int
    size_bytes: int
    invalid: int  # bow-tie polygons
    null: int  # features with "geometry": null
    vertices: int  # ring vertices written, closing vertices included

    def describe(self) -> dict[str, object]:
        d = asdict(self)
        d["path"] = str(self.path)
        d["size_mb"] = round(self.size_bytes / 1e6, 1)
        return d


def _meta_path(path: Path) -> Path:
    return path.with_suffix(".meta.json")


def parcels(n: int = DEFAULT_FEATURES, cache_dir: Path = CACHE_DIR,
            rebuild: bool = False) -> Dataset:
    """The cached file of ``n`` features, built first if missing (or if ``rebuild``)."""
    return _cached(f"parcels-v{VERSION}-{n}.geojson", lambda path: _write(path, n), cache_dir,
                   rebuild)


def _pairs(x: np.ndarray, y: np.ndarray) -> list[str]:
    # repr of a Python float is the shortest text that round-trips: full double precision
    return [f"[{a!r}, {b!r}]" for a, b in zip(x.tolist(), y.tolist(), strict=True)]


def _write(path: Path, n: int) -> Dataset:
    rng = np.random.default_rng(SEED)
    size = rng.uniform(0.0004, MAX_SIZE, n)  # degrees: parcels of roughly 40–300 m
    cx = rng.uniform(LON[0] + MAX_SIZE, LON[1] - MAX_SIZE, n)  # whole parcels inside the box
    cy = rng.uniform(LAT[0] + MAX_SIZE, LAT[1] - MAX_SIZE, n)
    kind = rng.random(n)
    null = kind < NULL_SHARE
    invalid = (kind >= NULL_SHARE) & (kind < NULL_SHARE + INVALID_SHARE)
    # distinct vertices per ring: 6–12 for a parcel, 4 for a bow-tie, none for a null geometry
    nverts = np.where(invalid, 4, rng.integers(6, 13, n))
    nverts[null] = 0
    owner = np.repeat(np.arange(n), nverts)  # the feature of each vertex
    start = np.cumsum(nverts) - nverts
    j = np.arange(owner.size) - start[owner]  # position of each vertex in its ring
    step = 2 * np.pi / np.maximum(nverts[owner], 1)
    # a star-shaped ring: increasing angles (counter-clockwise), jittered radii → always simple
    angle = j * step + rng.uniform(0, 0.8, owner.size) * step
    radius = size[owner] * rng.uniform(0.55, 1.0, owner.size)
    # a bow-tie: (−r,−r) → (r,r) → (r,−r) → (−r,r); its first two edges cross at the centre
    bow = invalid[owner]
    angle[bow] = np.array([1.25, 0.25, 1.75, 0.75])[j[bow]] * np.pi
    radius[bow] = size[owner[bow]] * np.sqrt(2)
    x = cx[owner] + radius * np.cos(angle)
    y = cy[owner] + radius * 0.85 * np.sin(angle)
    pairs = _pairs(x, y)

    area = rng.gamma(2.0, 1.5, n).round(4).tolist()
    floors = rng.integers(1, 33, n).tolist()
    land_use = rng.integers(0, len(LAND_USE), n).tolist()
    note_len = rng.integers(6, 48, n)
    words = rng.integers(0, len(NOTE_WORDS), int(note_len.sum())).tolist()
    note_end = np.cumsum(note_len).tolist()
    ends = (start + nverts).tolist()
    starts = start.tolist()

    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="\n") as out:
        out.write('{"type": "FeatureCollection", "name": "bench_parcels", "features": [\n')
        w0 = 0
        for i in range(n):
            if null[i]:
                geometry = "null"
            else:
                ring = pairs[starts[i]:ends[i]]
                ring.append(ring[0])  # closed
                geometry = f'{{"type": "Polygon", "coordinates": [[{", ".join(ring)}]]}}'
            note = "".join(NOTE_WORDS[k] for k in words[w0:note_end[i]])
            w0 = note_end[i]
            props = (f'{{"id": "P{i:06d}", "name": "地块{i + 1:06d}", "area_ha": {area[i]!r}, '
                     f'"floors": {floors[i]}, "land_use": "{LAND_USE[land_use[i]]}", '
                     f'"note": "{note}"}}')
            sep = ",\n" if i < n - 1 else "\n"
            out.write(f'{{"type": "Feature", "properties": {props}, "geometry": {geometry}}}{sep}')
        out.write("]}\n")
    tmp.replace(path)
    vertices = int(nverts.sum() + (~null).sum())
    return Dataset(path, n, path.stat().st_size, int(invalid.sum()), int(null.sum()), vertices)


def _cached(name: str, write, cache_dir: Path = CACHE_DIR, rebuild: bool = False) -> Dataset:
    """``cache_dir/<name>``, written by ``write(path) -> Dataset`` when missing (or if
    ``rebuild``); its meta file says what it holds."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    gitignore = cache_dir / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text("*\n", encoding="utf-8")
    path = cache_dir / name
    meta = _meta_path(path)
    if not rebuild and path.exists() and meta.exists():
        info = json.loads(meta.read_text(encoding="utf-8"))
        if info.get("size_bytes") == path.stat().st_size:
            return Dataset(path, info["features"], info["size_bytes"], info["invalid"],
                           info["null"], info["vertices"])
    ds = write(path)
    meta.write_text(json.dumps(ds.describe(), ensure_ascii=False, indent=1), encoding="utf-8")
    return ds


DISTRICT_CODES = {"wujin": (320412, "武进区"), "jintan": (320413, "金坛区"),
                  "zhonglou": (320404, "钟楼区"), "tianning": (320402, "天宁区"),
                  "xinbei": (320411, "新北区"), "liyang": (320481, "溧阳市")}


def official_boundaries(target_bytes: int = 3_000_000) -> Dataset:
    """Changzhou's districts as an official boundary layer exported by QGIS to GeoJSON
    (``行政区划.geojson``: CGCS2000 ≈ WGS84 degrees, the legacy ``crs`` member QGIS writes for
    CRS84, 15 significant digits, the 第三次国土调查 field names ``XZQDM``/``XZQMC``, one
    MultiPolygon each) — the app's own district outlines, densified (a little jitter, seeded)
    until the file is about ``target_bytes``."""
    return _cached(f"official-v{VERSION}-districts-{target_bytes}.geojson",
                   lambda path: _write_boundaries(path, target_bytes, datav=False))


def boundaries(target_bytes: int = 3_000_000) -> Dataset:
    """Changzhou's districts as 阿里云 DataV.GeoAtlas serves them (``320400_full.json``):
    GCJ-02 coordinates with 6 decimals, compact JSON, ``adcode``/``center``/``centroid``/
    ``parent``/``acroutes`` properties, one MultiPolygon each.  The outlines are the app's own
    district boundaries, shifted to GCJ-02 and densified (a little jitter, seeded) until the
    file is about ``target_bytes`` — the vertex density of a real boundary export."""
    return _cached(f"datav-v{VERSION}-320400_full-{target_bytes}.json",
                   lambda path: _write_boundaries(path, target_bytes, datav=True))


def _write_boundaries(path: Path, target_bytes: int, datav: bool) -> Dataset:
    import pyogrio
    import shapely

    from lianghu_map.crs import wgs84_to_gcj02
    from lianghu_map.paths import GEO_DIR

    gdf = pyogrio.read_dataframe(GEO_DIR / "boundaries.geojson")
    gdf = gdf[gdf["feature_id"].str.startswith("district.")]
    rng = np.random.default_rng(SEED)
    length = float(shapely.length(gdf.geometry.to_numpy()).sum())
    step = length / (target_bytes / (23 if datav else 40))  # bytes a vertex as written below
    feats, vertices = [], 0
    for i, (fid, geom) in enumerate(zip(gdf["feature_id"], gdf.geometry, strict=True)):
        code, name = DISTRICT_CODES[fid.split(".", 1)[1]]
        polys = []
        for part in shapely.get_parts(shapely.segmentize(geom, step)):
            rings = []
            for ring in (part.exterior, *part.interiors):
                xy = shapely.get_coordinates(ring)[:-1]
                xy = xy + rng.normal(0, 2e-6, xy.shape)
                xy = wgs84_to_gcj02(xy).round(6) if datav else xy.round(13)
                rings.append([*xy.tolist(), xy[0].tolist()])
                vertices += len(xy) + 1
            polys.append(rings)
        c = geom.centroid
        center = [round(v, 6) for v in wgs84_to_gcj02(np.array([[c.x, c.y]]))[0].tolist()]
        props = ({"adcode": code, "name": name, "center": center, "centroid": center,
                  "childrenNum": 0, "level": "district", "parent": {"adcode": 320400},
                  "subFeatureIndex": i, "acroutes": [100000, 320000, 320400]} if datav else
                 {"XZQDM": f"{code}000000", "XZQMC": name, "MJ": round(geom.area * 1e4, 4)})
        feats.append({"type": "Feature", "properties": props,
                      "geometry": {"type": "MultiPolygon", "coordinates": polys}})
    layer: dict = {"type": "FeatureCollection", "features": feats}
    if not datav:  # as QGIS writes a layer in EPSG:4326
        layer = {"type": "FeatureCollection", "name": "行政区划", "crs": {
            "type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
                 "features": feats}
    text = json.dumps(layer, ensure_ascii=False, separators=(",", ":") if datav else None)
    path.write_text(text, encoding="utf-8")
    return Dataset(path, len(feats), path.stat().st_size, 0, 0, vertices)


POINT_KINDS = ("公园绿地", "科创载体", "轨道站点", "学校", "医院", "文化设施")


def points_xlsx(target_bytes: int = 3_000_000) -> Dataset:
    """A point list as Excel on a Chinese Windows saves it (``重点项目点位表.xlsx``: shared
    strings, one sheet): 序号, 名称, 经度, 纬度 (decimal degrees, WGS84), 类型, 所在镇街,
    备注 — rows until the file is about ``target_bytes``."""
    return _cached(f"points-v{VERSION}-{target_bytes}.xlsx",
                   lambda path: _write_points(path, target_bytes))


def _write_points(path: Path, target_bytes: int) -> Dataset:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "corpus" / "upload"))
    from make_formats_corpus import xlsx  # the test corpus's Excel-shaped writer

    rng = np.random.default_rng(SEED)
    towns = ("湖塘镇", "牛塘镇", "礼嘉镇", "前黄镇", "嘉泽镇", "雪堰镇", "西太湖街道")

    def rows(n: int) -> list[list[object]]:
        lon = rng.uniform(*LON, n).round(6).tolist()
        lat = rng.uniform(*LAT, n).round(6).tolist()
        kind = rng.integers(0, len(POINT_KINDS), n).tolist()
        town = rng.integers(0, len(towns), n).tolist()
        words = rng.integers(0, len(NOTE_WORDS), (n, 4)).tolist()
        return [[i + 1, f"点位{i + 1:06d}", lon[i], lat[i], POINT_KINDS[kind[i]], towns[town[i]],
                 "".join(NOTE_WORDS[k] for k in words[i])] for i in range(n)]

    head = ["序号", "名称", "经度", "纬度", "类型", "所在镇街", "备注"]
    n = 1000
    per_row = len(xlsx({"Sheet1": [head, *rows(n)]})) / n
    n = int(target_bytes / per_row)
    data = b""
    for _ in range(2):  # (the first file's size corrects the row count)
        rng = np.random.default_rng(SEED)
        data, written = xlsx({"重点项目点位表": [head, *rows(n)]}), n
        n = round(n * target_bytes / len(data))
    path.write_bytes(data)
    return Dataset(path, written, path.stat().st_size, 0, 0, written)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.data", description=__doc__.split("\n")[0])
    ap.add_argument("--features", type=int, default=DEFAULT_FEATURES)
    ap.add_argument("--rebuild", action="store_true", help="write the file even if cached")
    args = ap.parse_args(argv)
    ds = parcels(args.features, rebuild=args.rebuild)
    print(f"{ds.path}: {ds.size_bytes / 1e6:.1f} MB, {ds.features:,} features "
          f"({ds.invalid} bow-ties, {ds.null} null geometries, {ds.vertices:,} vertices)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
