"""The formats analysts send (issue 16, "Add"): Excel, DMS text, Google Earth / 奥维 KML, GBK CSV,
GeoJSON sequences and FlatGeobuf — what comes out of each, checked against the truth the corpus
generator wrote into the files (tests/corpus/upload/make_formats_corpus.py)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
import shapely

from lianghu_map.errors import Severity, message
from lianghu_map.ingest import IngestOptions, ingest_file
from lianghu_map.ingest import excel as ingest_excel
from lianghu_map.ingest.tables import header_key

CORPUS = Path(__file__).parent / "corpus" / "upload"
PLACES = {"西太湖科创中心": (119.885, 31.712), "滆湖湿地公园": (119.823, 31.604),
          "武进高铁站": (119.957, 31.684), "湖塘老街": (119.963, 31.716),
          "嘉泽花木基地": (119.794, 31.652), "前黄枇杷园": (119.888, 31.597)}
ARCSEC = 1 / 3600


def ingest(rel: str, **options):
    path = CORPUS / rel
    return ingest_file(path.name, path.read_bytes(), IngestOptions(**options))


def positions(res, name_col: str) -> dict[str, tuple[float, float]]:
    g = res.gdf
    return {n: (x, y) for n, x, y in zip(g[name_col], g.geometry.x, g.geometry.y, strict=True)}


def assert_at_places(res, name_col: str, tol: float = 1e-9) -> None:
    got = positions(res, name_col)
    assert set(got) == set(PLACES)
    for name, (x, y) in PLACES.items():
        assert got[name] == pytest.approx((x, y), abs=tol), name


@pytest.mark.parametrize(("rel", "tol"), [
    ("excel/points_jwd_three_sheets.xlsx", 1e-9), ("excel/title_rows_merged.xlsx", 1e-9),
    ("excel/numbers_as_text.xlsx", 1e-9), ("excel/formulas_cached.xlsx", 1e-9),
    ("excel/trailing_empty_rows.xlsx", 1e-9), ("excel/xlsx_named_xls.xls", 1e-9),
    ("excel/dms_text.xlsx", ARCSEC), ("excel/dms_chinese.xlsx", ARCSEC),
    ("excel/dms_column_and_decimal_minutes.xlsx", ARCSEC),
    ("csv/dms_ascii.csv", ARCSEC), ("csv/dms_chinese.csv", ARCSEC),
    ("csv/dms_spaces.csv", ARCSEC), ("csv/dms_colon.csv", ARCSEC),
    ("csv/dms_decmin.csv", ARCSEC), ("csv/dms_prime.csv", ARCSEC), ("csv/dms_lead.csv", ARCSEC),
    ("csv/dms_gbk_chinese.csv", ARCSEC), ("csv/excel_gbk_crlf.csv", 1e-9),
    ("csv/excel_utf8_bom.csv", 1e-9), ("csv/ovital_points.csv", 1e-9),
    ("csv/title_row_above_header.csv", 1e-9), ("excel/excel2003_dms_dates.xls", ARCSEC),
    ("csv/amap_picker_pairs.csv", 1e-9), ("excel/google_maps_pairs.xlsx", 1e-9),
    ("excel/dms_pairs.xlsx", ARCSEC),
])
def test_points_land_where_the_file_puts_them(rel: str, tol: float) -> None:
    """Names decoded (GBK, shared strings) and each point within a second of arc of the truth
    (whole seconds in DMS files), or exactly."""
    res = ingest(rel)
    assert res.ok, res.findings
    assert_at_places(res, "名称", tol)


def test_bad_rows_are_named_by_their_excel_row_number() -> None:
    """Header on row 1: the bad data rows are rows 6, 7 and 8 as Excel shows them."""
    res = ingest("excel/some_bad_rows.xlsx")
    bad = [f for f in res.findings if f.code == "csv_bad_value"]
    assert [f.params["row"] for f in bad] == [6, 7, 8]
    assert [f.params["value"] for f in bad] == ["待定", "119°75'00\"", ""]
    assert [f.index for f in bad] == [4, 5, 6] and res.total == 7


def test_title_rows_above_the_header_are_skipped() -> None:
    res = ingest("excel/title_rows_merged.xlsx")
    assert list(res.gdf["序号"]) == [1, 2, 3, 4, 5, 6]
    assert not any("两湖创新区" in str(c) for c in res.gdf.columns)


def test_excel_cell_types() -> None:
    """Dates as ISO text, numbers numeric, booleans as TRUE/FALSE."""
    g = ingest("excel/dates_and_numbers.xlsx").gdf
    assert list(g["立项日期"]) == [f"2023-{m:02d}-01" for m in range(3, 9)]
    assert g["投资（亿元）"].dtype.kind == "f"
    assert list(g["投资（亿元）"]) == [1.5, 3.0, 4.5, 6.0, 7.5, 9.0]
    assert list(g["是否开工"]) == ["TRUE", "FALSE"] * 3


def test_excel_97_2003_workbook() -> None:
    """BIFF8 (.xls): title rows skipped (said), DMS text converted, dates as ISO text."""
    res = ingest("excel/excel2003_dms_dates.xls")
    assert list(res.gdf["登记日期"]) == [f"2022-{m:02d}-15" for m in range(1, 7)]
    [f] = [f for f in res.findings if f.code == "table_header_row"]
    assert f.params == {"row": 3, "skipped": 2}


def test_csv_title_rows_are_skipped_and_said() -> None:
    res = ingest("csv/title_row_above_header.csv")
    [f] = [f for f in res.findings if f.code == "table_header_row"]
    assert f.params == {"row": 3, "skipped": 2}
    assert list(res.gdf["序号"]) == ["1", "2", "3", "4", "5", "6"]


def test_the_sheet_is_chosen_by_the_analyst_when_several_hold_coordinates() -> None:
    res = ingest("excel/two_point_sheets.xlsx")
    [f] = [f for f in res.findings if f.code == "choose_layer"]
    assert f.params["layers"] == ("一期", "二期") and res.layers == ("一期", "二期")
    chosen = ingest("excel/two_point_sheets.xlsx", layer="二期")
    assert sorted(chosen.gdf["名称"]) == sorted(list(PLACES)[3:])
    missing = ingest("excel/two_point_sheets.xlsx", layer="三期")
    assert "unknown_layer" in missing.codes()


def test_the_sheet_with_coordinates_is_taken_beside_a_notes_sheet() -> None:
    res = ingest("excel/notes_sheet_and_points.xlsx")
    [f] = [f for f in res.findings if f.code == "excel_sheet"]
    assert f.params["sheet"] == "点位" and f.severity == Severity.INFO


@pytest.mark.parametrize(("rel", "code", "options"), [
    ("excel/row_limit.xlsx", "too_many_features", {"max_features": 20}),
    ("excel/sparse_far_cell.xlsx", "too_many_features", {}),
    ("excel/wide_far_column.xlsx", "csv_too_many_columns", {"max_columns": 500}),
])
def test_sheet_extent_is_bounded_before_calamine_reads_a_cell(monkeypatch, rel, code,
                                                              options) -> None:
    def never(*_a, **_k):
        raise AssertionError("calamine was called")

    monkeypatch.setattr(ingest_excel.calamine.CalamineWorkbook, "from_filelike", never)
    res = ingest(rel, **options)
    assert code in {f.code for f in res.findings if f.severity == Severity.ERROR}


def test_an_xlsx_zip_bomb_is_refused_before_reading() -> None:
    data = (CORPUS / "excel/points_jwd_three_sheets.xlsx").read_bytes()
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet2.xml":
                body = body.replace(b"<sheetData>", b"<sheetData>" + b" " * (8 * 2**20))
            out.writestr(info.filename, body)
    res = ingest_file("bomb.xlsx", buf.getvalue())
    assert not res.ok and "zip_bomb" in res.codes()


@pytest.mark.parametrize(("name", "key"), [
    ("经度(°)", "经度"), ("纬度（N）", "纬度"), ("X坐标", "x"), ("Longitude (WGS84)", "longitude"),
    (" 经度 ", "经度"), ("坐标", "坐标"), ("经度【E】", "经度"),
])
def test_header_key(name: str, key: str) -> None:
    assert header_key(name) == key


def test_google_earth_kml_keeps_folders_and_extended_data() -> None:
    res = ingest("kml/google_earth_folders_extendeddata.kml")
    g = res.gdf.set_index("Name")
    assert g.loc["西太湖科创中心", "负责单位"] == "武进区"  # a Chinese <Data name>, as written
    assert g.loc["西太湖科创中心", "状态"] == "在建"
    assert g.loc["西太湖科创中心", "kml_folder"] == "重点项目/西太湖片区"
    assert g.loc["湿地范围", "kml_folder"] == "重点项目/滆湖片区"
    assert g.loc["湖塘老街", "kml_folder"] == "其他"
    assert g.loc["西太湖科创中心"].geometry.equals(shapely.Point(119.885, 31.712))


def test_schemadata_and_duplicate_folder_names() -> None:
    g = ingest("kml/google_earth_schemadata.kml").gdf
    assert list(g["编号"]) == ["DK-01", "DK-02", "DK-03"]
    assert list(g["面积公顷"]) == [1.5, 3.0, 4.5]
    d = ingest("kml/duplicate_folder_names.kml").gdf
    assert list(d["kml_folder"]) == ["西太湖/默认", "滆湖/默认"]


def test_tracks_become_lines() -> None:
    track = ingest("kml/google_earth_track.kml").gdf.geometry.iloc[0]
    assert track.geom_type == "LineString"
    want = [(119.88 + i * 0.002, 31.71 + i * 0.001) for i in range(4)]
    assert np.allclose(shapely.get_coordinates(track), want)
    multi = ingest("kml/google_earth_multitrack.kml").gdf.geometry.iloc[0]
    assert multi.geom_type == "MultiLineString" and len(multi.geoms) == 2


def test_kml_coordinates_gdal_would_put_at_zero_are_left_out_and_named() -> None:
    res = ingest("kml/bad_coordinates.kml")
    bad = [f for f in res.findings if f.code == "kml_bad_coordinates"]
    assert [(f.index, f.params["name"], f.params["value"]) for f in bad] == [
        (1, "坏点", "119.88a,31.71"), (2, "空坐标", "—")]
    assert list(res.gdf["Name"]) == ["好点"]
    assert "坏点" in message("kml_bad_coordinates", "zh-Hans", bad[0].params)


def test_kmz_with_images_and_declared_gbk() -> None:
    res = ingest("kml/google_earth_with_images.kmz")
    assert res.ok and list(res.gdf["kml_folder"]) == ["现场照片"] * 2
    gbk = ingest("kml/declared_gbk.kml")
    assert list(gbk.gdf["Name"]) == ["科创中心"]


def test_sequence_lines_left_out_are_named_by_line() -> None:
    res = ingest("seq/bad_lines.geojsonl")
    bad = [f for f in res.findings if f.code == "seq_bad_line"]
    assert [f.params["line"] for f in bad] == [3, 6, 7, 8]
    assert [f.index for f in bad] == [2, 5, 6, 7]
    assert "bare Point" in bad[1].params["detail"] and "Featur" in bad[2].params["detail"]
    assert list(res.gdf["source_index"]) == [0, 1, 3, 4]
    assert list(res.gdf["name"]) == list(PLACES)[:4]


@pytest.mark.parametrize("rel", ["seq/ogr2ogr_points.geojsonl", "seq/ogr2ogr_rs.geojsons",
                                 "seq/points.ndjson", "seq/points.geojsonseq",
                                 "seq/blank_lines.geojsonl", "seq/bom.geojsonl",
                                 "seq/points.fgb"])
def test_sequences_and_flatgeobuf(rel: str) -> None:
    res = ingest(rel)
    assert res.ok, res.findings
    assert_at_places(res, "name")


def test_projected_flatgeobuf_is_reprojected() -> None:
    res = ingest("seq/projected_cgcs2000.fgb")
    assert_at_places(res, "name", tol=1e-6)


def test_rs_records_over_several_lines_name_their_first_line() -> None:
    records = [b'\x1e{"type": "Feature",\n "properties": {}, "geometry": null}\n',
               b"\x1e\n[1,\n 2]\n"]
    res = ingest_file("a.geojsons", b"".join(records))
    [f] = [f for f in res.findings if f.code == "seq_bad_line"]
    assert f.params["line"] == 4 and f.index == 1


@pytest.mark.parametrize("rel", [
    "excel/dates_and_numbers.xlsx", "excel/excel2003_dms_dates.xls",
    "kml/google_earth_folders_extendeddata.kml", "kml/google_earth_track.kml",
    "kml/multigeometry_mixed.kml", "seq/bad_lines.geojsonl", "csv/excel_gbk_crlf.csv",
])
def test_saved_and_read_back_with_attributes(rel: str, tmp_path, monkeypatch) -> None:
    """What the new readers yield (dates as text, track times, folder paths, collections) goes
    through the layer store and comes back whole."""
    from lianghu_map.auth import resolve_access
    from lianghu_map.catalog import builtin_catalog
    from lianghu_map.config import load_settings
    from lianghu_map.publish import LayerMeta, prepare, save_draft
    from lianghu_map.store import open_store

    monkeypatch.setenv("LIANGHU_LOCAL_MODE", "1")
    access = resolve_access(load_settings({})).access
    path = CORPUS / rel
    draft = prepare(path.name, path.read_bytes(), IngestOptions(), builtin_catalog())
    store = open_store(tmp_path)
    record = save_draft(store, draft, LayerMeta("格式", "formats", "other", "existing", "test"),
                        (), "tester", access)
    back = store.read(record.layer_id)
    res = ingest(rel)
    assert len(back) == len(res.gdf)
    compared = 0
    for col in res.gdf.columns:
        if col in ("geometry", "source_index", "source_id"):
            continue
        want, got = res.gdf[col], back[col]
        if want.dtype.kind in "fi":
            assert np.allclose(got.astype(float), want.astype(float), equal_nan=True), col
        else:
            assert [str(v) for v in got.fillna("")] == [str(v) for v in want.fillna("")], col
        compared += 1
    assert compared >= 1
    assert shapely.equals_exact(np.asarray(back.geometry), np.asarray(res.gdf.geometry),
                                tolerance=1e-9).all()
