"""Roles: viewer by default; analyst by local mode, password (constant time, limited) or SSO.

A viewer cannot write by any path: the page, the URL, or tampered session state.
"""

from __future__ import annotations

import json

import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from lianghu_map.auth import AttemptLimiter, Role, resolve_access
from lianghu_map.config import load_settings
from lianghu_map.store import open_store


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def _settings(monkeypatch, **env):
    for key in ("LIANGHU_LOCAL_MODE", "LIANGHU_UPLOAD_PASSWORD", "LIANGHU_ANALYSTS"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return load_settings()


def test_viewer_by_default(monkeypatch):
    s = _settings(monkeypatch)
    assert not s.writes_configured
    for pw in (None, "", "anything"):
        assert resolve_access(s, password=pw).access.role == Role.VIEWER


def test_password_and_secrets(monkeypatch):
    s = _settings(monkeypatch, LIANGHU_UPLOAD_PASSWORD="correct horse")
    assert resolve_access(s, password="correct horse").access.role == Role.ANALYST
    assert resolve_access(s, password="correct hors").problem == "auth.wrong"
    from_secrets = load_settings({"upload_password": "from-secrets"})
    assert from_secrets.upload_password == "correct horse"  # the environment wins
    monkeypatch.delenv("LIANGHU_UPLOAD_PASSWORD")
    from_secrets = load_settings({"upload_password": "from-secrets"})
    assert resolve_access(from_secrets, password="from-secrets").access.can_write


def test_wrong_passwords_lock_the_client_out(monkeypatch):
    s = _settings(monkeypatch, LIANGHU_UPLOAD_PASSWORD="pw")
    clock = Clock()
    lim = AttemptLimiter(max_failures=3, window_s=60, lockout_s=120, clock=clock)
    for _ in range(2):
        assert resolve_access(s, password="x", client="a", limiter=lim).problem == "auth.wrong"
    third = resolve_access(s, password="x", client="a", limiter=lim)
    assert third.problem == "auth.locked" and third.wait_s == pytest.approx(120)
    # locked: even the right password is refused, and other clients are not affected
    assert resolve_access(s, password="pw", client="a", limiter=lim).problem == "auth.locked"
    assert resolve_access(s, password="pw", client="b", limiter=lim).access.can_write
    clock.now += 121
    assert resolve_access(s, password="pw", client="a", limiter=lim).access.can_write
    # failures outside the window do not add up
    for _ in range(2):
        resolve_access(s, password="x", client="c", limiter=lim)
        clock.now += 61
    assert resolve_access(s, password="x", client="c", limiter=lim).problem == "auth.wrong"


def test_sso_analysts_by_email(monkeypatch):
    s = _settings(monkeypatch, LIANGHU_ANALYSTS="Wang@Example.cn; li@example.cn")
    assert resolve_access(s, sso_email="wang@example.cn").access.via == "sso"
    assert resolve_access(s, sso_email="mallory@example.cn").access.role == Role.VIEWER
    assert not s.writes_configured  # listed analysts but no [auth] in secrets: no SSO
    with_sso = load_settings({"auth": {"redirect_uri": "x"}})
    assert with_sso.sso and with_sso.writes_configured


# -- the app: no path lets a viewer write ------------------------------------------------------

DOC = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"name": "x"},
     "geometry": {"type": "Point", "coordinates": [119.8, 31.6]}}]}


@pytest.fixture
def viewer_app(tmp_path, monkeypatch):
    monkeypatch.setenv("LIANGHU_VAR", str(tmp_path / "var"))
    monkeypatch.setenv("LIANGHU_UPLOAD_PASSWORD", "s3cret")
    monkeypatch.delenv("LIANGHU_LOCAL_MODE", raising=False)
    # one analyst layer exists, to try delete / restore / revert on
    from lianghu_map.auth import Access
    from lianghu_map.catalog import builtin_catalog
    from lianghu_map.ingest import IngestOptions
    from lianghu_map.publish import LayerMeta, prepare, save_draft

    draft = prepare("a.geojson", json.dumps(DOC).encode(), IngestOptions(), builtin_catalog())
    save_draft(open_store(), draft, LayerMeta("层", "L", "other", "existing", "src"), (), "ana",
               Access(Role.ANALYST, "password"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    return at


def _writes(at) -> set[str]:
    keys = {w.key for w in at.button if w.key} | {w.key for w in at.file_uploader if w.key}
    return {k for k in keys if k.startswith(("delete_", "restore_", "revert_", "f0_save",
                                             "upload_files"))}


def test_viewer_sees_no_write_control_by_page_url_or_state(viewer_app):
    at = viewer_app
    at.switch_page("pages/upload.py").run()
    assert not at.exception
    assert _writes(at) == set()
    # the URL grants nothing
    for key, value in (("local", "1"), ("role", "analyst"), ("password", "s3cret"),
                       ("upload_password", "s3cret")):
        at.query_params[key] = value
    at.run()
    assert _writes(at) == set()
    # tampered session state grants nothing
    at.session_state["role"] = "analyst"
    at.session_state["access"] = "analyst"
    at.session_state["_pw_failed"] = ""
    at.session_state["_lh_shell"] = True
    at.run()
    assert _writes(at) == set()
    [rec] = open_store().list_layers()
    assert rec.current_version == 1 and not rec.deleted


def test_password_opens_and_wrong_ones_lock(viewer_app, monkeypatch):
    from lianghu_map import auth

    monkeypatch.setattr(auth.PASSWORD_LIMITER, "max_failures", 3)
    at = viewer_app
    at.switch_page("pages/upload.py").run()
    for attempt in ("a", "b"):
        at.text_input(key="upload_password").input(attempt).run()
        assert _writes(at) == set()
    # the same wrong password on a rerun is not counted again
    at.run()
    at.text_input(key="upload_password").input("c").run()
    assert any("Too many" in e.value or "次数过多" in e.value for e in at.error)
    at.text_input(key="upload_password").input("s3cret").run()
    assert _writes(at) == set(), "locked out: even the right password waits"
    auth.PASSWORD_LIMITER.reset()  # the lockout is over
    at.text_input(key="upload_password").input("s3cret").run()
    assert "upload_files" in _writes(at)
