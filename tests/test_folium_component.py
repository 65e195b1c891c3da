"""The map component's copy with its event debounce cut (lianghu_map.folium_component): made
from the installed streamlit-folium bundle with the one known call changed and nothing else;
another bundle is left as shipped (no copy); the copy is what a running app serves."""

from __future__ import annotations

import shutil

from lianghu_map import folium_component as fc


def _bundle(folder):
    (js,) = sorted((folder / "static" / "js").glob("main.*.js"))
    return js


def test_the_installed_bundle_is_patched_in_one_place_only(tmp_path):
    target = fc.install(tmp_path)
    assert target == fc.patched_dir(tmp_path)
    original, patched = _bundle(fc.source_dir()).read_bytes(), _bundle(target).read_bytes()
    assert original.count(b"(updateComponentValue,250)") == 1
    assert b"(updateComponentValue,250)" not in patched
    assert patched.count(b"(updateComponentValue,%d)" % fc.DEBOUNCE_MS) == 1
    assert patched.replace(b"(updateComponentValue,%d)" % fc.DEBOUNCE_MS,
                           b"(updateComponentValue,250)") == original  # nothing else changed
    # every other file of the build is there, unchanged
    for path in fc.source_dir().rglob("*"):
        if path.is_file() and path.suffix != ".js":
            assert (target / path.relative_to(fc.source_dir())).read_bytes() == path.read_bytes()
    assert fc.install(tmp_path) == target  # again: the same


def test_an_unknown_bundle_is_served_as_shipped(tmp_path):
    fake = tmp_path / "build"
    shutil.copytree(fc.source_dir(), fake)
    js = _bundle(fake)
    js.write_bytes(js.read_bytes().replace(b"(updateComponentValue,250)",
                                           b"(updateComponentValue,300)"))
    static = tmp_path / "static"
    fc.install(static)  # an older copy, from the known bundle …
    assert fc.install(static, source=fake) is None  # … is removed: the original is served
    assert not fc.patched_dir(static).exists()


def test_without_a_runtime_nothing_is_registered(tmp_path):
    fc.install(tmp_path)
    assert fc.serve_patched(tmp_path) is False
