"""Present's whole agenda in the browser (issue 18, Build 1): a step is switched at the key
press, and the server is told afterwards.

Every step of an agenda draws the same features; only their states (dimmed, normal, in focus),
the labels' ranks, the view and the page's texts change.  So the Present map is drawn once
for the whole agenda (:func:`agenda_groups`) and carries, per step, what changes
(:class:`StepSwitch`): each feature's style index, each label's rank and dimming, the bounds
to fit, and the step's caption, counter and legend (HTML built from escaped pieces only, the
same builders the page uses).  The groups' script is the same at every step, so the server's
rerun after a step changes nothing in the map frame (streamlit-folium compares the script and
does not evaluate it again).

The Map page's clause box works the same way (:func:`choice_groups`): the map carries each
clause's states and bounds, the other filters as they are, and switches when a choice is
clicked in the sidebar; and each theme set one theme away from the chosen themes
(:class:`ThemeChoices`), switched when the theme box's tags change.  A feature some step does
not draw is drawn in the state "hidden" (taken off the map) in that step.  The notes, counts and
clause choices around the map come with the page's rerun.

In the browser, ``window.__lhSteps`` (in the map's frame) has ``go(move)``, called by the
Present page's keys and buttons (:data:`lianghu_map.ui._PRESENT_KEYS_JS`) before the click
reaches Streamlit, ``pick(i)`` (a clause clicked: ``ui._MAP_FILL_JS``), ``themes()`` (the
theme box's tags read on every change of the page) and ``sync()``, called on every change of the
page: it keeps the step shown while the server catches up with it, then
follows the step the server drew (Present's counter's ``data-step``; the clause in the page's
URL) — another report or language, a reload.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
from branca.element import MacroElement
from folium import FeatureGroup
from jinja2 import Template

from .basemaps import overlay_datum
from .escape import json_html
from .labels import LabelLayer, label_states
from .layers import LayerSpec
from .mapview import (
    _STATE_ORDER,
    VectorLayer,
    _split_by_layer,
    display_frame,
    feature_groups,
    fit_bounds,
    needs_canvas,
    state_map,
    state_options,
)
from .selection import MapSelection
from .viewstate import _SLUG_KEY

__all__ = ["StepPage", "StepSwitch", "ThemeChoices", "agenda_groups", "choice_groups"]


@dataclass(frozen=True)
class StepPage:
    """What the page shows of a step beside the map: HTML made from escaped pieces only."""

    caption: str  # the inside of the page's .lh-present-caption
    count: str  # the inside of .lh-present-count ("Step 3 / 33 · 生态")
    legend: str  # the inside of .lh-present-legend ("" when the step has none)


class StepSwitch(MacroElement):
    """The agenda's per-step tables and ``window.__lhSteps`` (see the module's text)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
          const map = {{ this._parent._parent.get_name() }};
          const T = {{ this.tables }};
          const doc = (() => {
            try { return window.parent.document; } catch (e) { return null; }
          })();
          const q = (sel) => doc && doc.querySelector(sel);
          const self = window.__lhSteps = {n: T.steps.length, current: -1};
          const restyle = (i) => {
            const step = T.steps[i];
            for (const id of T.order) {  // layer by layer, as drawn: bands, then by state
              const vec = (map.__lhVec || {})[id], z = step.z[id], kinds = T.kinds[id];
              if (vec && z) {
                const layers = vec.all;  // the hidden ones too
                const at = new Map(layers.map((l, k) => [l.feature, k]));
                if (vec.band) for (const l of vec.bands) {
                  const s = vec.styles[z[at.get(l.feature)] ?? 0];
                  if (s.hidden) {  // off the map with its line
                    if (vec.band.hasLayer(l)) vec.band.removeLayer(l);
                    continue;
                  }
                  if (!vec.band.hasLayer(l)) vec.band.addLayer(l);
                  l.setStyle({color: s.color, weight: s.band || 0,
                              opacity: s.band ? s.bandOpacity : 0});
                  l.bringToFront();
                }
                layers.forEach((l, k) => {
                  const p = l.feature.properties, s = vec.styles[z[k]];
                  p.z = z[k];
                  p.state = kinds[z[k]];
                  if (s.hidden) {  // off the map: no paint, no tooltip, no click
                    if (vec.main.hasLayer(l)) vec.main.removeLayer(l);
                    return;
                  }
                  if (!vec.main.hasLayer(l)) vec.main.addLayer(l);
                  l.setStyle({dashArray: null, ...s});
                });
                for (const state of T.state_order)
                  for (const l of layers) {
                    if (l.feature.properties.state === state && vec.main.hasLayer(l))
                      l.bringToFront();
                  }
              }
              const marks = (map.__lhLabelSets || {})[id], lab = step.lab[id];
              if (marks && lab) marks.forEach((m, k) => {
                const [rank, dim] = lab[k];
                m.lhLabel[3] = rank;
                m.lhLabel[13] = dim;
                const icon = m.options.icon.options;
                const base = icon.className.replace(" lh-l-context", "");
                icon.className = base.replace(" lh-hidden",
                                              (dim ? " lh-l-context" : "") + " lh-hidden");
                const el = m.getElement();
                if (el) el.classList.toggle("lh-l-context", !!dim);
              });
            }
            const key = JSON.stringify(step.fit);  // as FitOnce: a new target only (the
            if (step.fit && window.__lh_fit_key !== key) {  // view a user moved to stays)
              window.__lh_fit_key = key;
              window.__lh_fit_bounds = step.fit;
              map.fitBounds(step.fit, {maxZoom: 14, padding: [24, 24], animate: false});
            }
            if (window.__lhLayoutLabels) window.__lhLayoutLabels(map);
          };
          // the page's texts of step i, before the server's rerun brings them; each marked as
          // ours (data-local), and written once: the server's own come without the mark
          const page = (i) => {
            const step = T.steps[i], mark = String(i);
            for (const [sel, text] of [[".lh-present-count", step.count],
                                       [".lh-present-caption", step.caption],
                                       [".lh-present-legend", step.legend]]) {
              const el = q(sel);
              if (!el || el.dataset.local === mark) continue;
              el.innerHTML = text;
              el.dataset.local = mark;
              if (sel === ".lh-present-count") el.dataset.step = mark;
            }
          };
          self.show = (i, withPage) => {
            if (i < 0 || i >= self.n || i === self.current) return false;
            self.current = i;
            restyle(i);
            if (withPage) page(i);
            return true;
          };
          self.asked = null;  // the step the server was told and has not drawn yet
          self.pick = (i) => {  // step i shown now; the server is (being) told
            if (!self.show(i, true)) return false;
            self.asked = i;
            self.askedAt = Date.now();
            // kept in the frame's window: a new script evaluated meanwhile (another state of
            // the page) carries on from it
            window.__lhAskedKeep = {sig: T.sig, i, at: self.askedAt};
            return true;
          };
          self.go = (move) => {
            const i = self.current < 0 ? 0 : self.current;
            const to = {first: 0, prev: i - 1, next: i + 1, last: self.n - 1}[move];
            return to !== undefined && self.pick(Math.min(Math.max(to, 0), self.n - 1));
          };
          self.choice = T.choice || null;  // {key, widget, options, labels}: a filter's choices
          const th = T.themes;  // the theme filter's sets one theme away (see ThemeChoices)
          const setOf = (keys) => (keys.some((k) => !th.keys.includes(k)) ? null
            : keys.map((k) => th.keys.indexOf(k)).sort((a, b) => a - b).join(","));
          self.drawn = () => {  // the step the server drew (its counter), null: ours is shown
            if (T.choice) {  // a filter's choices: the one in the page's URL (the server's)
              let params;
              try { params = new URLSearchParams(window.parent.location.search); }
              catch (e) { return null; }
              if (th) {  // the URL's themes, when they are not the ones these tables are for
                const now = setOf((params.get(th.url) || "").split(",").filter(Boolean)
                                  .map((v) => th.slugs[v] ?? v));
                if (now !== th.current) {
                  const j = th.sets.indexOf(now);
                  return j < 0 ? null : th.first + j;
                }
              }
              const i = T.choice.options.indexOf(params.get(T.choice.key) || "");
              return i < 0 ? null : i;
            }
            const count = q(".lh-present-count");
            if (!count || count.dataset.local !== undefined) return null;
            const i = parseInt(count.dataset.step, 10);
            return Number.isNaN(i) ? null : i;
          };
          // after any change of the page: while the server catches up with the step asked (an
          // earlier step's rerun may come first), the step shown stays, texts too; then the map
          // follows what the server drew (another report, a reload, a step it refused)
          self.sync = () => {
            if (self.asked !== null) {
              const d = self.drawn();
              if (d !== self.asked && Date.now() - self.askedAt < 5000) {
                page(self.current);
                return false;
              }
              self.asked = null;
            }
            const d = self.drawn();
            return d !== null && self.show(d, false);
          };
          // the theme box's chosen themes (its tags), changed by a user: the map shows the
          // new set now, when it is one the tables carry (one theme added or taken away)
          const chips = () => {
            const box = q(".st-key-" + th.widget);
            if (!box) return null;
            const keys = [];
            const tags = box.querySelectorAll(
              '[data-testid="stMultiSelectTagsContainer"] [data-tag]');
            for (const tag of tags) {  // each tag names its theme (aria-label: the label)
              const k = th.labels[(tag.getAttribute("aria-label") || "").trim()];
              if (k === undefined) return null;
              keys.push(k);
            }
            return setOf(keys);
          };
          self.themesSeen = th ? chips() : null;
          self.themes = () => {
            if (!th) return false;
            const now = chips();
            if (now === null || now === self.themesSeen) return false;
            self.themesSeen = now;
            // from "every clause" (step 0) or a theme set shown here: a clause is not in the
            // theme steps (the server draws a theme change made with one)
            if (self.current > 0 && self.current < th.first) return false;
            if (now === th.current) return self.pick(0);
            const j = th.sets.indexOf(now);
            return j >= 0 && self.pick(th.first + j);
          };
          const kept = window.__lhAskedKeep;
          if (kept && kept.sig === T.sig && Date.now() - kept.at < 5000) {
            self.asked = kept.i;
            self.askedAt = kept.at;
            self.show(kept.i, false);
          } else {
            self.show(self.drawn() ?? 0, false);
          }
        })();
        {% endmacro %}
    """)

    def __init__(self, tables: dict):
        super().__init__()
        self._name = "StepSwitch"
        self.tables = json_html(tables)  # HTML-safe JSON: no "</script>" can close the script


def agenda_groups(features: gpd.GeoDataFrame, selections: Sequence[MapSelection],
                  pages: Sequence[StepPage], lang: str, layers: tuple[LayerSpec, ...], *,
                  basemap: str) -> list[FeatureGroup] | None:
    """The map's feature groups for a whole agenda (``selections``: its steps' selections;
    ``pages``: their texts), the same whatever the current step; a feature some step does not
    draw is drawn hidden (off the map) in that step.  None when a layer is drawn from a compact
    payload (then the page draws one step at a time, as before)."""
    if len(pages) != len(selections):
        return None
    return _switch_groups(features, selections, lang, layers, basemap=basemap, pages=pages)


@dataclass(frozen=True)
class ThemeChoices:
    """The theme filter's next states, for :func:`choice_groups`: the theme sets one theme away
    from ``current`` (one added or taken away) and what the page draws for each with no clause
    chosen.  The browser switches to them from the choice "every clause" (or from one of them:
    back to ``current``); with a clause chosen, the server draws a theme change."""

    widget: str  # the multiselect's key
    url_key: str  # its URL parameter (theme keys or their slugs, comma-separated)
    keys: Sequence[str]  # every theme, as the box offers them
    labels: Sequence[str]  # … and shows them (its tags' text)
    current: Sequence[str]  # the themes chosen now
    sets: Sequence[Sequence[str]]  # the theme sets the map can switch to
    selections: Sequence[MapSelection]  # … and what each draws, with no clause chosen

    def table(self, first: int) -> dict:
        order = {k: i for i, k in enumerate(self.keys)}

        def key(keys: Sequence[str]) -> str:  # as the browser's setOf: indexes, sorted
            return ",".join(str(i) for i in sorted(order[k] for k in keys))

        slugs = {slug: k for slug, k in _SLUG_KEY.items() if k in order}
        return {"widget": self.widget, "url": self.url_key, "keys": list(self.keys),
                "labels": dict(zip(self.labels, self.keys, strict=True)), "slugs": slugs,
                "current": key(self.current), "sets": [key(s) for s in self.sets],
                "first": first}


def choice_groups(features: gpd.GeoDataFrame, selections: Sequence[MapSelection],
                  options: Sequence[str], labels: Sequence[str], url_key: str, widget: str,
                  lang: str, layers: tuple[LayerSpec, ...], *, basemap: str,
                  selected: str | None = None, draw: str | None = None,
                  themes: ThemeChoices | None = None) -> list[FeatureGroup] | None:
    """The Map page's feature groups for every choice of one filter (``options``, shown as
    ``labels`` in the select box keyed ``widget``; the chosen one is in the URL under
    ``url_key``): the map switches when a choice is clicked, before the page's rerun.  With
    ``themes``, also for each theme set one theme away, switched when the theme box's tags
    change.  None as for :func:`agenda_groups`."""
    if not (len(options) == len(labels) == len(selections)):
        return None
    if themes is not None and len(themes.sets) != len(themes.selections):
        return None
    extra = list(themes.selections) if themes is not None else []
    return _switch_groups(features, [*selections, *extra], lang, layers, basemap=basemap,
                          selected=selected, draw=draw,
                          choice={"key": url_key, "widget": widget, "options": list(options),
                                  "labels": list(labels)},
                          themes=themes.table(len(selections)) if themes is not None else None)


def _switch_groups(features: gpd.GeoDataFrame, selections: Sequence[MapSelection], lang: str,
                   layers: tuple[LayerSpec, ...], *, basemap: str,
                   pages: Sequence[StepPage] | None = None, selected: str | None = None,
                   draw: str | None = None, choice: dict | None = None,
                   themes: dict | None = None) -> list[FeatureGroup] | None:
    if needs_canvas(features):  # a big layer is drawn from its payload, one state a run
        return None
    shown = display_frame(features, overlay_datum(basemap))  # as drawn over the basemap
    by_layer = _split_by_layer(shown)
    states = [state_map(s, selected) for s in selections]
    # every feature some step draws is drawn, hidden in the steps that do not draw it
    every = set().union(*states)
    if not every:
        return None
    states = [{**dict.fromkeys(every - s.keys(), "hidden"), **s} for s in states]
    first = selections[0]  # drawn in the first step's states, without its fit (the switch fits)
    groups = feature_groups(features, MapSelection(first.shown, first.context, first.focus, ()),
                            lang, selected, layers, basemap=basemap, draw=draw, states=states[0])
    if not groups:
        return None
    specs = {spec.id: spec for spec in layers}
    tables: dict = {"order": [], "kinds": {}, "state_order": list(_STATE_ORDER),
                    "steps": [{"z": {}, "lab": {}, "fit": None} for _ in selections]}
    for group in groups:
        for child in list(group._children.values()):
            if isinstance(child, VectorLayer):
                _vector_steps(child, specs[child.layer_id], states, tables)
            elif isinstance(child, LabelLayer):
                layer, spec = by_layer[child.layer_id], specs[child.layer_id]
                order = [f for f in layer.index if f in states[0]]
                for step, state_of in zip(tables["steps"], states, strict=True):
                    step["lab"][child.layer_id] = label_states(layer, spec, lang, order, state_of)
    for k, (step, sel) in enumerate(zip(tables["steps"], selections, strict=True)):
        step["fit"] = fit_bounds(shown, sel.fit)
        pg = pages[k] if pages else StepPage("", "", "")
        step.update(caption=pg.caption, count=pg.count, legend=pg.legend)
    if choice is not None:
        tables["choice"] = choice
    if themes is not None:
        tables["themes"] = themes
    # what the steps are (not how they are drawn): a step asked of the server carries over to
    # a new script for the same steps (a click elsewhere), not to other steps (another report)
    what = ([choice["options"], themes and themes["current"]] if choice is not None
            else [st["caption"] for st in tables["steps"]])
    tables["sig"] = hashlib.sha1(json.dumps(what).encode()).hexdigest()[:12]
    groups[-1].add_child(StepSwitch(tables))
    return groups


def _vector_steps(vec: VectorLayer, spec: LayerSpec, states: list[dict[str, str]],
                  tables: dict) -> None:
    """Each step's style index of every feature of ``vec`` (in its data's order, as
    mapview._vector_layer wrote it for the first step), adding the styles a later step needs."""
    index = dict(vec.index)
    kinds = [state for (_key, state), _z in sorted(index.items(), key=lambda kv: kv[1])]
    for step, state_of in zip(tables["steps"], states, strict=True):
        zs = []
        for fid, key in vec.parts:
            state = state_of[fid]
            if (key, state) not in index:
                index[(key, state)] = len(kinds)
                kinds.append(state)
                vec.styles.append(state_options(spec, key, state))
            zs.append(index[(key, state)])
        step["z"][vec.layer_id] = zs
    tables["order"].append(vec.layer_id)
    tables["kinds"][vec.layer_id] = kinds
