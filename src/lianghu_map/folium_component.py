"""streamlit-folium's map component, with a map click sent to the app at once.

streamlit-folium (0.27) hands every map event to the app through one function debounced by
250 ms (``_.debounce(updateComponentValue, 250)`` in its bundled ``main.*.js``): a click on a
feature reaches the server a quarter of a second after the click, before any work starts — a
third of what a planner waits for the side panel (docs/PERFORMANCE.md, issue 18).  The debounce
only needs to gather the events of one gesture (a feature's click and the map's click that
follows it in the same dispatch; the steps of one zoom), so :func:`install` writes a copy of the
component's build under ``static/vendor/st_folium/`` with :data:`DEBOUNCE_MS` instead, and
:func:`serve_patched` has Streamlit serve the component (same name, so nothing else changes)
from that copy.

Defensive by design: the copy is made only when the bundle holds the known call exactly once
(another streamlit-folium version is served as shipped, and ``tests/test_folium_component.py``
fails so the patch gets looked at); the copy is generated (``python -m lianghu_map.assets``,
gitignored), never committed.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
from pathlib import Path

from . import paths

__all__ = ["COMPONENT", "DEBOUNCE_MS", "install", "patched_dir", "serve_patched", "source_dir"]

COMPONENT = "streamlit_folium.st_folium"  # Streamlit's name for the component
DEBOUNCE_MS = 40  # gathers one gesture's events; a click is sent ~40 ms after it, not 250
_CALL = re.compile(rb"\(updateComponentValue,250\)")
_STATIC = paths.PROJECT_ROOT / "static"


def source_dir() -> Path:
    """The component's build as installed (found without importing the package: its import
    declares the component)."""
    spec = importlib.util.find_spec("streamlit_folium")
    if spec is None or spec.origin is None:
        raise RuntimeError("streamlit-folium is not installed: run `make run`")
    return Path(spec.origin).resolve().parent / "frontend" / "build"


def patched_dir(static_dir: Path = _STATIC) -> Path:
    return static_dir / "vendor" / "st_folium"


def install(static_dir: Path = _STATIC, source: Path | None = None) -> Path | None:
    """Write the patched copy of the component's build; its folder, or None (nothing written,
    any older copy removed) when the bundle is not the one this patch knows."""
    source = source or source_dir()
    target = patched_dir(static_dir)
    bundles = sorted((source / "static" / "js").glob("main.*.js"))
    text = bundles[0].read_bytes() if len(bundles) == 1 else b""
    if len(_CALL.findall(text)) != 1:
        shutil.rmtree(target, ignore_errors=True)
        return None
    shutil.copytree(source, target, dirs_exist_ok=True)
    patched = _CALL.sub(b"(updateComponentValue,%d)" % DEBOUNCE_MS, text)
    out = target / bundles[0].relative_to(source)
    if not out.exists() or out.read_bytes() != patched:
        out.write_bytes(patched)
    return target


def serve_patched(static_dir: Path = _STATIC) -> bool:
    """Have this process's Streamlit serve the map component from the patched copy (call on
    every run: cheap; after ``streamlit_folium`` is imported, which registers the original).
    False when there is no copy or no runtime (AppTest, bare mode)."""
    import streamlit_folium  # noqa: F401  (its import registers the original first)
    from streamlit.components.v1.custom_component import CustomComponent
    from streamlit.runtime import Runtime

    target = patched_dir(static_dir)
    if not Runtime.exists() or not (target / "index.html").is_file():
        return False
    registry = Runtime.instance().component_registry
    if registry.get_component_path(COMPONENT) != os.path.abspath(target):
        registry.register_component(CustomComponent(
            name=COMPONENT, path=str(target), url=None, module_name="streamlit_folium"))
    return True
