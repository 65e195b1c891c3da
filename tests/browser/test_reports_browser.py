"""Real browser: an analyst pastes a meeting report on the Reports page, reviews it, saves it,
and a new session sees it listed; a hostile title stays text."""

from browser_helpers import fill_and_commit, wait_for_app

TITLE = "两湖创新区推进大会 <img src=x onerror=window.__xss=1>"
TEXT = """首页 > 新闻中心 > 武进要闻
一、交通互联
要加快建设腾龙大道，推进常州南站枢纽建设。完善??交通配套。
二、生态优先
守护好滆湖，建设滆湖生态廊道。"""


def test_paste_a_report_review_save_and_see_it_listed(page, writable_server):
    page.goto(writable_server + "/reports")
    wait_for_app(page)
    page.locator("table.lh-report-list, p.lh-no-reports").first.wait_for()
    fill_and_commit(page, "rep_user", "浏览器测试")
    fill_and_commit(page, "rep_title", TITLE)
    fill_and_commit(page, "rep_date", "2024-06-01")
    area = page.locator(".st-key-rep_text textarea")
    area.fill(TEXT)
    area.press("Control+Enter")
    page.wait_for_function("() => document.querySelector('.st-key-rep_text textarea').value"
                           ".includes('滆湖生态廊道')")
    wait_for_app(page)
    page.locator(".st-key-rep_prepare button").click()

    # the review: the text with its flagged spans, the clauses with their links
    text = page.locator(".lh-report-text")
    text.wait_for(timeout=30_000)
    assert page.locator("mark.lh-flag-navigation").inner_text().startswith("首页")
    assert page.locator("mark.lh-flag-garbled").inner_text() == "??"
    clauses = page.locator("table.lh-clauses").inner_text()
    assert "常州南站枢纽" in clauses and "滆湖" in clauses
    assert "腾龙大道" in page.get_by_test_id("stMain").inner_text()  # an unmatched name

    page.locator(".st-key-rep_save button").click()
    page.get_by_text("已保存（第 1 版）", exact=False).wait_for(timeout=30_000)
    assert page.locator(".st-key-rep_save button").is_disabled()

    # a new session: the report is listed, its hostile title text and never markup
    page.goto(writable_server + "/reports")
    wait_for_app(page)
    listed = page.locator("table.lh-report-list")
    listed.wait_for(timeout=30_000)
    assert TITLE in listed.inner_text() and "2024-06-01" in listed.inner_text()
    assert page.evaluate("window.__xss") is None
