"""Real browser (issue 16, acceptance 4): an Excel workbook with 经度/纬度 (one column in
degrees-minutes-seconds) and a Google Earth KML with folders and ExtendedData, uploaded through
the Upload page and saved, land on the Map — every point where the file puts it, with its
attributes (ExtendedData names as written, the folder path) in the store."""

from pathlib import Path

import pytest
from browser_helpers import fill_and_commit, map_frame, wait_for_app

from lianghu_map.catalog import builtin_catalog
from lianghu_map.store import open_store

CORPUS = Path(__file__).parents[1] / "corpus" / "upload"
XLSX = CORPUS / "excel" / "dms_prime_and_decimal.xlsx"  # 经度 as 119°53′06″, 纬度 decimal
KML = CORPUS / "kml" / "google_earth_folders_extendeddata.kml"
CAT = builtin_catalog()
N_BUILTIN = sum(len(g.geoms) if g.geom_type == "MultiPoint" else 1 for g in CAT.features.geometry)
COLOR = "#7048e8"
# the workbook's points (names and decimal truth; the sheet has 经度 rounded to whole seconds)
PLACES = {"西太湖科创中心": (119.885, 31.712), "滆湖湿地公园": (119.823, 31.604),
          "武进高铁站": (119.957, 31.684), "湖塘老街": (119.963, 31.716),
          "嘉泽花木基地": (119.794, 31.652), "前黄枇杷园": (119.888, 31.597)}
_TIPS = """() => { const out = []; for (const l of Object.values(window.map._layers)) {
  const p = l.feature && l.feature.properties; if (!p || !l.getLatLng) continue;
  const ll = l.getLatLng(); out.push([p.tip, ll.lng, ll.lat]); } return out; }"""


@pytest.fixture(scope="module")
def var_and_url(serve, tmp_path_factory):
    var = tmp_path_factory.mktemp("var")
    return var, serve(LIANGHU_VAR=str(var), LIANGHU_LOCAL_MODE="1")


def test_excel_with_dms_and_google_earth_kml_land_on_the_map(page, var_and_url):
    var, url = var_and_url
    page.goto(url + "/upload?basemap=none")
    wait_for_app(page)
    page.get_by_test_id("stSidebar").get_by_text("语言 / Language").wait_for()
    fill_and_commit(page, "upload_user", "测试员")
    with page.expect_file_chooser() as chooser:
        page.get_by_test_id("stFileUploaderDropzone").click()
    chooser.value.set_files(files=[
        {"name": XLSX.name, "buffer": XLSX.read_bytes(),
         "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        {"name": KML.name, "buffer": KML.read_bytes(),
         "mimeType": "application/vnd.google-earth.kml+xml"}])
    page.get_by_text("可以保存：6 个要素", exact=False).wait_for(timeout=60_000)
    page.get_by_text("可以保存：5 个要素", exact=False).wait_for(timeout=60_000)
    wait_for_app(page)
    report = page.locator("[data-testid='stMain']").inner_text()
    assert "度分秒" in report  # coordinates_dms, in Chinese

    for n, title in enumerate(("表格点位", "谷歌地球项目")):
        fill_and_commit(page, f"f{n}_source", "浏览器测试")
        fill_and_commit(page, f"f{n}_tzh", title)
        page.locator(f".st-key-f{n}_save button").click()
        page.get_by_text(f"{title} — v1", exact=False).wait_for(timeout=30_000)
        wait_for_app(page)

    # in the store, with their attributes
    store = open_store(Path(var))
    layers = {r.title_zh: store.read(r.layer_id) for r in store.list_layers()}
    assert set(layers) == {"表格点位", "谷歌地球项目"}, set(layers)
    table, ge = layers["表格点位"], layers["谷歌地球项目"]
    assert sorted(table["名称"]) == sorted(PLACES)
    assert "坐标原文" in table.columns  # the workbook's other columns, kept
    for name, x, y in zip(table["名称"], table.geometry.x, table.geometry.y, strict=True):
        assert abs(x - PLACES[name][0]) < 2e-4 and abs(y - PLACES[name][1]) < 1e-9, name
    ge = ge.set_index("Name")
    assert ge.loc["西太湖科创中心", "负责单位"] == "武进区"  # ExtendedData, Chinese name kept
    assert ge.loc["湿地范围", "负责单位"] == "生态办"
    assert ge.loc["湿地范围", "kml_folder"] == "重点项目/滆湖片区"
    assert ge.loc["湖塘老街", "kml_folder"] == "其他"

    # on the Map, for everyone: every point where the file puts it, its name in the tooltip
    page.goto(url + "/?basemap=none")
    wait_for_app(page)
    frame = map_frame(page)
    frame.wait_for_function(
        f"document.querySelectorAll('path.leaflet-interactive').length === {N_BUILTIN + 11}")
    assert frame.locator(f'path.leaflet-interactive[stroke="{COLOR}"]').count() == 11
    tips = frame.evaluate(_TIPS)
    for name, (x, y) in PLACES.items():
        assert any(name in tip and abs(lng - x) < 2e-4 and abs(lat - y) < 1e-6
                   for tip, lng, lat in tips), name
    sidebar = page.get_by_test_id("stSidebar").inner_text()
    assert "表格点位" in sidebar and "谷歌地球项目" in sidebar
    assert page.offline.external == []
