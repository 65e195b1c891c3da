"""What is derived from a live catalogue frame, kept while the frame lives.

The catalogue's frames are read-only and live per store revision (see :mod:`catalog`), so
what is derived from them (a layer split, feature JSON, legend entries, metric measures, a
GCJ-02 copy for display) can be kept while they live: one dictionary keyed by the frame's
identity, entries dropped once their frame is gone.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Callable
from threading import Lock
from typing import Any, TypeVar

__all__ = ["per_frame", "recent"]

T = TypeVar("T")

_frame_cache: dict[tuple, tuple[weakref.ref, Any]] = {}
_frame_lock = Lock()


def per_frame(frame: Any, what: tuple, make: Callable[[], T], keep: int | None = None) -> T:
    """``make()`` once per live ``frame`` (by identity) and ``what``.  ``keep``: at most that
    many values per frame and ``what[0]``, the last used (for what is keyed by a selection or
    a click, which a page makes without end: a million features' styling each)."""
    key = (id(frame), *what)
    with _frame_lock:
        hit = _frame_cache.get(key)
        if hit is not None and hit[0]() is frame:
            if keep is not None:  # now the last used, for the count below
                _frame_cache[key] = _frame_cache.pop(key)
            return hit[1]
    value = make()
    with _frame_lock:
        for k in [k for k, (ref, _) in _frame_cache.items() if ref() is None]:
            del _frame_cache[k]
        _frame_cache[key] = (weakref.ref(frame), value)
        if keep is not None:
            same = [k for k in _frame_cache if k[:2] == key[:2]]
            for k in same[:-keep]:
                del _frame_cache[k]
    return value


_recent: OrderedDict[tuple, tuple[Any, Any]] = OrderedDict()
_recent_lock = Lock()
RECENT = 6  # derived values kept by :func:`recent`


def recent(obj: Any, what: tuple, make: Callable[[], T]) -> T:
    """``make()`` kept for ``obj`` (by identity) and ``what`` among the :data:`RECENT` last
    used: for what is large and derived from short-lived objects a page uses run after run
    (a million features' states per selection), where keeping one per object ever made would
    grow without bound."""
    key = (id(obj), *what)
    with _recent_lock:
        hit = _recent.get(key)
        if hit is not None and hit[0] is obj:
            _recent.move_to_end(key)
            return hit[1]
    value = make()
    with _recent_lock:
        _recent[key] = (obj, value)  # obj held: its id stays its own while kept
        while len(_recent) > RECENT:
            _recent.popitem(last=False)
    return value
