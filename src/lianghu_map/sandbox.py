"""Ingest in a worker process with a time and a memory budget (issue 19).

A file that slips past the pre-read checks (:mod:`lianghu_map.ingest_guard`) and still takes
too long or too much memory kills only its worker, never the app: :func:`run_ingest` runs
:func:`~lianghu_map.ingest.ingest_file` in a child of a *forkserver* (a clean process started
once, with the ingest libraries preloaded — never a fork of the Streamlit server), caps the
child's address space (``RLIMIT_AS``), and kills it when the wall-time budget is spent.  The
result (GeoDataFrame and report) comes back pickled; progress messages come back as the worker
reports them.  A stopped worker gives a typed ERROR finding (``ingest_timeout`` or
``ingest_memory``), shown in the UI language like any other.

The budgets scale with the upload's size and are capped: by default 30 s + 1 s per MB (at most
300 s) and 1,024 MB + 16 MB per MB of upload (at most 4,096 MB), above what the worker holds
when it starts.  ``LIANGHU_INGEST_SECONDS`` and ``LIANGHU_INGEST_MEMORY_MB`` set the bases;
``LIANGHU_INGEST_WORKERS`` (default 2) how many files are read at once per app process.

The fixed cost of a read is kept small (docs/PERFORMANCE.md, "Upload page"): one *spare* worker
waits, forked and warmed up (its first read's page copies and heap growth done), for the next
file, and a new one is forked after each read; the result comes back through a file in memory
(``/dev/shm``) the parent reads at once, not through the pipe in 64 KB turns.
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing as mp
import os
import pickle
import resource
import tempfile
import threading
import time
from dataclasses import dataclass, replace
from multiprocessing import spawn
from multiprocessing.connection import Connection
from typing import Any

from .config import _int
from .errors import Finding, Severity
from .ingest import IngestOptions, IngestResult, Progress, clean_name, ingest_file, sniff_format

__all__ = ["Budget", "run_ingest", "warm_workers"]


@dataclass(frozen=True)
class Budget:
    seconds: float = 30.0  # wall time for any file …
    seconds_per_mb: float = 1.0  # … plus this per MB of upload
    max_seconds: float = 300.0
    memory_mb: int = 1024  # memory above what the worker holds at its start …
    memory_per_mb: float = 16.0  # … plus this per MB of upload
    max_memory_mb: int = 4096

    @classmethod
    def from_env(cls) -> Budget:
        return cls(seconds=float(_int("LIANGHU_INGEST_SECONDS", 30)),
                   memory_mb=_int("LIANGHU_INGEST_MEMORY_MB", 1024))

    def seconds_for(self, nbytes: int) -> float:
        return min(self.seconds + self.seconds_per_mb * nbytes / 2**20,
                   max(self.max_seconds, self.seconds))

    def memory_mb_for(self, nbytes: int) -> int:
        return int(min(self.memory_mb + self.memory_per_mb * nbytes / 2**20,
                       max(self.max_memory_mb, self.memory_mb)))


_lock = threading.Lock()
_slots = threading.BoundedSemaphore(max(_int("LIANGHU_INGEST_WORKERS", 2), 1))
_ctx: Any = None


_WORKER = "lianghu-ingest"  # the workers' process name (a spare's starts with it too)
_SPARE = _WORKER + "-spare"


def _context() -> Any:
    """The forkserver context, its server preloading ingest (each worker starts in ~10 ms)."""
    global _ctx
    with _lock:
        if _ctx is None:
            ctx = mp.get_context("forkserver")
            ctx.set_forkserver_preload(["lianghu_map.sandbox", "lianghu_map.sandbox_fork"])
            if spawn.get_preparation_data is not _preparation_data:
                _own_preparation[0] = spawn.get_preparation_data
                spawn.get_preparation_data = _preparation_data
            _ctx = ctx
        return _ctx


_own_preparation: list[Any] = [None]


def _preparation_data(name: str) -> dict[str, Any]:
    """What a new process is told to set up, without the main module for an ingest worker.

    multiprocessing has every child run the parent's ``__main__`` again (as ``__mp_main__``);
    under Streamlit that is the app script (Streamlit sets it as ``__main__`` for each run), so
    every worker ran ``app.py`` and the Map page in bare mode before it read a byte — about 5 s
    of a 3 MB upload's report (docs/PERFORMANCE.md).  A worker needs only what it unpickles:
    :func:`_work` and the ingest function, importable by name."""
    data = _own_preparation[0](name)
    if name.startswith(_WORKER):
        data.pop("init_main_from_path", None)
        data.pop("init_main_from_name", None)
    return data


def warm_workers() -> None:
    """Start the workers' forkserver (it imports the ingest libraries: seconds, once per app
    process) in the background, so the first upload does not wait for it."""
    global _warming
    with _lock:
        if _warming:
            return
        _warming = True
    _context()
    from multiprocessing import forkserver

    def start() -> None:
        forkserver.ensure_running()
        _refill()

    threading.Thread(target=start, daemon=True, name="lianghu-forkserver").start()


_warming = False


@dataclass
class _Spare:
    """A worker forked ahead of the next file: it waits on ``jobs`` for one."""
    proc: Any
    jobs: Connection  # the parent's end: one job is sent, then it is closed
    receive: Connection  # the worker's progress and outcome


_spare: _Spare | None = None


def _refill() -> None:
    """Fork a spare worker if there is none (its warm-up runs in it, not here)."""
    global _spare
    ctx = _context()
    with _lock:
        if _spare is not None and _spare.proc.is_alive():
            return
        _spare = None
    receive, send = ctx.Pipe(duplex=False)
    take, give = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_serve, args=(take, send), daemon=True, name=_SPARE)
    try:
        proc.start()
    except Exception:  # (a spare only saves time: the next read forks its own)
        for conn in (receive, send, take, give):
            conn.close()
        return
    send.close()
    take.close()
    with _lock:
        old, _spare = _spare, _Spare(proc, give, receive)
    if old is not None:  # (two refills raced: one spare is kept)
        _retire(old)


def _reap(proc: Any) -> None:
    """After a read: wait for its worker to exit, then fork the next spare.  A worker that
    read a file has been sent SIGKILL, but its exit (unmapping a heap of a few hundred MB)
    took up to 10 ms, which the caller no longer waits for."""
    proc.join(10)
    _refill()


def _retire(spare: _Spare) -> None:
    with contextlib.suppress(Exception):
        spare.jobs.close()  # (the worker's recv ends: it exits)
        spare.receive.close()
        spare.proc.join(0)


def _take_spare() -> _Spare | None:
    global _spare
    with _lock:
        spare, _spare = _spare, None
    if spare is not None and not spare.proc.is_alive():
        _retire(spare)
        return None
    return spare


def _serve(jobs: Connection, conn: Connection) -> None:
    """A spare worker: warm up, then wait for one job and do it as :func:`_work`."""
    from lianghu_map.sandbox_fork import warm_up

    warm_up()
    try:
        job = jobs.recv()
    except (EOFError, OSError):  # retired unused
        return
    finally:
        jobs.close()
    _work(conn, *job)


def _scratch(suffix: str, data: bytes = b"") -> str:
    """A new file holding ``data``, in memory where the system has one (``/dev/shm``)."""
    shm = "/dev/shm"
    where = shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None
    fd, path = tempfile.mkstemp(prefix="lianghu-ingest-", suffix=suffix, dir=where)
    try:
        with open(fd, "wb") as f:
            f.write(data)
    except OSError:
        os.unlink(path)
        raise
    return path


def _unlink(*paths: Any) -> None:
    for path in paths:
        if isinstance(path, str):
            with contextlib.suppress(OSError):
                os.unlink(path)


def _status_mb(pid: int | str, key: str) -> float:
    """``VmHWM`` (peak resident memory), ``VmRSS`` or ``VmSize`` of a process, in MB."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


def _work(conn: Connection, name: str, data: bytes | str, options: IngestOptions,
          memory_mb: int, target: Any, out: str) -> None:
    """The worker: cap the address space, ingest (``data``: the file's bytes, or the path of a
    scratch file holding them), write the result to ``out`` and say so."""
    try:
        if isinstance(data, str):
            with open(data, "rb") as f:
                data = f.read()
        import pyarrow as pa

        # Arrow's own allocator reserves address space far beyond what it uses: the system
        # allocator keeps RLIMIT_AS a measure of real need
        pa.set_memory_pool(pa.system_memory_pool())
        if memory_mb:
            limit = int((_status_mb("self", "VmSize") + memory_mb) * 2**20)
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        result = target(name, data, options, lambda f, stage: conn.send(("progress", f, stage)))
        try:
            with open(out, "wb") as f:
                pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
            sent = None
        except OSError:  # (no room in /dev/shm, say: the pipe takes it)
            sent = result
        conn.send(("result", sent, _status_mb("self", "VmHWM")))
    except MemoryError:  # (ingest reports its own; this is pickling the result)
        with contextlib.suppress(Exception):  # else the parent sees the pipe close
            conn.send(("memory", None, _status_mb("self", "VmHWM")))
    finally:
        conn.close()


def run_ingest(name: str, data: bytes, options: IngestOptions | None = None,
               progress: Progress | None = None, budget: Budget | None = None,
               target: Any = ingest_file) -> IngestResult:
    """:func:`ingest_file` in a worker process within ``budget``; never raises for bad input.
    ``result.usage`` holds the worker's wall time (s), peak resident memory (MB), outcome, and
    whether the spare worker read it.
    ``target`` (tests): another function with ingest_file's signature, importable by name."""
    budget = budget or Budget.from_env()
    seconds, memory_mb = budget.seconds_for(len(data)), budget.memory_mb_for(len(data))
    options = replace(options or IngestOptions(), memory_mb=memory_mb)
    ctx = _context()
    with _slots:
        out = _scratch(".result")
        try:  # (one write, where the pipe took it in 64 KB turns)
            source: bytes | str = _scratch(".upload", data)
        except OSError:  # (no room in /dev/shm, say)
            source = data
        job = (name, source, options, memory_mb, target, out)
        start = time.monotonic()
        proc, receive, spare = _start(ctx, job)
        peak, outcome = 0.0, "stopped"
        try:  # (Streamlit may stop the script inside progress(): the worker goes too)
            outcome, result, peak = _wait(proc, receive, start + seconds, progress, out)
        finally:
            if proc.is_alive():
                peak = max(peak, _status_mb(proc.pid, "VmHWM"))
                proc.kill()
            if outcome != "done":  # (a worker stopped is gone before the caller hears of it)
                proc.join(10)
            receive.close()
            _unlink(out, source)
            threading.Thread(target=_reap, args=(proc,), daemon=True,
                             name="lianghu-spare").start()
    elapsed = time.monotonic() - start
    if result is None:
        code, params = (("ingest_timeout", {"seconds": round(seconds)}) if outcome == "timeout"
                        else ("ingest_memory", {"limit_mb": memory_mb}))
        file = clean_name(name)
        result = IngestResult(file, sniff_format(file) or "", None,
                              [Finding(code, Severity.ERROR, file, params=params)])
        result.sha256 = hashlib.sha256(data).hexdigest()
    result.usage = {"seconds": round(elapsed, 3), "peak_mb": round(peak, 1),
                    "outcome": outcome, "spare": spare}
    return result


def _start(ctx: Any, job: tuple) -> tuple[Any, Connection, bool]:
    """The worker for ``job``, the end its messages come to, and whether it was the spare (else
    a new fork)."""
    spare = _take_spare()
    if spare is not None:
        try:
            spare.jobs.send(job)
            spare.jobs.close()
            spare.proc.name = _WORKER  # (the process object's name, for active_children())
            return spare.proc, spare.receive, True
        except (OSError, ValueError):  # it died meanwhile
            if spare.proc.is_alive():
                spare.proc.kill()
            _retire(spare)
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_work, args=(send, *job), daemon=True, name=_WORKER)
    proc.start()
    send.close()
    return proc, receive, False


def _wait(proc: Any, receive: Connection, deadline: float, progress: Progress | None,
          out: str) -> tuple[str, IngestResult | None, float]:
    """Relay progress until the result comes, the worker dies or the deadline passes."""
    peak = 0.0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return "timeout", None, peak
        if receive.poll(min(left, 0.05)):
            try:
                kind, value, extra = receive.recv()
            except (EOFError, OSError):  # the worker died (killed by the kernel, crashed)
                return "memory", None, peak
            if kind == "progress":
                if progress is not None:
                    progress(value, extra)
                continue
            if kind == "result":
                if value is None:
                    with open(out, "rb") as f:
                        value = pickle.loads(f.read())
                return "done", value, max(peak, extra)
            return "memory", None, max(peak, extra)
        peak = max(peak, _status_mb(proc.pid, "VmHWM"))
        if not proc.is_alive() and not receive.poll(0):
            return "memory", None, peak

