"""Folium maps rendered without compiling their own output as templates (issue 18, Build 4).

branca's ``MacroElement.render`` puts each macro's rendered header, html and script into the
figure as ``Element(text)``, and ``Element(text)`` compiles ``text`` as a *Jinja template*: on
the built-in map 52 compilations per run, 77 of the Map page's 170 ms of server time (a
profile of a new session's run), paid again on every rerun — a click, a filter, a Present step.

:func:`install` replaces that one method with the same steps, where a rendered text that holds
no Jinja syntax (``{{``, ``{%``, ``{#``) becomes an element that returns the text as Jinja would
have rendered it: newlines made ``\\n`` and one trailing newline dropped (Jinja's defaults).  A
text that does hold Jinja syntax still goes through ``Element`` — the output is the same either
way (``tests/test_folium_render.py`` compares whole maps rendered both ways).  Data never gets
there with braces anyway (:mod:`lianghu_map.escape`).

The method is replaced only when branca's own is the one this was written against (its source
is compared); another branca version keeps its own render, only slower.
"""

from __future__ import annotations

import hashlib
import inspect
import re

import branca.element as be

__all__ = ["RenderedText", "install", "installed", "uninstall"]

_JINJA = re.compile(r"\{[{%#]")
_NEWLINES = re.compile(r"\r\n|\r|\n")
# sha256 of the source of branca 0.8's MacroElement.render (what _render repeats)
_KNOWN = "37b6a09e772154d6a8e3d3983456fd7ce06d9e7d0b13726a680e9637abc4ecbd"
_ORIGINAL = be.MacroElement.render


class RenderedText(be.Element):
    """A macro's rendered output, returned as is (no template compiled for it)."""

    def __init__(self, text: str):
        super().__init__()  # the class's default template: nothing compiled
        lines = _NEWLINES.split(text)
        if lines[-1] == "":  # Jinja drops one trailing newline (keep_trailing_newline=False)
            lines.pop()
        self.text = "\n".join(lines)

    def render(self, **kwargs) -> str:  # noqa: ARG002 (Element's signature)
        return self.text


def _element(text: str) -> be.Element:
    return be.Element(text) if _JINJA.search(text) else RenderedText(text)


def _render(self, **kwargs):
    """branca 0.8's ``MacroElement.render``, with :func:`_element` for ``Element``."""
    figure = self.get_root()
    assert isinstance(figure, be.Figure), (
        "You cannot render this Element if it is not in a Figure.")
    module = self._template.module.__dict__
    for part in ("header", "html", "script"):
        macro = module.get(part, None)
        if macro is not None:
            getattr(figure, part).add_child(_element(macro(self, kwargs)), name=self.get_name())
    for _name, element in self._children.items():
        element.render(**kwargs)


def _source_digest() -> str:
    return hashlib.sha256(inspect.getsource(_ORIGINAL).encode()).hexdigest()


def install() -> bool:
    """Use :func:`_render` for every MacroElement (idempotent); False when branca's render is
    not the known one (then nothing changes)."""
    if be.MacroElement.render is _render:
        return True
    if _source_digest() != _KNOWN:
        return False
    be.MacroElement.render = _render
    return True


def installed() -> bool:
    return be.MacroElement.render is _render


def uninstall() -> None:
    """branca's own render again (tests compare the two)."""
    be.MacroElement.render = _ORIGINAL
