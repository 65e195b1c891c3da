"""Who may write: roles, the analyst password (constant-time, attempt-limited), single sign-on.

Everyone is a **viewer** by default.  An **analyst** (upload, replace, delete, restore, link
edits) is someone who

* runs the app in explicit local mode (``LIANGHU_LOCAL_MODE=1``: one user, their own machine), or
* entered the analyst password (``LIANGHU_UPLOAD_PASSWORD`` or ``upload_password`` in
  ``.streamlit/secrets.toml``), compared in constant time, at most ``MAX_FAILURES`` wrong tries per
  client in ``WINDOW_S`` (then locked for ``LOCKOUT_S``), or
* signed in through Streamlit's ``st.login`` (when ``[auth]`` is configured in secrets) with an
  e-mail address listed in ``LIANGHU_ANALYSTS`` / ``analysts``.

Nothing in the session state or the URL grants the role: it is worked out on every run from these
inputs only, and every write in :mod:`lianghu_map.publish` checks it again.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from enum import StrEnum

from .config import Settings
from .errors import WriteDenied

__all__ = [
    "LOCKOUT_S",
    "MAX_FAILURES",
    "PASSWORD_LIMITER",
    "WINDOW_S",
    "Access",
    "AttemptLimiter",
    "Role",
    "Verdict",
    "require_analyst",
    "resolve_access",
]

MAX_FAILURES = 5
WINDOW_S = 600.0
LOCKOUT_S = 300.0


class Role(StrEnum):
    VIEWER = "viewer"
    ANALYST = "analyst"


@dataclass(frozen=True)
class Access:
    role: Role
    via: str  # "none" | "local" | "password" | "sso"
    user: str = ""  # the signed-in e-mail (SSO), else empty: the analyst types a name

    @property
    def can_write(self) -> bool:
        return self.role == Role.ANALYST


VIEWER = Access(Role.VIEWER, "none")


class AttemptLimiter:
    """Wrong-password attempts per client, in a sliding window; thread-safe (one per process)."""

    def __init__(self, max_failures: int = MAX_FAILURES, window_s: float = WINDOW_S,
                 lockout_s: float = LOCKOUT_S, clock=time.monotonic):
        self.max_failures, self.window_s, self.lockout_s = max_failures, window_s, lockout_s
        self._clock = clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._locked_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def locked_for(self, client: str) -> float:
        """Seconds this client must still wait (0: may try)."""
        with self._lock:
            return max(0.0, self._locked_until.get(client, 0.0) - self._clock())

    def failure(self, client: str) -> None:
        now = self._clock()
        with self._lock:
            q = self._failures[client]
            q.append(now)
            while q and q[0] < now - self.window_s:
                q.popleft()
            if len(q) >= self.max_failures:
                self._locked_until[client] = now + self.lockout_s
                q.clear()

    def success(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)

    def reset(self) -> None:
        """Forget every failure and lockout (tests; an administrator's restart does the same)."""
        with self._lock:
            self._failures.clear()
            self._locked_until.clear()


PASSWORD_LIMITER = AttemptLimiter()  # the process-wide one the Upload page uses


@dataclass(frozen=True)
class Verdict:
    access: Access
    problem: str = ""  # i18n key of what went wrong ("auth.wrong", "auth.locked"), or ""
    wait_s: float = 0.0


def resolve_access(settings: Settings, *, password: str | None = None, client: str = "",
                   limiter: AttemptLimiter | None = None, sso_email: str | None = None
                   ) -> Verdict:
    """The caller's access from this run's inputs only."""
    if settings.local_mode:
        return Verdict(Access(Role.ANALYST, "local"))
    if sso_email and sso_email.strip().lower() in settings.analysts:
        return Verdict(Access(Role.ANALYST, "sso", sso_email.strip().lower()))
    if not password or not settings.upload_password:
        return Verdict(VIEWER)
    if limiter is not None:
        wait = limiter.locked_for(client)
        if wait > 0:
            return Verdict(VIEWER, "auth.locked", wait)
    if hmac.compare_digest(password.encode(), settings.upload_password.encode()):
        if limiter is not None:
            limiter.success(client)
        return Verdict(Access(Role.ANALYST, "password"))
    if limiter is not None:
        limiter.failure(client)
        wait = limiter.locked_for(client)
        if wait > 0:
            return Verdict(VIEWER, "auth.locked", wait)
    return Verdict(VIEWER, "auth.wrong")


def require_analyst(access: Access) -> None:
    """Raise :class:`WriteDenied` unless ``access`` may write (every write path calls this)."""
    if not isinstance(access, Access) or not access.can_write:
        raise WriteDenied()
