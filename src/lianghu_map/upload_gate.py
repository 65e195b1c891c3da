"""Streamlit's upload endpoint takes files only from analysts' sessions, and only what they chose.

Streamlit (1.67) keeps in memory whatever any active session ``PUT``s to
``/_stcore/upload_file/<session id>/<file id>`` — any file id, whether or not the session shows a
file uploader, up to ``server.maxUploadSize`` per file, any number of files, until the session
ends (``server.disconnectedSessionTTL`` after its tab closed).  It offers no per-session limit
and no check that a file id was handed out.  So the app wraps the runtime's upload manager (the
same object the upload route and the sessions use) once per process:

* a session may ask for upload URLs, and store files, only after the Upload page drew its file
  uploader for an analyst in that session (:func:`allow_uploads`); a viewer's session has no
  uploader and gets 403 for every ``PUT``, and no upload URLs;
* a stored file must use a file id handed out to that session (no made-up ids);
* a session's page may ask to hear of each file it stores (``on_file``: the Upload page starts
  reading it at once, :mod:`lianghu_map.prefetch`);
* each file is at most ``LIANGHU_MAX_UPLOAD_MB`` (whatever ``server.maxUploadSize`` says), and
  one session holds at most ``SESSION_FILES`` such files' worth at a time (413 beyond).

What remains (docs/DEPLOY.md): Streamlit reads a refused request's body (up to
``server.maxUploadSize``) before the gate sees it, and the gate is put in place by the first
page run after the server starts; bound request bodies and rates at the reverse proxy.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["SESSION_FILES", "UploadGate", "allow_uploads", "install"]

LOG = logging.getLogger(__name__)
SESSION_FILES = 5  # a session's stored uploads may add up to this many maximum-size files
MAX_IDS = 1000  # file ids remembered per session (an analyst's page hands out a few)


class UploadGate:
    """Wraps one upload manager's ``get_upload_urls``, ``add_file`` and
    ``remove_session_files`` (instance attributes, so every holder of the manager sees them)."""

    def __init__(self, manager: Any, max_file_bytes: int, session_bytes: int):
        self.manager, self.max_file_bytes, self.session_bytes = (manager, max_file_bytes,
                                                                 session_bytes)
        self._urls, self._add, self._drop = (manager.get_upload_urls, manager.add_file,
                                             manager.remove_session_files)
        self._issued: dict[str, list[str]] = {}  # session id → file ids handed out, if allowed
        self._on_file: dict[str, Callable[[str, Any], None]] = {}  # session id → its hook
        self._lock = threading.Lock()
        manager.get_upload_urls = self.get_upload_urls
        manager.add_file = self.add_file
        manager.remove_session_files = self.remove_session_files
        manager.lianghu_gate = self

    def allow(self, session_id: str, on_file: Callable[[str, Any], None] | None = None) -> None:
        with self._lock:
            self._issued.setdefault(session_id, [])
            if on_file is None:
                self._on_file.pop(session_id, None)
            else:
                self._on_file[session_id] = on_file

    def allowed(self, session_id: str) -> bool:
        with self._lock:
            return session_id in self._issued

    def get_upload_urls(self, session_id: str, file_names: Sequence[str]) -> list:
        with self._lock:
            issued = self._issued.get(session_id)
            if issued is None:
                return []
        infos = self._urls(session_id, file_names)
        with self._lock:
            issued += [info.file_id for info in infos]
            del issued[:-MAX_IDS]
        return infos

    def add_file(self, session_id: str, file: Any) -> None:
        from starlette.exceptions import HTTPException

        with self._lock:
            ids = list(self._issued.get(session_id) or ())
        if file.file_id not in ids:
            raise HTTPException(status_code=403, detail="No upload was offered to this session")
        if len(file.data) > self.max_file_bytes:
            raise HTTPException(status_code=413, detail="File too large")
        held = sum(len(f.data) for f in self.manager.get_files(session_id, ids)
                   if f.file_id != file.file_id)
        if held + len(file.data) > self.session_bytes:
            raise HTTPException(status_code=413, detail="Too much uploaded in this session")
        self._add(session_id, file)
        with self._lock:
            hook = self._on_file.get(session_id)
        if hook is not None:
            try:
                hook(session_id, file)
            except Exception:  # a hook only saves time: the page reads the file itself
                LOG.exception("upload hook failed")

    def remove_session_files(self, session_id: str) -> None:
        with self._lock:
            self._issued.pop(session_id, None)
            hook = self._on_file.pop(session_id, None)
        self._drop(session_id)
        drop = getattr(hook, "drop_session", None)
        if drop is not None:
            drop(session_id)


_INSTALL_LOCK = threading.Lock()


def install(max_upload_mb: int) -> UploadGate | None:
    """The gate on this process's Streamlit runtime (put in place on the first call); None when
    there is no runtime (AppTest, bare mode)."""
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return None
    manager = Runtime.instance().uploaded_file_mgr
    with _INSTALL_LOCK:
        gate = getattr(manager, "lianghu_gate", None)
        if gate is None:
            size = max_upload_mb * 2**20
            gate = UploadGate(manager, size, size * SESSION_FILES)
        return gate


def allow_uploads(max_upload_mb: int, on_file: Callable[[str, Any], None] | None = None
                  ) -> None:
    """This session may upload (call right before drawing an analyst's file uploader);
    ``on_file(session_id, file)`` is called for each file it stores."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    gate, ctx = install(max_upload_mb), get_script_run_ctx()
    if gate is not None and ctx is not None:
        gate.allow(ctx.session_id, on_file)
