"""Real browser, 1440×900: Streamlit's own texts are in the UI language — the file uploader
(button, size limit, drag-and-drop text), the multiselect's "Select all" / "No results", a text
input's "Press Enter to apply" — and follow a language switch.  Screenshots go to
test-artifacts/ (gitignored) for a reviewer to look at."""

from __future__ import annotations

import re

from browser_helpers import pick_option, wait_for_app
from conftest import ARTIFACTS

from lianghu_map.st_texts import STREAMLIT_TEXTS

ENGLISH = ("Drag and drop", "Browse files", "Upload", "per file", "Select all", "No results",
           "Press Enter")


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"streamlit-texts-{name}.png"))


def _visible_english(scope) -> list[str]:
    """The known Streamlit English texts visible inside ``scope`` (a locator)."""
    found = []
    for text in ENGLISH:
        hits = scope.get_by_text(re.compile(re.escape(text)))
        found += [text for i in range(hits.count()) if hits.nth(i).is_visible()]
    return found


def _drag_over(page, dropzone) -> None:
    """A file dragged over the uploader (react-dropzone shows its drag text)."""
    transfer = page.evaluate_handle("""() => { const dt = new DataTransfer();
        dt.items.add(new File(['{}'], 'a.geojson', {type: 'application/json'})); return dt; }""")
    dropzone.dispatch_event("dragenter", {"dataTransfer": transfer})


def _switch_language(page, name: str) -> None:
    """Choose ``name`` in the sidebar's language switch (again if a rerun closed the list)."""
    pick_option(page, "lang", name, exact=False)
    wait_for_app(page)


def test_upload_page_uploader_in_chinese_then_english(browser, writable_server):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(writable_server + "/upload?basemap=none")
        wait_for_app(page)
        uploader = page.get_by_test_id("stFileUploader")
        uploader.get_by_text("选择文件", exact=True).wait_for()
        uploader.get_by_text("单个文件不超过", exact=False).wait_for()
        assert _visible_english(uploader) == []
        limit = uploader.get_by_test_id("stFileUploaderDropzoneInstructions").inner_text()
        # (no format list: the uploader takes any name, ingest names a format it cannot read)
        assert re.fullmatch(r"单个文件不超过 \d+MB( · 格式 [A-Z、]+)?", limit.strip()), limit
        _shot(page, "upload-zh-Hans")
        _drag_over(page, page.get_by_test_id("stFileUploaderDropzone"))
        uploader.get_by_text("将文件拖放到此处").wait_for()
        assert _visible_english(uploader) == []
        _shot(page, "upload-zh-Hans-dragging")
        page.get_by_test_id("stFileUploaderDropzone").dispatch_event("dragleave")

        # switched to English in the session: Streamlit's own English again, nothing left over
        _switch_language(page, "English")
        uploader.get_by_text("Upload", exact=True).wait_for()
        assert not uploader.get_by_text("选择文件", exact=True).is_visible()
        assert "per file" in uploader.get_by_test_id(
            "stFileUploaderDropzoneInstructions").inner_text()
        _shot(page, "upload-en")
    finally:
        context.close()


def test_map_page_multiselect_and_text_input_hints_in_traditional(page, server):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(server + "/?basemap=none")
    wait_for_app(page)
    _switch_language(page, "繁體中文")  # switched in the session
    page.get_by_text("兩湖創新區規劃圖").wait_for()
    themes = page.locator(".st-key-f_themes")
    # scrolled into view first: the list closes when the sidebar scrolls under it (a click on a
    # widget below the sidebar's fold scrolls, then opens — it would close again at once)
    themes.locator("input").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    themes.locator("input").click()
    page.get_by_text("全選", exact=True).wait_for()
    assert not page.get_by_text("Select all").is_visible()
    _shot(page, "multiselect-zh-Hant")
    themes.locator("input").fill("zzzz")
    page.get_by_text(STREAMLIT_TEXTS["No results"].replace("无", "無").replace("项", "項"),
                     exact=True).wait_for()
    assert not page.get_by_text("No results").is_visible()
    page.keyboard.press("Escape")
    name = page.locator(".st-key-f_name input")
    name.click()
    name.type("湖")  # not committed: the input shows how to apply it (ours, drawn by CSS)
    hint = page.locator(".st-key-f_name [data-testid='InputInstructions']")
    hint.wait_for(state="attached")
    assert not page.get_by_text("Press Enter to apply").is_visible()
    assert hint.evaluate("e => getComputedStyle(e, '::after').content") == '"按回車鍵確認"'
    name.press("Enter")  # and the input still works: the filter is applied
    wait_for_app(page)
    page.wait_for_function("() => location.search.includes('q=')")
    _shot(page, "text-input-zh-Hant")
