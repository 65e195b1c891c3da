"""Real browser: the injection corpus in every field a user controls runs no script.

Payloads go into property values and names, the layer title and source, the file name, the
directive ids (which the report quotes back) and the query parameters.  The test opens every
tooltip, clicks a feature for the side panel, and checks: no dialog, ``window.__xss`` never set in
the page or the map frame, the page still visible, and the text shown literally.
"""

import json
from urllib.parse import quote

from browser_helpers import fill_and_commit, map_frame, wait_for_app
from injection_corpus import PAYLOADS

from lianghu_map.catalog import builtin_catalog

N_BUILTIN = sum(len(g.geoms) if g.geom_type == "MultiPoint" else 1
                for g in builtin_catalog().features.geometry)
FILE_NAME = "<img src=x onerror=window.__xss=99>.geojson"


def _doc() -> bytes:
    features = []
    for i, payload in enumerate(PAYLOADS):
        features.append({
            "type": "Feature", "id": f"f{i}",
            "properties": {"name": payload, "note": payload, payload[:40]: i,
                           "directive_ids": payload[:60],
                           "style": {"color": payload, "className": payload}},
            "geometry": {"type": "Point", "coordinates": [119.7 + 0.01 * i, 31.55]}})
    return json.dumps({"type": "FeatureCollection", "features": features},
                      ensure_ascii=False).encode()


def _untouched(page, frame=None) -> None:
    assert page.evaluate("window.__xss") is None
    assert page.evaluate("getComputedStyle(document.body).display") != "none"
    if frame is not None:
        assert frame.evaluate("window.__xss") is None


def test_no_payload_runs_anywhere(page, writable_server):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    page.goto(writable_server + "/upload?basemap=none")
    wait_for_app(page)
    fill_and_commit(page, "upload_user", PAYLOADS[1])
    with page.expect_file_chooser() as chooser:
        page.get_by_test_id("stFileUploaderDropzone").click()
    chooser.value.set_files(files=[{"name": FILE_NAME, "mimeType": "application/geo+json",
                                    "buffer": _doc()}])
    page.get_by_text("可以保存", exact=False).wait_for(timeout=30_000)
    wait_for_app(page)
    report = page.locator("table.lh-report").inner_text()
    assert FILE_NAME in report  # the file name, literally
    assert "<script>window.__xss=1</script>" in report  # a directive id quoted back as text
    _untouched(page)

    fill_and_commit(page, "f0_tzh", PAYLOADS[0])
    fill_and_commit(page, "f0_source", PAYLOADS[8])
    page.locator(".st-key-f0_save button").click()
    page.get_by_text("已保存：图层", exact=False).wait_for(timeout=30_000)
    _untouched(page)

    page.goto(writable_server + "/?basemap=none")
    wait_for_app(page)
    frame = map_frame(page)
    frame.wait_for_function(
        "document.querySelectorAll('path.leaflet-interactive').length === "
        f"{N_BUILTIN + len(PAYLOADS)}")
    # open every tooltip (their HTML goes through innerHTML)
    texts = frame.evaluate("""() => {
        const out = [];
        for (const c of Object.values(window.map._layers)) {
            if (!c.feature || !c.getTooltip || !c.getTooltip()) continue;  // each vector's own
            const ll = c.getLatLng ? c.getLatLng() : c.getBounds().getCenter();
            c.fire('mouseover', {latlng: ll, layer: c}, true);  // as a hover would
            const el = c.getTooltip().getElement();
            out.push(el ? el.textContent : '');
            c.fire('mouseout', {latlng: ll, layer: c}, true);
        }
        return out; }""")
    shown = "\n".join(texts)
    assert len(texts) == N_BUILTIN + len(PAYLOADS)
    for payload in PAYLOADS[:10]:
        assert payload.strip() in shown, payload
    assert "{{ 7*7 }}" in shown and "49" not in shown.replace("{{ 7*7 }}", "")
    # the layer toggle shows the title as text
    page.wait_for_function("t => document.querySelector(\"[data-testid='stSidebar']\")"
                           ".innerText.includes(t)", arg=PAYLOADS[0])
    assert PAYLOADS[0] in page.get_by_test_id("stSidebar").inner_text()
    _untouched(page, frame)

    # a click on an uploaded feature: the side panel with its attributes
    lat, lng = 31.55, 119.71  # feature f1
    frame.evaluate(f"window.map.setView([{lat}, {lng}], 16)")
    page.wait_for_timeout(500)
    box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    x, y = frame.evaluate(f"""(() => {{ const p = window.map.latLngToContainerPoint([{lat},
        {lng}]); const r = document.getElementById('map_div').getBoundingClientRect();
        return [p.x + r.left, p.y + r.top]; }})()""")
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.get_by_text("原始属性").wait_for(timeout=30_000)
    page.get_by_text("原始属性").click()
    wait_for_app(page)
    assert PAYLOADS[1] in page.locator("[data-testid='stMain']").inner_text()
    _untouched(page, frame)

    assert page.offline.external == []
    # query parameters
    for path in ("/?directive={p}&lang={p}&basemap={p}", "/directives?d={p}&lang={p}",
                 "/upload?lang={p}"):
        for payload in (PAYLOADS[0], PAYLOADS[1], PAYLOADS[7]):
            page.goto(writable_server + path.format(p=quote(payload)))
            wait_for_app(page)
            _untouched(page)
    assert dialogs == []
    # an invalid ?basemap= falls back to OpenStreetMap: tiles are the only outside requests
    assert all(u.startswith("https://tile.openstreetmap.org/") for u in page.offline.external)
