"""Hostile query values (issue 19, "Also"): every page opened with hostile values in every query
parameter shows no traceback and no server path; oversized or control-character values are
dropped before any page reads them, and the user is told."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from lianghu_map.viewstate import MAX_QUERY_TOTAL, MAX_QUERY_VALUE, VIEW_KEYS, safe_query

PAGES = ("map", "directives", "present", "compare", "upload", "reports")
PARAMS = (*VIEW_KEYS, "lang", "step", "left", "right", "d", "x")
HOSTILE = {
    "superscript": "²",
    "nul": "a\x00b",
    "long": "z" * 20_000,
    "markup": "<script>alert(1)</script><img src=x onerror=alert(2)>",
    "paths": "../../../etc/passwd",
    "numbers": "-1e309",
    "template": "{{7*7}}${7*7}%s%n",
    "unicode": "١٢٣\u202e🙂",
}
_SERVER_PATH = re.compile(r"(/work/|/usr/|/tmp/|site-packages|Traceback|File \")")


def _all_text(at: AppTest) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption]
    parts += [e.value for e in at.warning] + [e.value for e in at.error] + [
        e.value for e in at.info]
    parts += [e.proto.body for e in at.get("html")]
    parts += [str(e.proto) for e in at.get("exception")]
    return "\n".join(str(p) for p in parts)


def _open(page: str, value: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for key in PARAMS:
        at.query_params[key] = value
    at.run()
    if page != "map":
        at.switch_page(f"pages/{page}.py").run()
    return at


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_every_page_survives_hostile_query_values(page, kind):
    at = _open(page, HOSTILE[kind])
    assert not at.exception, [e.proto.message for e in at.exception]
    text = _all_text(at)
    assert not _SERVER_PATH.search(text), _SERVER_PATH.search(text)
    bodies = "\n".join(e.proto.body for e in at.get("html"))  # raw HTML: payload never raw
    assert "<script>alert(1)" not in bodies and "<img src=x" not in bodies


def test_oversized_and_control_values_are_dropped_and_named():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["q"] = "z" * 20_000
    at.query_params["theme"] = "a\x00b"
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    assert "q" not in at.query_params and "theme" not in at.query_params
    warnings = " ".join(w.value for w in at.warning)
    assert "q" in warnings and "theme" in warnings and "ignored" in warnings


def test_present_step_in_superscript_digits_opens_the_first_step():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["step"] = "²"
    at.run()
    at.switch_page("pages/present.py").run()
    assert not at.exception
    assert at.session_state["present_step"] == 0


def test_safe_query_limits():
    kept, dropped = safe_query({"q": "a" * MAX_QUERY_VALUE, "z": "12", "bad key": "1",
                                "lat": "31\x00", "x" * 40: "1"})
    assert kept == {"q": "a" * MAX_QUERY_VALUE, "z": "12"}
    assert dropped == ["bad key", "lat", "x" * 40]
    _, dropped = safe_query({"q": "a" * (MAX_QUERY_VALUE + 1)})
    assert dropped == ["q"]
    many = {f"p{i}": "a" * 4000 for i in range(6)}
    kept, dropped = safe_query(many)
    assert sum(len(k) + len(v) for k, v in kept.items()) <= MAX_QUERY_TOTAL
    assert dropped == ["p4", "p5"]
