"""lianghu_map.folium_render: maps rendered without compiling folium's output as templates give
the very same text as branca's own render — whole pages, streamlit-folium's feature-group
scripts, big layers — and a text that holds Jinja syntax still goes through Jinja."""

from __future__ import annotations

import branca.element as be
import pytest
from streamlit_folium import _get_feature_group_string

from lianghu_map import folium_render as fr
from lianghu_map.catalog import load_catalog
from lianghu_map.mapview import base_map, feature_groups
from lianghu_map.selection import MapFilter, select

CAT = load_catalog()


@pytest.fixture
def both_ways(monkeypatch):
    """Make and render a thing with branca's own render, then with ours; give back both texts.
    Element ids are counted from 0 for each (folium draws them at random): the same text."""
    counter = iter(())

    def next_id(cls) -> str:  # noqa: ARG001
        return f"{next(counter):032x}"

    monkeypatch.setattr(be.Element, "_generate_id", classmethod(next_id))

    def render(make):
        nonlocal counter
        try:
            fr.uninstall()
            counter = iter(range(10**6))
            theirs = make()
            assert fr.install()
            counter = iter(range(10**6))
            ours = make()
        finally:
            fr.install()
        return theirs, ours

    return render


def _map(selection, selected=None, lang="zh-Hans", basemap="none"):
    m = base_map(basemap, draw=lang)
    for group in feature_groups(CAT.features, selection, lang, selected, CAT.layers,
                                basemap=basemap, draw=lang):
        group.add_to(m)
    return m


SELECTIONS = {
    "all": MapFilter(),
    "theme": MapFilter(themes=("創新",)),
    "directive": MapFilter(directive="modern.3"),
}


def test_installed_with_the_map_module():
    assert fr.installed()


@pytest.mark.parametrize("name", list(SELECTIONS))
@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_a_whole_page_is_the_same_text(both_ways, name, lang):
    selection = select(CAT.features, CAT.links, CAT.meeting, SELECTIONS[name])
    theirs, ours = both_ways(
        lambda: _map(selection, "park.xitaihu", lang, "osm").get_root().render())
    assert len(ours) > 100_000
    assert ours == theirs


def test_streamlit_folium_feature_group_scripts_are_the_same_text(both_ways):
    selection = select(CAT.features, CAT.links, CAT.meeting, SELECTIONS["directive"])

    def make():
        m = _map(selection, selected="station.changzhou_south")
        groups = feature_groups(CAT.features, selection, "zh-Hans", "station.changzhou_south",
                                CAT.layers, basemap="none")
        return [_get_feature_group_string(g, m, i) for i, g in enumerate(groups)]

    theirs, ours = both_ways(make)
    assert ours == theirs and all(len(s) > 100 for s in ours)


@pytest.mark.parametrize("text", [
    "a\nb\n", "a\r\nb\r\n", "a\rb", "x\n\n", "", "\n", "var a = {b: {c: 1}};\n  ",
])
def test_a_text_renders_as_jinja_renders_it(text):
    assert fr.RenderedText(text).render() == be.Element(text).render()


def test_a_text_with_jinja_syntax_still_goes_through_jinja():
    for text in ("{{ 7 * 7 }}", "{% if true %}x{% endif %}", "a {# note #} b"):
        assert isinstance(fr._element(text), be.Element)
        assert not isinstance(fr._element(text), fr.RenderedText)
    assert fr._element("{{ 7 * 7 }}").render() == "49"  # (branca's behaviour, unchanged)
    assert isinstance(fr._element("L.map({a: 1})"), fr.RenderedText)


def test_another_branca_render_is_left_alone(monkeypatch):
    fr.uninstall()
    try:
        monkeypatch.setattr(fr, "_KNOWN", "0" * 64)
        assert fr.install() is False
        assert not fr.installed()
    finally:
        monkeypatch.undo()
        assert fr.install()


def test_it_saves_the_compilations(monkeypatch):
    """Not a benchmark: rendering compiles no template per element any more."""
    import jinja2

    selection = select(CAT.features, CAT.links, CAT.meeting, SELECTIONS["theme"])
    m = _map(selection)
    compiled = []
    original = jinja2.Environment.from_string

    def counting(self, source, *args, **kwargs):
        compiled.append(source)
        return original(self, source, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "from_string", counting)
    counts = []
    try:
        for ours in (False, True):
            fr.install() if ours else fr.uninstall()
            compiled.clear()
            m.get_root().render()
            counts.append(len(compiled))
    finally:
        fr.install()
    assert counts[0] >= 20 and counts[1] <= 3, counts
