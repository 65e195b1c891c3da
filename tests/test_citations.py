"""Sources for people (issue 14.8): the side panel shows each built-in feature's source as a
citation a reader can follow — publisher, title and a link (or a printed reference) — and never
one of our internal notes."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from apptest_helpers import LANGS
from injection_corpus import PAYLOADS

from lianghu_map.catalog import load_catalog
from lianghu_map.panels import facts_html, feature_facts

CAT = load_catalog()
INTERNAL = re.compile(r"geo-facts|§|\brow \d+|shared/reference", re.I)
LINK = re.compile(r'<a href="(https?://[^"]+)" target="_blank" rel="noopener noreferrer">')


@pytest.mark.parametrize("lang", LANGS)
def test_every_built_in_feature_cites_a_source_a_reader_can_follow(lang):
    for fid, row in CAT.features.iterrows():
        panel = facts_html(feature_facts(row, lang))
        assert not INTERNAL.search(panel), (fid, INTERNAL.search(panel).group())
        source = row["source"]
        for part in source.split(" ; "):
            publisher, title, where = (x.strip() for x in part.split(" — "))
            assert publisher and title, (fid, part)
            assert where.startswith(("http://", "https://", "printed:")), (fid, where)
            assert not is_bare_site_root(where), (fid, where)
        assert LINK.search(panel) or "printed:" in panel, fid


def is_bare_site_root(where: str) -> bool:
    """A URL that names only a site (``https://example.org/``), not the page cited."""
    if where.startswith("printed:"):
        return False
    url = urlsplit(where)
    return url.path.strip("/") == "" and not url.query


@pytest.mark.parametrize(("where", "bare"), [
    ("https://www.okchina.net/", True), ("http://m.92zidian.com", True),
    ("https://x.example/?", True), ("https://x.example/?p=12", False),
    ("http://www.jintanzx.com/jtstc/4357.html", False), ("printed: 常州年鉴 2023", False),
])
def test_a_bare_site_root_is_not_a_citation(where, bare):
    assert is_bare_site_root(where) is bare


def test_a_citation_is_one_source_per_line_with_its_address_linked():
    html = facts_html([("来源", "出版方 — 标题 (2024) — https://example.org/a?b=1&c=2 ; "
                               "书名 — 第 3 页 — printed: 常州年鉴 2023")])
    assert html.count("<br>") == 1
    assert '<a href="https://example.org/a?b=1&amp;c=2" target="_blank" ' in html
    assert "printed: 常州年鉴 2023" in html


@pytest.mark.parametrize("payload", [*PAYLOADS, "javascript:alert(1)",
                                     'https://x.example/"onmouseover="alert(1)',
                                     "https://x.example/<script>alert(1)</script>"])
def test_a_hostile_source_stays_text(payload):
    html = facts_html([("source", payload)])
    assert "<script" not in html and "<img" not in html and "onmouseover=\"" not in html
    assert 'href="javascript' not in html
    for url in LINK.findall(html):
        assert '"' not in url and "<" not in url
