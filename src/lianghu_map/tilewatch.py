"""Basemap honesty: a notice on the map when its tiles do not load, and a metric scale.

:class:`TileWatch` is part of the base map (its script is the same in every language, so a
language switch does not remount the map): it listens to the tile layers' ``tileload`` and
``tileerror`` events and declares the basemap *failed* when tiles failed and none loaded
within :data:`SETTLE_MS` of the first error (or none loaded at all after :data:`SILENT_MS`, for
a host that never answers).  Then it

* takes the tile layers' attribution off the map (it must not name a provider whose tiles are
  not shown) and shows the Leaflet prefix as plain text;
* shows a notice on the map, in the UI language (:class:`TileLang`, swapped with the feature
  groups, names the language), with a button that takes the tiles off ("无底图 / none");
* reports to Streamlit through streamlit-folium's component value (``window.Streamlit``) —
  ``{"lh_tiles": "failed"}`` and, on the button, ``{"lh_tiles": "none"}``; the pages pass
  :func:`ui.tiles_reported` as ``on_change`` (see there for the session's default).

A tile that loads later takes the notice away and gives the attribution back.  In the offline
HTML export there is no Streamlit: the button only takes the tiles off that page.
"""

from __future__ import annotations

from branca.element import MacroElement
from jinja2 import Template

from .i18n import DEFAULT_LANG, LANGS, t

__all__ = ["BUTTON_CSS", "NOTICE_CSS", "SETTLE_MS", "SILENT_MS", "TILE_REPORT", "MetricScale",
           "TileLang", "TileWatch"]

SETTLE_MS = 1500  # after the first failed tile, how long other tiles have to load
SILENT_MS = 10000  # no tile loaded (nor failed) after this long: the host does not answer
TILE_REPORT = "lh_tiles"  # the key of the map's report in st_folium's value (as in the JS)

# a notice on the map (this one at the top; a big layer's failed tiles, compact.BigLayer, at the
# bottom): NOTICE_CSS with the edge it keeps to
NOTICE_CSS = ("position:absolute;{edge};left:50%;transform:translateX(-50%);z-index:1000;"
              "max-width:80%;background:#fff4e0;color:#5c3200;border:1px solid #e0a040;"
              "border-radius:4px;padding:6px 10px;font-size:13px;line-height:1.4;"
              "box-shadow:0 1px 4px rgba(0,0,0,.2);display:flex;gap:10px;align-items:center")
BUTTON_CSS = ("font:inherit;padding:2px 10px;border:1px solid #b06a00;border-radius:3px;"
              "background:#fff;color:#5c3200;cursor:pointer;white-space:nowrap")


class TileWatch(MacroElement):
    """The base map's tile watch (see the module docstring).  ``lang``: the language until a
    :class:`TileLang` names another (the offline export has no feature-group swap)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
          const map = {{ this._parent.get_name() }};
          const TEXTS = {{ this.texts|tojson }};
          if (map.attributionControl) map.attributionControl.setPrefix("Leaflet");
          map.__lhLang = map.__lhLang || {{ this.lang|tojson }};
          const tiles = [];
          let loads = 0, errors = 0, failed = false, told = false, timer = null, box = null;
          const report = (what) => {
            const st = window.Streamlit, g = window.__GLOBAL_DATA__;
            if (!st || !g) return;  // the offline export: no Streamlit
            // the report rides along with every later value st_folium sends: a value sent
            // while a rerun is pending replaces the one before it, which would lose the report
            map.__lhReport = {lh_tiles: what, lh_at: Date.now()};
            if (!st.__lhSticky) {
              const send = st.setComponentValue.bind(st);
              st.setComponentValue = (value) => send(value && typeof value === "object"
                && window.map && window.map.__lhReport
                ? Object.assign({}, value, window.map.__lhReport) : value);
              st.__lhSticky = true;
            }
            st.setComponentValue(Object.assign({}, g.previous_data || {}));
          };
          const render = () => {
            if (!box) return;
            const text = TEXTS[map.__lhLang] || TEXTS[{{ this.lang|tojson }}];
            box.firstChild.textContent = text.failed;
            box.lastChild.textContent = text.none;
          };
          map.__lhTilesRender = render;
          const attribution = (on) => {
            if (!map.attributionControl) return;
            for (const layer of tiles) {
              const a = layer.getAttribution && layer.getAttribution();
              if (!a) continue;
              if (on) map.attributionControl.addAttribution(a);
              else map.attributionControl.removeAttribution(a);
            }
          };
          const dropTiles = () => {
            for (const layer of tiles.splice(0)) map.removeLayer(layer);
            if (box) { box.remove(); box = null; }
          };
          const fail = (tell) => {
            if (tell && !told) { told = true; report("failed"); }
            if (failed) return;
            failed = true;
            attribution(false);
            box = L.DomUtil.create("div", "lh-tiles-notice", map.getContainer());
            box.setAttribute("role", "alert");
            box.style.cssText = {{ this.css|tojson }};
            L.DomUtil.create("span", "lh-tiles-text", box);
            const button = L.DomUtil.create("button", "lh-tiles-none", box);
            button.type = "button";
            button.style.cssText = {{ this.button_css|tojson }};
            L.DomEvent.disableClickPropagation(box);
            L.DomEvent.disableScrollPropagation(box);
            L.DomEvent.on(button, "click", () => { dropTiles(); report("none"); });
            render();
          };
          const recover = () => {
            if (!failed || !tiles.length) return;
            failed = false;
            attribution(true);
            if (box) { box.remove(); box = null; }
          };
          const check = () => { timer = null; if (loads === 0 && errors > 0) fail(true); };
          const watch = (layer) => {
            if (!(layer instanceof L.TileLayer) || tiles.includes(layer)) return;
            tiles.push(layer);
            layer.on("tileload", () => { loads += 1; recover(); });
            layer.on("tileerror", () => {
              errors += 1;
              if (failed) fail(true);  // failed silently before (no answer yet): now it is said
              else if (!timer) timer = setTimeout(check, {{ this.settle }});
            });
          };
          map.eachLayer(watch);
          map.on("layeradd", (e) => watch(e.layer));
          setTimeout(() => { if (tiles.length && loads === 0) fail(errors > 0); },
                     {{ this.silent }});
        })();
        {% endmacro %}
    """)

    def __init__(self, lang: str = DEFAULT_LANG):
        super().__init__()
        self._name = "TileWatch"
        self.lang = lang if lang in LANGS else DEFAULT_LANG
        self.texts = {code: {"failed": t("tiles.failed", code), "none": t("tiles.none", code)}
                      for code in LANGS}
        self.css, self.button_css = NOTICE_CSS.format(edge="top:10px"), BUTTON_CSS
        self.settle, self.silent = SETTLE_MS, SILENT_MS


class TileLang(MacroElement):
    """The language of the tile notice, passed with the feature groups (no remount)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
          const map = {{ this._parent._parent.get_name() }};
          map.__lhLang = {{ this.lang|tojson }};
          if (map.__lhTilesRender) map.__lhTilesRender();
        })();
        {% endmacro %}
    """)

    def __init__(self, lang: str):
        super().__init__()
        self._name = "TileLang"
        self.lang = lang if lang in LANGS else DEFAULT_LANG


class MetricScale(MacroElement):
    """Leaflet's scale bar in metres and kilometres only (folium's ``control_scale`` adds miles)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "MetricScale"
