"""Interaction benchmark (issue 18): what users feel, measured in the browser.

For each interaction the time runs from the **input event** (``pointerdown`` / ``keydown``, its
own ``event.timeStamp``) to the **first animation frame after the new state is visible**: the
map's features carry the new highlight/dim states, the side panel shows the clicked feature's
clause, the Present caption and map show the next step.  Times from the app's page and its
same-origin map frame are compared on one clock (``performance.timeOrigin + now``).

Interactions, ``--repeat`` times each (default 20), on the built-in map, basemap "none":

* **theme** — a theme typed into the Map page's theme filter and committed (Enter), then removed
  (Backspace): each is one measurement;
* **directive** — a clause chosen in the directive filter (alternating between two clauses);
* **click** — a click on a feature (alternating between two parks) → its clause in the panel;
* **present** — a Present step (PageDown / PageUp alternately);
* **open** — the Map page's first paint on a warm server (issue 18, Build 4): a new tab (a new
  session, the browser's cache warm) from navigation to every vector drawn and a frame after.

Contenders run in the same ``make bench`` run: **current** (this checkout) and **baseline** (the
code before issue 18, a git worktree of ``--baseline``, default :data:`BASELINE`), each on a
fresh Streamlit server of its own.  Ratios are baseline / current (higher is better).  Results
also go to ``bench/.cache/interaction.json``.  Benchmarks report, they do not fail.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "bench" / ".cache"
CHROMIUM = os.environ.get("LIANGHU_CHROMIUM", "/usr/bin/chromium")
BASELINE = "eeefc55"  # main when issue 18 was taken up (the code users feel as slow)
LOCAL = ("127.0.0.1", "localhost")
INTERACTIONS = ("theme", "directive", "click", "present", "open")

# the time of the next input event, on the shared clock; armed before each input
_ARM = """(token) => {
  window.__lhInputAt = null; window.__lhToken = token;
  const h = e => { if (window.__lhToken === token && window.__lhInputAt === null)
                     window.__lhInputAt = performance.timeOrigin + e.timeStamp; };
  window.addEventListener('pointerdown', h, {capture: true});
  window.addEventListener('keydown', h, {capture: true});
}"""
# the map's feature states, as a string: changes when the highlight / dim state changes (read
# from the page through the same-origin frame: a remounted map is a new frame)
_FP = """() => {
  const f = document.querySelector('iframe[title="streamlit_folium.st_folium"]');
  const m = f && f.contentWindow && f.contentWindow.map; if (!m) return '';
  return Object.values(m._layers).filter(l => l.feature)
    .map(l => l.feature.properties.feature_id + ':' + l.feature.properties.state).sort().join('|');
}"""
# wait (frame by frame) until ``test()`` differs from ``before``, then note the next frame's time
_WATCH = """([before, test, slot]) => {
  const f = new Function('return (' + test + ')()');
  window[slot] = null;
  const tick = () => {
    let now; try { now = f(); } catch (e) { now = before; }
    if (now !== before && now !== '') requestAnimationFrame(
        () => { window[slot] = performance.timeOrigin + performance.now(); });
    else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""
_MAIN_TEXT = "() => (document.querySelector(\"[data-testid='stMain']\") || {}).innerText || ''"
_CAPTION = "() => (document.querySelector('.lh-present-caption') || {}).innerText || ''"


# -- servers --------------------------------------------------------------------------------

@contextmanager
def serve(tree: Path, local: bool = False, name: str = "interaction"):
    """The app of the checkout ``tree`` (its own sources first on the path) on a free port, with a
    store of its own; ``local``: local mode (an analyst's app: writes open)."""
    from bench.render import streamlit_server

    home = Path(tempfile.mkdtemp(prefix="lianghu-bench-home-"))
    var = Path(tempfile.mkdtemp(prefix="lianghu-bench-var-"))
    env = {**os.environ, "HOME": str(home), "LIANGHU_VAR": str(var),
           "LIANGHU_LOCAL_MODE": "1" if local else "", "PYTHONPATH": str(tree / "src")}
    subprocess.run([sys.executable, "-m", "lianghu_map.assets"], cwd=tree, env=env, check=True,
                   capture_output=True)
    with streamlit_server(str(tree / "app.py"), tree, env,
                          CACHE / f"{name}-server-{tree.name}.log", str(tree),
                          "--global.developmentMode", "false") as (url, _pid):
        yield url


@contextmanager
def baseline_tree(rev: str):
    """A detached git worktree of ``rev`` (removed afterwards)."""
    path = Path(tempfile.mkdtemp(prefix="lianghu-baseline-")) / "baseline"
    subprocess.run(["git", "worktree", "add", "--detach", str(path), rev], cwd=ROOT, check=True,
                   capture_output=True)
    try:
        yield path
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(path)], cwd=ROOT,
                       capture_output=True)


@contextmanager
def offline_page():
    """A page of headless Chromium at 1440×900 (a context of its own: a test may open more
    tabs in it) whose every request off this machine is refused."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            context = browser.new_context(viewport={"width": 1440, "height": 900})
            context.route("**/*", lambda r: r.continue_() if any(
                h in r.request.url.split("/")[2] for h in LOCAL) else r.abort())
            yield context.new_page()
        finally:
            browser.close()


# -- the page -----------------------------------------------------------------------------

def _ready(page) -> None:
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']",
                           state="attached", timeout=120_000)


def _frame(page):
    handle = page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]',
                                    state="attached", timeout=120_000)
    frame = handle.content_frame()
    frame.wait_for_selector("path.leaflet-interactive", state="attached", timeout=120_000)
    return frame


def _measure(page, watch: list[tuple[Any, str]], act) -> float:
    """ms from the input ``act`` performs to the frame after every ``(doc, test)`` changed."""
    token = f"t{time.monotonic_ns()}"
    for i, (doc, test) in enumerate(watch):
        before = doc.evaluate(test)
        doc.evaluate(_WATCH, [before, test, f"__lhSeen{i}"])
    page.evaluate(_ARM, token)
    for frame in page.frames[1:]:
        with suppress(Exception):
            frame.evaluate(_ARM, token)
    act()
    seen = []
    for i, (doc, _test) in enumerate(watch):
        try:
            doc.wait_for_function(f"window.__lhSeen{i} !== null", timeout=30_000)
        except Exception:  # the change never came (an input lost to a race): no sample
            print("WARNING: an interaction showed no change within 30 s; sample left out")
            _settle(page)
            return float("nan")
        seen.append(doc.evaluate(f"window.__lhSeen{i}"))
    starts = [t for d in [page, *page.frames[1:]]
              for t in [_safe(d, "window.__lhInputAt")] if t]
    _settle(page)
    return max(seen) - min(starts)


def _settle(page) -> None:
    """Wait until the page is idle and its URL (the view state) stopped changing: an input made
    while the previous rerun's URL is still on its way can be undone by it (a known race)."""
    for _ in range(20):
        url = page.url
        _ready(page)
        page.wait_for_timeout(400)
        if page.url == url:
            return


def _safe(doc, expr: str) -> Any:
    try:
        return doc.evaluate(expr)
    except Exception:  # a frame that went away
        return None


def _themes(page, url: str, repeat: int, theme: str) -> list[float]:
    page.goto(url + "/?basemap=none")
    _ready(page)
    box = page.locator(".st-key-f_themes input")
    out = []
    for i in range(repeat):
        _frame(page)
        if i % 2 == 0:
            box.click()
            box.fill(theme)
            act = lambda: box.press("Enter")  # noqa: E731
        else:
            box.click()
            act = lambda: box.press("Backspace")  # noqa: E731
        out.append(_measure(page, [(page, _FP)], act))
        page.keyboard.press("Escape")
    return out


def _directives(page, url: str, repeat: int, titles: tuple[str, str]) -> list[float]:
    page.goto(url + "/?basemap=none")
    _ready(page)
    out = []
    for i in range(repeat):
        _frame(page)
        box = page.locator(".st-key-f_directive input")
        box.click()
        box.fill(titles[i % 2].split(" · ")[-1][:8])
        option = page.locator("[role='option']").filter(has_text=titles[i % 2]).first
        option.wait_for()
        out.append(_measure(page, [(page, _FP)], option.click))
    return out


def _clicks(page, url: str, repeat: int, targets: list[tuple[float, float]]) -> list[float]:
    page.goto(url + "/?basemap=none")
    _ready(page)
    out = []
    for i in range(repeat):
        frame = _frame(page)
        lat, lng = targets[i % 2]
        frame.evaluate(f"window.map.setView([{lat}, {lng}], 13, {{animate: false}})")
        _settle(page)
        frame = _frame(page)
        pt = frame.evaluate(f"window.map.latLngToContainerPoint([{lat}, {lng}])")
        box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
        x, y = box["x"] + pt["x"], box["y"] + pt["y"]
        out.append(_measure(page, [(page, _MAIN_TEXT)], lambda x=x, y=y: page.mouse.click(x, y)))
    return out


def _present(page, url: str, repeat: int, start: int) -> list[float]:
    page.goto(f"{url}/present?basemap=none&step={start}")
    _ready(page)
    out = []
    for i in range(repeat):
        _frame(page)
        key = "PageDown" if i % 2 == 0 else "PageUp"
        out.append(_measure(page, [(page, _CAPTION), (page, _FP)],
                            lambda key=key: page.keyboard.press(key)))
    return out


def _opens(page, url: str, repeat: int) -> list[float]:
    """ms from navigation to the built-in map drawn (vectors, labels' layer) and painted."""
    out = []
    for _ in range(repeat):
        tab = page.context.new_page()
        start = time.perf_counter()
        tab.goto(url + "/?basemap=none")
        frame = _frame(tab)
        frame.wait_for_selector(".lh-label", state="attached", timeout=120_000)
        tab.evaluate("() => new Promise(r => requestAnimationFrame(() => "
                     "requestAnimationFrame(r)))")
        out.append((time.perf_counter() - start) * 1000)
        _settle(tab)
        tab.close()
    return out


def _setup() -> dict[str, Any]:
    """What the interactions pick, from the built-in data (the same in both contenders)."""
    import shapely

    from lianghu_map.agenda import build_agenda
    from lianghu_map.catalog import load_catalog
    from lianghu_map.meeting.directives import THEMES
    from lianghu_map.panels import directive_title, theme_label

    cat = load_catalog()
    feats = cat.features.set_index("feature_id")
    targets = []
    for fid in ("park.kejiaocheng", "park.xitaihu"):
        # a point of the park no feature drawn above it covers (~400 m margin)
        above = feats.iloc[list(feats.index).index(fid) + 1:]
        covered = shapely.union_all(shapely.buffer(above.geometry.values, 0.004))
        pt = feats.loc[fid, "geometry"].difference(covered).representative_point()
        targets.append((pt.y, pt.x))
    linked = [d for d in cat.meeting.directives
              if d.theme != "context" and cat.links.features_of(d.id)]
    titles = (directive_title(linked[0], "zh-Hans"), directive_title(linked[-1], "zh-Hans"))
    agenda = build_agenda(cat.meeting)
    start = next(i for i, s in enumerate(agenda, 1) if s.kind == "clause")
    theme = next(th for th in THEMES if any(d.theme == th.key and cat.links.features_of(d.id)
                                            for d in cat.meeting.directives))
    return {"targets": targets, "titles": titles, "start": start,
            "theme": theme_label(theme.key, "zh-Hans")}


def measure(url: str, repeat: int, setup: dict[str, Any],
            only: tuple[str, ...] = INTERACTIONS) -> dict[str, list[float]]:
    with offline_page() as page:
        for _ in range(2):  # a first session warms the server up (and remounts once)
            page.goto(url + "/?basemap=none")
            _ready(page)
            _frame(page)
            page.wait_for_timeout(1000)
        runs = {"theme": lambda: _themes(page, url, repeat, setup["theme"]),
                "directive": lambda: _directives(page, url, repeat, setup["titles"]),
                "click": lambda: _clicks(page, url, repeat, setup["targets"]),
                "present": lambda: _present(page, url, repeat, setup["start"]),
                "open": lambda: _opens(page, url, repeat)}
        return {name: run() for name, run in runs.items() if name in only}


def table(results: dict[str, dict[str, list[float]]], names: list[tuple[str, str]]) -> str:
    """Medians (baseline, current), their ratio and the current p90 of each ``(name, label)``
    measured; lost samples (NaN) left out."""
    rows = ["| interaction | baseline median ms | current median ms | ratio | current p90 |",
            "|---|---:|---:|---:|---:|"]
    for name, label in names:
        base = [x for x in results.get("baseline", {}).get(name, []) if x == x]  # no NaN
        cur = [x for x in results["current"][name] if x == x]
        b = statistics.median(base) if base else float("nan")
        c = statistics.median(cur)
        p90 = sorted(cur)[int(0.9 * (len(cur) - 1))]
        rows.append(f"| {label} | {b:.0f} | {c:.0f} | {b / c:.1f}× | {p90:.0f} |")
    return "\n".join(rows)


def report(results: dict[str, dict[str, list[float]]]) -> str:
    return table(results, [(n, n) for n in INTERACTIONS if n in results["current"]])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench interaction")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--baseline", default=BASELINE, help="git revision of the baseline contender")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--only", default=",".join(INTERACTIONS),
                    help="comma-separated interactions to run (default: all)")
    args = ap.parse_args(argv)
    CACHE.mkdir(parents=True, exist_ok=True)
    only = tuple(n for n in args.only.split(",") if n in INTERACTIONS)
    setup = _setup()
    results: dict[str, Any] = {}
    with serve(ROOT) as url:
        results["current"] = measure(url, args.repeat, setup, only)
    if not args.no_baseline:
        with baseline_tree(args.baseline) as tree, serve(tree) as url:
            results["baseline"] = measure(url, args.repeat, setup, only)
    (CACHE / "interaction.json").write_text(json.dumps(results, indent=1))
    print(f"\nInteraction, input event → repainted (Chromium, 1440×900, {args.repeat} each; "
          f"baseline {args.baseline})\n")
    print(report(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
