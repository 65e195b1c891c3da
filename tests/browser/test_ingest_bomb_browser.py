"""Real browser (issue 19, acceptance 2): while one session uploads a bomb — 2,000,000 vertices
in 1,000 polygons, read in the ingest worker and refused — a second session's Map page still
loads, and the first session is told why in Chinese, without a traceback."""

import time

import ingest_fixtures as fx  # (tests/ is on the path: its conftest)
from browser_helpers import fill_and_commit, map_frame, wait_for_app


def test_a_bomb_upload_does_not_stop_another_session(browser, page, writable_server):
    name, data = fx.geojson_heavy()
    page.goto(writable_server + "/upload?basemap=none")
    wait_for_app(page)
    fill_and_commit(page, "upload_user", "测试员")
    with page.expect_file_chooser() as chooser:
        page.get_by_test_id("stFileUploaderDropzone").click()
    chooser.value.set_files(files=[{"name": name, "mimeType": "application/geo+json",
                                    "buffer": data}])
    # (no wait: the second session starts while the 45 MB are sent and read)

    other = browser.new_context(viewport={"width": 1200, "height": 800}, locale="zh-CN")
    try:
        viewer = other.new_page()
        viewer.set_default_timeout(45_000)
        start = time.monotonic()
        viewer.goto(writable_server + "/?basemap=none")
        wait_for_app(viewer)
        map_frame(viewer)  # Leaflet drew the built-in layers
        took = time.monotonic() - start
        print(f"\nsecond session's map drawn in {took:.1f} s while the bomb was read")
    finally:
        other.close()

    page.get_by_text("顶点", exact=False).first.wait_for(timeout=60_000)
    wait_for_app(page)
    body = page.locator("[data-testid='stApp']").inner_text()
    assert "已拒绝" in body and "Traceback" not in body and "/work/" not in body
    assert page.get_by_test_id("stException").count() == 0
    assert page.offline.external == []
