"""ui.deliver: the run waits (GIL free) until the session's queued elements are taken for
sending, at most its timeout, and does nothing outside a Streamlit server."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from streamlit.runtime import Runtime

from lianghu_map import ui


class _Queue:
    def __init__(self, busy_checks: int):
        self.checks, self.busy = 0, busy_checks

    def is_empty(self) -> bool:
        self.checks += 1
        return self.checks > self.busy


def _runtime(queue):
    info = SimpleNamespace(session=SimpleNamespace(_browser_queue=queue))
    mgr = SimpleNamespace(get_active_session_info=lambda _sid: info)
    return SimpleNamespace(_session_mgr=mgr)


def test_without_a_server_it_returns_at_once():
    t0 = time.perf_counter()
    ui.deliver()
    assert time.perf_counter() - t0 < 0.02


def test_it_waits_until_the_queue_is_empty(monkeypatch: pytest.MonkeyPatch):
    queue = _Queue(busy_checks=5)
    monkeypatch.setattr(Runtime, "instance", classmethod(lambda _cls: _runtime(queue)))
    ui.deliver(timeout=1.0)
    assert queue.checks == 6  # asked until it was empty, then no more


def test_it_gives_up_after_its_timeout(monkeypatch: pytest.MonkeyPatch):
    queue = _Queue(busy_checks=10**9)
    monkeypatch.setattr(Runtime, "instance", classmethod(lambda _cls: _runtime(queue)))
    t0 = time.perf_counter()
    ui.deliver(timeout=0.05)
    assert 0.05 <= time.perf_counter() - t0 < 0.5
