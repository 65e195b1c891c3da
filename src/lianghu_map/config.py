"""Deployment settings, from environment variables or Streamlit secrets (see the README).

Writes are closed unless explicitly opened: an analyst password (``LIANGHU_UPLOAD_PASSWORD`` or
``upload_password`` in secrets), analyst e-mails for single sign-on (``LIANGHU_ANALYSTS`` or
``analysts``), or ``LIANGHU_LOCAL_MODE=1`` (a single-user machine: no password).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Settings", "load_settings"]


@dataclass(frozen=True)
class Settings:
    upload_password: str | None  # None: no password configured
    local_mode: bool  # writes open without a password (one user on their own machine)
    max_upload_mb: int
    max_features: int
    analysts: frozenset[str] = frozenset()  # e-mails that are analysts when signed in (SSO)
    sso: bool = False  # Streamlit's st.login is configured ([auth] in secrets)

    @property
    def writes_configured(self) -> bool:
        return self.local_mode or bool(self.upload_password) or (self.sso and bool(self.analysts))


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    try:
        return int(value) if value else default
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None


def load_settings(secrets: Mapping[str, Any] | None = None) -> Settings:
    """Read the settings now (tests change the environment between runs).  The environment
    wins over ``secrets`` (Streamlit's secrets.toml, passed in by the UI)."""
    secrets = secrets or {}
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
        analysts=frozenset(a.strip().lower() for a in analysts if str(a).strip()),
        sso="auth" in secrets,
    )
