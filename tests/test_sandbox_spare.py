"""The spare ingest worker (docs/PERFORMANCE.md, "Upload page"): a worker forked and warmed up
ahead of the next file takes it; a new spare follows each read; a spare that died is replaced by
a fork of the read's own; the scratch files that carry the bytes and the result are removed, and
a system without room for them still reads through the pipe."""

from __future__ import annotations

import multiprocessing
import os
import time

import ingest_fixtures as fx

from lianghu_map import sandbox
from lianghu_map.ingest import ingest_file
from lianghu_map.sandbox import Budget, run_ingest


def _spare(timeout: float = 30.0) -> sandbox._Spare:
    """The spare, once one has been forked (it is forked in a background thread)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        spare = sandbox._spare
        if spare is not None and spare.proc.is_alive():
            return spare
        time.sleep(0.02)
    raise AssertionError("no spare worker was forked")


def _read() -> sandbox.IngestResult:
    res = run_ingest(*fx.geojson_ref())
    assert res.ok and len(res.gdf) == 4 and res.usage["outcome"] == "done", res.findings
    return res


def test_the_spare_takes_the_next_file_and_a_new_one_follows() -> None:
    _read()
    first = _spare()
    res = _read()
    assert res.usage["spare"] is True
    second = _spare()
    assert second.proc.pid != first.proc.pid  # (a worker reads one file, then is gone)
    first.proc.join(5)
    assert not first.proc.is_alive()


def test_a_dead_spare_is_not_used_and_the_read_forks_its_own() -> None:
    _read()
    spare = _spare()
    spare.proc.kill()
    spare.proc.join(5)
    res = _read()
    assert res.usage["spare"] is False
    assert _spare().proc.pid != spare.proc.pid  # and a live one replaces it


def test_a_spare_stopped_by_the_time_budget_goes_too() -> None:
    _read()
    spare = _spare()
    res = run_ingest(*fx.geojson_ref(), budget=Budget(seconds=2, seconds_per_mb=0),
                     target=fx.sleepy_ingest)
    assert res.usage == {**res.usage, "outcome": "timeout", "spare": True}
    spare.proc.join(5)
    assert not spare.proc.is_alive()
    assert not [p for p in multiprocessing.active_children() if p.name == "lianghu-ingest"]


def test_the_scratch_files_are_removed(monkeypatch) -> None:
    made = []
    scratch = sandbox._scratch

    def noted(suffix: str, data: bytes = b"") -> str:
        made.append(scratch(suffix, data))
        return made[-1]

    monkeypatch.setattr(sandbox, "_scratch", noted)
    _read()
    assert [os.path.splitext(p)[1] for p in made] == [".result", ".upload"]
    assert not [p for p in made if os.path.exists(p)]
    run_ingest(*fx.geojson_ref(), budget=Budget(seconds=1, seconds_per_mb=0),
               target=fx.sleepy_ingest)  # (a worker killed before it wrote its result)
    assert len(made) == 4 and not [p for p in made if os.path.exists(p)]


def test_without_room_for_scratch_files_the_pipe_carries_them(monkeypatch, tmp_path) -> None:
    def full(suffix: str, _data: bytes = b"") -> str:
        if suffix == ".upload":
            raise OSError(28, "No space left on device")
        return str(tmp_path / "no-such-folder" / "result")  # (the worker cannot write it)

    monkeypatch.setattr(sandbox, "_scratch", full)
    res, here = _read(), ingest_file(*fx.geojson_ref())
    assert [f.code for f in res.findings] == [f.code for f in here.findings]
    assert res.gdf.equals(here.gdf)


def test_a_worker_that_read_a_file_is_reaped_after_the_result_is_returned(monkeypatch) -> None:
    """The caller has the result before its worker's exit (up to ~10 ms for a big heap) is
    waited for; the worker is still reaped, in the background, and a spare follows."""
    reaped, returned = [], []
    reap = sandbox._reap

    def noted(proc) -> None:
        end = time.monotonic() + 5
        while not returned and time.monotonic() < end:  # (run_ingest does not wait for this)
            time.sleep(0.005)
        reaped.append((proc, bool(returned)))
        reap(proc)

    monkeypatch.setattr(sandbox, "_reap", noted)
    _read()
    returned.append(True)
    end = time.monotonic() + 10
    while not (reaped and reaped[0][0].exitcode is not None) and time.monotonic() < end:
        time.sleep(0.02)
    (proc, after_return), = reaped
    assert after_return and proc.exitcode is not None  # (killed once its result was in)
    assert _spare().proc.pid != proc.pid
    assert not [p for p in multiprocessing.active_children() if p.name == "lianghu-ingest"]
