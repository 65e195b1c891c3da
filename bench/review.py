"""Reports page review benchmark (issue 17 × issue 18): what an analyst feels on a long report.

The report is :func:`bench.meeting.report_text` (30,000 characters, ~400 clauses, ~600 links)
or, with ``--text 2023``, the 2023 report's source text.  The app runs in local mode (the page is
an analyst's), in headless Chromium (/usr/bin/chromium, no network), 1440×900.  The clock runs in
the page, from the **input event** (``pointerdown``, its own ``event.timeStamp``) to the **first
animation frame after the change is visible** (see :mod:`bench.interaction`):

* **paste → review shown** — the text pasted in the add form, then a click on "prepare" until the
  clause table has rows (after each, "discard" and wait until the review is gone);
* **theme change → repainted** — the first clause's theme chosen in the review (alternating
  between two themes) until that clause's row in the table shows the new theme;
* **link removal → repainted** — a clause with links chosen (not timed), then a click on
  "remove" of its first link until that clause's row in the table lost the link.

Contenders in the same run, each on a fresh server of its own: **current** (this checkout) and
**baseline** (``--baseline``, default :data:`BASELINE`: main when this work started, a git
worktree).  Ratios are baseline / current.  Results also go to ``bench/.cache/review.json``.
Benchmarks report, they do not fail.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from bench.interaction import (
    CACHE,
    ROOT,
    _measure,
    _ready,
    baseline_tree,
    offline_page,
    serve,
    table,
)

BASELINE = "9726dd6"  # main when the review's speed was taken up

_ROWS = "() => String(document.querySelectorAll('tr.lh-clause').length)"


def _cell(cid: str, n: int) -> str:
    """The innerText of column ``n`` of clause ``cid``'s row ('' while it is not there)."""
    return ("() => { const r = document.querySelector(\"tr.lh-clause[data-clause='" + cid
            + "']\"); return r ? r.children[" + str(n) + "].innerText + '#' : ''; }")


def _idle(page) -> None:
    _ready(page)
    page.wait_for_timeout(300)
    _ready(page)


def _choose(page, key: str, label: str) -> None:
    """Pick ``label`` in the selectbox whose key starts with ``key``."""
    box = page.locator(f"[class*='st-key-{key}'] input").first
    box.click()
    box.fill(label)
    page.locator("[role='option']").filter(has_text=label).first.click()


def _prepare(page, text: str) -> None:
    page.locator(".st-key-rep_title input").fill("bench")
    page.locator(".st-key-rep_date input").fill("2024-03-06")
    page.locator(".st-key-rep_text textarea").fill(text)
    page.locator(".st-key-rep_text textarea").press("Control+Enter")
    _idle(page)


def _discard(page) -> None:
    page.locator(".st-key-rep_discard button").click()
    page.wait_for_function(f"({_ROWS})() === '0'", timeout=60_000)
    _idle(page)


def paste(page, _setup: dict[str, Any], repeat: int) -> list[float]:
    out = []
    for i in range(repeat):
        if i:
            _discard(page)
        button = page.locator(".st-key-rep_prepare button")
        out.append(_measure(page, [(page, _ROWS)], button.click))
    return out


def theme(page, setup: dict[str, Any], repeat: int) -> list[float]:
    cid, labels = setup["theme_clause"], setup["themes"]
    out = []  # the first clause: the one the review opens with
    for i in range(repeat):
        label = labels[i % 2]
        box = page.locator("[class*='st-key-rep_theme_'] input").first
        box.click()
        box.fill(label)
        option = page.locator("[role='option']").filter(has_text=label).first
        out.append(_measure(page, [(page, _cell(cid, 2))], option.click))
    return out


def unlink(page, setup: dict[str, Any], repeat: int) -> list[float]:
    out = []
    for cid in setup["link_clauses"][:repeat]:
        _choose(page, "rep_clause", setup["labels"][cid])
        page.wait_for_selector("[class*='st-key-rep_unlink_'] button", timeout=60_000)
        _idle(page)
        button = page.locator("[class*='st-key-rep_unlink_'] button").first
        out.append(_measure(page, [(page, _cell(cid, 3))], button.click))
    return out


INTERACTIONS = (("paste", "paste → review shown", paste),
                ("theme", "theme change → repainted", theme),
                ("unlink", "link removal → repainted", unlink))


def _setup(text: str) -> dict[str, Any]:
    """What the interactions pick, from the report as the built-in gazetteer prepares it."""
    from lianghu_map.meeting.places import load_place_finder
    from lianghu_map.meeting.report import ReportMeta, prepare_report
    from lianghu_map.ui_reports import clause_label, theme_label

    rep = prepare_report(text, ReportMeta("", "2024-03-06", "bench"), load_place_finder())
    labels = {c.id: clause_label(rep, c.id, "zh-Hans") for c in rep.clauses}
    first = rep.clauses[0].id  # chosen when the review opens
    keys = [th.key for th in rep.themes if th.key != rep.theme_of(first)][:2]
    # clauses with links, spread over the report (their labels are unique)
    unique = {lab for lab in labels.values() if list(labels.values()).count(lab) == 1}
    linked = [c.id for c in rep.clauses if rep.links_of(c.id) and labels[c.id] in unique]
    step = max(1, len(linked) // 40)
    return {"labels": labels, "theme_clause": first,
            "themes": [theme_label(rep, k, "zh-Hans") for k in keys],
            "link_clauses": linked[::step], "clauses": len(rep.clauses), "links": len(rep.links)}


def measure(url: str, text: str, repeat: int, setup: dict[str, Any]) -> dict[str, list[float]]:
    with offline_page() as page:
        page.set_default_timeout(120_000)
        page.goto(url + "/reports")
        _idle(page)
        _prepare(page, text)
        return {name: fn(page, setup, repeat) for name, _label, fn in INTERACTIONS}


def report(results: dict[str, dict[str, list[float]]]) -> str:
    return table(results, [(name, label) for name, label, _fn in INTERACTIONS])


def main(argv: list[str] | None = None) -> int:
    from bench.meeting import report_text
    from lianghu_map import paths

    ap = argparse.ArgumentParser(prog="python -m bench review")
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--text", choices=("bench", "2023"), default="bench")
    ap.add_argument("--baseline", default=BASELINE, help="git revision of the baseline contender")
    ap.add_argument("--no-baseline", action="store_true")
    args = ap.parse_args(argv)
    CACHE.mkdir(parents=True, exist_ok=True)
    text = (report_text() if args.text == "bench" else
            (paths.DIRECTIVES_DIR / "meeting-text-source.txt").read_text(encoding="utf-8"))
    setup = _setup(text)
    results: dict[str, Any] = {}
    with serve(ROOT, local=True, name="review") as url:
        results["current"] = measure(url, text, args.repeat, setup)
    if not args.no_baseline:
        with baseline_tree(args.baseline) as tree, \
                serve(tree, local=True, name="review") as url:
            results["baseline"] = measure(url, text, args.repeat, setup)
    (CACHE / "review.json").write_text(json.dumps(results, indent=1))
    print(f"\nReports page review, input event → repainted (Chromium, 1440×900, {len(text):,} "
          f"characters, {setup['clauses']} clauses, {setup['links']} links; {args.repeat} each; "
          f"baseline {args.baseline})\n")
    print(report(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
