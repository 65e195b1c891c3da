"""Real browser: an analyst corrects a stored report's details (title, date) on the Reports page;
the list and the history show the change as text (a hostile title stays text), and the page
reads at the screen sizes people use (screenshots in test-artifacts/, the form's buttons inside
the viewport's width)."""

import pytest
from browser_helpers import choose_language, fill_and_commit, save_screenshot, wait_for_app

TITLE = "研讨会（更正） <img src=x onerror=window.__xss=1>"
SIZES = {"1280x720": (1280, 720), "1440x900": (1440, 900), "390x844": (390, 844)}


def _open_details(page, url: str) -> None:
    page.goto(url + "/reports")
    wait_for_app(page)
    page.locator("table.lh-report-list").wait_for(timeout=60_000)
    fill_and_commit(page, "rep_user", "浏览器测试")
    page.locator("[class*='st-key-rep_details_'] button").first.click()
    page.locator("[class*='st-key-rep_dt_'] input").wait_for(timeout=30_000)


def test_details_of_a_stored_report_are_corrected_and_shown_as_text(page, writable_server):
    _open_details(page, writable_server)
    box = page.locator("[class*='st-key-rep_dt_'] input")
    box.fill(TITLE)
    box.press("Enter")
    date = page.locator("[class*='st-key-rep_dd_'] input")
    date.fill("2023-02")
    date.press("Enter")
    wait_for_app(page)
    page.locator(".st-key-rep_detail_save button").click()
    # (not "已保存": the list's heading, 已保存的报告, says it before the save is done)
    page.get_by_text("报告信息已保存为第", exact=False).first.wait_for(timeout=30_000)
    listed = page.locator("table.lh-report-list")
    listed.wait_for(timeout=30_000)
    page.wait_for_function("(t) => document.querySelector('table.lh-report-list').innerText"
                           ".includes(t)", arg="2023-02", timeout=30_000)
    assert TITLE in listed.inner_text() and "2023-02" in listed.inner_text()
    # its history: the change, old → new, as text
    page.locator("[class*='st-key-rep_history_'] button").first.click()
    page.locator(".st-key-rep_hist_close button").wait_for(timeout=30_000)
    wait_for_app(page)
    main = page.get_by_test_id("stMain").inner_text()
    assert "→" in main and main.count(TITLE) >= 2, main[-600:]
    assert page.evaluate("window.__xss") is None


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("lang", ["简体中文", "English"])
def test_the_details_form_reads_at_each_screen_size(page, writable_server, size, lang):
    width, height = SIZES[size]
    page.set_viewport_size({"width": 1440, "height": 900})  # (the sidebar open: its language)
    _open_details(page, writable_server)
    if lang != "简体中文":
        choose_language(page, lang)
        page.locator("[class*='st-key-rep_dt_'] input").wait_for(timeout=30_000)
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_timeout(500)  # (the layout settles)
    form = page.locator("[class*='st-key-rep_dt_'] input")
    form.scroll_into_view_if_needed()
    save_screenshot(page, f"report-details-{size}-{'en' if lang == 'English' else 'zh-Hans'}")
    for key in ("rep_detail_save", "rep_detail_cancel"):  # nothing clipped at the right
        box = page.locator(f".st-key-{key} button").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, key
    for sel in ("[class*='st-key-rep_dt_'] input", "[class*='st-key-rep_du_'] input"):
        box = page.locator(sel).bounding_box()
        assert box is not None and box["x"] + box["width"] <= width, sel
