"""Where the project's data lives (overridable for tests and deployments)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["DATA_DIR", "DIRECTIVES_DIR", "GEO_DIR", "PROJECT_ROOT", "VAR_DIR"]

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = Path(os.environ.get("LIANGHU_DATA", PROJECT_ROOT / "data"))
DIRECTIVES_DIR = DATA_DIR / "directives"
GEO_DIR = DATA_DIR / "geo"
# Uploaded layers (the layer store): writable, never under static/ (see lianghu_map.store).
VAR_DIR = Path(os.environ.get("LIANGHU_VAR", PROJECT_ROOT / "var"))
