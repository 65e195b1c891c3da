"""Real browser: the Present page has no sidebar, the clicker keys change step (caption and
highlighted features) without remounting the map, and nothing leaves the machine offline."""

import json
from pathlib import Path

from browser_helpers import map_frame, wait_for_app

from lianghu_map.agenda import build_agenda, step_features
from lianghu_map.catalog import load_catalog

CAT = load_catalog()
AGENDA = build_agenda(CAT.meeting)

_FOCUSED = """() => [...new Set(Object.values(window.map._layers)
    .filter(l => l.feature && l.feature.properties.state === 'focus')
    .map(l => l.feature.properties.feature_id))].sort()"""


def _caption(page) -> str:
    return page.locator(".lh-present-caption").inner_text()


def _expect_step(page, frame, n: int) -> None:
    """Wait until step ``n`` (1-based) is shown: counter, caption, highlighted features."""
    step = AGENDA[n - 1]
    page.get_by_text(f"第 {n} / {len(AGENDA)} 步").wait_for()
    wait_for_app(page)
    if step.kind == "clause":
        clause = CAT.meeting.get(step.directive).text("zh-Hans")
        page.wait_for_function("t => document.querySelector('.lh-present-caption')"
                               ".innerText.replace(/\\s/g, '').includes(t)",
                               arg=clause[:20].replace(" ", ""))
    expected = sorted(set(step_features(step, CAT.links, CAT.meeting)))
    frame.wait_for_function(f"({_FOCUSED})().join(',') === {','.join(expected)!r}")


def test_present_page_keys_and_no_sidebar(page, server):
    start = next(i for i, s in enumerate(AGENDA, 1) if s.kind == "clause"
                 and not CAT.links.features_of(s.directive))  # a clause with nothing to show
    page.goto(f"{server}/present?basemap=none&step={start}")
    wait_for_app(page)
    frame = map_frame(page)
    _expect_step(page, frame, start)
    # no Streamlit chrome: no sidebar (nor its toggle), no header
    assert not page.get_by_test_id("stSidebar").is_visible()
    assert not page.get_by_test_id("stHeader").is_visible()
    assert not page.get_by_test_id("stExpandSidebarButton").is_visible()
    frame.evaluate("window.map.__lhMarker = 'same map'")
    before = _caption(page)

    page.keyboard.press("PageDown")  # what a presentation clicker sends
    _expect_step(page, frame, start + 1)
    assert _caption(page) != before
    assert frame.evaluate(_FOCUSED), "the next clause highlights its features"

    page.keyboard.press("ArrowRight")
    _expect_step(page, frame, start + 2)

    # with the focus inside the map's frame, the keys still step (and do not pan the map)
    frame.locator("#map_div").click(position={"x": 5, "y": 5})
    frame.locator("body").press("PageUp")
    _expect_step(page, frame, start + 1)
    frame.locator("body").press("ArrowLeft")
    _expect_step(page, frame, start)
    frame.wait_for_timeout(300)

    # the full-screen button toggles the browser's full screen (a click is a user gesture)
    page.get_by_role("button", name="全屏").click()
    page.wait_for_function("!!document.fullscreenElement")
    page.get_by_role("button", name="全屏").click()
    page.wait_for_function("!document.fullscreenElement")

    # one map all along (no remount, no blank flash), and nothing left the machine
    assert frame.evaluate("window.map.__lhMarker") == "same map"
    page.wait_for_timeout(500)
    assert page.offline.external == []


def test_present_exports_the_data_of_the_step(page, server):
    n = next(i for i, s in enumerate(AGENDA, 1) if s.kind == "clause"
             and len(CAT.links.features_of(s.directive)) > 2)
    page.goto(f"{server}/present?basemap=none&step={n}")
    wait_for_app(page)
    map_frame(page)
    page.get_by_role("button", name="导出").click()
    with page.expect_download() as info:
        page.get_by_role("button", name="当前数据（GeoJSON）").click()
    download = info.value
    assert download.suggested_filename == f"lianghu-{AGENDA[n - 1].directive}.geojson"
    doc = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    ids = {f["properties"]["feature_id"] for f in doc["features"]}
    assert ids == set(CAT.links.features_of(AGENDA[n - 1].directive))
    assert page.offline.external == []
