"""Screenshots a reviewer can look at (issue 14, acceptance 9), with the labels checked on the way:
the offline HTML export and the Compare page, each in 简体, 繁體 and English, written to
test-artifacts/ (gitignored).  The Map and Present pages' screenshots come from
test_labels_browser.py and test_present_browser.py."""

from __future__ import annotations

import pytest
from browser_helpers import wait_for_app
from conftest import ARTIFACTS

from lianghu_map.catalog import load_catalog
from lianghu_map.layers import display_names
from lianghu_map.selection import MapFilter, select
from lianghu_map.standalone import standalone_html
from lianghu_map.style import label_text

CAT = load_catalog()
LANGS = ("zh-Hans", "zh-Hant", "en")
_VISIBLE = ("() => [...document.querySelectorAll('.lh-label:not(.lh-hidden) span')]"
            ".map((s) => s.textContent)")


def _name(fid: str, lang: str) -> str:
    return label_text(display_names(CAT.features.loc[fid], lang)[0])


@pytest.mark.parametrize("lang", LANGS)
def test_offline_html_names_its_places(browser, tmp_path, lang):
    everything = select(CAT.features, CAT.links, CAT.meeting, MapFilter())
    path = tmp_path / f"lianghu-{lang}.html"
    path.write_text(standalone_html(CAT.features, everything, lang, title="两湖"),
                    encoding="utf-8")
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                  else r.abort())
    page = context.new_page()
    page.goto(path.as_uri())
    page.wait_for_function("document.querySelectorAll('.lh-label:not(.lh-hidden)').length >= 5")
    page.wait_for_timeout(1700)  # the last of the layout passes
    names = set(page.evaluate(_VISIBLE))
    for fid in ("water.gehu", "water.changdang", "hub.changzhou_south"):
        assert _name(fid, lang) in names
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"offline-html-1440x900-{lang}.png"))
    context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_compare_page_names_its_places(page, server, lang):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{server}/compare?lang={lang}&basemap=none")
    wait_for_app(page)
    frames = page.locator('iframe[title="streamlit_folium.st_folium"]')
    frames.nth(1).wait_for(state="attached")
    seen = []
    for i in range(2):
        frame = frames.nth(i).element_handle().content_frame()
        frame.wait_for_function(
            "document.querySelectorAll('.lh-label:not(.lh-hidden)').length >= 1")
        seen.append(set(frame.evaluate(_VISIBLE)))
    assert all(seen), "each side of Compare names its places"
    page.wait_for_timeout(1700)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"compare-1440x900-{lang}.png"))
    assert page.offline.external == []


def test_an_uploaded_line_is_drawn_without_fill_and_gets_its_own_swatch(browser, tmp_path):
    """Issue 14, acceptance 5: an uploaded layer holding a point, a line and a polygon — the
    line's SVG path has no fill; the legend has three swatches for the layer."""
    import geopandas as gpd
    from shapely.geometry import LineString, Point, Polygon

    from lianghu_map.layers import LayerSpec, canonical_features
    from lianghu_map.selection import MapSelection

    spec = LayerSpec("up-mixed", title_zh="混合图层", stored=True, version=1, color="#2f9e44")
    gdf = gpd.GeoDataFrame(
        {"name": ["点", "线", "面"], "source_id": ["0", "1", "2"]},
        geometry=[Point(119.90, 31.70), LineString([(119.88, 31.69), (119.95, 31.72)]),
                  Polygon([(119.9, 31.7), (119.93, 31.7), (119.93, 31.73), (119.9, 31.7)])],
        crs=4326)
    feats = canonical_features(gdf, spec, kind="other", status="existing", source="t")
    html = standalone_html(feats, MapSelection(tuple(feats.index), ()), "zh-Hans",
                           layers=(spec,), title="上传")
    path = tmp_path / "mixed.html"
    path.write_text(html, encoding="utf-8")
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                  else r.abort())
    page = context.new_page()
    page.goto(path.as_uri())
    page.wait_for_selector("path.leaflet-interactive")
    fills = page.evaluate("""() => [...document.querySelectorAll(
        '.leaflet-overlay-pane path.leaflet-interactive')].map((p) => [
        /[za]/i.test(p.getAttribute('d')), p.getAttribute('fill')])""")
    lines = [fill for closed, fill in fills if not closed]  # no ring (z), no circle (a)
    assert lines and all(f == "none" for f in lines), fills
    assert page.locator(".lh-legend-row").count() == 3
    context.close()
