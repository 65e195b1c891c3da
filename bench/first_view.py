"""First view of a big stored layer on a fresh server (issue 18, Build 2).

``python -m bench.first_view [--features N] [--repeat R]``: the Map page (basemap "none") with
one stored layer of N synthetic parcels (:func:`bench.render.prepare`: the same store the render
benchmark uses, its payloads prepared as a save through the Upload page prepares them), each round
on a freshly started server: "drawn cold" is navigation → every feature painted (Chromium,
:func:`bench.render.browser_run`), "drawn warm" the reload after it; "server first s" is the
first script run of a fresh process in Streamlit's AppTest (imports, store read, map), "server
next s" the run after it.  Only ours is run (``python -m bench render`` has explore).  Prints
one JSON line per round and the medians.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

from bench import render

_FIRST_RUN = r"""
import json, sys, time
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=900)
runs = []
for _ in range(2):
    t = time.perf_counter(); at.run(); runs.append(time.perf_counter() - t)
    assert not at.exception, at.exception
print("RESULT " + json.dumps({"server_first": runs[0], "server_next": runs[1]}))
"""


def first_run(info: dict) -> dict:
    """The first and second script run of a fresh process (AppTest, the Map page)."""
    proc = subprocess.run([sys.executable, "-c", _FIRST_RUN, render._script("ours")],
                          env=render._env(info), capture_output=True, text=True,
                          cwd=render.ROOT, timeout=1800)
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"first run failed:\n{proc.stderr[-3000:]}")
    return json.loads(line[len("RESULT "):])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.first_view",
                                 description=__doc__.split("\n")[0])
    ap.add_argument("--features", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3, help="fresh servers (default 3)")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from lianghu_map.assets import install_static_assets

    render.CACHE.mkdir(parents=True, exist_ok=True)
    install_static_assets()
    builtin = render.prepare("builtin", 0)
    info = render.prepare("polygons", args.features)
    rounds = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=render.CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu",
                                          "--disable-dev-shm-usage"])
        for _ in range(args.repeat):
            out = first_run(info)
            with render.serve("ours", info) as (url, pid):
                out |= render.browser_run(browser, "ours", info, url, pid, builtin["parts"])
            rounds.append(out)
            print(json.dumps(out), file=sys.stderr, flush=True)
        browser.close()
    med = {k: statistics.median(r[k] for r in rounds)
           for k in ("server_first", "server_next", "drawn_cold", "drawn_warm")}
    print(json.dumps({"features": info["features"], "rounds": len(rounds), **med}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
