"""Real browser and raw HTTP: a viewer's session cannot store files through Streamlit's upload
endpoint (``PUT /_stcore/upload_file/<session id>/<file id>``), an analyst's can, within limits.

The session id comes from the app's own websocket (the NewSession message Chromium receives),
the XSRF token from the browser's cookie: what any visitor has.  What the server keeps is read
from Streamlit's own metrics (the upload manager's bytes), as an operator would.
"""

from __future__ import annotations

import json
import re
import secrets
import time

import pytest
from browser_helpers import fill_and_commit, wait_for_app
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

LIMIT_MB = 1
METRICS_TTL_S = 5.5  # streamlit's _METRICS_EXPENSIVE_STATS_TTL_SECONDS, and a margin
DOC = json.dumps({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"name": "x"},
     "geometry": {"type": "Point", "coordinates": [119.8, 31.6]}}]}).encode()


@pytest.fixture(scope="module")
def guarded_server(serve, tmp_path_factory):
    """Writes by password only; the app's and Streamlit's upload limits both 1 MB."""
    return serve(LIANGHU_VAR=str(tmp_path_factory.mktemp("var")), LIANGHU_LOCAL_MODE="",
                 LIANGHU_UPLOAD_PASSWORD="s3cret", LIANGHU_MAX_UPLOAD_MB=str(LIMIT_MB),
                 STREAMLIT_SERVER_MAX_UPLOAD_SIZE=str(LIMIT_MB))


def _open_upload_page(page, url: str) -> str:
    """Open the Upload page; the session id the server gave this tab."""
    ids: list[str] = []

    def on_frame(payload):
        if isinstance(payload, bytes | bytearray):
            msg = ForwardMsg()
            msg.ParseFromString(bytes(payload))
            if msg.HasField("new_session") and msg.new_session.initialize.session_id:
                ids.append(msg.new_session.initialize.session_id)

    page.on("websocket", lambda ws: ws.on("framereceived", on_frame))
    page.goto(url + "/upload?basemap=none")
    wait_for_app(page)
    page.get_by_test_id("stSidebar").get_by_text("语言 / Language").wait_for()
    assert ids, "no NewSession message seen"
    return ids[-1]


def _put(page, url: str, session_id: str, size: int, *, file_id: str | None = None,
         xsrf: bool = True) -> int:
    """A raw multipart PUT, with this browser's cookies (and its XSRF token as the header)."""
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "_streamlit_xsrf")
    body = (DOC + b" " * size)[:max(size, len(DOC))]
    response = page.request.put(
        f"{url}/_stcore/upload_file/{session_id}/{file_id or secrets.token_hex(16)}",
        headers={"X-Xsrftoken": token} if xsrf else {},
        multipart={"file": {"name": "a.geojson", "mimeType": "application/json",
                            "buffer": body}},
        fail_on_status_code=False)
    return response.status


def _held_bytes(page, url: str) -> int:
    """Bytes Streamlit's upload manager holds, from its metrics endpoint (0 when none).  The
    endpoint caches this figure for 5 s: wait that long first, so it is fresh."""
    time.sleep(METRICS_TTL_S)
    text = page.request.get(f"{url}/_stcore/metrics?families=cache_memory_bytes").text()
    held = re.findall(r'cache_type="UploadedFileManager"[^}]*}\s+(\d+)', text)
    return sum(int(n) for n in held)


def test_a_viewer_session_cannot_store_uploads(page, guarded_server):
    url = guarded_server
    session_id = _open_upload_page(page, url)
    assert page.get_by_test_id("stFileUploader").count() == 0  # no uploader for a viewer
    assert page.locator("input[type=file]").count() == 0
    assert _held_bytes(page, url) == 0

    # beyond the limit: refused by Streamlit before it reads the body (server.maxUploadSize)
    assert _put(page, url, session_id, LIMIT_MB * 2**20 + 2**20 + 10) == 413
    # a normal file, any file id: refused, this session was never offered an upload
    for _ in range(5):
        assert _put(page, url, session_id, 200_000) == 403
    assert _put(page, url, session_id, 1000, file_id="0" * 32) == 403
    # without the XSRF header, or for a session that does not exist: refused as before
    assert _put(page, url, session_id, 1000, xsrf=False) == 403
    assert _put(page, url, "not-a-session", 1000) == 400
    assert _held_bytes(page, url) == 0  # nothing was kept

    # the control: the same server keeps an analyst's file (so the metric does show uploads)
    page.locator(".st-key-upload_password input").fill("s3cret")
    page.locator(".st-key-upload_password input").press("Enter")
    page.get_by_test_id("stFileUploaderDropzone").wait_for()
    fill_and_commit(page, "upload_user", "测试员")
    with page.expect_file_chooser() as chooser:
        page.get_by_test_id("stFileUploaderDropzone").click()
    chooser.value.set_files(files=[{"name": "a.geojson", "mimeType": "application/json",
                                    "buffer": DOC}])
    page.get_by_text("可以保存", exact=False).wait_for(timeout=30_000)
    assert _held_bytes(page, url) >= len(DOC)
    # … and even an analyst's session cannot store under a made-up file id
    assert _put(page, url, session_id, 1000) == 403
