"""Real browser: the Map's "share this view" box gives the page's address, its button copies it,
and the page no longer makes the browser fetch Streamlit's 1.5 MB syntax highlighter (st.code's)
for it."""

from browser_helpers import map_frame, save_screenshot, wait_for_app


def test_the_share_box_copies_the_views_address(page, server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    fetched = []
    page.on("request", lambda r: fetched.append(r.url))
    page.goto(server + "/?basemap=none&theme=ecology")
    wait_for_app(page)
    map_frame(page)
    page.wait_for_url(lambda url: "z=" in url)  # the map's view is in the address
    wait_for_app(page)
    page.get_by_test_id("stSidebar").get_by_text("分享此视图").click()
    box = page.locator(".lh-share input")
    box.wait_for()
    page.wait_for_function("() => document.querySelector('.lh-share input').value"
                           " === location.href")
    page.locator(".lh-share button").click()
    page.locator(".lh-share button", has_text="已复制").wait_for()
    box.scroll_into_view_if_needed()
    save_screenshot(page, "share-box-zh-Hans")
    assert page.evaluate("navigator.clipboard.readText()") == page.url
    assert not [u for u in fetched if "SyntaxHighlighter" in u]
    assert page.evaluate("window.__xss") is None
