"""Per-frame caching: once per live frame and key, dropped when the frame is gone."""

from __future__ import annotations

import gc
import itertools
import weakref

import geopandas as gpd
import pytest
from shapely.geometry import Point

from lianghu_map import framecache
from lianghu_map.framecache import per_frame

_unique = itertools.count()


class Frame:
    """Any weak-referenceable object stands for a frame."""


@pytest.fixture
def what() -> tuple:
    """A key of this test's own (the cache is shared by the whole process)."""
    return ("test_framecache", next(_unique))


def counter():
    calls = []

    def make():
        calls.append(1)
        return object()

    return make, calls


def test_computed_once_per_live_frame(what):
    frame = Frame()
    make, calls = counter()
    first = per_frame(frame, what, make)
    assert per_frame(frame, what, make) is first
    assert per_frame(frame, what, make) is first
    assert len(calls) == 1


def test_a_different_frame_recomputes(what):
    a, b = Frame(), Frame()
    make, calls = counter()
    value_a = per_frame(a, what, make)
    value_b = per_frame(b, what, make)
    assert value_a is not value_b and len(calls) == 2
    assert per_frame(a, what, make) is value_a
    assert per_frame(b, what, make) is value_b
    assert len(calls) == 2


def test_a_different_key_recomputes(what):
    frame = Frame()
    make, calls = counter()
    one = per_frame(frame, what, make)
    other = per_frame(frame, (*what, "other"), make)
    assert one is not other and len(calls) == 2
    assert per_frame(frame, what, make) is one


def test_real_geodataframes():
    gdf = gpd.GeoDataFrame({"a": [1]}, geometry=[Point(0, 0)], crs=4326)
    same = gdf  # identity, not equality, is the key
    copy = gdf.copy()
    make, calls = counter()
    key = ("test_framecache", "gdf", next(_unique))
    value = per_frame(gdf, key, make)
    assert per_frame(same, key, make) is value and len(calls) == 1
    assert per_frame(copy, key, make) is not value and len(calls) == 2


def test_entry_of_a_collected_frame_is_dropped(what):
    frame = Frame()
    ref = weakref.ref(frame)
    per_frame(frame, what, lambda: "value")
    key = (id(frame), *what)
    assert key in framecache._frame_cache
    del frame
    gc.collect()
    assert ref() is None
    # the next call (any frame) sweeps dead entries
    survivor = Frame()
    per_frame(survivor, (*what, "next"), lambda: "other")
    assert key not in framecache._frame_cache
    assert all(ref_() is not None for ref_, _ in framecache._frame_cache.values())
    assert (id(survivor), *what, "next") in framecache._frame_cache


def test_cached_value_does_not_keep_its_frame_alive(what):
    frame = Frame()
    ref = weakref.ref(frame)
    per_frame(frame, what, lambda: [1, 2, 3])
    del frame
    gc.collect()
    assert ref() is None


def test_a_reused_id_never_returns_a_dead_frames_value(what):
    """CPython may give a new frame the id of a dead one: the weak reference tells them
    apart."""
    frame = Frame()
    dead = Frame()
    stale = weakref.ref(dead)
    del dead
    gc.collect()
    assert stale() is None
    framecache._frame_cache[(id(frame), *what)] = (stale, "stale")
    make, calls = counter()
    value = per_frame(frame, what, make)
    assert value != "stale" and len(calls) == 1
    assert per_frame(frame, what, make) is value


def test_a_failing_make_caches_nothing(what):
    frame = Frame()

    def boom():
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        per_frame(frame, what, boom)
    assert (id(frame), *what) not in framecache._frame_cache
    assert per_frame(frame, what, lambda: 42) == 42


def test_recent_keeps_the_last_used_and_drops_the_oldest():
    from lianghu_map import framecache

    made = []

    class Obj:
        pass

    objs = [Obj() for _ in range(framecache.RECENT + 1)]
    for o in objs:
        framecache.recent(o, ("x",), lambda o=o: made.append(o) or len(made))
    assert len(made) == framecache.RECENT + 1
    last = objs[-1]
    assert framecache.recent(last, ("x",), lambda: 0) == framecache.RECENT + 1  # kept
    assert framecache.recent(objs[0], ("x",), lambda: -1) == -1  # the oldest was dropped
    assert framecache.recent(last, ("y",), lambda: "other") == "other"  # per what


def test_selection_states_counts_and_sets_are_kept():
    from lianghu_map.mapview import state_map
    from lianghu_map.panels import map_count_text
    from lianghu_map.selection import MapSelection, feature_id_set

    sel = MapSelection(("a", "b", "b"), ("c",), ("d",))
    assert state_map(sel) is state_map(sel)
    # a click lays the clicked feature over the selection's kept states, it copies nothing
    assert state_map(sel, "a").maps[1] is state_map(sel) and state_map(sel, "x") is state_map(sel)
    assert state_map(sel, "a")["a"] == "selected" and state_map(sel)["a"] == "normal"
    assert sel.counts == {"drawn": 4, "shown": 2, "context": 1, "focus": 1}
    assert sel.drawn_set == frozenset("abcd") and sel.drawn is sel.drawn
    assert "4" in map_count_text(sel, 9, False, "en")
    frame = gpd.GeoDataFrame({"x": [1, 2]}, geometry=[None, None], index=["p", "q"])
    assert feature_id_set(frame) == {"p", "q"} and feature_id_set(frame) is feature_id_set(frame)


def test_keep_holds_only_the_last_used_values_per_frame_and_kind():
    """A value keyed by a selection or a click is kept for the last few used, not for every
    one ever made (a million features' styling each)."""
    frame, other, tag = Frame(), Frame(), f"keep-{next(_unique)}"
    made = []

    def get(f, n):
        return per_frame(f, (tag, n), lambda: made.append(n) or n, keep=2)

    get(frame, 1), get(frame, 2), get(other, 1)
    get(frame, 1)  # used again: now the last used
    get(frame, 3)  # 2 goes, 1 stays; the other frame's is its own
    assert made == [1, 2, 1, 3]
    get(frame, 1), get(other, 1)
    assert made == [1, 2, 1, 3]
    get(frame, 2)
    assert made == [1, 2, 1, 3, 2]


def test_names_match_across_the_chunks_they_are_normalised_in(monkeypatch):
    from lianghu_map import selection

    names = ["湖塘公園", "Lake park", "滆湖", "长荡湖", "湖塘公园北"] * 3
    frame = gpd.GeoDataFrame({"name_zh": names, "name_en": ["x"] * len(names)},
                             geometry=[Point(0, 0)] * len(names),
                             index=[f"f{i}" for i in range(len(names))])
    whole = selection._name_matches(frame, "湖塘公园")
    monkeypatch.setattr(selection, "_NAME_CHUNK", 4)
    assert selection._name_matches(frame, "湖塘公园") == whole
    assert whole == {f"f{i}" for i in range(len(names)) if names[i].startswith("湖塘")}


def test_fit_bounds_of_some_features_of_a_frame():
    from lianghu_map.mapview import fit_bounds

    frame = gpd.GeoDataFrame(geometry=[Point(119.5, 31.5), Point(119.9, 31.7), Point(0, 0)],
                             index=["a", "b", "c"])
    assert fit_bounds(frame, ("a", "b", "zz")) == [[31.5, 119.5], [31.7, 119.9]]
    assert fit_bounds(frame, {"a"}) == [[31.5, 119.5], [31.5, 119.5]]
    assert fit_bounds(frame, ["zz"]) is None and fit_bounds(frame, []) is None


def test_a_big_layers_styling_with_a_clicked_feature_and_a_selections_hash_kept():
    from lianghu_map.layers import LAYERS
    from lianghu_map.mapview import _big_styling, state_map
    from lianghu_map.selection import MapSelection

    ids = [f"L/{i}" for i in range(6)]
    frame = gpd.GeoDataFrame({"kind": ["park"] * 6, "status": ["planned"] * 6,
                              "basis": ["uploaded"] * 6},
                             geometry=[Point(i, 0) for i in range(6)], index=ids)
    sel = MapSelection(tuple(ids[:4]), (ids[4],))
    index, _styles, states = _big_styling(frame, LAYERS[0], state_map(sel, ids[2]))
    assert [states[i] if i >= 0 else None for i in index] == [
        "normal", "normal", "selected", "normal", "context", None]
    assert hash(sel) == hash(MapSelection(tuple(ids[:4]), (ids[4],))) and sel._hash == hash(sel)
