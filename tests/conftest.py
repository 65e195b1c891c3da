"""Shared fixtures: the app's root, AppTest factory."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def app() -> AppTest:
    """A fresh app (main script), not yet run."""
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
