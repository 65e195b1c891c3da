"""Real browser (issue 18, Build 1): a Present step reruns only the step, not the app.

The step (bar, caption, map, legend) is one ``st.fragment``: a clicker key sends the new
caption and map but not the app's shell (the language switch, Streamlit's own texts), and the
map is not remounted; another language reruns the whole app (its navigation speaks it too).
"""

from __future__ import annotations

from browser_helpers import map_frame, wait_for_app
from test_present_browser import AGENDA, _expect_step


def test_a_step_reruns_only_the_step(page, server):
    frames: list[bytes] = []
    page.on("websocket", lambda ws: ws.on(
        "framereceived", lambda f: frames.append(f if isinstance(f, bytes) else f.encode())))
    start = next(i for i, s in enumerate(AGENDA, 1) if s.kind == "clause")
    page.goto(f"{server}/present?basemap=none&step={start}")
    wait_for_app(page)
    frame = map_frame(page)
    _expect_step(page, frame, start)
    page.wait_for_timeout(800)
    frame.evaluate("window.map.__lhMarker = 'same map'")

    frames.clear()
    page.keyboard.press("PageDown")
    _expect_step(page, frame, start + 1)
    sent = b"".join(frames)
    assert b"lh-present-caption" in sent  # the step came
    assert b"lh_st_texts" not in sent  # the app's shell did not
    assert frame.evaluate("window.map.__lhMarker") == "same map"

    frames.clear()  # another language: the whole app, in English
    page.locator(".st-key-present_lang button").filter(has_text="English").first.click()
    page.get_by_text(f"Step {start + 1} of {len(AGENDA)}").wait_for()
    wait_for_app(page)
    assert b"lh_st_texts" in b"".join(frames)
    assert page.offline.external == []
