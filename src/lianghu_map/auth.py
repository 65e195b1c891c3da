"""Who may write: roles, the analyst password (constant time, delayed after failures), single
sign-on.

Everyone is a **viewer** by default.  An **analyst** (upload, replace, delete, restore, link
edits) is someone who

* runs the app in explicit local mode (``LIANGHU_LOCAL_MODE=1``: one user, their own machine), or
* entered the analyst password (``LIANGHU_UPLOAD_PASSWORD`` or ``upload_password`` in
  ``.streamlit/secrets.toml``), compared in constant time, each try delayed by a
  :class:`PasswordGuard` after failures, or
* signed in through Streamlit's ``st.login`` (when ``[auth]`` is configured in secrets) with an
  e-mail address listed in ``LIANGHU_ANALYSTS`` / ``analysts``.

Nothing in the session state or the URL grants the role: it is worked out on every run from these
inputs only, and every write in :mod:`lianghu_map.publish` checks it again.

**Wrong passwords slow every guesser down, and never lock the right password out.**  Failures are
counted in the layer store (so that every app instance sees them), per client key and in total:

* per key: after :attr:`Backoff.free` failures within :attr:`Backoff.window_s`, every further try
  from that key waits ``base_s × 2^(failures − free)`` seconds first;
* in total: once all keys together failed :attr:`Backoff.budget` times in the window, every try,
  from anyone, waits at least ``budget_delay_s``;
* the wait is capped at :attr:`Backoff.cap_s`, and it comes *before* the comparison, which then
  always happens: a correct password is accepted after at most ``cap_s`` seconds, however many
  failures others cause.  There is no lock.

The client key (:func:`client_key`) is the TCP peer's address; ``X-Forwarded-For`` and
``X-Real-IP`` are believed only when the peer is one of the configured trusted proxies
(``LIANGHU_TRUSTED_PROXIES`` / ``trusted_proxies``, see :mod:`lianghu_map.config`).  When the key
cannot be known (a shared balancer that is not configured) everyone behind it shares one key, and
the total budget still holds.  See docs/DEPLOY.md.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from .config import Settings
from .errors import WriteDenied

__all__ = [
    "BACKOFF",
    "Access",
    "Backoff",
    "FailureLog",
    "PasswordGuard",
    "Role",
    "Verdict",
    "client_key",
    "require_analyst",
    "resolve_access",
]

# uvicorn (Streamlit's server) rewrites the peer address itself from X-Forwarded-For when the TCP
# peer is one of these (its FORWARDED_ALLOW_IPS, default loopback): see client_key.
SERVER_TRUSTED_DEFAULT = "127.0.0.1,::1"
LOOPBACK_KEY = "loopback"
PROXY_KEY = "proxy"  # behind a proxy the server trusts but we do not: the client is not known


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


# -- the password delay --------------------------------------------------------------------------

@dataclass(frozen=True)
class Backoff:
    """How long a password try waits, from the failures counted in the last ``window_s``."""

    free: int = 5  # failures per key before any delay
    base_s: float = 2.0  # the first delay; doubles with every further failure of the key
    cap_s: float = 60.0  # no try ever waits longer: the right password gets in after this
    window_s: float = 3600.0  # failures older than this are forgotten
    budget: int = 100  # failures of all keys together in the window before everyone waits
    budget_delay_s: float = 30.0  # the wait for everyone while the budget is exceeded

    def delay(self, key_failures: int, total_failures: int) -> float:
        wait = 0.0
        if key_failures >= self.free:
            wait = self.base_s * 2.0 ** min(key_failures - self.free, 32)
        if total_failures >= self.budget:
            wait = max(wait, self.budget_delay_s)
        return min(wait, self.cap_s)


BACKOFF = Backoff()


class FailureLog(Protocol):
    """Where failures are counted: the layer store (shared by every app instance)."""

    def auth_failure(self, key: str, now: float) -> None:
        """Count one wrong password from ``key`` at ``now`` (seconds since the epoch)."""
        ...

    def auth_state(self, key: str, since: float) -> tuple[int, int]:
        """``(failures of key, failures of all keys)`` counted at or after ``since``."""
        ...


# The clock (seconds since the epoch: instances share it) and the sleep a guard uses unless given
# its own; looked up at each call, so that the app's tests can replace them and never wait.
CLOCK: Callable[[], float] = time.time
SLEEP: Callable[[float], None] = time.sleep


class PasswordGuard:
    """The delay before a password try, and the count of failures, on a :class:`FailureLog`."""

    def __init__(self, log: FailureLog, backoff: Backoff | None = None, *,
                 clock: Callable[[], float] | None = None,
                 sleep: Callable[[float], None] | None = None):
        self.log, self._backoff, self._clock, self._sleep = log, backoff, clock, sleep

    @property
    def backoff(self) -> Backoff:
        return self._backoff or BACKOFF

    def now(self) -> float:
        return (self._clock or CLOCK)()

    def delay(self, key: str) -> float:
        """Seconds a try from ``key`` must wait now (0: none)."""
        mine, total = self.log.auth_state(key, self.now() - self.backoff.window_s)
        return self.backoff.delay(mine, total)

    def wait(self, key: str, on_wait: Callable[[float], None] | None = None) -> float:
        """Wait as long as a try from ``key`` must; the seconds waited."""
        seconds = self.delay(key)
        if seconds > 0:
            if on_wait is not None:
                on_wait(seconds)
            (self._sleep or SLEEP)(seconds)
        return seconds

    def failure(self, key: str) -> None:
        self.log.auth_failure(key, self.now())


# -- the client key ------------------------------------------------------------------------------

def _networks(spec: str | Sequence[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    items = spec.replace(";", ",").split(",") if isinstance(spec, str) else spec
    out = []
    for item in (str(i).strip() for i in items):
        if item == "*":
            out += [ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0")]
        elif item:
            try:
                out.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                continue  # not an address: config.py refuses these for our own setting
    return out


def _address(text: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An address from a peer or a forwarded entry (``1.2.3.4``, ``1.2.3.4:5``, ``[::1]:5``)."""
    text = (text or "").strip()
    if text.startswith("[") and "]" in text:
        text = text[1:text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(ip, "ipv4_mapped", None)
    return mapped or ip


def _within(ip, networks) -> bool:
    return ip is not None and any(ip.version == n.version and ip in n for n in networks)


def _forwarded_client(entries: Sequence[str], trusted) -> str:
    """The client a chain of proxies reports: the rightmost entry that is not itself a trusted
    proxy (each proxy appends the address it got the request from)."""
    for entry in reversed(entries):
        if not _within(_address(entry), trusted):
            return entry
    return entries[0] if entries else ""


def _key(ip) -> str:
    if ip is None:
        return "unknown"
    if ip.is_loopback:
        return LOOPBACK_KEY
    if ip.version == 6:  # one IPv6 client easily owns a whole /64
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def client_key(peer: str | None, forwarded_for: Sequence[str] = (), real_ip: str | None = None,
               trusted_proxies: str | Sequence[str] = (), *,
               server_trusted: str | None = None) -> str:
    """The key failures are counted under, for one connection.

    ``peer`` is the address the server reports (``None``: loopback, as ``st.context.ip_address``
    says), ``forwarded_for`` the ``X-Forwarded-For`` header values, ``real_ip`` the ``X-Real-IP``
    header.  The forwarded headers count only when the peer is within ``trusted_proxies``.

    Streamlit's server (uvicorn) already replaced the peer by the ``X-Forwarded-For`` client when
    the real peer is one it trusts (``FORWARDED_ALLOW_IPS``, default loopback): then ``peer``
    equals the client uvicorn derives from the header.  That case is recognised, and the real
    peer (a server-trusted host) is taken instead unless our trusted proxies cover it.
    """
    peer = peer if isinstance(peer, str) and peer else None  # (a test harness may mock it)
    trusted = _networks(trusted_proxies)
    entries = [e.strip() for value in forwarded_for for e in value.split(",") if e.strip()]
    ip = _address(peer) if peer else ipaddress.ip_address("127.0.0.1")
    if server_trusted is None:
        server_trusted = os.environ.get("FORWARDED_ALLOW_IPS", SERVER_TRUSTED_DEFAULT)
    server_nets = _networks(server_trusted)
    rewritten = bool(entries and peer and server_nets) and _address(
        _forwarded_client(entries, server_nets)) == ip
    if rewritten:  # uvicorn replaced the real peer (a host it trusts) by what the header says
        if not all(any(s.version == t.version and s.subnet_of(t) for t in trusted)
                   for s in server_nets):
            loopback = all(s.network_address.is_loopback for s in server_nets)
            return LOOPBACK_KEY if loopback else PROXY_KEY
        ip = None  # a proxy we trust: the header decides below
    elif not _within(ip, trusted):
        return _key(ip)
    if entries:
        return _key(_address(_forwarded_client(entries, trusted)))
    return _key(_address(real_ip)) if real_ip else _key(ip)


# -- the verdict ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Verdict:
    access: Access
    problem: str = ""  # i18n key of what went wrong ("auth.wrong"), or ""
    wait_s: float = 0.0  # how long the try waited before the comparison


def resolve_access(settings: Settings, *, password: str | None = None, client: str = "",
                   guard: PasswordGuard | None = None, sso_email: str | None = None,
                   waited: bool = False, on_wait: Callable[[float], None] | None = None
                   ) -> Verdict:
    """The caller's access from this run's inputs only.

    With a ``guard``, a password try first waits as long as the guard says for ``client`` (unless
    ``waited``: this session's same password already waited and passed), then is compared; a
    wrong one is counted."""
    if settings.local_mode:
        return Verdict(Access(Role.ANALYST, "local"))
    if sso_email and sso_email.strip().lower() in settings.analysts:
        return Verdict(Access(Role.ANALYST, "sso", sso_email.strip().lower()))
    if not password or not settings.upload_password:
        return Verdict(VIEWER)
    wait = guard.wait(client, on_wait) if guard is not None and not waited else 0.0
    if hmac.compare_digest(password.encode(), settings.upload_password.encode()):
        return Verdict(Access(Role.ANALYST, "password"), wait_s=wait)
    if guard is not None:
        guard.failure(client)
    return Verdict(VIEWER, "auth.wrong", wait)


def require_analyst(access: Access) -> None:
    """Raise :class:`WriteDenied` unless ``access`` may write (every write path calls this)."""
    if not isinstance(access, Access) or not access.can_write:
        raise WriteDenied()
