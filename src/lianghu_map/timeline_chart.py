"""The Directives page's per-place timeline as a Vega-Lite chart (Altair; Streamlit's frontend
draws it, nothing is fetched): one row per place, x = the meeting's date, per report a dot
sized and labelled by the number of its clauses naming the place, a tooltip with the report's
title and date.  A date given only as a year or month is drawn as a bar over that year or month
with the dot in its middle, and the tooltip and axis say only what the report says (the axis
ticks are years or months, never days).  Names and titles are data: Vega draws them as text,
and its tooltips escape them."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt

from .i18n import t
from .report_history import TimelineMark

__all__ = ["ROW_PX", "timeline_chart", "timeline_rows"]

ROW_PX = 30  # height of a place's row


def timeline_rows(marks: Sequence[TimelineMark], lang: str) -> list[dict]:
    """The chart's data: one record per mark, dates as ISO strings, tooltip fields localised."""
    return [{"place": m.place, "report": m.report_id, "title": m.title, "date": m.date,
             "start": m.start.isoformat(), "end": m.end.isoformat(),
             "middle": m.middle.isoformat(), "count": m.count,
             "meeting": f"{m.date} · {m.title}",
             "span": m.precision != "day",
             "precision": t(f"dir.timeline.precision.{m.precision}", lang)} for m in marks]


def timeline_chart(marks: Sequence[TimelineMark], lang: str) -> alt.LayerChart:
    """The chart of ``marks`` (rows in their order) in ``lang``."""
    rows = timeline_rows(marks, lang)
    places = list(dict.fromkeys(m.place for m in marks))
    months = any(m.precision != "year" for m in marks) and len({m.start.year for m in marks}) < 2
    fmt = "%Y-%m" if months else "%Y"
    base = alt.Chart(alt.Data(values=rows))
    y = alt.Y("place:N", sort=places, title=None, axis=alt.Axis(labelLimit=220))
    tooltip = [alt.Tooltip("title:N", title=t("dir.timeline.report", lang)),
               alt.Tooltip("date:N", title=t("dir.timeline.date", lang)),
               alt.Tooltip("precision:N", title=t("dir.timeline.precision", lang)),
               alt.Tooltip("place:N", title=t("dir.timeline.place", lang)),
               alt.Tooltip("count:Q", title=t("dir.timeline.count", lang))]
    x = alt.X("middle:T", title=t("dir.timeline.date", lang),
              axis=alt.Axis(format=fmt, tickCount={"interval": "month" if months else "year",
                                                   "step": 1}),
              scale=alt.Scale(padding=24))
    meetings = list(dict.fromkeys(r["meeting"] for r in sorted(rows, key=lambda r: r["start"])))
    colour = alt.Color("meeting:N", sort=meetings, scale=alt.Scale(scheme="tableau10"),
                       legend=alt.Legend(
        title=t("dir.timeline.report", lang), orient="bottom", labelLimit=400, columns=1,
        symbolOpacity=1))
    span = base.transform_filter("datum.span").mark_rule(strokeWidth=6, opacity=0.25).encode(
        x=alt.X("start:T"), x2="end:T", y=y, color=colour, tooltip=tooltip)
    dots = base.mark_circle(opacity=0.85).encode(
        x=x, y=y, size=alt.Size("count:Q", scale=alt.Scale(range=[50, 400]), legend=None),
        color=colour, tooltip=tooltip)
    labels = base.mark_text(dx=14, align="left", fontSize=11).encode(x=x, y=y, text="count:Q")
    return (span + dots + labels).properties(height=alt.Step(ROW_PX))
