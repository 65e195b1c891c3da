"""Upload files for the ingest tests, synthesised in code: every builder returns ``(name, bytes)``.

Nothing here reads the project's data: GeoJSON is written with :mod:`json`, Shapefiles, GeoPackages
and KML with pyogrio into a temporary folder, zips with :mod:`zipfile`.  Coordinates are a small
WGS84 reference layer around the Lianghu zone (``REF_POINTS`` and ``REF_POLYGON``); the projected,
swapped and shifted variants are computed from it (pyproj, prcoords) so tests can check where the
ingested features land.
"""

from __future__ import annotations

import io
import json
import tempfile
import warnings
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import prcoords
import pyogrio
from pyproj import Transformer
from shapely.geometry import Point, Polygon

Upload = tuple[str, bytes]

# -- the WGS84 reference layer: 3 points and 1 polygon around the Lianghu zone (lon, lat)
REF_POINTS: tuple[tuple[str, str, float, float], ...] = (
    ("park.xitaihu", "西太湖科技产业园", 119.885, 31.712),
    ("station.wujin", "武进站", 119.9424, 31.6603),
    ("hub.changzhou_south", "常州南站", 119.9800, 31.7400),
)
REF_POLYGON: tuple[str, str, tuple[tuple[float, float], ...]] = (
    "green.test_wetland",
    "西太湖湿地（测试）",
    ((119.860, 31.680), (119.900, 31.680), (119.905, 31.700), (119.870, 31.705), (119.860, 31.680)),
)
REF_NAMES = (*(p[1] for p in REF_POINTS), REF_POLYGON[1])
REF_IDS = (*(p[0] for p in REF_POINTS), REF_POLYGON[0])

CHANGZHOU_LON = (119.1352, 120.2011)
CHANGZHOU_LAT = (31.1546, 32.0620)

XSS = "<img src=x onerror=alert(1)>"
SCRIPT = '"><script>alert("x")</script>'


# ----------------------------------------------------------------------------- GeoJSON helpers
def point(x: float, y: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [x, y]}


def polygon(ring: Iterable[tuple[float, float]]) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [[list(v) for v in ring]]}


def feature(geometry: Mapping[str, Any] | None, fid: str | None = None,
            **properties: Any) -> dict[str, Any]:
    f: dict[str, Any] = {"type": "Feature"}
    if fid is not None:
        f["id"] = fid
    f["properties"] = properties
    f["geometry"] = geometry
    return f


def collection(features: Sequence[Mapping[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"type": "FeatureCollection", **extra, "features": list(features)}


def dump(obj: Any, *, bom: bool = False) -> bytes:
    data = json.dumps(obj, ensure_ascii=False, indent=1).encode("utf-8")
    return b"\xef\xbb\xbf" + data if bom else data


def ref_features(transform=None) -> list[dict[str, Any]]:
    """The reference layer as GeoJSON features; ``transform(lon, lat) -> (x, y)`` if given."""
    def tr(lon: float, lat: float) -> tuple[float, float]:
        return transform(lon, lat) if transform else (lon, lat)

    feats = [feature(point(*tr(lon, lat)), fid, name=name, kind="place")
             for fid, name, lon, lat in REF_POINTS]
    pid, pname, ring = REF_POLYGON
    feats.append(feature(polygon(tr(lon, lat) for lon, lat in ring), pid, name=pname,
                         kind="green"))
    return feats


def ref_gdf() -> gpd.GeoDataFrame:
    """The reference layer as a WGS84 GeoDataFrame (columns feature_id, name, kind)."""
    geoms = [Point(lon, lat) for _, _, lon, lat in REF_POINTS] + [Polygon(REF_POLYGON[2])]
    return gpd.GeoDataFrame(
        {"feature_id": list(REF_IDS), "name": list(REF_NAMES),
         "kind": ["place"] * 3 + ["green"]},
        geometry=geoms, crs="EPSG:4326")


def ref_points_gdf() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"feature_id": [p[0] for p in REF_POINTS], "name": [p[1] for p in REF_POINTS]},
        geometry=[Point(lon, lat) for _, _, lon, lat in REF_POINTS], crs="EPSG:4326")


def projector(epsg: int):
    """(lon, lat) → (x, y) in ``EPSG:epsg`` (easting first, whatever the CRS's axis order)."""
    t = Transformer.from_crs("EPSG:4326", f"EPSG:{epsg}", always_xy=True)
    return lambda lon, lat: tuple(t.transform(lon, lat))


# ----------------------------------------------------------------------------- good GeoJSON
def geojson_ref(name: str = "lianghu.geojson") -> Upload:
    """The reference layer: 3 points + 1 polygon, ids, Chinese names (mixed Point/Polygon)."""
    return name, dump(collection(ref_features()))


def geojson_points(name: str = "points.geojson") -> Upload:
    """Three points only: the cleanest possible upload."""
    return name, dump(collection(ref_features()[:3]))


def geojson_single_feature() -> Upload:
    _, label, lon, lat = REF_POINTS[0]
    return "one.geojson", dump(feature(point(lon, lat), name=label))


def geojson_bare_geometry() -> Upload:
    return "geometry.json", dump(polygon(REF_POLYGON[2]))


def geojson_bom() -> Upload:
    """UTF-8 with a byte-order mark (Windows Notepad, Excel)."""
    return "bom.geojson", dump(collection(ref_features()[:3]), bom=True)


def geojson_n_points(n: int, name: str = "many.geojson") -> Upload:
    feats = [feature(point(119.80 + i * 1e-4, 31.70), f"p{i}", n=i) for i in range(n)]
    return name, dump(collection(feats))


def geojson_hostile() -> Upload:
    feats = ref_features()[:2]
    feats[0]["properties"]["name"] = XSS
    feats[1]["properties"]["note"] = SCRIPT
    return "hostile.geojson", dump(collection(feats))


def geojson_directive_ids() -> Upload:
    feats = ref_features()[:2]
    feats[0]["properties"]["directive_ids"] = "innovate.1"
    feats[1]["properties"]["directive_ids"] = ["innovate.1", "modern.1"]
    return "linked.geojson", dump(collection(feats))


# ----------------------------------------------------------------------------- bad files
def empty_file() -> Upload:
    return "empty.geojson", b""


def unsupported_txt() -> Upload:
    return "notes.txt", "西太湖 119.885 31.712\n".encode()


def unsupported_docx() -> Upload:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return "report.docx", buf.getvalue()


# Planted JSON syntax errors and where they are (1-based line, column; ASCII lines so
# character and byte columns agree).
TRUNCATED_JSON = '{"type": "FeatureCollection", "features": ['
TRUNCATED_AT = (1, len(TRUNCATED_JSON) + 1)  # end of input

TRAILING_COMMA_JSON = (
    '{\n'
    '  "type": "FeatureCollection",\n'
    '  "features": [\n'
    '    {"type": "Feature", "properties": {"n": 1},'
    ' "geometry": {"type": "Point", "coordinates": [119.885, 31.712]}},\n'
    '  ]\n'
    '}\n'
)
_line4 = TRAILING_COMMA_JSON.split("\n")[3]
# The error is the comma (line 4, its last character) or, as Python's json reports it, the "]"
# that follows (line 5, column 3).  Either is an honest position.
TRAILING_COMMA_AT = ((4, len(_line4)), (5, 3))

MISSING_COMMA_JSON = (
    '{\n'
    '  "type": "FeatureCollection",\n'
    '  "features": [\n'
    '    {"type": "Feature",\n'
    '     "properties": {"name": "a" "kind": "park"},\n'
    '     "geometry": {"type": "Point", "coordinates": [119.885, 31.712]}}\n'
    '  ]\n'
    '}\n'
)
MISSING_COMMA_AT = (5, MISSING_COMMA_JSON.split("\n")[4].index('"kind"') + 1)


def json_truncated() -> Upload:
    return "truncated.geojson", TRUNCATED_JSON.encode()


def json_trailing_comma() -> Upload:
    return "trailing.geojson", TRAILING_COMMA_JSON.encode()


def json_missing_comma() -> Upload:
    return "missing_comma.json", MISSING_COMMA_JSON.encode()


def json_array() -> Upload:
    return "array.json", b"[1,2]"


def json_no_type() -> Upload:
    return "foo.json", b'{"foo": 1}'


def json_unknown_type() -> Upload:
    return "foo_type.geojson", b'{"type": "Foo"}'


def topojson() -> Upload:
    topo = {
        "type": "Topology",
        "objects": {"parks": {"type": "GeometryCollection", "geometries": [
            {"type": "Point", "coordinates": [119.885, 31.712], "properties": {"name": "x"}},
            {"type": "LineString", "arcs": [0]},
        ]}},
        "arcs": [[[119.80, 31.60], [119.90, 31.70]]],
    }
    return "parks.topojson.json", dump(topo)


def geojson_no_features() -> Upload:
    return "nothing.geojson", dump(collection([]))


# ----------------------------------------------------------------------------- CRS
def geojson_legacy_crs(epsg: int) -> Upload:
    """Reference layer in EPSG:epsg with a GeoJSON-2008 ``crs`` member naming it."""
    crs = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{epsg}"}}
    feats = ref_features(projector(epsg))
    return f"legacy_{epsg}.geojson", dump(collection(feats, crs=crs))


def geojson_projected_no_crs(epsg: int) -> Upload:
    """Reference layer projected to EPSG:epsg (4549: x≈489 000; 4528: x≈40 489 000), no crs."""
    return f"projected_{epsg}.geojson", dump(collection(ref_features(projector(epsg))))


def geojson_swapped() -> Upload:
    """[lat, lon] instead of [lon, lat] — e.g. [31.712, 119.885]."""
    return "swapped.geojson", dump(collection(ref_features(lambda lon, lat: (lat, lon))))


# Feature 1 has lon 200; swapped it is (31.7, 200): out of range both ways.
OUT_OF_RANGE_INDEX = 1


def geojson_out_of_range(id_as: str = "member") -> Upload:
    """Feature 1 (id "bad1") at lon 200.  ``id_as``: "member" (GeoJSON ``id``), or the name of
    the property that carries the ids ("id" | "feature_id")."""
    coords = [(119.885, 31.712), (200.0, 31.7), (119.9424, 31.6603)]
    ids = ["ok0", "bad1", "ok2"]
    if id_as == "member":
        feats = [feature(point(*c), i) for c, i in zip(coords, ids, strict=True)]
    else:
        feats = [feature(point(*c), **{id_as: i}) for c, i in zip(coords, ids, strict=True)]
    return f"out_of_range_{id_as}.geojson", dump(collection(feats))


def geojson_projected_literal(x: float, y: float) -> Upload:
    """One point with projected coordinates as an analyst would paste them, no crs."""
    return f"projected_{int(x)}.geojson", dump(collection([feature(point(x, y), "p0")]))


def geojson_datum(datum: str) -> Upload:
    """The reference layer shifted from WGS84 to ``datum`` ("gcj02" | "bd09") with prcoords."""
    fn = {"gcj02": prcoords.wgs_gcj, "bd09": prcoords.wgs_bd}[datum]

    def shift(lon: float, lat: float) -> tuple[float, float]:
        c = fn(prcoords.Coords(lat, lon))
        return c.lon, c.lat

    return f"{datum}.geojson", dump(collection(ref_features(shift)))


# ----------------------------------------------------------------------------- features
# Null and empty geometries among good features: (index, feature_id) of the bad ones.
NULL_GEOMETRY_BAD = ((1, "n1"), (3, "e3"), (4, "e4"))
NULL_GEOMETRY_KEPT = (0, 2, 5)


def geojson_null_geometries(mixed_ids: bool = False) -> Upload:
    """Null (1) and empty (3, 4) geometries among good features, all with an ``id`` member.

    ``mixed_ids``: feature 3 carries its id as a ``feature_id`` property instead (the contract
    takes a feature's id from either, feature by feature)."""
    empty_polygon = {"type": "Polygon", "coordinates": []}
    feats = [
        feature(point(119.885, 31.712), "p0"),
        feature(None, "n1"),  # null geometry
        feature(point(119.9424, 31.6603), "p2"),
        feature(empty_polygon, feature_id="e3") if mixed_ids else feature(empty_polygon, "e3"),
        feature({"type": "GeometryCollection", "geometries": []}, "e4"),
        feature(point(119.98, 31.74), "p5"),
    ]
    return ("nulls_mixed_ids.geojson" if mixed_ids else "nulls.geojson"), dump(collection(feats))


BOWTIE = ((119.88, 31.70), (119.90, 31.72), (119.90, 31.70), (119.88, 31.72), (119.88, 31.70))
BOWTIE_INDEX = 1


def geojson_bowtie() -> Upload:
    feats = [feature(polygon(REF_POLYGON[2]), "ok0"), feature(polygon(BOWTIE), "bow1")]
    return "bowtie.geojson", dump(collection(feats))


def geojson_mixed() -> Upload:
    feats = [feature(point(119.885, 31.712), "pt"), feature(polygon(REF_POLYGON[2]), "pg")]
    return "mixed.geojson", dump(collection(feats))


def geojson_point_multipoint() -> Upload:
    mp = {"type": "MultiPoint", "coordinates": [[119.90, 31.70], [119.91, 31.71]]}
    feats = [feature(point(119.885, 31.712), "pt"), feature(mp, "mp")]
    return "points_multi.geojson", dump(collection(feats))


DUPLICATE_ID_INDEX = 2


def geojson_duplicate_ids() -> Upload:
    feats = [feature(point(119.885, 31.712), "a"), feature(point(119.90, 31.70), "b"),
             feature(point(119.91, 31.71), "a")]
    return "dupes.geojson", dump(collection(feats))


def geojson_style() -> Upload:
    feats = ref_features()[:2]
    feats[0]["properties"]["style"] = {"color": "#ff0000", "weight": 3}
    feats[1]["properties"]["style"] = "color: red"
    return "styled.geojson", dump(collection(feats))


# ----------------------------------------------------------------------------- Shapefile
SHP_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


def shapefile_parts(gdf: gpd.GeoDataFrame, stem: str, *, encoding: str = "UTF-8",
                    cpg: bool = True, ldid_zero: bool = False) -> dict[str, bytes]:
    """The files of a Shapefile written by pyogrio: ``{".shp": b"…", …}``.

    ``cpg=False`` deletes the .cpg; ``ldid_zero`` clears the DBF language-driver byte so the DBF
    declares no encoding at all (the case GDAL reads as Latin-1)."""
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.filterwarnings("ignore", "'crs' was not provided", UserWarning)  # no .prj: meant
        pyogrio.write_dataframe(gdf, Path(tmp) / f"{stem}.shp", encoding=encoding)
        parts = {ext: (Path(tmp) / f"{stem}{ext}").read_bytes()
                 for ext in SHP_PARTS if (Path(tmp) / f"{stem}{ext}").exists()}
    if not cpg:
        parts.pop(".cpg", None)
    if ldid_zero:
        dbf = bytearray(parts[".dbf"])
        dbf[29] = 0
        parts[".dbf"] = bytes(dbf)
    return parts


def zip_bytes(members: Mapping[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def shapefile_zip(gdf: gpd.GeoDataFrame | None = None, stem: str = "parks", *,
                  folder: str = "", drop: Iterable[str] = (), name: str | None = None,
                  **parts_kw: Any) -> Upload:
    gdf = ref_points_gdf() if gdf is None else gdf
    parts = shapefile_parts(gdf, stem, **parts_kw)
    for ext in drop:
        parts.pop(ext, None)
    members = {f"{folder}{stem}{ext}": data for ext, data in parts.items()}
    return name or f"{stem}.zip", zip_bytes(members)


GBK_NAMES = ("西太湖科技产业园", "常州南站", "滆湖湿地公园", "长荡湖旅游度假区")


def gbk_gdf() -> gpd.GeoDataFrame:
    pts = [(119.885, 31.712), (119.9424, 31.6603), (119.80, 31.60), (119.55, 31.65)]
    return gpd.GeoDataFrame(
        {"name": list(GBK_NAMES), "kind": ["园区", "枢纽", "湿地", "度假区"]},
        geometry=[Point(p) for p in pts], crs="EPSG:4326")


def shapefile_gbk_no_cpg() -> Upload:
    """A GBK DBF, no .cpg and language-driver byte 0: nothing declares the encoding."""
    return shapefile_zip(gbk_gdf(), "gbk_parks", encoding="GBK", cpg=False, ldid_zero=True)


def shapefile_two_layers() -> Upload:
    a = shapefile_parts(ref_points_gdf(), "stations")
    b = shapefile_parts(ref_gdf().iloc[[3]], "green")
    members = {f"stations{e}": d for e, d in a.items()} | {f"green{e}": d for e, d in b.items()}
    return "two.zip", zip_bytes(members)


def zip_without_shapefile() -> Upload:
    return "no_shp.zip", zip_bytes({"readme.txt": b"hello", "data/points.csv": b"lon,lat\n"})


def shapefile_projected_no_prj(epsg: int = 4549) -> Upload:
    g = ref_points_gdf().to_crs(epsg=epsg).set_crs(None, allow_override=True)
    return shapefile_zip(g, f"proj{epsg}", name=f"proj{epsg}_noprj.zip")


def shapefile_lonlat_no_prj() -> Upload:
    g = ref_points_gdf().set_crs(None, allow_override=True)
    return shapefile_zip(g, "lonlat", name="lonlat_noprj.zip")


# ----------------------------------------------------------------------------- GeoPackage
def gpkg(layers: Mapping[str, gpd.GeoDataFrame], name: str = "layers.gpkg") -> Upload:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.gpkg"
        for layer, g in layers.items():
            pyogrio.write_dataframe(g, path, layer=layer, driver="GPKG")
        return name, path.read_bytes()


def gpkg_one() -> Upload:
    return gpkg({"parks": ref_gdf()}, "one.gpkg")


def gpkg_two() -> Upload:
    return gpkg({"a": ref_points_gdf(), "b": ref_gdf().iloc[[3]]}, "two.gpkg")


def gpkg_projected(epsg: int = 4549) -> Upload:
    return gpkg({"parks": ref_gdf().to_crs(epsg=epsg)}, f"parks_{epsg}.gpkg")


# ----------------------------------------------------------------------------- KML / KMZ
def _kml_coords(ring: Iterable[tuple[float, float]]) -> str:
    return " ".join(f"{x},{y},0" for x, y in ring)


KML_TEXT = f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2">
<Document>
  <name>两湖</name>
  <Placemark>
    <name>{REF_POINTS[0][1]}</name>
    <description>园区 &amp; 枢纽</description>
    <Point><coordinates>{REF_POINTS[0][2]},{REF_POINTS[0][3]},0</coordinates></Point>
  </Placemark>
  <Placemark>
    <name>{REF_POLYGON[1]}</name>
    <Polygon><outerBoundaryIs><LinearRing>
      <coordinates>{_kml_coords(REF_POLYGON[2])}</coordinates>
    </LinearRing></outerBoundaryIs></Polygon>
  </Placemark>
</Document>
</kml>
"""
KML_NAMES = (REF_POINTS[0][1], REF_POLYGON[1])


def kml_handwritten() -> Upload:
    return "places.kml", KML_TEXT.encode()


def kml_pyogrio() -> Upload:
    g = ref_gdf().rename(columns={"name": "Name"})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "places.kml"
        pyogrio.write_dataframe(g, path, driver="KML", layer="places")
        return "ogr.kml", path.read_bytes()


def kmz() -> Upload:
    return "places.kmz", zip_bytes({"doc.kml": KML_TEXT.encode(), "files/icon.png": b"\x89PNG"})


def kmz_without_kml() -> Upload:
    return "empty.kmz", zip_bytes({"files/icon.png": b"\x89PNG\r\n\x1a\n"})


# ----------------------------------------------------------------------------- CSV
def csv(header: Sequence[str], rows: Iterable[Sequence[Any]], *, name: str = "points.csv",
        encoding: str = "utf-8", bom: bool = False) -> Upload:
    def cell(v: Any) -> str:
        s = str(v)
        return '"' + s.replace('"', '""') + '"' if any(c in s for c in ',"\n') else s

    lines = [",".join(header)] + [",".join(cell(v) for v in row) for row in rows]
    data = ("\r\n".join(lines) + "\r\n").encode(encoding)
    return name, (b"\xef\xbb\xbf" + data if bom else data)


def csv_points(xcol: str, ycol: str, *, name_col: str = "名称", encoding: str = "utf-8",
               bom: bool = False, transform=None) -> Upload:
    """The three reference points in columns ``xcol``/``ycol`` (+ a name column)."""
    rows = []
    for _, label, lon, lat in REF_POINTS:
        x, y = transform(lon, lat) if transform else (lon, lat)
        rows.append((x, y, label))
    suffix = {"utf-8": "", "gbk": "_gbk"}.get(encoding, "")
    return csv((xcol, ycol, name_col), rows, name=f"{xcol}_{ycol}{suffix}.csv",
               encoding=encoding, bom=bom)


def csv_wkt(column: str) -> Upload:
    rows = [(label, Point(lon, lat).wkt) for _, label, lon, lat in REF_POINTS]
    rows.append((REF_POLYGON[1], Polygon(REF_POLYGON[2]).wkt))
    return csv(("名称", column), rows, name=f"wkt_{column}.csv")


def csv_no_coordinates() -> Upload:
    return csv(("名称", "类型", "面积"), [("西太湖科技产业园", "园区", 12.5)], name="nocoords.csv")


CSV_BAD_ROW = 1


def csv_bad_value() -> Upload:
    rows = [(119.885, 31.712, "a"), ("abc", 31.70, "b"), (119.9424, 31.6603, "c")]
    return csv(("lon", "lat", "name"), rows, name="bad_value.csv")


def csv_bad_wkt() -> Upload:
    rows = [("a", "POINT (119.885 31.712)"), ("b", "POINT (119.9"), ("c", "POINT (119.94 31.66)")]
    return csv(("name", "wkt"), rows, name="bad_wkt.csv")


def csv_datum(datum: str) -> Upload:
    fn = {"gcj02": prcoords.wgs_gcj, "bd09": prcoords.wgs_bd}[datum]

    def shift(lon: float, lat: float) -> tuple[float, float]:
        c = fn(prcoords.Coords(lat, lon))
        return c.lon, c.lat

    up = csv_points("经度", "纬度", transform=shift)
    return f"{datum}.csv", up[1]


# ----------------------------------------------------------------------------- issue 19: bombs
def _gpkg_point_blob(lon: float = 119.8, lat: float = 31.6) -> str:
    """A GeoPackage geometry blob (header "GP", version 0, little-endian, no envelope, SRS 4326
    + WKB point) as an SQL hex literal."""
    import struct

    wkb = struct.pack("<bIdd", 1, 1, lon, lat)
    return "X'" + (b"GP\x00\x01" + struct.pack("<i", 4326) + wkb).hex() + "'"


def gpkg_view(select: str, name: str = "view.gpkg", *, virtual: str | None = None) -> Upload:
    """A GeoPackage whose only layer ``bomb`` is a view ``select`` (columns fid, geom) — or,
    with ``virtual``, a virtual table ``CREATE VIRTUAL TABLE bomb USING {virtual}`` — registered
    in gpkg_contents and gpkg_geometry_columns as a point layer."""
    import sqlite3

    _, data = gpkg({"seed": ref_points_gdf()})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        con = sqlite3.connect(path)
        for table in [r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'rtree_%'")]:
            con.execute(f'DROP TABLE IF EXISTS "{table}"')
        for trig in [r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'")]:
            con.execute(f'DROP TRIGGER "{trig}"')
        con.execute("DROP TABLE seed")
        con.execute("DELETE FROM gpkg_contents")
        con.execute("DELETE FROM gpkg_geometry_columns")
        con.execute("DELETE FROM gpkg_extensions WHERE table_name = 'seed'")
        if virtual:  # a module plain SQLite lacks (GDAL's VirtualOGR): written into the schema
            con.execute("PRAGMA writable_schema = ON")
            con.execute("INSERT INTO sqlite_master (type, name, tbl_name, rootpage, sql) "
                        "VALUES ('table', 'bomb', 'bomb', 0, ?)",
                        (f"CREATE VIRTUAL TABLE bomb USING {virtual}",))
            con.execute("PRAGMA writable_schema = OFF")
        else:
            con.execute(f"CREATE VIEW bomb AS {select}")
        con.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
                    "VALUES ('bomb', 'features', 'bomb', 4326)")
        con.execute("INSERT INTO gpkg_geometry_columns VALUES ('bomb', 'geom', 'POINT', 4326, "
                    "0, 0)")
        con.commit()
        con.close()
        return name, path.read_bytes()


def gpkg_recursive_view() -> Upload:
    """A view over a recursive query with no end: reading it never finishes."""
    blob = _gpkg_point_blob()
    return gpkg_view("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                     f"SELECT x AS fid, {blob} AS geom FROM c", "recursive_view.gpkg")


def gpkg_rows_view(rows: int = 3_000_000) -> Upload:
    blob = _gpkg_point_blob()
    return gpkg_view(f"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE "
                     f"x < {rows}) SELECT x AS fid, {blob} AS geom FROM c", "rows_view.gpkg")


def csv_wide(columns: int) -> Upload:
    """A CSV whose header has ``columns`` columns (lon, lat and fillers) and one data row."""
    header = "lon,lat," + ",".join(f"c{i}" for i in range(columns - 2))
    row = "119.8,31.6" + "," * (columns - 2)
    return f"wide_{columns}.csv", (header + "\n" + row + "\n").encode()


def json_deep(depth: int = 100_000) -> Upload:
    """A FeatureCollection whose one property nests ``depth`` arrays."""
    inner = "[" * depth + "]" * depth
    return "deep.geojson", ('{"type": "FeatureCollection", "features": [{"type": "Feature", '
                            '"geometry": {"type": "Point", "coordinates": [119.8, 31.6]}, '
                            f'"properties": {{"deep": {inner}}}}}]}}').encode()


def geojson_heavy(polygons: int = 1_000, vertices: int = 2_000) -> Upload:
    """``polygons`` star-shaped polygons of ``vertices`` vertices each (2,000,000 by default)."""
    import numpy as np

    angle = np.linspace(0, 2 * np.pi, vertices, endpoint=False)
    radius = 0.002 * (1 + 0.3 * (np.arange(vertices) % 2))
    parts = []
    for k in range(polygons):
        cx, cy = 119.5 + 0.02 * (k % 30), 31.4 + 0.02 * (k // 30)
        ring = [f"[{x:.6f},{y:.6f}]" for x, y in zip(cx + radius * np.cos(angle),
                                                     cy + radius * np.sin(angle), strict=True)]
        ring.append(ring[0])
        coords = ",".join(ring)
        parts.append(f'{{"type":"Feature","properties":{{"id":"p{k}"}},"geometry":'
                     f'{{"type":"Polygon","coordinates":[[{coords}]]}}}}')
    return "heavy.geojson", ('{"type":"FeatureCollection","features":[' + ",".join(parts)
                             + "]}").encode()


# ------------------------------------------------------------------ issue 19: remote references
def remote_references(url: str) -> dict[str, Upload]:
    """Every form of remote reference ingest must refuse without a request, pointing at
    ``url`` (a test listener): label → upload."""
    point = {"type": "Feature", "properties": {}, "geometry": {"type": "Point",
                                                               "coordinates": [119.8, 31.6]}}
    placemark = ("<Placemark><name>p</name><Point><coordinates>119.8,31.6</coordinates></Point>"
                 "</Placemark>")
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    kml_open = '<kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
    vrt = (f'<OGRVRTDataSource><OGRVRTLayer name="a"><SrcDataSource>/vsicurl/{url}/a.geojson'
           "</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>").encode()
    return {
        "geojson crs link": ("link.geojson", dump(collection(
            [point], crs={"type": "link", "properties": {"href": url, "type": "proj4"}}))),
        "geojson crs name url": ("named.geojson", dump(collection(
            [point], crs={"type": "name", "properties": {"name": f"{url}/crs"}}))),
        "kml NetworkLink": ("network.kml", (
            f"{head}{kml_open}<NetworkLink><Link><href>{url}/more.kml</href></Link>"
            f"</NetworkLink>{placemark}</Document></kml>").encode()),
        "kml XXE": ("xxe.kml", (
            f'{head}<!DOCTYPE kml [<!ENTITY e SYSTEM "{url}/secret">]>{kml_open}'
            f"<Placemark><name>&e;</name><Point><coordinates>119.8,31.6</coordinates></Point>"
            "</Placemark></Document></kml>").encode()),
        "kmz NetworkLink": ("network.kmz", zip_bytes({"doc.kml": (
            f"{head}{kml_open}<NetworkLink><Link><href>{url}/more.kml</href></Link>"
            f"</NetworkLink>{placemark}</Document></kml>").encode()})),
        "vrt as geojson": ("vrt.geojson", vrt),
        "vrt as gpkg": ("vrt.gpkg", vrt),
        "vrt as shp in zip": ("vrt.zip", zip_bytes({"a.shp": vrt, "a.shx": vrt, "a.dbf": vrt})),
        "gpkg virtual table": gpkg_view("", "virtual.gpkg",
                                        virtual=f"VirtualOGR('/vsicurl/{url}/a.geojson')"),
    }


def kml_remote_icon(url: str) -> Upload:
    """A KML whose style names a remote icon (as Google Earth writes): read, the icon never
    fetched."""
    return "icon.kml", (
        '<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">'
        f'<Document><Style id="s"><IconStyle><Icon><href>{url}/icon.png</href></Icon>'
        '</IconStyle></Style><Placemark><name>p</name><styleUrl>#s</styleUrl><Point>'
        "<coordinates>119.8,31.6</coordinates></Point></Placemark></Document></kml>").encode()


def sleepy_ingest(*args: Any) -> Any:
    """A stand-in for ingest_file that never finishes (the worker's time budget)."""
    import time

    args[3](0.05, "read")  # progress reaches the parent
    time.sleep(600)


def hungry_ingest(*_args: Any) -> Any:
    """A stand-in for ingest_file that takes memory without end (the worker's memory budget)."""
    hoard = []
    while True:
        hoard.append(bytearray(16 * 2**20))
