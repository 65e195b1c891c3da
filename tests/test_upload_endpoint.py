"""Streamlit's upload endpoint: bounded to the app's limit, and closed to viewers.

The endpoint itself, PUT by a viewer's browser session, is tested in
tests/browser/test_upload_endpoint_browser.py; here the limits, the pages and the gate.
"""

from __future__ import annotations

import tomllib

import pytest
from conftest import ROOT
from starlette.exceptions import HTTPException
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.uploaded_file_manager import UploadedFileRec
from streamlit.testing.v1 import AppTest

from lianghu_map.config import load_settings
from lianghu_map.upload_gate import UploadGate

PAGES = ("pages/map.py", "pages/directives.py", "pages/present.py", "pages/compare.py",
         "pages/reports.py", "pages/upload.py")  # upload last: the password test ends there


def test_streamlit_upload_limit_is_the_apps(monkeypatch):
    monkeypatch.delenv("LIANGHU_MAX_UPLOAD_MB", raising=False)
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == load_settings().max_upload_mb
    assert sorted(p.as_posix() for p in (ROOT / "pages").glob("*.py")) == \
        sorted((ROOT / p).as_posix() for p in PAGES), "a new page: check it for uploaders"


@pytest.mark.parametrize("password", ["", "s3cret"])
def test_a_viewer_has_no_uploader_on_any_page(monkeypatch, password):
    monkeypatch.delenv("LIANGHU_LOCAL_MODE", raising=False)
    monkeypatch.setenv("LIANGHU_UPLOAD_PASSWORD", password)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, page
        assert len(at.file_uploader) == 0, page
        assert not at.get("chat_input"), page  # st.chat_input can take files too
    if password:  # the same page with the password has one
        at.text_input(key="upload_password").input(password).run()
        assert len(at.file_uploader) == 1


def _rec(file_id: str, size: int) -> UploadedFileRec:
    return UploadedFileRec(file_id=file_id, name="x.geojson", type="application/json",
                           data=b"x" * size)


def test_the_gate_refuses_sessions_without_an_uploader_and_made_up_ids():
    mgr = MemoryUploadedFileManager("/_stcore/upload_file")
    gate = UploadGate(mgr, max_file_bytes=100, session_bytes=250)
    # a viewer's session: no upload URLs, and nothing is stored, whatever the file id
    assert mgr.get_upload_urls("viewer", ["a.geojson"]) == []
    for file_id in ("made-up", "0" * 36):
        with pytest.raises(HTTPException) as refused:
            mgr.add_file("viewer", _rec(file_id, 10))
        assert refused.value.status_code == 403
    assert mgr.get_stats() == {}  # nothing held
    # an analyst's session: only the ids handed out to it, each and all together bounded
    gate.allow("analyst")
    ids = [info.file_id for info in mgr.get_upload_urls("analyst", ["a", "b", "c", "d"])]
    mgr.add_file("analyst", _rec(ids[0], 100))
    mgr.add_file("analyst", _rec(ids[0], 90))  # the same file again replaces it
    with pytest.raises(HTTPException) as refused:
        mgr.add_file("analyst", _rec("made-up", 10))
    assert refused.value.status_code == 403
    with pytest.raises(HTTPException) as refused:
        mgr.add_file("viewer", _rec(ids[1], 10))  # another session's id
    assert refused.value.status_code == 403
    with pytest.raises(HTTPException) as refused:
        mgr.add_file("analyst", _rec(ids[1], 101))
    assert refused.value.status_code == 413
    mgr.add_file("analyst", _rec(ids[1], 100))
    with pytest.raises(HTTPException) as refused:
        mgr.add_file("analyst", _rec(ids[2], 61))  # 90 + 100 + 61 > 250
    assert refused.value.status_code == 413
    mgr.add_file("analyst", _rec(ids[2], 60))
    assert [len(f.data) for f in mgr.get_files("analyst", ids)] == [90, 100, 60]
    # the session ends: its files and its permission go
    mgr.remove_session_files("analyst")
    assert mgr.get_files("analyst", ids) == [] and not gate.allowed("analyst")
    assert mgr.get_upload_urls("analyst", ["a"]) == []
