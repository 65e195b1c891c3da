"""The Compare page's model: what each of two side-by-side maps shows, and the small script that
keeps the two maps' views together.  Pure (no Streamlit); the page only wires widgets to it.

A side shows one *choice*, a plain string (it lives in the session and a widget):

* ``"all"`` — every layer of the catalogue, built-in and uploaded;
* ``"builtin"`` — the built-in layers (offered only when there are uploaded ones);
* ``"theme:<key>"`` — the features linked from the directives of one theme
  (:data:`directives.THEMES`), the base layers dimmed around them;
* ``"layer:<id>"`` — one layer's features (any of ``cat.layers``, uploads included), the base
  layers dimmed around them.

Each side is its own ``st_folium`` map (its data swapped through ``feature_group_to_add``, so
changing a side never remounts either map).  :class:`SyncViews` — part of each map's constant
script — registers the map in a hub on the parent page (the component frames are same-origin
with the app) and, whenever one map moves, sets the other to the same centre and zoom; a flag
held while it does so stops the echo.  No third-party code (folium's DualMap would fetch
Leaflet.Sync from a CDN).
"""

from __future__ import annotations

import html

import folium
import geopandas as gpd
from branca.element import MacroElement
from jinja2 import Template

from .catalog import Catalog
from .i18n import t
from .mapview import CornerLabel, base_map, feature_groups, legend_html, needs_canvas
from .panels import theme_label
from .selection import MapFilter, MapSelection, select

__all__ = [
    "ALL",
    "BUILTIN",
    "SIDES",
    "SYNC_GROUP",
    "SideLabel",
    "SyncViews",
    "choice_label",
    "compare_choices",
    "compare_map",
    "default_choices",
    "fit_together",
    "heading_html",
    "side_groups",
    "side_legend_html",
    "side_selection",
]

ALL = "all"
BUILTIN = "builtin"
_THEME = "theme:"
_LAYER = "layer:"
DEFAULT_THEME = "生態"  # the right side's default when nothing was uploaded
SIDES = ("left", "right")
SYNC_GROUP = "lh-compare"


# -- what a side shows


def _uploaded(cat: Catalog) -> list:
    return [spec for spec in cat.layers if spec.stored]


def _themes(cat: Catalog) -> list[str]:
    """Theme keys with directives in the meeting, in the report's order of themes (the 2023
    six, or a report's own)."""
    present = {d.theme for d in cat.meeting.directives}
    return [th.key for th in cat.meeting.theme_order(context=True) if th.key in present]


def compare_choices(cat: Catalog, lang: str) -> list[tuple[str, str]]:
    """(choice, label) of everything a side can show, in menu order: all layers, the built-in
    layers (when something was uploaded), each theme, each layer.  Labels are plain text (a
    layer's may be an uploader's text: escape it before it reaches HTML)."""
    out = [(ALL, t("compare.all", lang))]
    if _uploaded(cat):
        out.append((BUILTIN, t("compare.builtin", lang)))
    out += [(_THEME + key, t("compare.theme", lang,
                             theme=theme_label(key, lang, cat.meeting.themes)))
            for key in _themes(cat)]
    out += [(_LAYER + spec.id, t("compare.layer", lang, layer=spec.label(lang)))
            for spec in cat.layers]
    return out


def choice_label(cat: Catalog, choice: str, lang: str) -> str:
    """The plain-text label of ``choice`` (see :func:`compare_choices`)."""
    labels = dict(compare_choices(cat, lang))
    if choice not in labels:
        raise ValueError(f"unknown compare choice {choice!r}")
    return labels[choice]


def default_choices(cat: Catalog) -> tuple[str, str]:
    """(left, right) before the user chooses.  Left: the built-in map.  Right: the first
    uploaded layer — an upload is what one wants to hold against the existing plan — else the
    ecology theme (生態): the lakes, wetland and greenways its directives name, lit over the
    dimmed base, against everything on the left; a small, non-empty set that is about the
    zone's own identity (the two lakes)."""
    uploads = _uploaded(cat)
    if uploads:
        return BUILTIN, _LAYER + uploads[0].id
    if DEFAULT_THEME in _themes(cat):
        return ALL, _THEME + DEFAULT_THEME
    return ALL, (_THEME + _themes(cat)[0]) if _themes(cat) else ALL


def _base_context(cat: Catalog, exclude: set[str]) -> list[str]:
    base = {spec.id for spec in cat.layers if spec.base}
    feats = cat.features
    return [f for f in feats.index[feats["layer_id"].isin(base)] if f not in exclude]


def side_selection(cat: Catalog, choice: str) -> MapSelection:
    """What a side draws for ``choice``: ``matches`` are exactly the chosen features (a theme:
    those linked from its directives; a layer: that layer's), ``context`` the base layers
    dimmed around a theme or a layer.  No fit: see :func:`fit_together`."""
    all_layers = tuple(spec.id for spec in cat.layers)
    if choice == ALL:
        return select(cat.features, cat.links, cat.meeting, MapFilter(layers=all_layers))
    if choice == BUILTIN:
        builtin = tuple(spec.id for spec in cat.layers if not spec.stored)
        return select(cat.features, cat.links, cat.meeting, MapFilter(layers=builtin))
    if choice.startswith(_THEME) and choice[len(_THEME):] in _themes(cat):
        sel = select(cat.features, cat.links, cat.meeting,
                     MapFilter(layers=all_layers, themes=(choice[len(_THEME):],)))
        return MapSelection(sel.shown, sel.context)
    if choice.startswith(_LAYER) and cat.layer(choice[len(_LAYER):]) is not None:
        layer_id = choice[len(_LAYER):]
        feats = cat.features
        shown = list(feats.index[feats["layer_id"] == layer_id])
        return MapSelection(tuple(shown), tuple(_base_context(cat, set(shown))))
    raise ValueError(f"unknown compare choice {choice!r}")


def fit_together(left: MapSelection, right: MapSelection
                 ) -> tuple[MapSelection, MapSelection]:
    """Both sides fitted to the same view: what either side is about (its matches), so the two
    maps open on the same place and whatever was chosen is in view on both."""
    fit = tuple(dict.fromkeys(left.matches + right.matches))
    return (MapSelection(left.shown, left.context, left.focus, fit),
            MapSelection(right.shown, right.context, right.focus, fit))


# -- the maps


class SyncViews(MacroElement):
    """Keeps this map's view (centre and zoom) and its partner's together, both ways.

    Each map joins a hub on the parent page (``window.parent.__lhSync[group]``); when a map
    moves (drag, inertia, zoom, fit) the other is set to its centre and zoom without animation,
    so the partner's own move events fire synchronously while ``busy`` is held and are ignored:
    no feedback loop.  A map of a frame that is gone (a remount) is dropped from the hub; a map
    that joins takes its partner's current view."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
          const map = {{ this._parent.get_name() }};
          let hub;
          try {
            hub = window.parent.__lhSync = window.parent.__lhSync || {};
          } catch (e) {
            return;  // a parent of another origin: this map moves alone
          }
          const group = hub[{{ this.group|tojson }}] =
            hub[{{ this.group|tojson }}] || {maps: {}, busy: false};
          const alive = (m) => {
            try {
              const w = m._container.ownerDocument.defaultView;
              return !!(w && w.frameElement && w.frameElement.isConnected && m._loaded);
            } catch (e) {
              return false;
            }
          };
          const follow = (from) => {
            if (group.busy || !from._loaded) return;
            group.busy = true;
            try {
              for (const [side, other] of Object.entries(group.maps)) {
                if (other === from) continue;
                if (!alive(other)) { delete group.maps[side]; continue; }
                other.setView(from.getCenter(), from.getZoom(), {animate: false});
              }
            } finally {
              group.busy = false;
            }
          };
          const partner = Object.entries(group.maps)
            .find(([side, other]) => side !== {{ this.side|tojson }} && alive(other));
          group.maps[{{ this.side|tojson }}] = map;
          map.on("move zoomend", () => follow(map));
          if (partner) {
            group.busy = true;
            try {
              map.setView(partner[1].getCenter(), partner[1].getZoom(), {animate: false});
            } finally {
              group.busy = false;
            }
          }
          map.__lhSyncSide = {{ this.side|tojson }};
        })();
        {% endmacro %}
    """)

    def __init__(self, side: str, group: str = SYNC_GROUP):
        super().__init__()
        if side not in SIDES:
            raise ValueError(f"side must be one of {SIDES}, not {side!r}")
        self._name = "SyncViews"
        self.side = side
        self.group = group


class SideLabel(CornerLabel):
    """What the side shows, in the map's top-right corner (so a screenshot of one map still
    says what it is)."""

    def __init__(self, text: str):
        super().__init__(text, slot="__lhSideLabel", position="topright",
                         css_class="lh-datum lh-side-label")


def compare_map(basemap: str, side: str, features: gpd.GeoDataFrame) -> folium.Map:
    """One side's map: the app's base map for ``basemap`` plus :class:`SyncViews`.  Its script
    depends on the basemap and the side only (a change of choice does not remount it)."""
    m = base_map(basemap, canvas=needs_canvas(features))
    m.add_child(SyncViews(side))
    return m


def side_groups(cat: Catalog, selection: MapSelection, lang: str, basemap: str, label: str
                ) -> list[folium.FeatureGroup]:
    """A side's data: the app's feature groups in the basemap's datum, with the datum badge and
    the side's label."""
    groups = feature_groups(cat.features, selection, lang, None, cat.layers, basemap=basemap)
    groups[-1].add_child(SideLabel(label))  # the badge guarantees a group
    return groups


# -- the page's HTML (escaped pieces only)


def heading_html(label: str, side: str) -> str:
    """A side's heading; ``label`` may be an uploader's text."""
    return (f'<div class="lh-compare-heading" data-side="{html.escape(side)}" '
            f'style="font-weight:600;font-size:1.05rem">{html.escape(label)}</div>')


def side_legend_html(cat: Catalog, selection: MapSelection, lang: str) -> str:
    return legend_html(cat.features, selection.drawn, lang, cat.layers)
