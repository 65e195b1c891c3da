"""Shared fixtures: the app's root, AppTest factory."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]

# Tests never touch the real layer store (./var): every run gets its own, empty unless a test
# writes to it.  Set before anything opens a store; inherited by browser-test servers.
os.environ["LIANGHU_VAR"] = tempfile.mkdtemp(prefix="lianghu-test-var-")


@pytest.fixture
def app() -> AppTest:
    """A fresh app (main script), not yet run."""
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)


@pytest.fixture(autouse=True)
def _fresh_password_limiter():
    """Wrong-password counts are per process; tests must not inherit each other's lockouts."""
    from lianghu_map.auth import PASSWORD_LIMITER

    PASSWORD_LIMITER.reset()
