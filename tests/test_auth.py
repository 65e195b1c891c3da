"""Roles: viewer by default; analyst by local mode, password (constant time, limited) or SSO.

A viewer cannot write by any path: the page, the URL, or tampered session state.
"""

from __future__ import annotations

import hashlib
import json

import pytest
from conftest import ROOT
from store_helpers import reopen
from streamlit.testing.v1 import AppTest

from lianghu_map.auth import BACKOFF, Backoff, PasswordGuard, Role, client_key, resolve_access
from lianghu_map.config import load_settings
from lianghu_map.store import open_store


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


class FakeTime:
    """A clock and a sleep that advances it: nothing waits for real."""

    def __init__(self, now: float = 1_700_000_000.0):
        self.now, self.slept = now, []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _guard(store, clock: FakeTime, backoff: Backoff = BACKOFF) -> PasswordGuard:
    """One app run's guard: each page run (each session) makes a new one on the shared store."""
    return PasswordGuard(store, backoff, clock=clock, sleep=clock.sleep)


LOOPBACK = client_key(None)  # st.context.ip_address is None for 127.0.0.1 and ::1
PROXY = "10.0.0.5"  # a configured balancer
VIA_PROXY_A = client_key(PROXY, ["203.0.113.7"], trusted_proxies=[PROXY])
VIA_PROXY_B = client_key(PROXY, ["198.51.100.9, 10.0.0.6"], trusted_proxies=["10.0.0.0/8"])


def test_backoff_doubles_and_is_capped():
    b = Backoff(free=5, base_s=2, cap_s=60, budget=100, budget_delay_s=30)
    assert [b.delay(n, n) for n in range(5)] == [0] * 5
    assert [b.delay(n, n) for n in range(5, 11)] == [2, 4, 8, 16, 32, 60]
    assert b.delay(10_000, 10_000) == 60  # capped, never a lock
    assert b.delay(0, 100) == 30 and b.delay(6, 100) == 30  # the total budget: everyone waits


@pytest.mark.parametrize("key", [LOOPBACK, VIA_PROXY_A, VIA_PROXY_B])
def test_wrong_tries_across_sessions_lead_to_backoff(monkeypatch, gpkg_store, key):
    assert (LOOPBACK, VIA_PROXY_A, VIA_PROXY_B) == ("loopback", "203.0.113.7", "198.51.100.9")
    s = _settings(monkeypatch, LIANGHU_UPLOAD_PASSWORD="pw")
    clock = FakeTime()
    for n in range(6):  # six sessions, one wrong try each
        v = resolve_access(s, password=f"guess{n}", client=key, guard=_guard(gpkg_store, clock))
        assert v.problem == "auth.wrong"
        assert v.wait_s == (2.0 if n == 5 else 0.0)  # the sixth already waits
    seventh = resolve_access(s, password="guess7", client=key, guard=_guard(gpkg_store, clock))
    assert seventh.problem == "auth.wrong" and seventh.wait_s == 4.0
    assert clock.slept == [2.0, 4.0]
    # the right password from a fresh session: after a bounded delay, accepted
    right = resolve_access(s, password="pw", client=key, guard=_guard(gpkg_store, clock))
    assert right.access.can_write and 0 < right.wait_s <= BACKOFF.cap_s
    # another client is not slowed down by this one
    other = resolve_access(s, password="x", client="192.0.2.1", guard=_guard(gpkg_store, clock))
    assert other.wait_s == 0


def test_flood_never_locks_the_right_password_out(monkeypatch, gpkg_store):
    """An attacker sharing the analyst's key (one balancer address) and many other keys fails
    hundreds of times: the analyst's right password still gets in after at most cap_s."""
    s = _settings(monkeypatch, LIANGHU_UPLOAD_PASSWORD="pw")
    clock = FakeTime()
    for n in range(300):
        gpkg_store.auth_failure("203.0.113.7" if n % 2 else f"192.0.2.{n % 250}", clock())
    guard = _guard(gpkg_store, clock)
    assert guard.delay("203.0.113.7") == BACKOFF.cap_s
    assert guard.delay("198.51.100.1") == BACKOFF.budget_delay_s  # a new key: the budget holds
    right = resolve_access(s, password="pw", client="203.0.113.7", guard=guard)
    assert right.access.can_write and right.wait_s == BACKOFF.cap_s
    assert resolve_access(s, password="nope", client="203.0.113.7", guard=guard).problem


def test_total_budget_slows_every_key(monkeypatch, gpkg_store):
    s = _settings(monkeypatch, LIANGHU_UPLOAD_PASSWORD="pw")
    clock = FakeTime()
    small = Backoff(free=5, budget=8, budget_delay_s=7, cap_s=60)
    for n in range(8):  # eight keys, one failure each: no key reaches its free tries
        resolve_access(s, password="x", client=f"192.0.2.{n}", guard=_guard(gpkg_store, clock,
                                                                         small))
    assert clock.slept == []
    v = resolve_access(s, password="pw", client="198.51.100.1",
                       guard=_guard(gpkg_store, clock, small))
    assert v.access.can_write and v.wait_s == 7
    clock.now += small.window_s + 1  # failures are forgotten after the window
    assert _guard(gpkg_store, clock, small).delay("192.0.2.1") == 0


def test_a_rerun_with_the_passed_password_does_not_wait_again(monkeypatch, gpkg_store):
    s = _settings(monkeypatch, LIANGHU_UPLOAD_PASSWORD="pw")
    clock = FakeTime()
    for _ in range(7):
        gpkg_store.auth_failure(LOOPBACK, clock())
    guard = _guard(gpkg_store, clock)
    assert resolve_access(s, password="pw", client=LOOPBACK, guard=guard,
                          waited=True).access.can_write
    assert clock.slept == []
    # "waited" skips the wait, never the comparison
    assert resolve_access(s, password="px", client=LOOPBACK, guard=guard,
                          waited=True).problem == "auth.wrong"


def _uvicorn_peer(peer: str, xff: str) -> str:
    """The client address uvicorn's own proxy-header middleware (as Streamlit runs it: default
    trusted hosts) hands to the app for a connection from ``peer`` with ``X-Forwarded-For``."""
    import asyncio

    from uvicorn.config import Config
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    seen = {}

    async def app(scope, _receive, _send):
        seen["client"] = scope["client"][0]

    trusted = Config(app=app).forwarded_allow_ips
    scope = {"type": "websocket", "client": (peer, 5000), "scheme": "ws",
             "headers": [(b"x-forwarded-for", xff.encode())]}
    # a fresh loop on its own thread: the browser tests' Playwright keeps a loop running on this
    # one when the whole suite runs in one process, and asyncio.run refuses to nest
    from concurrent.futures import ThreadPoolExecutor

    middleware = ProxyHeadersMiddleware(app, trusted_hosts=trusted)
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, middleware(scope, None, None)).result()
    return seen["client"]


def test_forwarded_headers_from_an_untrusted_peer_are_ignored():
    # a remote client sends its own X-Forwarded-For / X-Real-IP: its address counts
    assert client_key("198.51.100.1", ["203.0.113.7"], "203.0.113.8") == "198.51.100.1"
    assert client_key("198.51.100.1", ["1.1.1.1"], trusted_proxies=["10.0.0.0/8"]) == \
        "198.51.100.1"
    # from loopback, uvicorn (Streamlit's server) has already replaced the peer by the header's
    # address: recognised, and every such header, like none, gives the one loopback key
    for xff in ("203.0.113.7", "192.0.2.44, 10.1.2.3", "8.8.8.8, 127.0.0.1", "2001:db8::1"):
        peer = _uvicorn_peer("127.0.0.1", xff)
        assert peer != "127.0.0.1"  # uvicorn did believe the header
        assert client_key(peer, [xff]) == LOOPBACK
        assert client_key(_uvicorn_peer("::1", xff), [xff]) == LOOPBACK
    # … unless loopback is a configured proxy (nginx on the same host): then the header counts
    assert client_key("203.0.113.7", ["203.0.113.7"],
                      trusted_proxies="127.0.0.1, ::1") == "203.0.113.7"
    # uvicorn told to trust a remote balancer (FORWARDED_ALLOW_IPS=10.0.0.5) but we are not:
    # one key for everybody it forwards, until LIANGHU_TRUSTED_PROXIES covers it
    assert client_key("203.0.113.7", ["203.0.113.7"], server_trusted="10.0.0.5") == "proxy"
    assert client_key("203.0.113.7", ["203.0.113.7"], trusted_proxies="10.0.0.0/8",
                      server_trusted="10.0.0.5") == "203.0.113.7"
    # a server that trusts no proxy itself (FORWARDED_ALLOW_IPS="") reports the real peer
    assert client_key("203.0.113.7", ["203.0.113.7"], server_trusted="") == "203.0.113.7"
    # a configured proxy: the rightmost address it did not add itself, X-Real-IP without XFF
    assert client_key(PROXY, ["6.6.6.6, 203.0.113.7"], trusted_proxies=[PROXY]) == "203.0.113.7"
    assert client_key(PROXY, [], "203.0.113.9", trusted_proxies=[PROXY]) == "203.0.113.9"
    assert client_key(PROXY, [], trusted_proxies=[PROXY]) == PROXY
    assert client_key(PROXY, ["<script>"], trusted_proxies=[PROXY]) == "unknown"
    # one IPv6 client holds a /64: it is one key
    assert client_key("2001:db8:1:2::5") == client_key("2001:db8:1:2:ffff::9") == \
        "2001:db8:1:2::/64"


def test_trusted_proxies_setting(monkeypatch):
    monkeypatch.delenv("LIANGHU_TRUSTED_PROXIES", raising=False)
    assert load_settings().trusted_proxies == ()
    assert load_settings({"trusted_proxies": ["10.0.0.5", "fd00::/8"]}).trusted_proxies == \
        ("10.0.0.5/32", "fd00::/8")
    monkeypatch.setenv("LIANGHU_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8")
    assert load_settings({"trusted_proxies": "1.2.3.4"}).trusted_proxies == \
        ("127.0.0.1/32", "10.0.0.0/8")  # the environment wins
    monkeypatch.setenv("LIANGHU_TRUSTED_PROXIES", "10.0.0.5, balancer")
    with pytest.raises(ValueError, match="balancer"):
        load_settings()


def test_instances_share_the_count(monkeypatch, store):
    """Two store objects on one store (two app instances) see each other's failures."""
    s = _settings(monkeypatch, LIANGHU_UPLOAD_PASSWORD="pw")
    other = reopen(store)
    assert other is not store
    clock = FakeTime()
    for n in range(6):
        instance = (store, other)[n % 2]
        resolve_access(s, password=f"g{n}", client="203.0.113.7", guard=_guard(instance, clock))
    assert store.auth_state("203.0.113.7", 0) == other.auth_state("203.0.113.7", 0) == (6, 6)
    assert _guard(other, clock).delay("203.0.113.7") == 4.0
    assert _guard(store, clock).delay("198.51.100.1") == 0.0
    store.auth_failure("198.51.100.1", clock())
    assert other.auth_state("198.51.100.1", 0) == (1, 7)
    assert other.auth_state("198.51.100.1", clock() + 1) == (0, 0)  # counted since then
    other.auth_reset()
    assert store.auth_state("203.0.113.7", 0) == (0, 0)


def test_the_failure_log_forgets_old_and_excess_rows(monkeypatch, store):
    from lianghu_map.store import gpkg, postgis

    clock = FakeTime()
    store.auth_failure("a", clock() - 2 * 86400)
    store.auth_failure("a", clock())  # prunes what is older than a day
    assert store.auth_state("a", 0) == (1, 1)
    for module in (gpkg, postgis):
        monkeypatch.setattr(module, "AUTH_MAX_ROWS", 3)
    for n in range(5):
        store.auth_failure(f"k{n}", clock())
    assert store.auth_state("k4", 0) == (1, 3)  # the newest three


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
    at.session_state["_pw_passed"] = hashlib.sha256(b"guess").hexdigest()
    at.session_state["_lh_shell"] = True
    at.run()
    assert _writes(at) == set()
    [rec] = open_store().list_layers()
    assert rec.current_version == 1 and not rec.deleted


def _state_values(at) -> list[str]:
    """Every value this session keeps (widget states included) and every input's value."""
    state = at.session_state
    return [repr(state[k]) for k in state] + [str(w.value) for w in at.text_input] + \
        [str(w.proto) for w in at.text_input]


@pytest.fixture
def fake_time(monkeypatch):
    from lianghu_map import auth

    clock = FakeTime()
    monkeypatch.setattr(auth, "CLOCK", clock)
    monkeypatch.setattr(auth, "SLEEP", clock.sleep)
    return clock


def _upload_session(at: AppTest | None = None) -> AppTest:
    """A new browser session on the Upload page (viewer_app's store and settings)."""
    at = at or AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    return at.switch_page("pages/upload.py").run()


def test_a_wrong_password_is_cleared_from_the_input(viewer_app, fake_time):
    at = _upload_session(viewer_app)
    at.text_input(key="upload_password").input("Tr0ub4dor&3-wrong").run()
    assert not at.exception
    assert any("口令不正确" in e.value for e in at.error)
    assert at.text_input(key="upload_password").value == ""
    assert not any("Tr0ub4dor" in v for v in _state_values(at)), "the wrong password stayed"
    assert _writes(at) == set()
    # the message goes with the next run; the input stays empty
    at.run()
    assert not at.error and at.text_input(key="upload_password").value == ""
    # the right one opens writes, and stays (a rerun compares it again, without a new wait)
    at.text_input(key="upload_password").input("s3cret").run()
    assert "upload_files" in _writes(at)
    at.run()
    assert "upload_files" in _writes(at)
    assert fake_time.slept == []


def test_new_sessions_do_not_reset_the_count(viewer_app, fake_time):
    for n in range(6):  # six sessions, one wrong try each, from the same (loopback) client
        at = _upload_session(viewer_app if n == 0 else None)
        at.text_input(key="upload_password").input(f"guess-{n}").run()
        assert not at.exception and _writes(at) == set()
    assert fake_time.slept == [2.0]  # the sixth try already waited
    at = _upload_session()  # a seventh session with the right password: waits, then gets in
    at.text_input(key="upload_password").input("s3cret").run()
    assert fake_time.slept == [2.0, 4.0]
    assert "upload_files" in _writes(at)
    assert open_store().auth_state("loopback", 0) == (6, 6)
