"""Deployment settings, from environment variables (documented in the README).

Writes are closed unless explicitly opened: set ``LIANGHU_UPLOAD_PASSWORD`` (analysts enter it on
the Upload page) or ``LIANGHU_LOCAL_MODE=1`` (a single-user machine: no password).
"""

from __future__ import annotations

import hmac
import os
from dataclasses import dataclass

__all__ = ["Settings", "can_write", "load_settings"]


@dataclass(frozen=True)
class Settings:
    upload_password: str | None  # None: no password configured
    local_mode: bool  # writes open without a password (one user on their own machine)
    max_upload_mb: int
    max_features: int

    @property
    def writes_configured(self) -> bool:
        return self.local_mode or bool(self.upload_password)


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    try:
        return int(value) if value else default
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None


def load_settings() -> Settings:
    """Read the settings now (tests change the environment between runs)."""
    return Settings(
        upload_password=os.environ.get("LIANGHU_UPLOAD_PASSWORD") or None,
        local_mode=os.environ.get("LIANGHU_LOCAL_MODE", "").strip().lower() in ("1", "true",
                                                                                  "yes"),
        max_upload_mb=_int("LIANGHU_MAX_UPLOAD_MB", 100),
        max_features=_int("LIANGHU_MAX_FEATURES", 200_000),
    )


def can_write(settings: Settings, password: str | None) -> bool:
    """Whether an analyst may save: local mode, or the configured password (constant-time)."""
    if settings.local_mode:
        return True
    if not settings.upload_password or not password:
        return False
    return hmac.compare_digest(password.encode(), settings.upload_password.encode())
