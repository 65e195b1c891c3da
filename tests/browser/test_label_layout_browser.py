"""Real browser (issue 18): the label layout places labels by arithmetic, without a layout of
the page per spot tried — checked here against the browser's own boxes.

The layout (``labels._SHARED_JS``) reads every label's size once and works out the box of its
text at each candidate spot from the CSS (``labels.LABEL_CSS``); reading a rect per spot cost
seconds of forced layouts per rerun.  For every label on the map, at every spot of the CSS, the
box the browser draws must be the box the arithmetic assumes (within a pixel or two); and a
layout pass after a rerun must not force a layout per label.
"""

from __future__ import annotations

from browser_helpers import map_frame, wait_for_app

# every label at every spot: the browser's box of its text against window.__lhLabelExtent
_COMPARE = """() => {
  const map = window.map, box = map.getContainer().getBoundingClientRect(), out = [];
  const labels = [];
  map.eachLayer((l) => { if (l.lhLabel && l.getElement()) labels.push(l); });
  for (const l of labels) {
    const el = l.getElement(), span = el.firstChild, it = l.lhLabel, was = el.dataset.pos;
    const deg = parseFloat(el.style.getPropertyValue("--rot") || "0");
    const c = map.latLngToContainerPoint(l.getLatLng());
    for (const pos of ["r", "l", "t", "b", "tr", "br", "tl", "bl", "c", "ca", "cb"]) {
      el.dataset.pos = pos;
      const r = span.getBoundingClientRect();
      const e = window.__lhLabelExtent(pos, span.offsetWidth, span.offsetHeight, it[8], deg);
      out.push([it[1], pos, r.left - (box.left + c.x + e[0]), r.top - (box.top + c.y + e[1]),
                r.right - (box.left + c.x + e[2]), r.bottom - (box.top + c.y + e[3])]);
    }
    el.dataset.pos = was;
  }
  return out;
}"""

# how many times a layout pass reads a label's box (each read after a write forces a layout)
_READS = """() => {
  let reads = 0;
  const proto = Element.prototype, orig = proto.getBoundingClientRect;
  proto.getBoundingClientRect = function () { reads += 1; return orig.call(this); };
  try { window.__lhLayoutLabels(window.map); } finally { proto.getBoundingClientRect = orig; }
  let labels = 0;
  window.map.eachLayer((l) => { if (l.lhLabel && l.getElement()) labels += 1; });
  return [reads, labels];
}"""


def test_label_boxes_are_the_boxes_the_layout_assumes(page, server):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(server + "/?basemap=none")
    wait_for_app(page)
    frame = map_frame(page)
    frame.wait_for_function("document.querySelectorAll('.lh-label').length >= 20")
    frame.evaluate("window.map.setZoom(13, {animate: false})")  # station and line names too
    frame.wait_for_timeout(800)
    got = frame.evaluate(_COMPARE)
    assert len(got) >= 20 * 11
    off = [(text, pos, [round(d, 1) for d in diffs]) for text, pos, *diffs in got
           if max(abs(d) for d in diffs) > 2]
    assert not off, f"{len(off)} label boxes differ from the arithmetic, e.g. {off[:5]}"
    reads, labels = frame.evaluate(_READS)
    assert labels >= 20
    assert reads < 10, f"a layout pass read {reads} boxes for {labels} labels"
