"""Real browser (issue 18, Build 1): a Present step is shown before the server answers.

The map carries the whole agenda (lianghu_map.stepswitch); a key or a step button switches the
map's states, the caption, the counter and the legend in the same task as the key press, and
the server's rerun then draws the same step without evaluating the map again.  The truth for
each step: what the one-step drawing draws (``mapview.state_map`` of the step's selection).
"""

from __future__ import annotations

import re

from browser_helpers import map_frame, save_screenshot, wait_for_app, wait_for_drawn_step

from lianghu_map.agenda import build_agenda, step_selection
from lianghu_map.catalog import load_catalog
from lianghu_map.mapview import state_map

CAT = load_catalog()
AGENDA = build_agenda(CAT.meeting)
STATES = [state_map(step_selection(s, CAT.features, CAT.links, CAT.meeting)) for s in AGENDA]

# press a key and read, in the same task (no server message can come in between), what shows
_PRESS_AND_READ = """(key) => {
  window.dispatchEvent(new KeyboardEvent("keydown", {key, bubbles: true}));
  const f = document.querySelector('iframe[title="streamlit_folium.st_folium"]').contentWindow;
  const states = {};
  for (const l of Object.values(f.map._layers))
    if (l.feature) states[l.feature.properties.feature_id] = l.feature.properties.state;
  const count = document.querySelector(".lh-present-count");
  return {states, caption: document.querySelector(".lh-present-caption").innerText,
          count: count.innerText, step: count.dataset.step,
          dimmed: f.document.querySelectorAll(".lh-label.lh-l-context").length};
}"""
_READ = _PRESS_AND_READ.replace(
    'window.dispatchEvent(new KeyboardEvent("keydown", {key, bubbles: true}));', "")


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_every_step_shows_at_the_key_press_as_the_server_then_draws_it(page, server):
    page.goto(f"{server}/present?basemap=none&step=1")
    wait_for_app(page)
    frame = map_frame(page)
    page.wait_for_timeout(800)
    frame.evaluate("window.map.__lhMarker = 'same map'; "
                   "Object.values(window.map.__lhVec)[0].main.__lhMarker = 'same layers'")
    for i in range(1, len(AGENDA)):
        now = page.evaluate(_PRESS_AND_READ, "PageDown")
        assert now["step"] == str(i), AGENDA[i].key
        assert now["states"] == STATES[i], AGENDA[i].key
        assert f"{i + 1} / {len(AGENDA)}" in now["count"]
        wait_for_drawn_step(page, i)
        drawn = page.evaluate(_READ, "")
        assert drawn["states"] == STATES[i], AGENDA[i].key  # the server's rerun changed nothing
        assert _norm(drawn["caption"]) == _norm(now["caption"]), AGENDA[i].key
        assert _norm(drawn["count"]) == _norm(now["count"])
        assert drawn["dimmed"] == now["dimmed"]
    # the map was never evaluated again: the same map, the same layers
    assert frame.evaluate("window.map.__lhMarker") == "same map"
    assert frame.evaluate("Object.values(window.map.__lhVec)[0].main.__lhMarker") == "same layers"
    save_screenshot(page, "present-switch-last-step")
    assert page.offline.external == []


def test_quick_presses_and_buttons_end_on_the_right_step(page, server):
    page.goto(f"{server}/present?basemap=none&step=4")
    wait_for_app(page)
    map_frame(page)
    page.wait_for_timeout(800)
    for _ in range(3):  # a clicker pressed three times, faster than the server answers
        page.keyboard.press("PageDown")
    wait_for_drawn_step(page, 6)  # all three counted (Streamlit merged quick clicks of "next")
    shown = page.evaluate(_READ, "")
    assert shown["step"] == "6" and shown["states"] == STATES[6]
    assert "7 / 33" in shown["count"]
    page.locator(".st-key-present_prev button").first.click()  # a button, with the mouse
    wait_for_drawn_step(page, 5)
    assert page.evaluate(_READ, "")["states"] == STATES[5]
    page.keyboard.press("End")
    wait_for_drawn_step(page, len(AGENDA) - 1)
    assert page.evaluate(_READ, "")["states"] == STATES[-1]
    # another language: the page and the map drawn again, on the same step
    page.locator(".st-key-present_lang button").filter(has_text="English").first.click()
    page.get_by_text(f"Step {len(AGENDA)} of {len(AGENDA)}").wait_for()
    wait_for_app(page)
    frame = map_frame(page)
    frame.wait_for_function(f"window.__lhSteps && window.__lhSteps.current === {len(AGENDA) - 1}")
    assert page.evaluate(_READ, "")["states"] == STATES[-1]
