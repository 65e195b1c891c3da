"""Helpers for the browser tests."""

import os
import signal
import time
from contextlib import contextmanager, suppress

SERVER_PIDS: dict[str, int] = {}  # base URL → its server's pid (conftest; see server_paused)


@contextmanager
def server_paused(url: str):
    """The server at ``url`` stopped (SIGSTOP) while the block runs: what the page shows then
    is the browser's own doing, before any answer could come."""
    pid = SERVER_PIDS[url]
    os.killpg(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.killpg(pid, signal.SIGCONT)


def wait_for_app(page) -> None:
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']",
                           state="attached")


def map_frame(page):
    """The st_folium iframe's Frame, once Leaflet has drawn at least one vector.

    A rerun may replace the iframe between finding it and asking for its frame (the handle's
    frame is then gone: None): it is looked up again, for up to 30 s."""
    end = time.monotonic() + 30
    while True:
        handle = page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]',
                                        state="attached")
        frame = handle.content_frame()
        if frame is not None or time.monotonic() > end:
            break
        page.wait_for_timeout(100)
    assert frame is not None, "the map's iframe kept being replaced for 30 s"
    frame.wait_for_selector("path.leaflet-interactive", state="attached")
    return frame


def in_map(page, fn, tries: int = 5):
    """``fn(frame)`` on the map's frame (:func:`map_frame`), run again on a fresh lookup when a
    rerun replaced the iframe while ``fn`` ran (Playwright: the frame was detached, or its
    document was replaced); any other error, or the last try's, is raised."""
    from playwright.sync_api import Error as PlaywrightError

    gone = ("detached", "Execution context was destroyed", "Target closed")
    for i in range(tries):
        try:
            return fn(map_frame(page))
        except PlaywrightError as err:
            if i == tries - 1 or not any(g in str(err) for g in gone):
                raise
            page.wait_for_timeout(200)
    return None  # (tries=0)


def fill_and_commit(page, key: str, value: str) -> None:
    """Type into a text input and commit it (Enter), then wait for the rerun it causes to
    finish: waiting only for "not running" can pass before that rerun has even started, and
    the next action then races it (a value typed next could be lost)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = page.locator(f".st-key-{key} input")
    box.fill(value)
    box.press("Enter")
    with suppress(PlaywrightTimeout):  # a rerun over before we looked is fine
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='running']",
                               state="attached", timeout=2_000)
    wait_for_app(page)
    page.wait_for_function("([k, v]) => { const i = document.querySelector(`.st-key-${k} input`);"
                           " return !i || i.value === v; }", arg=[key, value])


def save_screenshot(page, name: str) -> None:
    """A screenshot for a reviewer, in test-artifacts/ (gitignored)."""
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "test-artifacts"
    folder.mkdir(exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"))


def pick_option(page, key: str, option: str, *, exact: bool = True, tries: int = 5) -> None:
    """Open the select/multiselect widget ``key`` and click ``option`` in its list.

    The widget is scrolled into view first and the app left to settle, and the list opened
    again when it closed: a click on a widget below the sidebar's fold scrolls the sidebar and
    the list closes as its anchor moves (CI failed this way on the Map's theme filter, below
    the fold at 1500×1000), and a rerun still drawing the page can close it too."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = page.locator(f".st-key-{key} input[role=combobox]")
    for attempt in range(tries):
        box.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        wait_for_app(page)
        box.click()
        try:
            page.get_by_role("option", name=option, exact=exact).first.click(timeout=5_000)
            return
        except PlaywrightTimeout:
            if attempt == tries - 1:
                raise
            page.keyboard.press("Escape")


def choose_language(page, option: str) -> None:
    """Switch the UI language in the sidebar (``option``: 简体中文, 繁體中文 or English) and wait
    for the rerun it causes to finish."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.locator(".st-key-lang [data-testid='stSelectbox']").click()
    page.get_by_role("option", name=option, exact=True).click()
    with suppress(PlaywrightTimeout):  # a rerun over before we looked is fine
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='running']",
                               state="attached", timeout=2_000)
    wait_for_app(page)
    page.wait_for_function(
        "(o) => document.querySelector('.st-key-lang input[role=combobox]').value === o",
        arg=option)


def selectbox_value(page, key: str) -> str:
    """What the selectbox of widget ``key`` shows as chosen."""
    return page.locator(f".st-key-{key} input[role=combobox]").input_value()


def checked_radio(page, key: str) -> str | None:
    """The label of the radio option of widget ``key`` that is checked (None: none is)."""
    return page.evaluate("""(k) => {
      const input = document.querySelector(`.st-key-${k} input[type=radio]:checked`);
      return input ? input.closest('label').innerText.trim() : null; }""", key)


def wait_for_drawn_step(page, i: int) -> None:
    """Wait until the Present counter is the server's own for step ``i`` (0-based; not the
    map's switch's, which shows a step first: lianghu_map.stepswitch) and the app is idle."""
    page.wait_for_function("(i) => { const c = document.querySelector('.lh-present-count');"
                           " return c && !('local' in c.dataset) && c.dataset.step === i; }",
                           arg=str(i))
    wait_for_app(page)


def server_down(page, glob: str, only: str = "") -> dict:
    """Requests matching ``glob`` (and containing ``only``) answered 503 while the returned
    switch's ``"on"`` is true; the others, and all once it is false, go on as usual."""
    down = {"on": True}

    def route(r):
        if down["on"] and only in r.request.url:
            r.fulfill(status=503, body="busy")
        else:
            r.fallback()

    page.route(glob, route)
    return down


def hover_tip(page, frame, x: float, y: float) -> str:
    """The text of the map's tooltip once the mouse comes to (x, y) (page pixels) from just
    beside it (a hover needs a move)."""
    page.mouse.move(x - 3, y - 3)
    page.mouse.move(x, y)
    tooltip = frame.locator(".leaflet-tooltip")
    tooltip.wait_for()
    return tooltip.inner_text()


def notice_in_place(frame, notice, settle_s: float = 3.0) -> None:
    """The whole notice on the map, clear of the scale, the datum badge and the attribution —
    once the bottom corners have settled (a badge drawn after the notice moves it up)."""
    end = time.monotonic() + settle_s
    while True:
        box, area = notice.bounding_box(), frame.locator("#map_div").bounding_box()
        corners = frame.locator(".leaflet-bottom .leaflet-control")
        others = [corners.nth(i).bounding_box() for i in range(corners.count())]
        problems = [] if len(others) >= 3 else [f"{len(others)} bottom controls"]
        if not (area["x"] <= box["x"] and box["x"] + box["width"] <= area["x"] + area["width"]
                and area["y"] <= box["y"]
                and box["y"] + box["height"] <= area["y"] + area["height"]):
            problems.append(("off the map", box, area))
        problems += [("overlaps", box, other) for other in others
                     if not (box["y"] + box["height"] <= other["y"]
                             or other["x"] + other["width"] <= box["x"]
                             or box["x"] + box["width"] <= other["x"])]
        if not problems:
            return
        assert time.monotonic() < end, problems
        time.sleep(0.1)
