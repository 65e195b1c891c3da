"""Real-browser fixtures: a Streamlit server on a free port and Debian's Chromium.

Every request that does not go to 127.0.0.1/localhost is aborted and recorded, so a test can
assert that nothing leaves the machine.  Chromium is /usr/bin/chromium (apt package
``chromium``, installed by .ci/run); Playwright never downloads a browser here.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import suppress
from pathlib import Path
from urllib.parse import urlparse

import pytest
from browser_helpers import SERVER_PIDS

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("LIANGHU_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


def pytest_collection_modifyitems(items):
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            # A real browser against a real Streamlit server on a 2-core machine: an input can
            # land while a rerun is still being drawn.  Such a race fails a test now and then
            # (each was seen to pass alone); a test that fails twice more is a real failure.
            # Each failed attempt's traceback is printed (--rerun-show-tracebacks, in
            # pyproject), so a race that passed on a rerun can still be found;
            # LIANGHU_BROWSER_RERUNS=0 makes the first failure final.
            reruns = int(os.environ.get("LIANGHU_BROWSER_RERUNS", "2"))
            item.add_marker(pytest.mark.flaky(reruns=reruns, reruns_delay=2))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(tmp_path_factory, **env: str):
    """`streamlit run app.py` on 127.0.0.1:<free port>; yields the base URL."""
    port = _free_port()
    home = tmp_path_factory.mktemp("home")
    log = (tmp_path_factory.mktemp("log") / "streamlit.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "lianghu_map.serve", str(ROOT / "app.py"),  # as `make run`
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--server.fileWatcherType", "none",
         "--browser.gatherUsageStats", "false", "--global.developmentMode", "false"],
        cwd=ROOT, env={**os.environ, "HOME": str(home), **env}, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        with suppress(OSError):
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                break
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"streamlit did not start; see {log.name}")
        time.sleep(0.2)
    SERVER_PIDS[url] = proc.pid
    yield url
    SERVER_PIDS.pop(url, None)
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The app with the built-in data only (an empty layer store, writes closed)."""
    yield from _serve(tmp_path_factory, LIANGHU_VAR=str(tmp_path_factory.mktemp("var")),
                      LIANGHU_LOCAL_MODE="")


@pytest.fixture(scope="module")
def writable_server(tmp_path_factory):
    """The app in local mode (writes open) with its own empty layer store."""
    yield from _serve(tmp_path_factory, LIANGHU_VAR=str(tmp_path_factory.mktemp("var")),
                      LIANGHU_LOCAL_MODE="1")


@pytest.fixture(scope="module")
def serve(tmp_path_factory):
    """Start the app with extra environment (a prepared layer store, say): ``url = serve(**env)``;
    every server started is stopped after the module."""
    running = []

    def start(**env: str) -> str:
        gen = _serve(tmp_path_factory, **env)
        running.append(gen)
        return next(gen)

    yield start
    for gen in running:
        with suppress(StopIteration):
            next(gen)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield b
        b.close()


class Offline:
    """Records and aborts every request to a host that is not local."""

    def __init__(self):
        self.external: list[str] = []

    def __call__(self, route):
        host = urlparse(route.request.url).hostname or ""
        if host in LOCAL_HOSTS or route.request.url.startswith(("data:", "blob:", "about:")):
            route.continue_()
        else:
            self.external.append(route.request.url)
            route.abort("internetdisconnected")


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1500, "height": 1000}, locale="zh-CN")
    offline = Offline()
    context.route("**/*", offline)
    pg = context.new_page()
    pg.offline = offline
    pg.set_default_timeout(45_000)
    yield pg
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        with suppress(Exception):
            pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # noqa: ARG001 (hook signature)
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)
