"""Write the upload corpus groups ``shapefile`` and ``gpkg`` (issue 16): zipped Shapefiles and
GeoPackages shaped like QGIS and ArcGIS exports of Chinese planning data.

    PYTHONPATH=src:tests python tools/corpus_shapefile_gpkg.py

The files are committed; this script documents how each was made (deterministic: run it again
and the same layers come out).  Their expected outcomes are in each folder's ``expected.toml``,
written by hand from what each file is (not from what ingest says).
"""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
from shapely.geometry import LineString, Point, Polygon

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from ingest_fixtures import gbk_gdf, gpkg, shapefile_parts, zip_bytes  # noqa: E402

CORPUS = ROOT / "tests" / "corpus" / "upload"

# ArcGIS's own WKT for the CGCS2000 3-degree Gauss-Krüger projections (as ArcMap/ArcGIS Pro
# write them to .prj): central meridian 120°E without the zone prefix (EPSG:4549), and zone 40
# with it (false easting 40,500,000 m: EPSG:4528)
_GCS = ('GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",'
        'SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],'
        'UNIT["Degree",0.0174532925199433]]')
ESRI_CM120 = ('PROJCS["CGCS2000_3_Degree_GK_CM_120E",' + _GCS + ',PROJECTION["Gauss_Kruger"],'
              'PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],'
              'PARAMETER["Central_Meridian",120.0],PARAMETER["Scale_Factor",1.0],'
              'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]')
ESRI_ZONE40 = ('PROJCS["CGCS2000_3_Degree_GK_Zone_40",' + _GCS + ',PROJECTION["Gauss_Kruger"],'
               'PARAMETER["False_Easting",40500000.0],PARAMETER["False_Northing",0.0],'
               'PARAMETER["Central_Meridian",120.0],PARAMETER["Scale_Factor",1.0],'
               'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]')
ESRI_WGS84 = ('GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,'
              '298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]')


def parks() -> gpd.GeoDataFrame:
    """Three planning polygons and their attributes, as a planning office keeps them."""
    rings = [[(119.86, 31.70), (119.90, 31.70), (119.90, 31.73), (119.86, 31.73)],
             [(119.78, 31.58), (119.82, 31.58), (119.82, 31.62), (119.78, 31.62)],
             [(119.53, 31.63), (119.57, 31.63), (119.57, 31.67), (119.53, 31.67)]]
    return gpd.GeoDataFrame(
        {"名称": ["西太湖科技产业园", "滆湖湿地公园", "长荡湖旅游度假区"],
         "类型": ["园区", "湿地", "度假区"], "面积_ha": [1200.5, 860.0, 2300.25]},
        geometry=[Polygon(r) for r in rings], crs="EPSG:4326")


def roads() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"名称": ["滆湖路", "长虹路"], "等级": ["主干路", "次干路"]},
        geometry=[LineString([(119.80, 31.65), (119.95, 31.70)]),
                  LineString([(119.90, 31.60), (119.92, 31.75)])], crs="EPSG:4326")


def stations() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"名称": ["常州南站", "西太湖站"]},
        geometry=[Point(119.9424, 31.6603), Point(119.885, 31.712)], crs="EPSG:4326")


def _zip(gdf: gpd.GeoDataFrame, stem: str, *, prj: str | None = None, cpg: str | None = None,
         folder: str = "", drop: tuple[str, ...] = (), upper: bool = False,
         **kw) -> bytes:
    parts = shapefile_parts(gdf, stem, **kw)
    if prj is not None:
        parts[".prj"] = prj.encode("ascii")
    if cpg is not None:
        parts[".cpg"] = cpg.encode("ascii")
    for ext in drop:
        parts.pop(ext, None)
    name = stem.upper() if upper else stem
    return zip_bytes({f"{folder}{name}{ext.upper() if upper else ext}": data
                      for ext, data in parts.items()})


def shapefiles() -> dict[str, bytes]:
    p = parks()
    out = {
        # QGIS "Save features as" in EPSG:4549 / EPSG:4528 (GDAL's .prj, .cpg UTF-8)
        "qgis_cgcs2000_gk_cm120_4549.zip": _zip(p.to_crs(4549), "规划园区"),
        "qgis_cgcs2000_gk_zone40_4528.zip": _zip(p.to_crs(4528), "planning_parks"),
        # ArcGIS: its ESRI WKT, a .cpg naming the code page
        "arcgis_cgcs2000_cm120_esri_prj.zip": _zip(p.to_crs(4549), "parks", prj=ESRI_CM120),
        "arcgis_cgcs2000_zone40_esri_prj.zip": _zip(p.to_crs(4528), "parks", prj=ESRI_ZONE40),
        "arcgis_wgs84_esri_prj.zip": _zip(p, "parks", prj=ESRI_WGS84),
        "arcgis_gbk_cpg_936.zip": _zip(p, "parks", encoding="GBK", cpg="936"),
        "arcgis_gbk_cpg_gbk.zip": _zip(p, "parks", encoding="GBK", cpg="GBK"),
        # an old export: GBK DBF, no .cpg, no language-driver byte
        "gbk_dbf_no_cpg.zip": _zip(gbk_gdf(), "gbk_points", encoding="GBK", cpg=None,
                                   drop=(".cpg",), ldid_zero=True),
        "gbk_dbf_no_cpg_polygons.zip": _zip(p, "gbk_parks", encoding="GBK", drop=(".cpg",),
                                            ldid_zero=True),
        "utf8_lines_cpg.zip": _zip(roads(), "roads"),
        # the projection file left out of the zip: numbers that look projected, no CRS
        "gk_cm120_4549_no_prj.zip": _zip(p.to_crs(4549), "parks", drop=(".prj",)),
        "gk_zone40_4528_no_prj.zip": _zip(p.to_crs(4528), "parks", drop=(".prj",)),
        # a .prj nobody can read
        "prj_unreadable.zip": _zip(p, "parks", prj="this is not a projection"),
        # zipped with its folder, and with upper-case names (Windows exports)
        "in_a_folder.zip": _zip(p, "parks", folder="导出/2024/"),
        "upper_case_names.zip": _zip(stations(), "stations", upper=True),
        # parts missing, or two layers in one zip
        "missing_dbf.zip": _zip(p, "parks", drop=(".dbf",)),
        "missing_shx.zip": _zip(p, "parks", drop=(".shx",)),
    }
    a = shapefile_parts(p, "parks")
    b = shapefile_parts(roads(), "roads")
    out["two_shapefiles.zip"] = zip_bytes({f"parks{e}": d for e, d in a.items()}
                                          | {f"roads{e}": d for e, d in b.items()})
    return out


def geopackages() -> dict[str, bytes]:
    p = parks()
    nulls = p.copy()
    nulls.loc[1, "geometry"] = None
    files = {
        "qgis_one_layer_4549.gpkg": {"规划园区": p.to_crs(4549)},
        "qgis_one_layer_4528.gpkg": {"parks": p.to_crs(4528)},
        "three_layers.gpkg": {"公园": p, "道路": roads(), "站点": stations()},
        "three_layers_roads_chosen.gpkg": {"公园": p, "道路": roads(), "站点": stations()},
        "one_null_geometry.gpkg": {"parks": nulls},
    }
    return {name: gpkg(layers, name)[1] for name, layers in files.items()}


def main() -> int:
    for group, files in (("shapefile", shapefiles()), ("gpkg", geopackages())):
        folder = CORPUS / group
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (folder / name).write_bytes(data)
        print(f"{folder}: {len(files)} files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
