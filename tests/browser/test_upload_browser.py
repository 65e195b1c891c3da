"""Real browser: upload through the file input, read the report, save, see the layer on the map."""

import json

from browser_helpers import fill_and_commit, map_frame, wait_for_app

from lianghu_map.catalog import builtin_catalog

CAT = builtin_catalog()
N_BUILTIN = sum(len(g.geoms) if g.geom_type == "MultiPoint" else 1 for g in CAT.features.geometry)
COLOR = "#7048e8"  # an uploaded layer's default colour (no built-in style uses it)

UPLOAD = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "id": "w1",
     "properties": {"name": "湖滨湿地试点 <img src=x onerror=window.__xss=1>"},
     "geometry": {"type": "Polygon", "coordinates": [[[119.80, 31.60], [119.83, 31.60],
                                                      [119.80, 31.63], [119.83, 31.63],
                                                      [119.80, 31.60]]]}},  # a bow-tie
    {"type": "Feature", "id": "w2", "properties": {"name": "观鸟点"},
     "geometry": {"type": "Point", "coordinates": [119.86, 31.65]}},
    {"type": "Feature", "id": "w3", "properties": {"name": "空要素"}, "geometry": None},
]}


def test_upload_report_save_and_see_on_map(page, writable_server):
    page.goto(writable_server + "/upload?basemap=none")  # the fresh server's first request
    wait_for_app(page)
    # a deep link still runs inside app.py's shell (Streamlit would run pages/upload.py alone)
    page.get_by_test_id("stSidebar").get_by_text("语言 / Language").wait_for()
    fill_and_commit(page, "upload_user", "测试员")
    with page.expect_file_chooser() as chooser:
        page.get_by_test_id("stFileUploaderDropzone").click()
    chooser.value.set_files(files=[{
        "name": "wetland.geojson", "mimeType": "application/geo+json",
        "buffer": json.dumps(UPLOAD, ensure_ascii=False).encode()}])
    page.get_by_text("可以保存", exact=False).wait_for(timeout=30_000)
    wait_for_app(page)

    report = page.locator("table.lh-report").inner_text()
    # each finding names its feature (index, name from the name column — as text — and id)
    assert ("wetland.geojson · 要素 #0 “湖滨湿地试点 <img src=x onerror=window.__xss=1>” · 编号 w1"
            in report)
    assert "几何无效" in report and "make_valid" in report  # the bow-tie, repaired
    assert "要素 #2 “空要素” · 编号 w3" in report and "已删除" in report  # the null geometry
    # the hostile name is text in the attribute table and the report, never markup
    assert page.evaluate("window.__xss") is None

    fill_and_commit(page, "f0_source", "浏览器测试")
    fill_and_commit(page, "f0_tzh", "湿地试点")
    page.locator(".st-key-f0_save button").click()
    page.get_by_text("已保存：图层", exact=False).wait_for(timeout=30_000)

    # a new session on the Map page: the saved layer is drawn for everyone
    page.goto(writable_server + "/?basemap=none")
    wait_for_app(page)
    frame = map_frame(page)
    frame.wait_for_function(
        f"document.querySelectorAll('path.leaflet-interactive').length === {N_BUILTIN + 2}")
    ours = frame.locator(f'path.leaflet-interactive[stroke="{COLOR}"]')
    assert ours.count() == 2
    sidebar = page.get_by_test_id("stSidebar").inner_text()
    assert "湿地试点" in sidebar  # its layer toggle
    assert page.evaluate("window.__xss") is None
    assert frame.evaluate("window.__xss") is None
    assert page.offline.external == []
