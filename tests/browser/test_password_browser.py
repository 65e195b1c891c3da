"""Real browser, real server: wrong passwords are counted per client across sessions, forwarded
headers count only from a configured proxy, and a wrong password does not stay in the input.

Chromium sends ``X-Forwarded-For`` (extra HTTP headers, also on the websocket handshake) from
127.0.0.1; Streamlit's server (uvicorn) believes that header from loopback by itself, so this is
the attack of issue 19: a client choosing its own key.  The counts are read from the server's
store, as a second app instance would read them.
"""

from __future__ import annotations

import pytest
from browser_helpers import wait_for_app

from lianghu_map.store.gpkg import GpkgStore


def _wrong_try(browser, url: str, xff: str | None, guess: str) -> None:
    """A new session (a new browser context) tries one wrong password on the Upload page."""
    context = browser.new_context(locale="zh-CN",
                                  extra_http_headers={"X-Forwarded-For": xff} if xff else {})
    try:
        page = context.new_page()
        page.set_default_timeout(45_000)
        page.goto(url + "/upload?basemap=none")
        wait_for_app(page)
        box = page.locator(".st-key-upload_password input")
        box.fill(guess)
        box.press("Enter")
        page.get_by_text("口令不正确", exact=False).wait_for()
        wait_for_app(page)
        # the input was cleared: the guess is not in its value (nor anywhere in the page)
        assert box.input_value() == ""
        assert guess not in page.content()
        assert page.get_by_test_id("stFileUploader").count() == 0
    finally:
        context.close()


@pytest.mark.parametrize("trusted", ["", "127.0.0.1,::1"])
def test_wrong_tries_are_counted_per_client_across_sessions(serve, browser, tmp_path_factory,
                                                            trusted):
    var = tmp_path_factory.mktemp("var")
    url = serve(LIANGHU_VAR=str(var), LIANGHU_LOCAL_MODE="", LIANGHU_UPLOAD_PASSWORD="s3cret",
                LIANGHU_TRUSTED_PROXIES=trusted)
    tries = [None, None, "203.0.113.7", "203.0.113.7", "198.51.100.9", "198.51.100.9"]
    for n, xff in enumerate(tries):
        _wrong_try(browser, url, xff, f"guess-{n}-x7Q")
    store = GpkgStore(var)  # another instance on the same store
    if not trusted:  # headers from an untrusted peer are ignored: one key, loopback
        assert store.auth_state("loopback", 0) == (6, 6)
        assert store.auth_state("203.0.113.7", 0) == (0, 6)
    else:  # loopback is a configured proxy (nginx on this host): the header names the client
        assert store.auth_state("loopback", 0) == (2, 6)
        assert store.auth_state("203.0.113.7", 0) == (2, 6)
        assert store.auth_state("198.51.100.9", 0) == (2, 6)
