"""AppTest, every page in 简体 and 繁體: no Streamlit text is left in English.

* what the pages hand to Streamlit (labels, help, placeholders, options, captions) is in the
  UI language: no Streamlit default and no English phrase in any of it;
* every multiselect has its own placeholder (else the frontend writes "Choose options");
* the translating script of :mod:`st_texts` is on every page, in the page's language, and
  every English text it rewrites is one the installed Streamlit frontend really writes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import streamlit
from conftest import ROOT
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

from lianghu_map.i18n import t
from lianghu_map.st_texts import PATTERNS, STREAMLIT_TEXTS, chrome_html, texts_for

ZH = ("zh-Hans", "zh-Hant")
PAGES = ("pages/map.py", "pages/directives.py", "pages/present.py", "pages/compare.py",
         "pages/upload.py", "pages/reports.py")
FIELDS = ("label", "help", "placeholder", "options", "body", "text", "caption")
# names and codes that are the same in every language (products, formats, datums, units)
_NAMES = re.compile(
    r"OpenStreetMap|GeoJSON|GeoPackage|Shapefile|KML/KMZ|KML|KMZ|CSV|WKT|PNG|PDF|HTML|"
    r"WGS84|CGCS2000|GCJ-02|BD-09|EPSG:\d+|Gauss-Kr\w+|GPS|OSM|SHA-256|JSON|UTF-8|"
    r"GB18030|LIANGHU_\w+|tianditu_key|\.streamlit/secrets\.toml|directive_ids|style|"
    r"data/geo/SOURCES\.md|Tianditu|Gaode|Leaflet|km²|km|MB|A4|A3|tk|x/y|lon/lat|mapshaper|"
    r"QGIS|TopoJSON|zip|gpkg|geojson|json|csv|kml|kmz|feature_id|name|source|[A-Z]{2,}")
_ENGLISH_PHRASE = re.compile(r"[A-Za-z]{2,}[ ,.:;]+[A-Za-z]{2,}")

UPLOAD = json.dumps({"type": "FeatureCollection", "features": [
    {"type": "Feature", "id": "p1",
     "properties": {"name": "滆湖口袋公园", "directive_ids": "ecology.1"},
     "geometry": {"type": "Point", "coordinates": [119.80, 31.62]}},
    {"type": "Feature", "id": "l1", "properties": {"name": "绿道"},
     "geometry": {"type": "LineString", "coordinates": [[119.80, 31.62], [119.85, 31.65]]}},
]}, ensure_ascii=False).encode()


@pytest.fixture(autouse=True)
def _local_mode(tmp_path, monkeypatch):
    monkeypatch.setenv("LIANGHU_VAR", str(tmp_path / "var"))
    monkeypatch.setenv("LIANGHU_LOCAL_MODE", "1")
    monkeypatch.delenv("LIANGHU_UPLOAD_PASSWORD", raising=False)


def _nodes(node):
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _nodes(child)


def _protos(at: AppTest) -> list:
    return [n.proto for n in _nodes(at._tree) if getattr(n, "proto", None) is not None]


def _strings(value, field=""):
    """(field, text) of every string under ``value`` (a proto as a dict)."""
    if isinstance(value, str):
        yield field, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, field)


def _page(page: str, lang: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["lang"] = lang
    at.run()
    if page != "pages/map.py":
        at.switch_page(page).run()
    if page == "pages/upload.py":  # a file in the uploader: its report, preview and tables
        at.file_uploader(key="upload_files").set_value(
            [("parks.geojson", UPLOAD, "application/geo+json")]).run()
    assert not at.exception
    return at


def _shown(at: AppTest) -> list[tuple[str, str, str]]:
    """(element type, field, text) handed to Streamlit, but the translating script."""
    out = []
    for proto in _protos(at):
        kind = proto.DESCRIPTOR.name
        data = MessageToDict(proto, preserving_proto_field_name=True)
        if "__lhStTexts" in str(data.get("body", "")):
            continue
        out += [(kind, field, text) for field, text in _strings(data) if field in FIELDS]
    return out


def english_phrase(text: str) -> str | None:
    """An English phrase in ``text`` once names and codes are taken out (None if none)."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S | re.I)  # code, not text
    text = re.sub(r"<[^>]+>", " ", text)  # HTML tags
    text = re.sub(r"https?://\S+|[\w.-]+\.(?:py|md|toml|geojson|csv|json)\b", " ", text)
    m = _ENGLISH_PHRASE.search(_NAMES.sub(" ", text))
    return m.group(0) if m else None


def test_the_english_check_finds_english():
    assert english_phrase("Select all")
    assert english_phrase("选择文件 per file")
    assert not english_phrase("上传 GeoJSON、压缩的 Shapefile（EPSG:4549）")
    assert not english_phrase("WGS84 / CGCS2000（GPS、天地图、OSM）")


@pytest.fixture(scope="module", params=[(p, lang) for p in PAGES for lang in ZH],
                ids=lambda p: f"{Path(p[0]).stem}-{p[1]}")
def rendered(request, tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("LIANGHU_VAR", str(tmp_path_factory.mktemp("var")))
    mp.setenv("LIANGHU_LOCAL_MODE", "1")
    try:
        page, lang = request.param
        yield page, lang, _page(page, lang)
    finally:
        mp.undo()


def test_no_streamlit_default_or_english_phrase_is_handed_over(rendered):
    _, _, at = rendered
    shown = _shown(at)
    assert len(shown) > 10
    defaults = [(k, f, s) for k, f, s in shown if any(d in s for d in STREAMLIT_TEXTS
                                                      if " " in d)]
    assert defaults == []
    english = [(k, f, s, english_phrase(s)) for k, f, s in shown if english_phrase(s)]
    assert english == [], english


def test_multiselects_have_their_own_placeholder(rendered):
    _, _, at = rendered
    for ms in at.multiselect:
        assert ms.placeholder and re.search(r"[\u4e00-\u9fff]", ms.placeholder), ms.label
    for sb in at.selectbox:  # a selectbox with nothing chosen would show "Choose an option"
        assert sb.proto.HasField("default") or sb.placeholder.strip(), sb.label


def test_data_grids_show_no_english_none(rendered):
    """A missing value in a data grid is drawn (on a canvas) as "None" unless a placeholder is
    given: every grid of every page gives one."""
    _, _, at = rendered
    grids = [p for p in _protos(at) if p.DESCRIPTOR.name == "Dataframe"]
    assert all(g.HasField("placeholder") and g.placeholder != "None" for g in grids)


@pytest.mark.parametrize("lang", ZH)
def test_translating_script_in_the_page_language(lang):
    """app.py puts it in the sidebar on every run, before the page (AppTest drops app.py's
    sidebar after switch_page, so the Map page — the default — is where it is looked at; the
    browser tests see it on the Upload page)."""
    at = _page("pages/map.py", lang)
    bodies = [h.proto.body for h in at.get("html") if "__lhStTexts" in h.proto.body]
    assert bodies == [chrome_html(lang)]
    assert all(h.proto.unsafe_allow_javascript for h in at.get("html")
               if "__lhStTexts" in h.proto.body)


def test_upload_page_tables_in_the_ui_language():
    at = _page("pages/upload.py", "zh-Hant")
    configs = [json.loads(p.columns) for p in _protos(at)
               if p.DESCRIPTOR.name == "Dataframe" and '"origin"' in p.columns]
    assert configs, "the link-suggestion table"
    labels = {k: v.get("label") for k, v in configs[0].items() if v}
    assert labels["origin"] == t("upload.col.origin", "zh-Hant")
    assert labels["feature"] == t("upload.col.feature", "zh-Hant")


# -- the script's dictionary

def _bundle() -> str:
    js = Path(streamlit.__file__).parent / "static" / "static" / "js"
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in js.glob("*.js"))


def test_every_english_text_is_one_streamlit_writes():
    """An upgrade of Streamlit that changes one of its texts must be noticed here."""
    bundle = _bundle()
    missing = [en for en in STREAMLIT_TEXTS if f"`{en}`" not in bundle]
    assert missing == []
    assert "`Press Enter to ${e}`" in bundle and "apply" in bundle  # ENTER_HINT (CSS)
    for en, _ in PATTERNS:
        for literal in re.split(r"\{\w+\}|•", en):  # (size and types: two text nodes)
            assert literal.strip() in bundle, literal


def test_script_survives_domPurify_and_goes_both_ways():
    for lang in ("zh-Hans", "zh-Hant", "en"):
        page = chrome_html(lang)
        script = page[page.index("<script>") + 8:page.rindex("</script>")]
        # DOMPurify (SAFE_FOR_XML) drops a script whose text holds "<" + a letter or "/"
        assert not re.search(r"<[/\w]", script)
    assert 'content: "按回車鍵確認"' in chrome_html("zh-Hant")  # the text input's hint
    hant, en = texts_for("zh-Hant"), texts_for("en")
    assert hant["exact"]["Select all"] == "全選" and hant["exact"]["全选"] == "全選"
    assert en["exact"]["全選"] == "Select all" and "Select all" not in en["exact"]
    assert texts_for("zh-Hans")["exact"]["Drag and drop files here"] == "将文件拖放到此处"
