"""Deployment settings, from environment variables or Streamlit secrets (see the README).

Writes are closed unless explicitly opened: an analyst password (``LIANGHU_UPLOAD_PASSWORD`` or
``upload_password`` in secrets), analyst e-mails for single sign-on (``LIANGHU_ANALYSTS`` or
``analysts``), or ``LIANGHU_LOCAL_MODE=1`` (a single-user machine: no password).

The layer store is a GeoPackage directory (``LIANGHU_VAR``) unless a database URL is set
(``LIANGHU_DATABASE_URL`` or ``database_url`` in secrets): then it is PostGIS, in the schema
``LIANGHU_DATABASE_SCHEMA`` / ``database_schema`` (default ``lianghu``).  The URL may hold a
password: it is never part of a ``repr`` (see :func:`database_settings`).

The proxies whose ``X-Forwarded-For`` / ``X-Real-IP`` headers are believed when counting wrong
passwords per client (``LIANGHU_TRUSTED_PROXIES`` or ``trusted_proxies``: addresses or networks,
comma-separated or a list; default none) are in :attr:`Settings.trusted_proxies`.
"""

from __future__ import annotations

import ipaddress
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "DEFAULT_DATABASE_SCHEMA",
    "Settings",
    "database_settings",
    "load_settings",
    "tianditu_key",
]

DEFAULT_DATABASE_SCHEMA = "lianghu"


@dataclass(frozen=True)
class Settings:
    upload_password: str | None  # None: no password configured
    local_mode: bool  # writes open without a password (one user on their own machine)
    max_upload_mb: int
    max_features: int
    max_vertices: int = 1_500_000  # per uploaded layer (LIANGHU_MAX_VERTICES): refused beyond
    analysts: frozenset[str] = frozenset()  # e-mails that are analysts when signed in (SSO)
    sso: bool = False  # Streamlit's st.login is configured ([auth] in secrets)
    # PostGIS layer store (None: the GeoPackage store); may hold a password, so not in the repr
    database_url: str | None = field(default=None, repr=False)
    database_schema: str = DEFAULT_DATABASE_SCHEMA
    # proxies whose forwarded headers name the client (lianghu_map.auth.client_key)
    trusted_proxies: tuple[str, ...] = ()

    @property
    def writes_configured(self) -> bool:
        return self.local_mode or bool(self.upload_password) or (self.sso and bool(self.analysts))


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    try:
        return int(value) if value else default
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None


def _proxies(value: Any) -> tuple[str, ...]:
    """Addresses or networks (``10.0.0.5``, ``10.0.0.0/8``, ``::1``), comma-separated or a list;
    anything else is refused, naming it (a typo must not silently trust nobody, or everybody)."""
    items = value.replace(";", ",").split(",") if isinstance(value, str) else list(value or ())
    out = []
    for item in (str(i).strip() for i in items):
        if not item:
            continue
        try:
            out.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise ValueError(f"LIANGHU_TRUSTED_PROXIES / trusted_proxies: {item!r} is not an "
                             "IP address or network") from None
    return tuple(out)


def database_settings(secrets: Mapping[str, Any] | None = None) -> tuple[str | None, str]:
    """``(database URL or None, schema)`` for the layer store: the environment
    (``LIANGHU_DATABASE_URL``, ``LIANGHU_DATABASE_SCHEMA``) wins over ``secrets``
    (``database_url``, ``database_schema``).  Without ``secrets``, Streamlit's secrets are
    read if the app runs (Streamlit imported), so that every caller of ``open_store()`` finds
    the same store; the core itself never imports Streamlit."""
    if secrets is None:
        secrets = _streamlit_secrets()
    url = os.environ.get("LIANGHU_DATABASE_URL", "").strip() or str(
        secrets.get("database_url") or "").strip() or None
    schema = os.environ.get("LIANGHU_DATABASE_SCHEMA", "").strip() or str(
        secrets.get("database_schema") or "").strip() or DEFAULT_DATABASE_SCHEMA
    return url, schema


def tianditu_key(secrets: Mapping[str, Any] | None = None) -> str | None:
    """The Tianditu (天地图) browser key: ``LIANGHU_TIANDITU_KEY`` or ``tianditu_key`` in
    secrets (the environment wins), None when neither is set.  The key ends up in the page (the
    browser fetches the tiles with it): use a key restricted to the app's domain."""
    if secrets is None:
        secrets = _streamlit_secrets()
    return (os.environ.get("LIANGHU_TIANDITU_KEY", "").strip()
            or str(secrets.get("tianditu_key") or "").strip() or None)


def _streamlit_secrets() -> Mapping[str, Any]:
    st = sys.modules.get("streamlit")
    if st is None:  # not running in the app: the environment only
        return {}
    try:
        store = st.secrets
        if not store.load_if_toml_exists():  # no secrets.toml (cheap, never raises)
            return {}
        return {k: store[k] for k in ("database_url", "database_schema", "tianditu_key")
                if k in store}
    except Exception:  # a secrets.toml that does not parse: the UI reports it elsewhere
        return {}


def load_settings(secrets: Mapping[str, Any] | None = None) -> Settings:
    """Read the settings now (tests change the environment between runs).  The environment
    wins over ``secrets`` (Streamlit's secrets.toml, passed in by the UI)."""
    secrets = secrets or {}
    database_url, database_schema = database_settings(secrets)
    analysts = os.environ.get("LIANGHU_ANALYSTS") or secrets.get("analysts") or ""
    if isinstance(analysts, str):
        analysts = analysts.replace(";", ",").split(",")
    return Settings(
        upload_password=os.environ.get("LIANGHU_UPLOAD_PASSWORD")
        or str(secrets.get("upload_password") or "") or None,
        local_mode=os.environ.get("LIANGHU_LOCAL_MODE", "").strip().lower() in ("1", "true",
                                                                                  "yes"),
        max_upload_mb=_int("LIANGHU_MAX_UPLOAD_MB", 100),
        max_features=_int("LIANGHU_MAX_FEATURES", 200_000),
        max_vertices=_int("LIANGHU_MAX_VERTICES", 1_500_000),
        analysts=frozenset(a.strip().lower() for a in analysts if str(a).strip()),
        sso="auth" in secrets,
        database_url=database_url,
        database_schema=database_schema,
        trusted_proxies=_proxies(os.environ.get("LIANGHU_TRUSTED_PROXIES")
                                 or secrets.get("trusted_proxies") or ()),
    )
