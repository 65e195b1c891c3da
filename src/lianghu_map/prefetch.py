"""Read an uploaded file the moment it arrives, before the page's rerun asks for it.

Streamlit stores an upload, then the browser asks for a rerun, and only then does the Upload
page's script start and hand the bytes to the ingest worker.  For a 3 MB file that round trip
is a sizeable part of the wait for the report (bench/upload.py).  So when the upload gate
(:mod:`lianghu_map.upload_gate`) stores a file for a session whose page said how it will read
new files (the default :class:`~lianghu_map.ingest.IngestOptions` of its first draft), the file
goes to the ingest (the sandboxed worker: same budgets) at once, in a background thread, and
the page's script takes the result — or waits for it, relaying its progress — instead of
starting a second read.

Results are keyed by ``(session id, file id, options)``: a page that reads the file another
way (a layer, a CRS or a datum chosen) finds no match and reads it itself, so a prefetch can
only save time, never change what the page shows.  Unclaimed results are few and short-lived
(at most :data:`KEEP` kept; a session's go when its files are removed).

The run the upload causes waits for the read before it draws anything (:meth:`Prefetcher.settle`,
at most :data:`SETTLE` s): while the browser renders a run's elements it takes the CPU the read
needs (on a machine that serves and shows the app — ``make run`` — or a small server), and a
3 MB read took 1.4–1.7× its idle time under a page drawn meanwhile (bench/upload.py).  A read
already done when the page claims it brings its result alone: its progress would only flash.
"""

from __future__ import annotations

import queue
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, wait
from typing import Any

__all__ = ["KEEP", "SETTLE", "Prefetcher", "prefetcher", "settle"]

KEEP = 8  # unclaimed prefetches kept (each holds a file's result); the oldest go first
SETTLE = 0.5  # s a run waits for its session's reads before it draws (then draws meanwhile)

Progress = Callable[[float, str], None]
Ingest = Callable[..., Any]  # ingest_file's signature: (name, data, options, progress)


class _Job:
    def __init__(self) -> None:
        self.future: Future = Future()
        self.progress: queue.SimpleQueue = queue.SimpleQueue()


class Prefetcher:
    """Background reads of uploaded files, claimed once by the page that asks with the same
    key.  ``ingest``: how a file is read (the sandboxed worker in the app)."""

    def __init__(self, ingest: Ingest, keep: int = KEEP):
        self._ingest, self._keep = ingest, keep
        self._jobs: OrderedDict[tuple, _Job] = OrderedDict()
        self._lock = threading.Lock()

    def start(self, session_id: str, file_id: str, name: str, data: bytes,
              options: Hashable) -> None:
        """Begin reading ``data`` for ``(session_id, file_id, options)`` in a daemon thread."""
        job, key = _Job(), (session_id, file_id, options)
        with self._lock:
            self._jobs[key] = job
            self._jobs.move_to_end(key)
            while len(self._jobs) > self._keep:
                self._jobs.popitem(last=False)

        def run() -> None:
            try:
                job.future.set_result(self._ingest(name, data, options,
                                                   lambda f, s: job.progress.put((f, s))))
            except BaseException as exc:  # handed to the page that claims it
                job.future.set_exception(exc)

        threading.Thread(target=run, daemon=True, name="lianghu-prefetch").start()

    def claim(self, session_id: str, file_id: str, options: Hashable,
              progress: Progress | None = None) -> tuple[bool, Any]:
        """``(True, result)`` for a prefetch of this key (waiting for it to finish and relaying
        its progress meanwhile; its exception, if it raised, is raised here), else
        ``(False, None)``.  A prefetch is claimed once."""
        with self._lock:
            job = self._jobs.pop((session_id, file_id, options), None)
        if job is None:
            return False, None
        if job.future.done():  # (done before the page asked: its progress would only flash)
            return True, job.future.result()
        while True:
            try:
                job.future.exception(timeout=0.02)  # (returns it, once done)
                done = True
            except TimeoutError:
                done = False
            while not job.progress.empty():
                frac, stage = job.progress.get()
                if progress is not None:
                    progress(frac, stage)
            if done:
                return True, job.future.result()

    def hook(self, options: Hashable) -> Callable[[str, Any], None]:
        """The upload gate's ``on_file``: each file a session stores (``file_id``, ``name``,
        ``data``) is read with ``options``; its ``drop_session`` forgets a session's reads."""
        def on_file(session_id: str, file: Any) -> None:
            self.start(session_id, file.file_id, file.name, file.data, options)

        on_file.drop_session = self.drop_session  # type: ignore[attr-defined]
        return on_file

    def ingest(self, session_id: str, file_id: str, name: str, data: bytes, options: Hashable,
               progress: Progress | None = None) -> Any:
        """The prefetched result for this key, else a read of its own (``ingest``'s signature
        after the first two arguments)."""
        found, result = self.claim(session_id, file_id, options, progress)
        return result if found else self._ingest(name, data, options, progress)

    def settle(self, session_id: str, timeout: float = SETTLE) -> bool:
        """Wait, at most ``timeout`` s in all, for the session's unclaimed reads still running;
        True when none is left running.  Called before a run draws anything, so the read
        does not share the CPU with the browser rendering that run (see the module's notes)."""
        with self._lock:
            futures = [job.future for key, job in self._jobs.items() if key[0] == session_id]
        return not futures or not wait(futures, timeout=timeout).not_done

    def drop_session(self, session_id: str) -> None:
        """Forget a session's unclaimed prefetches (its files were removed)."""
        with self._lock:
            for key in [k for k in self._jobs if k[0] == session_id]:
                del self._jobs[key]

    def pending(self) -> int:
        with self._lock:
            return len(self._jobs)


_SHARED: Prefetcher | None = None
_SHARED_LOCK = threading.Lock()


def prefetcher() -> Prefetcher:
    """The process's prefetcher, reading through the sandboxed ingest worker."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            from lianghu_map.sandbox import run_ingest

            _SHARED = Prefetcher(run_ingest)
        return _SHARED


def settle(session_id: str, timeout: float = SETTLE) -> bool:
    """:meth:`Prefetcher.settle` on the process's prefetcher; True at once when none was made
    (no file has been read: a page other than Upload imports nothing for this)."""
    shared = _SHARED
    return shared is None or shared.settle(session_id, timeout)
