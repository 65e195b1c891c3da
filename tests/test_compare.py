"""The Compare page: what each side shows (computed independently here from the link table and
the layers), the rendered maps (local assets only, the sync script, hostile titles escaped),
and the page itself in AppTest (three languages, switching a side, an upload's hostile title)."""

from __future__ import annotations

import dataclasses
import json
import re
from html import escape

import folium
import geopandas as gpd
import pandas as pd
import pytest
from apptest_helpers import LANGS
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from lianghu_map.assets import assert_local_assets
from lianghu_map.auth import Access, Role
from lianghu_map.catalog import builtin_catalog
from lianghu_map.compare import (
    ALL,
    BUILTIN,
    SyncViews,
    choice_label,
    compare_choices,
    compare_map,
    default_choices,
    fit_together,
    heading_html,
    side_groups,
    side_legend_html,
    side_selection,
)
from lianghu_map.i18n import t
from lianghu_map.ingest import IngestOptions
from lianghu_map.layers import LAYERS, LayerSpec
from lianghu_map.meeting.directives import THEMES
from lianghu_map.meeting.links import Evidence, Link
from lianghu_map.publish import LayerMeta, prepare, save_draft
from lianghu_map.store import open_store

CAT = builtin_catalog()
BASE_IDS = {f for f, lid in CAT.features["layer_id"].items() if lid in {s.id for s in LAYERS
                                                                            if s.base}}
HOSTILE = "<img src=x onerror=alert(1)>"
JINJA = '{{ "pw" ~ "ned" }}'


def _catalog_with_upload(title: str = HOSTILE, layer_id: str = "up1") -> tuple:
    """The built-in catalogue plus an 'uploaded' layer of two park copies titled ``title``."""
    spec = LayerSpec(layer_id, title_zh=title, title_en=title, stored=True, version=1,
                     color="#aa3377")
    parks = CAT.features[CAT.features["layer_id"] == "parks"].iloc[:2].copy()
    parks.index = [f"{layer_id}/{i}" for i in range(len(parks))]
    parks["layer_id"] = layer_id
    feats = gpd.GeoDataFrame(pd.concat([CAT.features, parks]), geometry="geometry", crs=4326)
    return dataclasses.replace(CAT, features=feats, layers=(*CAT.layers, spec)), spec


def _theme_features(cat, theme: str) -> set[str]:
    """Features linked from the theme's directives, straight from the link table."""
    in_theme = {d.id for d in cat.meeting.directives if d.theme == theme}
    return {lk.feature_id for lk in cat.links.links
            if lk.directive_id in in_theme and lk.feature_id in cat.features.index}


# -- what a side shows


@pytest.mark.parametrize("theme", [th.key for th in THEMES])
def test_a_theme_shows_exactly_its_directives_features(theme):
    sel = side_selection(CAT, f"theme:{theme}")
    expected = _theme_features(CAT, theme)
    assert set(sel.matches) == expected
    assert len(sel.matches) == len(set(sel.matches))
    # the rest of what is drawn is the dimmed base, nothing else
    assert set(sel.context) == BASE_IDS - expected
    assert not sel.fit


def test_the_ecology_theme_is_not_empty_and_not_everything():
    ecology = _theme_features(CAT, "生態")
    assert ecology and ecology != set(CAT.features.index)
    assert set(side_selection(CAT, "theme:生態").matches) == ecology


def test_a_theme_includes_uploaded_features_linked_to_it():
    cat, spec = _catalog_with_upload()
    directive = next(d for d in cat.meeting.directives if d.theme == "生態")
    extra = Link(f"{spec.id}/0", directive.id, (Evidence("", 0, 0, "upload:file"),))
    links = type(cat.links)((*cat.links.links, extra), cat.links.unlocated)
    cat = dataclasses.replace(cat, links=links)
    matches = set(side_selection(cat, "theme:生態").matches)
    assert matches == _theme_features(cat, "生態")
    assert f"{spec.id}/0" in matches and f"{spec.id}/1" not in matches


@pytest.mark.parametrize("layer", [spec.id for spec in LAYERS])
def test_a_layer_shows_exactly_its_features(layer):
    sel = side_selection(CAT, f"layer:{layer}")
    expected = set(CAT.features.index[CAT.features["layer_id"] == layer])
    assert expected
    assert set(sel.matches) == expected
    assert set(sel.context) == BASE_IDS - expected
    assert set(sel.drawn) <= set(CAT.features.index)


def test_an_uploaded_layer_shows_exactly_its_features():
    cat, spec = _catalog_with_upload()
    sel = side_selection(cat, f"layer:{spec.id}")
    assert set(sel.matches) == {f"{spec.id}/0", f"{spec.id}/1"}
    assert set(sel.context) == BASE_IDS


def test_all_and_builtin():
    cat, spec = _catalog_with_upload()
    assert set(side_selection(cat, ALL).matches) == set(cat.features.index)
    assert set(side_selection(cat, BUILTIN).matches) == set(CAT.features.index)
    assert not side_selection(cat, ALL).context
    assert f"{spec.id}/0" not in side_selection(cat, BUILTIN).drawn


@pytest.mark.parametrize("choice", ["", "theme:nope", "layer:nope", "layer:", "everything"])
def test_an_unknown_choice_is_refused(choice):
    with pytest.raises(ValueError, match="unknown compare choice"):
        side_selection(CAT, choice)


def test_choices_and_defaults():
    keys = [k for k, _ in compare_choices(CAT, "en")]
    assert keys[0] == ALL and BUILTIN not in keys  # "built-in" only means something with uploads
    assert {f"theme:{th.key}" for th in THEMES} <= set(keys)
    assert {f"layer:{s.id}" for s in LAYERS} <= set(keys)
    assert default_choices(CAT) == (ALL, "theme:生態")
    cat, spec = _catalog_with_upload("湖畔 uploads")
    keys = [k for k, _ in compare_choices(cat, "en")]
    assert BUILTIN in keys and f"layer:{spec.id}" in keys
    assert default_choices(cat) == (BUILTIN, f"layer:{spec.id}")
    for lang in LANGS:
        labels = [label for _, label in compare_choices(cat, lang)]
        assert len(set(labels)) == len(labels), lang  # every entry tells itself apart
        assert choice_label(cat, f"layer:{spec.id}", lang).endswith("湖畔 uploads")
    assert choice_label(CAT, "theme:生態", "en") == "Theme: Ecology"
    assert choice_label(CAT, "theme:生態", "zh-Hans") == "主题：生态"
    assert choice_label(CAT, "theme:生態", "zh-Hant") == "主題：生態"


def test_both_sides_fit_to_the_same_view():
    left, right = fit_together(side_selection(CAT, "layer:parks"),
                               side_selection(CAT, "theme:生態"))
    assert left.fit == right.fit
    assert set(left.fit) == set(left.matches) | set(right.matches)
    assert left.shown == side_selection(CAT, "layer:parks").shown


# -- the rendered maps


def _render(cat, choice: str, side: str, basemap: str = "none", lang: str = "en"
            ) -> tuple[str, folium.Map]:
    m = compare_map(basemap, side, cat.features)
    sel = side_selection(cat, choice)
    for group in side_groups(cat, fit_together(sel, sel)[0], lang, basemap,
                             choice_label(cat, choice, lang)):
        m.add_child(group)
    return m.get_root().render(), m


def _asset_links(m: folium.Map) -> list[str]:
    """Every script/stylesheet URL an element of the map asks for (what st_folium loads)."""
    out, todo = [], [m]
    while todo:
        el = todo.pop()
        out += [u for _, u in getattr(el, "default_js", [])]
        out += [u for _, u in getattr(el, "default_css", [])]
        todo += list(getattr(el, "_children", {}).values())
    return out


_REMOTE_SRC = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?"
                         r"(?:https?:)?//", re.I)


@pytest.mark.parametrize("basemap", ["none", "osm", "gaode"])
@pytest.mark.parametrize("side", ["left", "right"])
def test_rendered_map_loads_nothing_remote_and_carries_the_sync(basemap, side):
    html, m = _render(CAT, "theme:生態", side, basemap)
    assert not _REMOTE_SRC.search(html)
    assert_local_assets(_asset_links(m))
    assert "/app/static/vendor/leaflet/leaflet.js" in html
    assert "__lhSync" in html and '"lh-compare"' in html  # the hub the two maps share
    assert f'__lhSyncSide = "{side}"' in html
    assert 'map.on("move zoomend"' in html and "group.busy" in html
    datum = "gcj02" if basemap == "gaode" else "wgs84"
    assert f'box.dataset.datum = "{datum}"' in html  # the datum badge
    assert "lh-side-label" in html and '"Theme: Ecology"' in html


def test_the_maps_script_does_not_depend_on_the_choice():
    """A change of choice must not remount the map (st_folium keys its frame on the script)."""
    a = compare_map("none", "left", CAT.features)
    b = compare_map("none", "left", CAT.features)
    strip = re.compile(r"_[0-9a-f]{32}")
    assert strip.sub("", a.get_root().render()) == strip.sub("", b.get_root().render())
    with pytest.raises(ValueError, match="side"):
        SyncViews("middle")


@pytest.mark.parametrize("title", [HOSTILE, JINJA, "</script><script>alert(2)</script>"])
def test_a_hostile_layer_title_is_escaped_everywhere(title):
    cat, spec = _catalog_with_upload(title)
    html, _ = _render(cat, f"layer:{spec.id}", "right")
    assert "<img src=x" not in html and "<script>alert(2)" not in html
    assert "pwned" not in html  # not evaluated by Jinja on the server
    label = choice_label(cat, f"layer:{spec.id}", "en")
    assert label.endswith(title)
    literal = (json.dumps(label).replace('\\"', "\\u0022")
               .replace("<", "\\u003c").replace(">", "\\u003e")
               .replace("{", "\\u007b").replace("}", "\\u007d"))
    assert literal in html  # the label reaches the map, as inert text
    # the page's heading and legend
    heading = heading_html(label, "right")
    assert "<img" not in heading and "<script>" not in heading
    assert f">{escape(label)}</div>" in heading
    legend = side_legend_html(cat, side_selection(cat, f"layer:{spec.id}"), "en")
    assert legend and "<img" not in legend and "<script>" not in legend


# -- the page (AppTest)

ANALYST = Access(Role.ANALYST, "local")


def _maps(at: AppTest) -> dict[str, dict]:
    """side → the st_folium arguments of that side's map."""
    out = {}
    for comp in at.get("component_instance"):
        if comp.proto.component_name != "streamlit_folium.st_folium":
            continue
        args = json.loads(comp.proto.json_args)
        side = re.search(r'__lhSyncSide = "(\w+)"', args["script"]).group(1)
        assert side not in out
        out[side] = args
    assert set(out) == {"left", "right"}, "expected a left and a right map"
    return out


def _states(args: dict) -> dict[str, str]:
    return dict(re.findall(r'"feature_id": ?"([^"]+)", ?"state": ?"([a-z]+)"',
                           args["feature_group"] or ""))


def _compare(app: AppTest, lang: str) -> AppTest:
    app.session_state["lang"] = lang
    app.query_params["basemap"] = "none"
    app.run()
    return app.switch_page("pages/compare.py").run()


def _html_bodies(at: AppTest) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


@pytest.mark.parametrize("lang", LANGS)
def test_page_runs_in_every_language(app, lang):
    at = _compare(app, lang)
    assert not at.exception
    maps = _maps(at)
    for args in maps.values():
        assert args["returned_objects"] == []  # panning never reruns the page
        assert "__lhSync" in args["script"]
        assert not any("://" in u for u in args["js_links"] + args["css_links"])
    left, right = _states(maps["left"]), _states(maps["right"])
    assert set(left) == set(CAT.features.index)
    assert set(left.values()) == {"normal"}
    ecology = _theme_features(CAT, "生態")
    assert {f for f, s in right.items() if s == "normal"} == ecology
    assert {f for f, s in right.items() if s == "context"} == BASE_IDS - ecology
    bodies = _html_bodies(at)
    for label in (choice_label(CAT, ALL, lang), choice_label(CAT, "theme:生態", lang)):
        assert label in bodies  # both headings
    assert any("lh-legend" in h.proto.body for h in at.get("html"))
    info = " ".join(i.value for i in at.info)
    assert t("compare.synced", lang) in info
    captions = " ".join(c.value for c in at.caption)
    assert t("compare.count", lang, n=len(CAT.features)) in captions


def test_switching_the_right_side_changes_its_map_only(app):
    at = _compare(app, "en")
    before = _maps(at)
    at.selectbox(key="compare_right").set_value("layer:parks").run()
    assert not at.exception
    after = _maps(at)
    parks = set(CAT.features.index[CAT.features["layer_id"] == "parks"])
    right = _states(after["right"])
    assert {f for f, s in right.items() if s == "normal"} == parks
    assert right != _states(before["right"])
    assert _states(after["left"]) == _states(before["left"])
    # same maps (no remount): only the data handed to them changed
    for side in ("left", "right"):
        assert after[side]["script"] == before[side]["script"]
    assert "Layer: Innovation parks" in _html_bodies(at)
    # a theme with nothing mapped says so
    at.selectbox(key="compare_right").set_value("theme:活力").run()
    assert not at.exception
    assert not [f for f, s in _states(_maps(at)["right"]).items() if s == "normal"]
    assert any("Nothing of this is on the map" in i.value for i in at.info)


def _upload(store, title: str):
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "a", "properties": {"name": "湖边 point"},
         "geometry": {"type": "Point", "coordinates": [119.8, 31.6]}}]}
    draft = prepare("hostile.geojson", json.dumps(doc).encode(), IngestOptions(), CAT)
    return save_draft(store, draft, LayerMeta(title, title, "other", "existing", "test"), (),
                      "tester", ANALYST)


def test_an_uploaded_layer_with_a_hostile_title(tmp_path, monkeypatch):
    monkeypatch.setenv("LIANGHU_VAR", str(tmp_path / "var"))
    rec = _upload(open_store(), HOSTILE)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at = _compare(at, "en")
    assert not at.exception
    maps = _maps(at)
    # defaults with an upload: the built-in map against the upload
    assert set(_states(maps["left"])) == set(CAT.features.index)
    right = _states(maps["right"])
    assert {f for f, s in right.items() if s == "normal"} == {f"{rec.layer_id}/a"}
    for args in maps.values():
        assert "<img src=x" not in json.dumps(args)
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in maps["right"]["feature_group"]
    bodies = _html_bodies(at)
    assert "<img" not in bodies
    assert "&lt;img src=x onerror=alert(1)&gt;" in bodies  # the heading and the legend


def test_the_comparison_lives_in_the_url_and_sides_swap(app):
    app.query_params["left"] = "theme:創新"
    app.query_params["right"] = "layer:parks"
    at = app.run()
    at.switch_page("pages/compare.py").run()
    assert not at.exception
    assert at.selectbox(key="compare_left").value == "theme:創新"
    assert at.selectbox(key="compare_right").value == "layer:parks"
    at.button[0].click().run()  # swap
    assert at.selectbox(key="compare_left").value == "layer:parks"
    assert at.selectbox(key="compare_right").value == "theme:創新"
    assert at.query_params["left"] == "layer:parks" and at.query_params["right"] == "theme:創新"
    at.radio(key="compare_basemap").set_value("gaode").run()
    assert at.session_state["basemap"] == "gaode" and at.query_params["basemap"] == "gaode"
