"""What is derived from a live catalogue frame, kept while the frame lives.

The catalogue's frames are read-only and live per store revision (see :mod:`catalog`), so
what is derived from them (a layer split, feature JSON, legend entries, metric measures, a
GCJ-02 copy for display) can be kept while they live: one dictionary keyed by the frame's
identity, entries dropped once their frame is gone.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["per_frame"]

T = TypeVar("T")

_frame_cache: dict[tuple, tuple[weakref.ref, Any]] = {}


def per_frame(frame: Any, what: tuple, make: Callable[[], T]) -> T:
    """``make()`` once per live ``frame`` (by identity) and ``what``."""
    key = (id(frame), *what)
    hit = _frame_cache.get(key)
    if hit is not None and hit[0]() is frame:
        return hit[1]
    value = make()
    for k in [k for k, (ref, _) in _frame_cache.items() if ref() is None]:
        del _frame_cache[k]
    _frame_cache[key] = (weakref.ref(frame), value)
    return value
