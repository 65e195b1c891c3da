"""Ingest: uploaded bytes + file name → validated WGS84 GeoDataFrame and findings.

Every upload is synthesised by ``tests/ingest_fixtures.py``.  The tests assert finding codes,
severities, feature indexes and the params the contract names — never message wording.  Positions
are checked against the WGS84 reference layer with geodesic distances (``pyproj.Geod``).
"""

from __future__ import annotations

import hashlib
import inspect
import io
import json
import zipfile
from collections.abc import Callable, Sequence

import ingest_fixtures as fx
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod

from lianghu_map.errors import Finding, Severity, param_text
from lianghu_map.ingest import IngestOptions, IngestResult, ingest_file

GEOD = Geod(ellps="WGS84")
LANGS = ("zh-Hans", "zh-Hant", "en")
TOL_M = 1.0

ERR, WARN, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
# The severity of every code a test here provokes (errors.py: ERROR = cannot be saved as it is,
# WARNING = saved after a repair or drop, INFO = what was done).  style_stripped is left open.
SEVERITY: dict[str, Severity] = {
    **dict.fromkeys(
        ("empty_file", "file_too_large", "too_many_features", "unsupported_format", "not_json",
         "not_geojson", "topojson", "unreadable", "no_features", "choose_layer",
         "unknown_layer", "shapefile_incomplete", "zip_no_shapefile", "kmz_no_kml",
         "projected_no_crs", "out_of_range", "swapped_axes", "csv_no_coordinates"), ERR),
    **dict.fromkeys(
        ("null_geometry", "invalid_geometry", "mixed_geometry", "duplicate_id", "csv_bad_value",
         "csv_bad_wkt"), WARN),
    **dict.fromkeys(
        ("bom_removed", "legacy_crs", "crs_converted", "crs_assumed", "datum_converted",
         "axes_swapped", "encoding_guessed", "encoding_declared", "csv_columns",
         "csv_wkt_column"), INFO),
}


# ----------------------------------------------------------------------------- helpers
def run(upload: tuple[str, bytes], **options) -> IngestResult:
    """Ingest ``upload`` and check what must hold for every file, good or bad."""
    name, data = upload
    res = ingest_file(name, data, IngestOptions(**options))
    assert isinstance(res, IngestResult)
    assert res.file in (name, name.replace("\\", "/").rsplit("/", 1)[-1])  # base name is fine
    assert res.sha256 == hashlib.sha256(data).hexdigest()
    assert res.codes() == {f.code for f in res.findings}
    for f in res.findings:
        assert isinstance(f, Finding)
        assert f.file == res.file
        assert isinstance(f.severity, Severity)
        if f.code in SEVERITY:
            assert f.severity == SEVERITY[f.code], f
        assert f.index is None or (isinstance(f.index, int) and f.index >= 0), f
        for lang in LANGS:
            text = f.message(lang)
            assert isinstance(text, str)
            assert text.strip(), (f.code, lang)
    errors = [f for f in res.findings if f.severity == Severity.ERROR]
    assert res.ok is (not errors)
    if errors:
        assert res.gdf is None
    else:
        gdf = res.gdf
        assert gdf is not None
        assert gdf.crs is not None
        assert gdf.crs.to_epsg() == 4326
        assert "geometry" in gdf.columns
        assert "source_index" in gdf.columns
        assert pd.api.types.is_integer_dtype(gdf["source_index"])
        assert gdf["source_index"].is_unique
        assert not gdf.geometry.isna().any()
        assert not gdf.geometry.is_empty.any()
        assert gdf.geometry.is_valid.all()
    return res


def found(res: IngestResult, code: str) -> list[Finding]:
    return [f for f in res.findings if f.code == code]


def one(res: IngestResult, code: str) -> Finding:
    hits = found(res, code)
    assert len(hits) == 1, (code, res.findings)
    return hits[0]


def refused(res: IngestResult, code: str) -> Finding:
    assert code in res.codes(), res.findings
    assert not res.ok
    assert res.gdf is None
    hit = found(res, code)[0]
    assert hit.severity == Severity.ERROR
    return hit


def accepted(res: IngestResult) -> pd.DataFrame:
    assert res.ok, res.findings
    assert res.gdf is not None
    return res.gdf.sort_values("source_index").reset_index(drop=True)


def text_of(value) -> str:
    """A param that may be a string or a list of strings, as one string."""
    if isinstance(value, str):
        return value
    return " ".join(map(str, value))


def dist_m(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Geodesic distances between lon/lat rows of ``a`` and ``b`` (metres)."""
    _, _, d = GEOD.inv(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
    return np.asarray(d)


def vertex_error_m(expected, actual) -> float:
    """Largest distance from a vertex of one geometry to the nearest vertex of the other."""
    e = shapely.get_coordinates(expected)
    a = shapely.get_coordinates(actual)
    assert len(e) and len(a)
    ee, aa = np.repeat(e, len(a), axis=0), np.tile(a, (len(e), 1))
    d = dist_m(ee, aa).reshape(len(e), len(a))
    return float(max(d.min(axis=1).max(), d.min(axis=0).max()))


def assert_at_reference(gdf, ref_rows: Sequence[int], tol: float = TOL_M) -> None:
    """Row k of ``gdf`` (by source_index) lies within ``tol`` m of reference feature ref_rows[k]."""
    gdf = gdf.sort_values("source_index")
    ref = fx.ref_gdf().geometry
    assert len(gdf) == len(ref_rows)
    for geom, r in zip(gdf.geometry, ref_rows, strict=True):
        assert geom.geom_type.removeprefix("Multi") == ref[r].geom_type, (geom, r)
        err = vertex_error_m(ref[r], geom)
        assert err <= tol, f"feature {r} is {err:.3f} m from its reference position"


def assert_near_changzhou(gdf) -> None:
    x0, y0, x1, y1 = gdf.total_bounds
    assert fx.CHANGZHOU_LON[0] <= x0 <= x1 <= fx.CHANGZHOU_LON[1], gdf.total_bounds
    assert fx.CHANGZHOU_LAT[0] <= y0 <= y1 <= fx.CHANGZHOU_LAT[1], gdf.total_bounds


def has_column(gdf, values: Sequence[str]) -> bool:
    """Some attribute column holds exactly ``values`` (in source order)."""
    gdf = gdf.sort_values("source_index")
    return any(
        [str(v) for v in gdf[c]] == list(values)
        for c in gdf.columns if c not in ("geometry", "source_index"))


# ----------------------------------------------------------------------------- good files
GOOD: dict[str, tuple[Callable[[], tuple[str, bytes]], str, tuple[int, ...], tuple[str, ...]]] = {
    # id: (builder, format, reference rows, names in source order)
    "geojson": (fx.geojson_ref, "geojson", (0, 1, 2, 3), fx.REF_NAMES),
    "geojson-points": (fx.geojson_points, "geojson", (0, 1, 2), fx.REF_NAMES[:3]),
    "geojson-single-feature": (fx.geojson_single_feature, "geojson", (0,), fx.REF_NAMES[:1]),
    "geojson-bare-geometry": (fx.geojson_bare_geometry, "geojson", (3,), ()),
    "geojson-bom": (fx.geojson_bom, "geojson", (0, 1, 2), fx.REF_NAMES[:3]),
    "shapefile": (fx.shapefile_zip, "shapefile", (0, 1, 2), fx.REF_NAMES[:3]),
    "shapefile-subfolder": (lambda: fx.shapefile_zip(folder="export/2024/", name="nested.zip"),
                            "shapefile", (0, 1, 2), fx.REF_NAMES[:3]),
    "shapefile-polygon": (lambda: fx.shapefile_zip(fx.ref_gdf().iloc[[3]], "wetland"),
                          "shapefile", (3,), fx.REF_NAMES[3:]),
    "shapefile-lonlat-no-prj": (fx.shapefile_lonlat_no_prj, "shapefile", (0, 1, 2),
                                fx.REF_NAMES[:3]),
    "gpkg": (fx.gpkg_one, "gpkg", (0, 1, 2, 3), fx.REF_NAMES),
    "kml": (fx.kml_handwritten, "kml", (0, 3), fx.KML_NAMES),
    "kml-ogr": (fx.kml_pyogrio, "kml", (0, 1, 2, 3), fx.REF_NAMES),
    "kmz": (fx.kmz, "kmz", (0, 3), fx.KML_NAMES),
    "csv-wkt": (lambda: fx.csv_wkt("wkt"), "csv", (0, 1, 2, 3), fx.REF_NAMES),
    "csv-geometry": (lambda: fx.csv_wkt("geometry"), "csv", (0, 1, 2, 3), fx.REF_NAMES),
}


@pytest.mark.parametrize("case", GOOD.keys())
def test_good_file_is_read_in_place(case: str) -> None:
    build, fmt, ref_rows, names = GOOD[case]
    res = run(build())
    gdf = accepted(res)
    assert res.format == fmt
    assert list(gdf["source_index"]) == list(range(len(ref_rows)))
    assert_at_reference(gdf, ref_rows)
    assert_near_changzhou(gdf)
    if names:
        assert has_column(gdf, names), gdf.drop(columns="geometry").to_dict("list")


def test_good_geojson_keeps_attributes_and_ids() -> None:
    res = run(fx.geojson_ref())
    gdf = accepted(res)
    assert {"name", "kind"} <= set(gdf.columns)
    assert list(gdf["kind"]) == ["place", "place", "place", "green"]
    assert res.layers == ()
    assert res.source_crs in (None, "EPSG:4326")
    assert "duplicate_id" not in res.codes()
    assert "datum_converted" not in res.codes()  # datum defaults to WGS84


@pytest.mark.parametrize("build", [fx.geojson_single_feature, fx.geojson_bare_geometry],
                         ids=["feature", "geometry"])
def test_single_feature_or_bare_geometry(build) -> None:
    gdf = accepted(run(build()))
    assert len(gdf) == 1
    assert list(gdf["source_index"]) == [0]


# ----------------------------------------------------------------------------- whole-file errors
@pytest.mark.parametrize(("build", "code"), [
    (fx.empty_file, "empty_file"),
    (fx.unsupported_txt, "unsupported_format"),
    (fx.unsupported_docx, "unsupported_format"),
    (fx.topojson, "topojson"),
    (fx.geojson_no_features, "no_features"),
    (fx.zip_without_shapefile, "zip_no_shapefile"),
    (fx.kmz_without_kml, "kmz_no_kml"),
    (fx.csv_no_coordinates, "csv_no_coordinates"),
    (lambda: fx.shapefile_zip(drop=[".shx"]), "shapefile_incomplete"),
    (lambda: fx.shapefile_zip(drop=[".dbf"]), "shapefile_incomplete"),
    (fx.shapefile_two_layers, "choose_layer"),
    (fx.gpkg_two, "choose_layer"),
], ids=["empty", "txt", "docx", "topojson", "no-features", "zip-no-shp", "kmz-no-kml",
        "csv-no-coords", "shp-no-shx", "shp-no-dbf", "zip-two-shp", "gpkg-two-layers"])
def test_refused(build, code: str) -> None:
    refused(run(build()), code)


@pytest.mark.parametrize(("build", "ext"), [(fx.unsupported_txt, "txt"),
                                            (fx.unsupported_docx, "docx")])
def test_unsupported_format_names_extension(build, ext: str) -> None:
    f = refused(run(build()), "unsupported_format")
    assert ext in str(f.params["ext"]).lower()


@pytest.mark.parametrize(("missing", "ext"), [(".shx", "shx"), (".dbf", "dbf")])
def test_incomplete_shapefile_names_missing_part(missing: str, ext: str) -> None:
    f = refused(run(fx.shapefile_zip(drop=[missing])), "shapefile_incomplete")
    assert ext in text_of(f.params["missing"]).lower()
    assert "parks" in str(f.params["name"])


def test_zip_without_shapefile_lists_members() -> None:
    f = refused(run(fx.zip_without_shapefile()), "zip_no_shapefile")
    assert "readme.txt" in text_of(f.params["members"])


def test_csv_without_coordinates_lists_columns() -> None:
    f = refused(run(fx.csv_no_coordinates()), "csv_no_coordinates")
    assert "名称" in text_of(f.params["columns"])


# ----------------------------------------------------------------------------- limits
def test_file_too_large() -> None:
    up = fx.geojson_ref()
    refused(run(up, max_bytes=len(up[1]) - 1), "file_too_large")


def test_file_at_size_limit_is_accepted() -> None:
    up = fx.geojson_ref()
    accepted(run(up, max_bytes=len(up[1])))


def test_too_many_features() -> None:
    f = refused(run(fx.geojson_n_points(11), max_features=10), "too_many_features")
    assert int(f.params["limit"]) == 10
    assert int(f.params["count"]) > 10


def test_features_at_limit_are_accepted() -> None:
    gdf = accepted(run(fx.geojson_n_points(10), max_features=10))
    assert len(gdf) == 10


# ----------------------------------------------------------------------------- JSON errors
@pytest.mark.parametrize(("build", "positions"), [
    (fx.json_truncated, (fx.TRUNCATED_AT,)),
    (fx.json_trailing_comma, fx.TRAILING_COMMA_AT),
    (fx.json_missing_comma, (fx.MISSING_COMMA_AT,)),
], ids=["truncated", "trailing-comma", "missing-comma"])
def test_not_json_gives_line_and_column(build, positions) -> None:
    f = refused(run(build()), "not_json")
    assert (int(f.params["line"]), int(f.params["column"])) in positions, f.params


@pytest.mark.parametrize("build", [fx.json_array, fx.json_no_type, fx.json_unknown_type],
                         ids=["array", "no-type", "unknown-type"])
def test_json_that_is_not_geojson(build) -> None:
    f = refused(run(build()), "not_geojson")
    for lang in ("zh-Hans", "zh-Hant", "en"):  # said in words of each language
        what = param_text(f.params["what"], lang)
        assert isinstance(what, str) and what.strip()


def test_not_geojson_names_the_unknown_type() -> None:
    f = refused(run(fx.json_unknown_type()), "not_geojson")
    assert all("Foo" in f.message(lang) for lang in ("zh-Hans", "zh-Hant", "en"))


def test_topojson_is_recognised_not_read() -> None:
    res = run(fx.topojson())
    refused(res, "topojson")
    assert "not_json" not in res.codes()


# ----------------------------------------------------------------------------- encodings
def test_bom_is_removed_and_names_intact() -> None:
    res = run(fx.geojson_bom())
    gdf = accepted(res)
    assert one(res, "bom_removed").severity == Severity.INFO
    assert list(gdf["name"]) == list(fx.REF_NAMES[:3])


def test_shapefile_with_cpg_is_not_guessed() -> None:
    res = run(fx.shapefile_zip())
    accepted(res)
    assert "encoding_guessed" not in res.codes()


def test_gbk_shapefile_with_cpg() -> None:
    res = run(fx.shapefile_zip(fx.gbk_gdf(), "gbk_cpg", encoding="GBK"))
    gdf = accepted(res)
    assert list(gdf["name"]) == list(fx.GBK_NAMES)
    assert "encoding_guessed" not in res.codes()


def test_gbk_shapefile_without_cpg_is_guessed() -> None:
    up = fx.shapefile_gbk_no_cpg()
    with zipfile.ZipFile(io.BytesIO(up[1])) as z:  # the fixture really is GBK, undeclared
        assert not any(n.endswith(".cpg") for n in z.namelist())
        dbf = z.read("gbk_parks.dbf")
    assert dbf[29] == 0
    assert "西太湖科技产业园".encode("gbk") in dbf
    assert "西太湖科技产业园".encode() not in dbf

    res = run(up)
    gdf = accepted(res)
    assert list(gdf["name"]) == list(fx.GBK_NAMES)
    assert list(gdf["kind"]) == ["园区", "枢纽", "湿地", "度假区"]
    f = one(res, "encoding_guessed")
    assert f.severity == Severity.INFO
    assert str(f.params["encoding"]).upper() in ("GB18030", "GBK", "CP936")


# ----------------------------------------------------------------------------- CRS
@pytest.mark.parametrize("epsg", [4549, 4490, 4528])
def test_legacy_crs_member_is_honoured(epsg: int) -> None:
    res = run(fx.geojson_legacy_crs(epsg))
    gdf = accepted(res)
    assert one(res, "legacy_crs").severity == Severity.INFO
    assert res.source_crs == f"EPSG:{epsg}"
    assert res.conversions
    assert_at_reference(gdf, (0, 1, 2, 3))


PROJECTED = {
    "geojson-4549": (lambda: fx.geojson_projected_no_crs(4549), "EPSG:4549", (0, 1, 2, 3)),
    "geojson-4528": (lambda: fx.geojson_projected_no_crs(4528), "EPSG:4528", (0, 1, 2, 3)),
    "shapefile-no-prj-4549": (lambda: fx.shapefile_projected_no_prj(4549), "EPSG:4549",
                              (0, 1, 2)),
    "csv-xy-4528": (lambda: fx.csv_points("x", "y", transform=fx.projector(4528)), "EPSG:4528",
                    (0, 1, 2)),
    "literal-510000": (lambda: fx.geojson_projected_literal(510_000, 3_510_000), "EPSG:4549",
                       None),
    "literal-40510000": (lambda: fx.geojson_projected_literal(40_510_000, 3_510_000),
                         "EPSG:4528", None),
}


@pytest.mark.parametrize("case", PROJECTED.keys())
def test_projected_without_crs_is_refused_with_suggestions(case: str) -> None:
    build, crs, _ = PROJECTED[case]
    f = refused(run(build()), "projected_no_crs")
    suggestions = f.params["suggestions"]
    assert suggestions
    assert crs in text_of(suggestions)


@pytest.mark.parametrize("case", PROJECTED.keys())
def test_projected_with_assumed_crs(case: str) -> None:
    build, crs, ref_rows = PROJECTED[case]
    res = run(build(), assume_crs=crs)
    gdf = accepted(res)
    assert one(res, "crs_assumed").severity == Severity.INFO
    assert "projected_no_crs" not in res.codes()
    assert_near_changzhou(gdf)
    if ref_rows is not None:
        assert_at_reference(gdf, ref_rows)


def test_gpkg_in_projected_crs_is_converted() -> None:
    res = run(fx.gpkg_projected(4549))
    gdf = accepted(res)
    assert one(res, "crs_converted").severity == Severity.INFO
    assert res.source_crs == "EPSG:4549"
    assert res.conversions
    assert_at_reference(gdf, (0, 1, 2, 3))


def test_swapped_axes_are_refused() -> None:
    refused(run(fx.geojson_swapped()), "swapped_axes")


def test_swapped_axes_swapped_on_request() -> None:
    res = run(fx.geojson_swapped(), swap_xy=True)
    gdf = accepted(res)
    assert "axes_swapped" in res.codes()
    assert "swapped_axes" not in res.codes()
    assert gdf.geometry.iloc[0].x == pytest.approx(119.885, abs=1e-6)
    assert_at_reference(gdf, (0, 1, 2, 3))


@pytest.mark.parametrize("id_as", ["member", "id", "feature_id"])
def test_out_of_range(id_as: str) -> None:
    res = run(fx.geojson_out_of_range(id_as))
    f = refused(res, "out_of_range")
    assert f.index == fx.OUT_OF_RANGE_INDEX
    assert f.feature_id == "bad1"
    assert "swapped_axes" not in res.codes()


# ----------------------------------------------------------------------------- datum
@pytest.mark.parametrize("datum", ["gcj02", "bd09"])
def test_datum_geojson_back_to_wgs84(datum: str) -> None:
    res = run(fx.geojson_datum(datum), datum=datum)
    gdf = accepted(res)
    f = one(res, "datum_converted")
    assert f.severity == Severity.INFO
    assert int(f.params["count"]) == 4
    assert res.conversions
    assert_at_reference(gdf, (0, 1, 2, 3))


@pytest.mark.parametrize("datum", ["gcj02", "bd09"])
def test_datum_csv_back_to_wgs84(datum: str) -> None:
    res = run(fx.csv_datum(datum), datum=datum)
    gdf = accepted(res)
    assert "datum_converted" in res.codes()
    assert_at_reference(gdf, (0, 1, 2))


@pytest.mark.parametrize("datum", ["gcj02", "bd09"])
def test_datum_fixture_is_really_shifted(datum: str) -> None:
    """Taken as WGS84, the shifted file lands hundreds of metres off: the oracle bites."""
    gdf = accepted(run(fx.geojson_datum(datum)))
    ref = fx.ref_gdf().geometry
    assert vertex_error_m(ref[0], gdf.geometry.iloc[0]) > 300


# ----------------------------------------------------------------------------- features
@pytest.mark.parametrize("mixed_ids", [False, True], ids=["id-members", "id-member+property"])
def test_null_and_empty_geometries_dropped(mixed_ids: bool) -> None:
    res = run(fx.geojson_null_geometries(mixed_ids))
    gdf = accepted(res)
    hits = found(res, "null_geometry")
    assert all(f.severity == Severity.WARNING for f in hits)
    assert sorted((f.index, f.feature_id) for f in hits) == list(fx.NULL_GEOMETRY_BAD)
    assert list(gdf["source_index"]) == list(fx.NULL_GEOMETRY_KEPT)
    assert len(gdf) == 3


def test_bowtie_is_repaired() -> None:
    res = run(fx.geojson_bowtie())
    gdf = accepted(res)
    f = one(res, "invalid_geometry")
    assert f.severity == Severity.WARNING
    assert f.index == fx.BOWTIE_INDEX
    assert f.feature_id == "bow1"
    assert "Self-intersection" in str(f.params["reason"])
    assert len(gdf) == 2
    assert gdf.geometry.is_valid.all()
    repaired = gdf.geometry.iloc[1]
    assert repaired.area > 0
    assert repaired.geom_type in ("Polygon", "MultiPolygon")


def test_mixed_geometry_warns() -> None:
    res = run(fx.geojson_mixed())
    accepted(res)
    finding = one(res, "mixed_geometry")
    assert finding.severity == Severity.WARNING
    # the geometry types in words of the UI language, listed as that language lists
    zh, hant, en = (finding.message(lang) for lang in ("zh-Hans", "zh-Hant", "en"))
    assert "点、" in zh and "點、" in hant and "point, " in en
    assert not any(w in zh + hant for w in ("Point", "LineString", "Polygon", ", "))


@pytest.mark.parametrize("build", [fx.geojson_point_multipoint, fx.geojson_points,
                                   fx.geojson_bare_geometry], ids=["point+multipoint", "points",
                                                                   "polygon"])
def test_one_geometry_family_is_not_mixed(build) -> None:
    res = run(build())
    accepted(res)
    assert "mixed_geometry" not in res.codes()


def test_duplicate_id_names_the_second() -> None:
    res = run(fx.geojson_duplicate_ids())
    gdf = accepted(res)
    f = one(res, "duplicate_id")
    assert f.severity == Severity.WARNING
    assert f.index == fx.DUPLICATE_ID_INDEX
    assert f.feature_id == "a"
    assert str(f.params["id"]) == "a"
    assert int(f.params["first"]) == 0
    assert len(gdf) == 3


def test_style_is_whitelisted() -> None:
    res = run(fx.geojson_style())
    gdf = res.gdf
    assert "style_stripped" in res.codes()  # "color: red" (CSS text) is not a style object
    assert json.loads(gdf["style"].iat[0]) == {"color": "#ff0000", "weight": 3}
    assert gdf["style"].iat[1] is None or pd.isna(gdf["style"].iat[1])


def test_hostile_strings_are_kept_as_data() -> None:
    gdf = accepted(run(fx.geojson_hostile()))
    assert gdf["name"].iloc[0] == fx.XSS
    assert gdf["note"].iloc[1] == fx.SCRIPT


def test_directive_ids_are_kept() -> None:
    gdf = accepted(run(fx.geojson_directive_ids()))
    assert "directive_ids" in gdf.columns
    assert "innovate.1" in text_of(gdf["directive_ids"].iloc[0])
    assert {"innovate.1", "modern.1"} <= set(
        str(gdf["directive_ids"].iloc[1]).replace("[", " ").replace("]", " ")
        .replace('"', " ").replace("'", " ").replace(",", " ").split())


# ----------------------------------------------------------------------------- layers
def test_gpkg_two_layers_lists_both() -> None:
    res = run(fx.gpkg_two())
    f = refused(res, "choose_layer")
    assert set(res.layers) == {"a", "b"}
    assert {"a", "b"} <= set(text_of(f.params["layers"]).replace(",", " ").split())


@pytest.mark.parametrize(("layer", "rows"), [("a", (0, 1, 2)), ("b", (3,))])
def test_gpkg_chosen_layer(layer: str, rows: tuple[int, ...]) -> None:
    res = run(fx.gpkg_two(), layer=layer)
    gdf = accepted(res)
    assert set(res.layers) == {"a", "b"}
    assert_at_reference(gdf, rows)


def test_gpkg_unknown_layer() -> None:
    res = run(fx.gpkg_two(), layer="zzz")
    f = refused(res, "unknown_layer")
    assert f.params["layer"] == "zzz"


def test_gpkg_one_layer_needs_no_choice() -> None:
    res = run(fx.gpkg_one())
    accepted(res)
    assert "choose_layer" not in res.codes()


def test_zip_with_two_shapefiles_lists_both_and_reads_the_chosen() -> None:
    res = run(fx.shapefile_two_layers())
    refused(res, "choose_layer")
    assert len(res.layers) == 2
    by_stem = {stem: next(n for n in res.layers if stem in n) for stem in ("stations", "green")}
    gdf = accepted(run(fx.shapefile_two_layers(), layer=by_stem["green"]))
    assert_at_reference(gdf, (3,))
    gdf = accepted(run(fx.shapefile_two_layers(), layer=by_stem["stations"]))
    assert_at_reference(gdf, (0, 1, 2))


# ----------------------------------------------------------------------------- CSV
CSV_COLUMNS = [("经度", "纬度", "utf-8", False), ("经度", "纬度", "gbk", False),
               ("经度", "纬度", "utf-8", True), ("lon", "lat", "utf-8", False),
               ("lng", "lat", "utf-8", False), ("x", "y", "utf-8", False),
               ("X", "Y", "utf-8", False), ("longitude", "latitude", "utf-8", False)]


@pytest.mark.parametrize(("xcol", "ycol", "encoding", "bom"), CSV_COLUMNS,
                         ids=[f"{x}-{y}-{e}{'-bom' if b else ''}" for x, y, e, b in CSV_COLUMNS])
def test_csv_coordinate_columns(xcol: str, ycol: str, encoding: str, bom: bool) -> None:
    res = run(fx.csv_points(xcol, ycol, encoding=encoding, bom=bom))
    gdf = accepted(res)
    assert res.format == "csv"
    f = one(res, "csv_columns")
    assert f.severity == Severity.INFO
    assert (f.params["x"], f.params["y"]) == (xcol, ycol)
    assert list(gdf["名称"]) == list(fx.REF_NAMES[:3])
    assert_at_reference(gdf, (0, 1, 2))
    if bom:
        assert "bom_removed" in res.codes()


@pytest.mark.parametrize("column", ["wkt", "geometry"])
def test_csv_wkt_column(column: str) -> None:
    res = run(fx.csv_wkt(column))
    accepted(res)
    f = one(res, "csv_wkt_column")
    assert f.severity == Severity.INFO
    assert f.params["column"] == column


def test_csv_bad_value_drops_the_row() -> None:
    res = run(fx.csv_bad_value())
    gdf = accepted(res)
    f = one(res, "csv_bad_value")
    assert f.severity == Severity.WARNING
    assert f.index == fx.CSV_BAD_ROW
    assert f.params["value"] == "abc"
    assert list(gdf["source_index"]) == [0, 2]
    assert list(gdf["name"]) == ["a", "c"]


def test_csv_bad_wkt_drops_the_row() -> None:
    res = run(fx.csv_bad_wkt())
    gdf = accepted(res)
    f = one(res, "csv_bad_wkt")
    assert f.severity == Severity.WARNING
    assert f.index == 1
    assert list(gdf["source_index"]) == [0, 2]
    assert list(gdf["name"]) == ["a", "c"]


# ----------------------------------------------------------------------------- never raises
def _garbage(ext: str) -> tuple[str, bytes]:
    return f"garbage{ext}", b"\x00\xff\xfe garbage \x89PNG\r\n" * 10


def _truncated(build) -> Callable[[], tuple[str, bytes]]:
    def make() -> tuple[str, bytes]:
        name, data = build()
        return name, data[: len(data) // 2]
    return make


def _zip_slip() -> tuple[str, bytes]:
    parts = fx.shapefile_parts(fx.ref_points_gdf(), "evil")
    return "slip.zip", fx.zip_bytes({f"../../tmp/evil{e}": d for e, d in parts.items()})


HOSTILE = {
    **{f"garbage{ext}": (lambda ext=ext: _garbage(ext))
       for ext in (".geojson", ".json", ".zip", ".gpkg", ".kml", ".kmz", ".csv")},
    "truncated-gpkg": _truncated(fx.gpkg_one),
    "truncated-zip": _truncated(fx.shapefile_zip),
    "truncated-kmz": _truncated(fx.kmz),
    "truncated-kml": _truncated(fx.kml_handwritten),
    "json-string": lambda: ("s.geojson", b'"just a string"'),
    "json-null": lambda: ("n.geojson", b"null"),
    "whitespace": lambda: ("w.geojson", b"  \n\t "),
}


@pytest.mark.parametrize("case", HOSTILE.keys())
def test_hostile_input_is_refused_not_raised(case: str) -> None:
    res = run(HOSTILE[case]())
    assert not res.ok
    assert res.gdf is None


@pytest.mark.parametrize("build", [
    _zip_slip,
    lambda: ("u16.geojson", fx.geojson_points()[1].decode().encode("utf-16")),
    lambda: ("UPPER.GEOJSON", fx.geojson_points()[1]),
    lambda: ("C:\\Users\\analyst\\Desktop\\parks.geojson", fx.geojson_points()[1]),
], ids=["zip-slip", "utf16", "upper-case-ext", "windows-path"])
def test_odd_but_harmless_inputs_never_raise(build) -> None:
    run(build())  # readable or refused, either is fine; never raises


def _is_builder(obj) -> bool:
    """A fixture function that builds an upload with no arguments."""
    if not inspect.isfunction(obj) or obj.__module__ != fx.__name__:
        return False
    if obj.__name__.split("_")[0] not in ("geojson", "json", "empty", "unsupported", "topojson",
                                          "shapefile", "zip", "gpkg", "kml", "kmz", "csv"):
        return False
    params = inspect.signature(obj).parameters.values()
    return all(p.default is not inspect.Parameter.empty for p in params)


ALL_BUILDERS = [b for b in vars(fx).values() if _is_builder(b)]


@pytest.mark.parametrize("build", ALL_BUILDERS, ids=[b.__name__ for b in ALL_BUILDERS])
def test_every_fixture_ingests_without_raising(build) -> None:
    run(build())  # run() checks messages in three languages and gdf/ok for ERROR findings


def test_kml_keeps_only_the_columns_the_file_fills():
    """GDAL adds timestamp/begin/end/tessellate/extrude/visibility … to every KML feature."""
    res = ingest_file(*fx.kml_handwritten())
    assert res.ok
    assert {"timestamp", "begin", "end", "tessellate", "extrude", "visibility"}.isdisjoint(
        res.gdf.columns)
    assert "Name" in res.gdf.columns


@pytest.mark.parametrize(("data", "code"), [
    (b"wkt\nPOINT (119.8 31.6)\n", "csv_wkt_column"),  # one column: no delimiter to sniff
    (b"lon,lat\r119.8,31.6\r", "csv_columns"),  # old Mac Excel: CR line endings
    (b"lon;lat\n119.8;31.6\n", "csv_columns"),
    (b"lon,lat,name\n119.8,31.6,a,extra\n", "csv_extra_cells"),  # said, not silently dropped
])
def test_csv_shapes_seen_in_the_wild(data: bytes, code: str) -> None:
    res = ingest_file("a.csv", data)
    assert res.ok and code in res.codes()


def test_server_paths_never_reach_a_message() -> None:
    import tempfile

    res = ingest_file("a.zip", fx.zip_bytes({"p.shp": b"garbage", "p.shx": b"x", "p.dbf": b"y"}))
    assert not res.ok
    text = " ".join(f.message("en") for f in res.findings)
    assert tempfile.gettempdir() + "/" not in text and "/vsimem/" not in text
