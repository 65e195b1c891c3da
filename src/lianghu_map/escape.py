"""Text from data or a user, made safe for the map's HTML and scripts.

Folium (branca) compiles every element's rendered script as a *Jinja template* again, so braces
from data must never reach a script or HTML as ``{`` / ``}``: they would be evaluated on the
server.  Each helper here escapes them as well as what HTML and ``<script>`` need.
"""

from __future__ import annotations

import html
import json

from jinja2.utils import htmlsafe_json_dumps

__all__ = ["js_text", "json_html", "map_text"]


def map_text(text: str) -> str:
    """HTML-escape data for the map, braces too: ``&#123;`` shows as "{" in a tooltip and means
    nothing to Jinja."""
    return html.escape(str(text)).replace("{", "&#123;").replace("}", "&#125;")


def js_text(text: str) -> str:
    """A JS string literal of ``text`` that is safe in a <script> (``<``, ``>``, ``&``, ``'``
    escaped by htmlsafe_json_dumps) and means nothing to Jinja: braces are written as
    ``\\u007b`` / ``\\u007d``; an inner double quote as ``\\u0022`` (no ``="`` from data
    anywhere in the page, even inside a script string)."""
    body = (htmlsafe_json_dumps(str(text), dumps=json.dumps)[1:-1]
            .replace('\\"', "\\u0022").replace("{", "\\u007b").replace("}", "\\u007d"))
    return f'"{body}"'


def json_html(value) -> str:
    """Compact JSON that is safe inside a <script> (``<``, ``>``, ``&``, ``'`` escaped).  Its
    strings must already be free of braces (escaped with :func:`map_text`) or be ours."""
    return htmlsafe_json_dumps(value, dumps=json.dumps, separators=(",", ":"))
