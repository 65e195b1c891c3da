"""Real browser (issue 14, acceptance 1): the live map names its places.

Map page at 1440×900 with no basemap, the default view: 滆湖, 長蕩湖, 常州南站 and the four parks
are named by label elements inside the map; no two visible labels overlap; switching the language
renames them without remounting the map; zooming in reveals station names that were hidden; a
label never takes a click from the feature under it.  Screenshots go to test-artifacts/.
"""

from __future__ import annotations

from browser_helpers import (
    checked_radio,
    choose_language,
    map_frame,
    selectbox_value,
    wait_for_app,
)
from conftest import ARTIFACTS

from lianghu_map.catalog import load_catalog
from lianghu_map.i18n import t
from lianghu_map.layers import display_names
from lianghu_map.style import label_text

CAT = load_catalog()
NAMED = ("water.gehu", "water.changdang", "hub.changzhou_south", "park.xitaihu",
         "park.sino_israel", "park.wujin_hitech", "park.kejiaocheng")
STATIONS = [f for f in CAT.features.index
            if CAT.features.at[f, "kind"] == "station"]

_VISIBLE = """() => {
  const box = document.getElementById("map_div").getBoundingClientRect();
  return {box: [box.left, box.top, box.right, box.bottom],
          labels: [...document.querySelectorAll(".lh-label:not(.lh-hidden) span")].map((s) => {
            const r = s.getBoundingClientRect();
            return [s.textContent, r.left, r.top, r.right, r.bottom];
          })};
}"""


def _name(fid: str, lang: str) -> str:
    return label_text(display_names(CAT.features.loc[fid], lang)[0])


def _labels(frame) -> tuple[list, list]:
    frame.wait_for_function(
        "document.querySelectorAll('.lh-label:not(.lh-hidden)').length >= 5")
    frame.wait_for_timeout(900)  # the layout runs after the move and its animation
    got = frame.evaluate(_VISIBLE)
    return got["box"], got["labels"]


def _assert_laid_out(box, labels):
    for text, left, top, right, bottom in labels:
        assert (left >= box[0] - 1 and right <= box[2] + 1 and top >= box[1] - 1
                and bottom <= box[3] + 1), text
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            apart = a[3] <= b[1] or b[3] <= a[1] or a[4] <= b[2] or b[4] <= a[2]
            assert apart, f"labels {a[0]!r} and {b[0]!r} overlap"


def test_places_are_named_on_the_live_map(page, server):
    page.set_viewport_size({"width": 1440, "height": 900})
    # a fresh server's very first session starts as a pages/-folder app and switches to
    # st.navigation on its first rerun (remounting once): open the app once before measuring
    page.goto(server + "/?basemap=none")
    wait_for_app(page)
    map_frame(page)
    page.goto(server + "/?basemap=none")
    wait_for_app(page)
    frame = map_frame(page)
    box, labels = _labels(frame)
    texts = {t for t, *_ in labels}
    for fid in NAMED:
        assert _name(fid, "zh-Hans") in texts, f"{fid} is not named"
    _assert_laid_out(box, labels)
    assert not texts & {_name(f, "zh-Hans") for f in STATIONS if f != "station.lanyuewan"} - {
        _name("hub.changzhou_south", "zh-Hans")}, "stations are named only when zoomed in"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "labels-map-1440x900-zh-Hans.png"))

    assert page.offline.external == []
    page.wait_for_timeout(1500)  # the session's first reruns are over
    frame = map_frame(page)
    frame.evaluate("window.map.__lhProbe = 'same map'")
    for lang, option in (("zh-Hant", "繁體中文"), ("en", "English"), ("zh-Hans", "简体中文")):
        choose_language(page, option)
        frame = map_frame(page)
        expected = _name("water.changdang", lang)
        frame.wait_for_function(
            "(t) => [...document.querySelectorAll('.lh-label:not(.lh-hidden) span')]"
            ".some((s) => s.textContent === t)", arg=expected)
        box, labels = _labels(frame)
        texts = {t for t, *_ in labels}
        assert {_name(f, lang) for f in NAMED} <= texts
        _assert_laid_out(box, labels)
        # every switch keeps the same map (no remount) and the choices made: the basemap, and
        # the ring centre's "no rings" now in the new language
        assert frame.evaluate("window.map.__lhProbe") == "same map", lang
        assert checked_radio(page, "basemap") == t("basemap.none", lang)
        assert selectbox_value(page, "ring_centre") == t("rings.off", lang)
        page.screenshot(path=str(ARTIFACTS / f"labels-map-1440x900-{lang}.png"))
    assert "basemap=none" in page.url


def test_zooming_in_reveals_station_names_and_labels_take_no_clicks(page, server):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(server + "/?basemap=none&lang=en")
    wait_for_app(page)
    frame = map_frame(page)
    _, before = _labels(frame)
    station = _name("station.wujin", "en")
    assert station not in {t for t, *_ in before}
    frame.evaluate("window.map.setView([31.67, 119.94], 13)")
    frame.wait_for_function(
        "(t) => [...document.querySelectorAll('.lh-label:not(.lh-hidden) span')]"
        ".some((s) => s.textContent === t)", arg=station)
    box, labels = _labels(frame)
    _assert_laid_out(box, labels)
    # a click on the middle of a label reaches what lies under it, not the label
    hit = frame.evaluate("""(t) => {
      const s = [...document.querySelectorAll('.lh-label:not(.lh-hidden) span')]
        .find((x) => x.textContent === t);
      const r = s.getBoundingClientRect();
      const el = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
      return [getComputedStyle(s).pointerEvents, el.closest('.lh-label') === null];
    }""", station)
    assert hit == ["none", True]
    page.screenshot(path=str(ARTIFACTS / "labels-map-zoom13-en.png"))
