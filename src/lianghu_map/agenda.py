"""The Present page's agenda: a title step, each theme and its clauses in order, an overview.

Pure functions: :func:`build_agenda` lists the steps of a meeting; :func:`step_selection` is
what the map shows at a step — the step's features highlighted (focus), everything else dimmed
(context), the view fitted to the highlighted features, or to the whole zone when a clause has no
mapped feature (the title and overview: the zone and every planning feature).  The page only
keeps the step number.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd

from .layers import BASE_LAYER_IDS
from .meeting.directives import Meeting, theme_info
from .meeting.links import LinkTable
from .selection import ZONE_FEATURE, MapFilter, MapSelection, select

__all__ = ["STEP_KINDS", "Step", "build_agenda", "step_features", "step_legend_ids",
           "step_selection"]

STEP_KINDS = ("title", "theme", "clause", "overview")


@dataclass(frozen=True)
class Step:
    kind: str  # one of STEP_KINDS
    theme: str = ""  # a Theme.key (theme and clause steps)
    directive: str = ""  # a Directive.id (clause steps)

    @property
    def key(self) -> str:
        """Stable id of the step (used in keys and tests)."""
        return {"title": "title", "overview": "overview", "theme": f"theme:{self.theme}",
                "clause": f"clause:{self.directive}"}[self.kind]

    @property
    def file_stem(self) -> str:
        """An ASCII name for files exported at this step (``modern.2``, ``theme-ecology``)."""
        if self.kind == "clause":
            return self.directive.replace("/", "-")  # "<report>/<clause>": one file name
        if self.kind != "theme":
            return self.kind
        slug = theme_info(self.theme).slug  # a report's own theme: "theme-<digest>"
        return slug if slug.startswith("theme-") else f"theme-{slug}"


def build_agenda(meeting: Meeting) -> tuple[Step, ...]:
    """Title, then per theme (the meeting's own order, :meth:`Meeting.theme_order`: the 2023
    six or the report's headings; "context" left out) the theme and each of its clauses in
    report order, then the closing overview."""
    steps = [Step("title")]
    for theme in meeting.theme_order():
        clauses = meeting.by_theme(theme.key)
        if not clauses:
            continue
        steps.append(Step("theme", theme.key))
        steps.extend(Step("clause", theme.key, d.id) for d in clauses)
    steps.append(Step("overview"))
    return tuple(steps)


def step_features(step: Step, links: LinkTable, meeting: Meeting) -> list[str]:
    """The features a step is about (linked to its clause, or to any clause of its theme);
    empty for the title and overview steps, which show everything alike."""
    if step.kind == "clause":
        return links.features_of(step.directive)
    if step.kind == "theme":
        return list(dict.fromkeys(fid for d in meeting.by_theme(step.theme)
                                  for fid in links.features_of(d.id)))
    return []


def step_selection(step: Step, features: gpd.GeoDataFrame, links: LinkTable, meeting: Meeting,
                   layers: tuple[str, ...] | None = None) -> MapSelection:
    """What the map draws at ``step`` (``layers``: the layer ids drawn; default all)."""
    in_layers = features if layers is None else features[features["layer_id"].isin(layers)]
    if step.kind == "clause":  # the Map page's directive filter: the rest dimmed, zone fallback
        flt = MapFilter(layers=tuple(dict.fromkeys(in_layers["layer_id"])),
                        directive=step.directive)
        return select(in_layers, links, meeting, flt)
    order = list(in_layers.index)
    zone = [ZONE_FEATURE] if ZONE_FEATURE in in_layers.index else []
    if step.kind == "theme":
        wanted = set(step_features(step, links, meeting))
        focus = [f for f in order if f in wanted]
        context = [f for f in order if f not in wanted]
        return MapSelection((), tuple(context), tuple(focus), tuple(focus or zone))
    # the title and the overview: everything drawn, the view on the zone and every planning
    # feature (not the districts and lakes around them): on a tall phone screen the zone alone
    # left the stations east of it out of view
    planned = [f for f, lid in zip(order, in_layers["layer_id"], strict=True)
               if lid not in BASE_LAYER_IDS]
    return MapSelection(tuple(order), (), (), tuple(dict.fromkeys(zone + planned)) or tuple(order))


def step_legend_ids(selection: MapSelection) -> tuple[str, ...]:
    """The features a step's legend describes: the highlighted ones (a clause's or a theme's),
    else what is drawn normally (title, overview), else the fit (the zone of a clause with no
    mapped feature).  The dimmed context is not in the legend."""
    return selection.focus or selection.shown or selection.fit
