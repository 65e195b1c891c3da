"""The Upload page reads a file as it arrives (lianghu_map.prefetch) — and only ever saves time:
a result is claimed once, by the same session, file and read options; anything else is read
afresh; errors and progress reach the page as if it had read the file itself."""

from __future__ import annotations

import threading
import time

import pytest
from starlette.exceptions import HTTPException
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.uploaded_file_manager import UploadedFileRec

from lianghu_map.ingest import IngestOptions
from lianghu_map.prefetch import Prefetcher
from lianghu_map.upload_gate import UploadGate


class Reader:
    """An ingest stand-in: records its calls, reports progress, can wait or fail."""

    def __init__(self, gate: threading.Event | None = None, fail: bool = False):
        self.calls: list[tuple[str, object]] = []
        self.gate, self.fail = gate, fail

    def __call__(self, name, data, options, progress=None):
        self.calls.append((name, options))
        if progress:
            progress(0.5, "parse")
        if self.gate is not None:
            self.gate.wait(5)
        if self.fail:
            raise ValueError(f"cannot read {name}")
        return {"name": name, "bytes": len(data), "options": options}


OPTS = IngestOptions(max_bytes=100)


def test_a_prefetched_read_is_claimed_once_with_its_progress():
    release = threading.Event()
    reader = Reader(gate=release)
    pf = Prefetcher(reader)
    pf.start("s1", "f1", "a.geojson", b"abc", OPTS)
    threading.Timer(0.2, release.set).start()
    seen = []
    found, result = pf.claim("s1", "f1", OPTS, lambda f, s: seen.append((f, s)))
    assert found and result == {"name": "a.geojson", "bytes": 3, "options": OPTS}
    assert seen == [(0.5, "parse")]  # (relayed while the read ran)
    assert pf.claim("s1", "f1", OPTS) == (False, None)  # claimed once
    # the page's ingest: a second read is the page's own
    assert pf.ingest("s1", "f1", "a.geojson", b"abc", OPTS)["bytes"] == 3
    assert len(reader.calls) == 2


@pytest.mark.parametrize(("session", "file", "options"), [
    ("s2", "f1", OPTS),                                 # another session
    ("s1", "f2", OPTS),                                 # another file
    ("s1", "f1", IngestOptions(max_bytes=100, datum="gcj02")),  # read another way
])
def test_another_key_never_gets_the_prefetched_result(session, file, options):
    reader = Reader()
    pf = Prefetcher(reader)
    pf.start("s1", "f1", "a.geojson", b"abc", OPTS)
    assert pf.claim(session, file, options) == (False, None)
    got = pf.ingest(session, file, "b.geojson", b"abcdef", options)
    assert got == {"name": "b.geojson", "bytes": 6, "options": options}


def test_the_page_waits_for_a_read_still_running():
    release = threading.Event()
    pf = Prefetcher(Reader(gate=release))
    pf.start("s1", "f1", "a.geojson", b"abc", OPTS)
    threading.Timer(0.2, release.set).start()
    t0 = time.monotonic()
    found, result = pf.claim("s1", "f1", OPTS)
    assert found and result["bytes"] == 3 and time.monotonic() - t0 >= 0.15


def test_a_failed_read_raises_in_the_page():
    pf = Prefetcher(Reader(fail=True))
    pf.start("s1", "f1", "a.geojson", b"abc", OPTS)
    with pytest.raises(ValueError, match=r"cannot read a\.geojson"):
        pf.ingest("s1", "f1", "a.geojson", b"abc", OPTS)


def test_unclaimed_reads_are_bounded_and_go_with_their_session():
    pf = Prefetcher(Reader(), keep=3)
    for n in range(5):
        pf.start("s1", f"f{n}", "a.geojson", b"abc", OPTS)
    assert pf.pending() == 3
    assert pf.claim("s1", "f0", OPTS) == (False, None)  # the oldest went
    pf.start("s2", "g", "a.geojson", b"abc", OPTS)
    pf.drop_session("s1")
    assert pf.pending() == 1 and pf.claim("s2", "g", OPTS)[0]


def test_the_gate_hands_each_stored_file_of_a_hooked_session_to_the_prefetcher():
    mgr = MemoryUploadedFileManager("/_stcore/upload_file")
    gate = UploadGate(mgr, max_file_bytes=100, session_bytes=250)
    reader = Reader()
    pf = Prefetcher(reader)
    gate.allow("analyst", pf.hook(OPTS))
    gate.allow("other")  # no hook: its files are stored only
    ids = [info.file_id for info in mgr.get_upload_urls("analyst", ["a", "b"])]
    other = mgr.get_upload_urls("other", ["c"])[0].file_id
    mgr.add_file("analyst", UploadedFileRec(ids[0], "a.geojson", "application/json", b"x" * 10))
    mgr.add_file("other", UploadedFileRec(other, "c.geojson", "application/json", b"x" * 10))
    with pytest.raises(HTTPException):  # refused (too big): nothing read
        mgr.add_file("analyst", UploadedFileRec(ids[1], "b.geojson", "", b"x" * 101))
    found, result = pf.claim("analyst", ids[0], OPTS)
    assert found and result["name"] == "a.geojson"
    assert [c[0] for c in reader.calls] == ["a.geojson"]
    # a hook that fails never fails the upload
    gate.allow("analyst", lambda *_: 1 / 0)
    mgr.add_file("analyst", UploadedFileRec(ids[1], "b.geojson", "", b"x" * 10))
    assert len(mgr.get_files("analyst", ids)) == 2
    # the session ends: its unclaimed reads go too
    gate.allow("analyst", pf.hook(OPTS))
    mgr.add_file("analyst", UploadedFileRec(ids[1], "b.geojson", "", b"x" * 10))
    assert pf.pending() == 1
    mgr.remove_session_files("analyst")
    assert pf.pending() == 0


def test_a_read_done_before_the_page_asks_brings_no_progress():
    """Its progress would only flash a bar on the page (pages/upload.py makes the bar at the
    first progress reported)."""
    pf = Prefetcher(Reader())
    pf.start("s1", "f1", "a.geojson", b"abc", OPTS)
    assert pf.settle("s1", 5)
    seen = []
    found, result = pf.claim("s1", "f1", OPTS, lambda f, s: seen.append((f, s)))
    assert found and result["bytes"] == 3 and seen == []


def test_settle_waits_for_the_sessions_reads_and_no_longer_than_its_timeout():
    release, other = threading.Event(), threading.Event()

    def read(name, data, _options, _progress=None):
        (release if name == "a.geojson" else other).wait(5)
        return {"bytes": len(data)}

    pf = Prefetcher(read)
    assert pf.settle("s1", 5)  # nothing in flight: at once
    pf.start("s1", "f1", "a.geojson", b"abc", OPTS)
    pf.start("s2", "f9", "b.geojson", b"abcd", OPTS)  # another session's: not waited for
    t0 = time.monotonic()
    assert not pf.settle("s1", 0.2)  # still running: gives up after its timeout
    assert 0.15 <= time.monotonic() - t0 < 2
    threading.Timer(0.2, release.set).start()
    t0 = time.monotonic()
    assert pf.settle("s1", 5)  # returns when the read is done, not at the timeout
    assert 0.15 <= time.monotonic() - t0 < 2
    assert pf.claim("s1", "f1", OPTS)[0]
    t0 = time.monotonic()
    assert pf.settle("s1", 5) and time.monotonic() - t0 < 0.1  # claimed: nothing to wait for
    other.set()


def test_the_process_settle_makes_no_prefetcher(monkeypatch):
    """Every page's run calls it (app.py): without a prefetcher (no file read yet) it returns
    at once and makes none (which would import the ingest worker's modules)."""
    from lianghu_map import prefetch

    monkeypatch.setattr(prefetch, "_SHARED", None)
    assert prefetch.settle("s1") and prefetch._SHARED is None
    pf = Prefetcher(Reader(gate=threading.Event()))
    monkeypatch.setattr(prefetch, "_SHARED", pf)
    pf.start("s1", "f1", "a.geojson", b"abc", OPTS)
    assert not prefetch.settle("s1", 0.05) and prefetch.settle("s2", 0.05)
