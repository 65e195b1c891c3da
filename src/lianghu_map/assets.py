"""Leaflet assets served by the app itself, so maps render with no internet.

Leaflet comes from the declared dependency ``xstatic-leaflet`` (same version as folium's, 1.9.3),
and Leaflet.draw 1.0.4 (draw-to-query and measuring) from the declared dependency
``django-leaflet``, which ships it as static files (its Python side, and Django, are never
imported).  :func:`install_static_assets` copies them under ``static/vendor/`` (Streamlit static
serving, at ``/app/static/``); :func:`use_local_assets` points folium (its map and its ``Draw``
plugin) at those URLs instead of its CDNs.
It also writes streamlit-folium's component build with its event debounce cut
(:mod:`lianghu_map.folium_component`) under ``static/vendor/st_folium/``.
``static/`` is generated (gitignored) and holds trusted package files — never uploads — plus,
under ``static/cache/``, the app's own prepared map payloads of big layers (JSON the app wrote,
every string escaped, named by content hash; see :mod:`lianghu_map.compact`).  Streamlit serves
``.json`` there as ``text/plain`` with ``nosniff``: nothing in it can run as a page.

Run ``python -m lianghu_map.assets`` to (re)generate it.
"""

from __future__ import annotations

import filecmp
import importlib.util
import shutil
from functools import cache
from pathlib import Path

import folium
import folium.plugins
import xstatic.pkg.leaflet as xs_leaflet

from . import paths

__all__ = [
    "DRAW_CSS",
    "DRAW_JS",
    "LEAFLET_CSS",
    "LEAFLET_JS",
    "STATIC_DIR",
    "assert_local_assets",
    "ensure_static_assets",
    "install_static_assets",
    "use_local_assets",
]

STATIC_DIR = paths.PROJECT_ROOT / "static"
_VENDOR = "vendor/leaflet"
_FILES = ("leaflet.js", "leaflet.css", "images/layers.png", "images/layers-2x.png",
          "images/marker-icon.png", "images/marker-icon-2x.png", "images/marker-shadow.png")
LEAFLET_JS = f"/app/static/{_VENDOR}/leaflet.js"
LEAFLET_CSS = f"/app/static/{_VENDOR}/leaflet.css"
_DRAW_VENDOR = "vendor/leaflet-draw"
_DRAW_FILES = ("leaflet.draw.js", "leaflet.draw.css", "images/spritesheet.png",
               "images/spritesheet-2x.png", "images/spritesheet.svg")
DRAW_JS = f"/app/static/{_DRAW_VENDOR}/leaflet.draw.js"
DRAW_CSS = f"/app/static/{_DRAW_VENDOR}/leaflet.draw.css"


def _draw_source() -> Path:
    """Leaflet.draw inside the installed ``django-leaflet`` package, found without importing
    it (its ``__init__`` needs a configured Django)."""
    spec = importlib.util.find_spec("leaflet")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("django-leaflet is not installed: run `make run` (or pip install -e .)")
    return Path(next(iter(spec.submodule_search_locations))) / "static" / "leaflet" / "draw"


def install_static_assets(static_dir: Path = STATIC_DIR) -> list[Path]:
    """Copy Leaflet and Leaflet.draw from their packages into ``static_dir``; returns the files
    (re)written."""
    written = []
    for src, vendor, names in ((Path(xs_leaflet.BASE_DIR), _VENDOR, _FILES),
                               (_draw_source(), _DRAW_VENDOR, _DRAW_FILES)):
        for name in names:
            target = static_dir / vendor / name
            if target.exists() and filecmp.cmp(src / name, target, shallow=False):
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src / name, target)
            written.append(target)
    from .folium_component import install  # the map component, clicks sent at once

    if (patched := install(static_dir)) is not None:
        written.append(patched)
    return written


@cache
def ensure_static_assets() -> None:
    """:func:`install_static_assets` once per process (cheap on every rerun)."""
    install_static_assets()


def use_local_assets(base_url_path: str = "") -> None:
    """Make every folium map load Leaflet from the app (no jQuery/Bootstrap/CDN needed:
    the maps use GeoJSON layers, circle markers and tooltips only)."""
    prefix = "/" + base_url_path.strip("/") if base_url_path.strip("/") else ""
    folium.Map.default_js = [("leaflet", prefix + LEAFLET_JS)]
    folium.Map.default_css = [("leaflet_css", prefix + LEAFLET_CSS)]
    folium.plugins.Draw.default_js = [("leaflet_draw_js", prefix + DRAW_JS)]
    folium.plugins.Draw.default_css = [("leaflet_draw_css", prefix + DRAW_CSS)]


def assert_local_assets(links: list[str]) -> None:
    """Raise if any script or stylesheet URL would leave the machine."""
    remote = [u for u in links if "://" in u or u.startswith("//")]
    if remote:
        raise RuntimeError(f"remote map assets would be fetched: {remote}")


if __name__ == "__main__":
    for path in install_static_assets():
        print(f"installed {path.relative_to(paths.PROJECT_ROOT)}")
