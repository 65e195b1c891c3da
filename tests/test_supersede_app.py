"""AppTest: official data supersedes a built-in feature (issue 15, acceptance 4).

An analyst uploads an official polygon for 武進國家高新區 (``park.wujin_hitech``) and chooses the
built-in feature it supersedes on the Upload page; every page (Map with its side panel, Present,
Compare, Directives) and every export (layer file, standalone HTML, PNG sources line, PDF meeting
pack) then shows the uploaded geometry and source under the built-in id, with its clause links and
an "official" badge; the store's own operations bring the indicative circle back; a viewer can do
neither.  On the GeoPackage store and on PostGIS.
"""

from __future__ import annotations

import io
import json

import pytest
from apptest_helpers import map_args, map_feature_ids, map_layers
from conftest import ROOT
from pypdf import PdfReader
from shapely.geometry import shape
from store_helpers import configured_store
from streamlit.testing.v1 import AppTest

from lianghu_map.auth import Access, Role
from lianghu_map.catalog import builtin_catalog, layer_features, load_catalog
from lianghu_map.errors import WriteDenied
from lianghu_map.export import export_layer
from lianghu_map.figure import sources_line
from lianghu_map.ingest import IngestOptions
from lianghu_map.meeting_pack import meeting_pack_pdf
from lianghu_map.publish import LayerMeta, prepare, release_supersessions, save_draft
from lianghu_map.selection import MapFilter, select

TARGET = "park.wujin_hitech"
SOURCE = "武进区自然资源和规划局 2024 年高新区范围图"
RING = [[119.90, 31.60], [120.00, 31.60], [120.00, 31.68], [119.90, 31.68], [119.90, 31.60]]
OFFICIAL = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "id": "hx1",
     "properties": {"name": "武进国家高新技术产业开发区", "accuracy_m": 5},
     "geometry": {"type": "Polygon", "coordinates": [RING]}}]}
DATA = json.dumps(OFFICIAL, ensure_ascii=False).encode()
UPLOADED = shape(OFFICIAL["features"][0]["geometry"])
INDICATIVE = builtin_catalog().features.at[TARGET, "geometry"]


@pytest.fixture(params=["gpkg", "postgis"])
def configured(request, tmp_path, monkeypatch):
    """The app's store as configured: a GeoPackage directory, or a fresh PostGIS schema."""
    monkeypatch.setenv("LIANGHU_LOCAL_MODE", "1")
    monkeypatch.delenv("LIANGHU_UPLOAD_PASSWORD", raising=False)
    yield from configured_store(request, tmp_path, monkeypatch)


def _app(lang: str = "zh-Hans") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["lang"] = lang
    return at.run()


def _drawn(at: AppTest, feature_id: str) -> list:
    """The geometries every map component on the page was given for ``feature_id``."""
    out = []
    for comp in at.get("component_instance"):
        if comp.proto.component_name != "streamlit_folium.st_folium":
            continue
        script = json.loads(comp.proto.json_args)["feature_group"] or ""
        out += [shape(f["geometry"]) for _, coll in map_layers(script)
                for f in coll["features"] if f["properties"].get("feature_id") == feature_id]
    assert out, f"{feature_id} is not on any map"
    return out


def _drawn_geometry(at: AppTest, feature_id: str):
    (geom,) = _drawn(at, feature_id)
    return geom


def _is(geom, expected) -> bool:
    return geom.symmetric_difference(expected).area < 0.01 * expected.area


def _texts(at: AppTest) -> str:
    return "\n".join([*(m.value for m in at.markdown), *(h.proto.body for h in at.get("html"))])


def _click(at: AppTest, feature_id: str) -> AppTest:
    at.session_state[map_args(at)["key"]] = {
        "last_active_drawing": {"type": "Feature", "properties": {"feature_id": feature_id}},
        "last_object_clicked": {"lat": 31.64, "lng": 119.95}}
    return at.run()


def _supersede_in_the_ui() -> tuple[AppTest, str]:
    at = _app()
    at.switch_page("pages/upload.py").run()
    at.file_uploader(key="upload_files").set_value(
        [("hitech.geojson", DATA, "application/geo+json")]).run()
    assert not at.exception
    choice = at.selectbox(key="f0_supersede")
    assert choice.options[1].endswith(f"（{TARGET}）· 匹配度 0.68"), choice.options[:3]
    choice.set_value(TARGET).run()
    at.text_input(key="upload_user").input("分析员甲").run()
    at.text_input(key="f0_source").input(SOURCE).run()
    at.text_input(key="f0_tzh").input("高新区官方范围").run()
    at.button(key="f0_save").click().run()
    assert not at.exception
    layer_id = next(iter(load_catalog().superseded.values())).layer_id
    return at, layer_id


def test_an_analyst_supersedes_a_park_every_page_shows_it_and_a_revert_undoes_it(configured):
    at, layer_id = _supersede_in_the_ui()
    assert "已保存" in " ".join(s.value for s in at.success)
    # the stored layer says what it supersedes
    assert TARGET in " ".join(c.value for c in at.caption).replace("\\", "")

    # Map: the built-in id carries the uploaded polygon; the upload is not drawn twice
    at = _app()
    ids = map_feature_ids(at)
    assert TARGET in ids and not any(i.startswith(layer_id) for i in ids)
    assert _is(_drawn_geometry(at, TARGET), UPLOADED)
    # side panel: official badge, the uploaded source and date, the clause still linked
    at = _click(at, TARGET)
    text = _texts(at)
    assert "lh-badge-official" in text and "lh-badge-indicative" not in text
    facts = next(h.proto.body for h in at.get("html") if "lh-facts" in h.proto.body)
    assert SOURCE in facts and "官方数据" in facts  # the source and the basis
    cat = load_catalog()
    day = cat.superseded[TARGET].date
    assert f"{SOURCE} ({day})" == cat.features.at[TARGET, "source"]
    assert "innovate.4" in cat.links.directives_of(TARGET)
    assert any("innovate.4" in str(e.proto) for e in at.get("page_link"))

    # Present, Compare (both maps): the uploaded polygon; Directives: the clause lists the park
    for page in ("pages/present.py", "pages/compare.py"):
        at.switch_page(page).run()
        assert not at.exception, page
        assert all(_is(g, UPLOADED) for g in _drawn(at, TARGET)), page
    at.switch_page("pages/directives.py").run()
    assert not at.exception and "武进国家高新区" in _texts(at)
    at = _app()
    at.query_params["directive"] = "innovate.4"
    at.run()
    assert _is(_drawn_geometry(at, TARGET), UPLOADED)

    # exports: the layer file, the PNG/HTML sources line, the PDF meeting pack
    parks = layer_features(cat, "parks")
    assert _is(parks.set_index("feature_id").geometry[TARGET], UPLOADED)
    doc = json.loads(export_layer(parks, "geojson"))
    row = next(f for f in doc["features"] if f["properties"]["feature_id"] == TARGET)
    assert row["properties"]["basis"] == "official" and _is(shape(row["geometry"]), UPLOADED)
    assert SOURCE in sources_line(cat.features, [TARGET], "zh-Hans", cat.layers)
    pdf = meeting_pack_pdf(cat.features, cat.links, cat.meeting, "zh-Hans", cat.layers)
    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert SOURCE in pdf_text.replace("\n", "")
    assert "官方数据" in pdf_text  # the parks' basis on the sources page
    theme = select(cat.features, cat.links, cat.meeting, MapFilter(themes=("創新",)))
    assert TARGET in theme.shown

    # revert, in the UI: the indicative circle comes back, as a new version (nothing lost)
    at.switch_page("pages/upload.py").run()
    at.text_input(key="upload_user").input("分析员甲").run()
    at.button(key=f"release_{layer_id}").click().run()
    assert not at.exception
    cat = load_catalog()
    assert TARGET not in cat.superseded
    assert cat.features.at[TARGET, "basis"] == "estimate"
    assert _is(cat.features.at[TARGET, "geometry"], INDICATIVE)
    rec = configured.get(layer_id)
    assert rec.current_version == 2 and [e.action for e in configured.audit()][-2:] == [
        "create", "replace"]
    at = _app()
    assert _is(_drawn_geometry(at, TARGET), INDICATIVE)
    assert f"{layer_id}/hx1" in map_feature_ids(at)  # the upload stays, as a layer of its own
    at = _click(at, TARGET)
    assert "lh-badge-indicative" in _texts(at)


def test_delete_and_version_revert_bring_the_indicative_shape_back(configured):
    analyst = Access(Role.ANALYST, "local")
    draft = prepare("hitech.geojson", DATA, IngestOptions(), builtin_catalog())
    rec = save_draft(configured, draft, LayerMeta("高新区", "", "park", "existing", SOURCE), (),
                     "甲", analyst, supersedes={"hx1": TARGET})
    assert _is(load_catalog(configured).features.at[TARGET, "geometry"], UPLOADED)
    configured.delete(rec.layer_id, user="甲")
    assert _is(load_catalog(configured).features.at[TARGET, "geometry"], INDICATIVE)
    configured.restore(rec.layer_id, user="甲")
    assert load_catalog(configured).features.at[TARGET, "basis"] == "official"
    release_supersessions(configured, rec.layer_id, "甲", analyst)
    assert load_catalog(configured).features.at[TARGET, "basis"] == "estimate"
    configured.revert(rec.layer_id, 1, user="甲")  # version 1 superseded: official again
    assert _is(load_catalog(configured).features.at[TARGET, "geometry"], UPLOADED)


def test_a_viewer_can_neither_supersede_nor_revert(configured, monkeypatch):
    viewer = Access(Role.VIEWER, "")
    draft = prepare("hitech.geojson", DATA, IngestOptions(), builtin_catalog())
    meta = LayerMeta("高新区", "", "park", "existing", SOURCE)
    with pytest.raises(WriteDenied):
        save_draft(configured, draft, meta, (), "乙", viewer, supersedes={"hx1": TARGET})
    assert configured.list_layers() == []
    rec = save_draft(configured, draft, meta, (), "甲", Access(Role.ANALYST, "local"),
                     supersedes={"hx1": TARGET})
    with pytest.raises(WriteDenied):
        release_supersessions(configured, rec.layer_id, "乙", viewer)
    assert load_catalog(configured).features.at[TARGET, "basis"] == "official"
    # in the app: no upload widget, no supersede choice, no revert button for a viewer
    monkeypatch.delenv("LIANGHU_LOCAL_MODE")
    at = _app()
    at.switch_page("pages/upload.py").run()
    assert not at.exception
    assert len(at.file_uploader) == 0
    assert all(s.key != "f0_supersede" for s in at.selectbox)
    assert all(b.key != f"release_{rec.layer_id}" for b in at.button)


def test_a_new_version_of_a_superseding_layer_keeps_superseding_and_a_network_gets_a_table(
        configured):
    _, layer_id = _supersede_in_the_ui()
    # replace the layer with a corrected boundary: the choice starts as the layer's own
    at = _app()
    at.switch_page("pages/upload.py").run()
    smaller = {**OFFICIAL, "features": [{**OFFICIAL["features"][0], "geometry": {
        "type": "Polygon", "coordinates": [[[119.91, 31.61], [119.99, 31.61], [119.99, 31.67],
                                            [119.91, 31.67], [119.91, 31.61]]]}}]}
    at.file_uploader(key="upload_files").set_value(
        [("hitech-v2.geojson", json.dumps(smaller).encode(), "application/geo+json")]).run()
    at.selectbox(key="f0_target").set_value(layer_id).run()
    assert at.selectbox(key=f"f0_supersede_{layer_id}").value == TARGET
    at.text_input(key="upload_user").input("分析员乙").run()
    at.button(key="f0_save").click().run()
    assert not at.exception
    assert configured.get(layer_id).current_version == 2
    cat = load_catalog()
    assert cat.superseded[TARGET].version == 2
    assert _is(cat.features.at[TARGET, "geometry"], shape(smaller["features"][0]["geometry"]))
    # a whole network: one row per line, matched by name, none accepted until the analyst does
    lines = builtin_catalog().features.loc[["metro.line1", "metro.line5"]]
    network = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": fid, "properties": {"name": row["name_zh"] + "（实测）"},
         "geometry": json.loads(lines.loc[[fid]].to_json())["features"][0]["geometry"]}
        for fid, row in lines.iterrows()]}
    at = _app()
    at.switch_page("pages/upload.py").run()
    at.file_uploader(key="upload_files").set_value(
        [("network.geojson", json.dumps(network, ensure_ascii=False).encode(),
          "application/geo+json")]).run()
    assert not at.exception
    table = next(e for e in at.get("dataframe") if e.key == "f0_supersedes")
    frame = table.value
    assert dict(zip(frame["feature"], frame["supersedes"], strict=True)) == {
        "metro.line1": "metro.line1", "metro.line5": "metro.line5"}
    assert not frame["accept"].any()
