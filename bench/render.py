"""Render benchmark: the app's map against ``st_folium(gdf.explore())`` on the same layers.

Layers (synthetic, deterministic — :mod:`bench.data`): uploaded layers of 2,000, 20,000 and
100,000 parcels (star-shaped polygons, full-precision coordinates, six attributes) and of
100,000 points (the parcels' centroids, same attributes), and the built-in map.

Per layer, both contenders run in this one ``make bench`` run:

* **ours** — the real app (``app.py``, Map page, basemap "none") with the layer saved in a layer
  store of its own, exactly as an analyst's upload would be;
* **explore** — a one-line Streamlit page, ``st_folium(gdf.explore())``, reading the same
  features (every attribute) from a GeoPackage.  It gets the same local Leaflet (it could not
  draw at all offline otherwise); its OpenStreetMap tiles are refused, like every request that
  leaves the machine.

Measured:

* **server s** — one script run in Streamlit's AppTest (a subprocess per contender and layer):
  ``cold`` is the first run of a fresh process (imports and caches included), ``warm`` the median
  of the next three (what every later rerun costs — for ours, payloads are cached per layer
  version); ``py_peak_mb`` in the JSON is the Python heap peak of a first run (tracemalloc, in
  a separate run because tracing slows Python down);
* **map bytes** — what the browser receives for the map: the WebSocket frames of the page load
  (the map's component arguments and everything else Streamlit sends) plus any payload fetched
  over HTTP (ours: the big layer's ``static/cache`` file); Streamlit's own JS bundle (the same for
  both) is left out;
* **drawn s** — Chromium (headless, /usr/bin/chromium, no network) from navigation to every
  feature on the map and one frame painted, on a freshly started server (cold) and after a reload
  (warm);
* **server MB** — the Streamlit server's peak resident memory (VmHWM) after the map was drawn;
  **heap MB** — the page's JavaScript heap then (same-origin map frame included).

Ratios are explore / ours (higher is better for ours).  Benchmarks report, they do not fail.
Results also go to ``bench/.cache/render.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "bench" / ".cache" / "render"
CHROMIUM = os.environ.get("LIANGHU_CHROMIUM", "/usr/bin/chromium")
LAYERS = (("built-in map", "builtin", 0), ("2,000 polygons", "polygons", 2_000),
          ("20,000 polygons", "polygons", 20_000), ("100,000 polygons", "polygons", 100_000),
          ("100,000 points", "points", 100_000))


# -- data ---------------------------------------------------------------------------------

def prepare(kind: str, n: int) -> dict[str, Any]:
    """A layer store holding the layer (ours) and a GeoPackage of the same features (explore);
    built once under bench/.cache/render and reused."""
    import geopandas as gpd

    from bench.data import parcels
    from bench.run import options_for
    from lianghu_map.catalog import builtin_catalog
    from lianghu_map.ingest import ingest_file
    from lianghu_map.store.gpkg import GpkgStore

    name = "builtin" if kind == "builtin" else f"{kind}-{n}"
    folder = CACHE / name
    done = folder / "done.json"
    if done.exists():
        return _prepared(json.loads(done.read_text()))
    folder.mkdir(parents=True, exist_ok=True)
    var = folder / "var"
    var.mkdir(exist_ok=True)
    info: dict[str, Any] = {"var": str(var), "gpkg": str(folder / "layer.gpkg"), "layer": ""}
    if kind == "builtin":
        # explore() cannot draw a MultiPoint with a tooltip (Leaflet 1.9 makes a layer group of
        # it and the tooltip's focus listener throws, so nothing is drawn): give it the parts
        gdf = builtin_catalog().features.reset_index(drop=True).drop(columns="style")
        gdf.explode(index_parts=False).to_file(info["gpkg"], driver="GPKG")
    else:
        src = parcels(max(n, 2_000))
        res = ingest_file(src.path.name, src.path.read_bytes(), options_for(src))
        assert res.ok, [f.message("en") for f in res.findings][:5]
        gdf = res.gdf.iloc[:n].copy()
        if kind == "points":
            with warnings.catch_warnings():  # centroids of 300-m parcels: degrees are fine
                warnings.simplefilter("ignore", UserWarning)
                gdf = gdf.set_geometry(gdf.geometry.centroid)
        rec = GpkgStore(var).create(
            gdf, title_zh=f"规划地块 {n}", title_en=f"Parcels {n}", kind="park", color="#7048e8",
            status="planned", source="bench.data synthetic parcels", original_name=src.path.name,
            sha256=res.sha256, conversions=tuple(res.conversions), links=(), user="bench")
        info["layer"] = rec.layer_id
        public = gdf.drop(columns=["source_index", "source_id"])
        gpd.GeoDataFrame(public, geometry=public.geometry.name, crs=4326).to_file(
            info["gpkg"], driver="GPKG")
    info["features"] = len(gdf)
    info["parts"] = int(sum(len(g.geoms) if g.geom_type == "MultiPoint" else 1
                            for g in gdf.geometry))
    done.write_text(json.dumps(info))
    return _prepared(info)


def _prepared(info: dict[str, Any]) -> dict[str, Any]:
    """The layer's map payloads made and kept as a save prepares them (lianghu_map.prepared);
    again when the code that makes them changed."""
    from lianghu_map import prepared
    from lianghu_map.store.gpkg import GpkgStore

    if info["layer"]:
        store = GpkgStore(Path(info["var"]))
        if not prepared.is_prepared(store, info["layer"], 1):
            prepared.prepare_version(store, info["layer"], 1)
    return info


# -- server time (a subprocess per contender and layer) -------------------------------------

_SERVER_TIME = r"""
import json, os, resource, statistics, sys, time, tracemalloc
from streamlit.testing.v1 import AppTest
script, app = sys.argv[1], sys.argv[2]
at = AppTest.from_file(script, default_timeout=900)
runs = []
for _ in range(4):
    t = time.perf_counter(); at.run(); runs.append(time.perf_counter() - t)
    assert not at.exception, at.exception
tracemalloc.start()  # apart: tracing slows Python down several times
fresh = AppTest.from_file(script, default_timeout=900)
fresh.run()
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
comps = [c for c in at.get("component_instance")
         if c.proto.component_name == "streamlit_folium.st_folium"]
out = {"cold": runs[0], "warm": statistics.median(runs[1:]), "py_peak_mb": peak / 2**20,
       "args_bytes": len(comps[0].proto.json_args.encode())}
if app == "ours" and os.environ.get("BENCH_FILTER"):
    filt = []
    for theme in ["創新", "生態", "宜居", "協同", "現代化", "活力"] * 2:
        at.multiselect(key="f_themes").set_value([theme])
        t = time.perf_counter(); at.run(); filt.append(time.perf_counter() - t)
    out["filter_ms"] = statistics.median(filt) * 1000
    out["filter_ms_all"] = [round(x * 1000) for x in filt]
print("RESULT " + json.dumps(out))
"""


def _env(info: dict[str, Any]) -> dict[str, str]:
    env = {**os.environ, "LIANGHU_VAR": info["var"], "LIANGHU_LOCAL_MODE": "",
           "BENCH_LAYER": info["gpkg"],
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}  # this checkout
    env.pop("LIANGHU_DATABASE_URL", None)
    return env


def _script(app: str) -> str:
    return str(ROOT / "app.py") if app == "ours" else str(ROOT / "bench" / "explore_app.py")


def server_time(app: str, info: dict[str, Any], filter_change: bool = False) -> dict[str, Any]:
    env = _env(info) | ({"BENCH_FILTER": "1"} if filter_change else {})
    proc = subprocess.run([sys.executable, "-c", _SERVER_TIME, _script(app), app], env=env,
                          capture_output=True, text=True, cwd=ROOT, timeout=3600)
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"server-time run of {app} failed:\n{proc.stderr[-3000:]}")
    return json.loads(line[len("RESULT "):])


# -- browser ------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(app: str, info: dict[str, Any], env: dict[str, str] | None = None):
    """A Streamlit server of ``app`` on a free port (``env``: variables set on top)."""
    with streamlit_server(_script(app), ROOT, _env(info) | (env or {}),
                          CACHE / f"server-{app}.log", app) as served:
        yield served


def wait_until_up(proc: subprocess.Popen, url: str, seconds: float,
                  expect: bytes | None = None) -> None:
    """Poll ``url`` until it answers (with ``expect``, if given); RuntimeError if ``proc``
    exits or ``seconds`` pass first."""
    deadline = time.monotonic() + seconds
    while True:
        with suppress(OSError):
            body = urllib.request.urlopen(url, timeout=2).read()
            if expect is None or body == expect:
                return
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer")
        time.sleep(0.2)


@contextmanager
def streamlit_server(script: str, cwd: Path, env: dict[str, str], log_path: Path, name: str,
                     *extra: str):
    """``streamlit run script`` on 127.0.0.1:<free port> until healthy; yields (url, pid).
    A checkout's app is started as ``make run`` starts it (``lianghu_map.serve``: warmed
    first) when the checkout has that launcher; anything else (explore, an older baseline)
    with plain ``streamlit run``."""
    port = _free_port()
    log = log_path.open("w")
    warmed = (Path(script).name == "app.py"
              and (Path(script).parent / "src" / "lianghu_map" / "serve.py").is_file())
    launch = ["-m", "lianghu_map.serve", script] if warmed else ["-m", "streamlit", "run", script]
    proc = subprocess.Popen(
        [sys.executable, *launch, "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false", *extra],
        cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(proc, f"{url}/_stcore/health", 120, b"ok")
    except RuntimeError:
        proc.kill()
        log.close()
        raise RuntimeError(f"{name} server did not start (see {log.name})") from None
    try:
        yield url, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


_DRAWN = {
    # every vector on the map (explore: one Leaflet layer per feature, ours: the same for small
    # layers; a big layer reports its count once painted)
    "explore": """n => { const m = window.map; if (!m) return false;
        let k = 0; for (const l of Object.values(m._layers)) if (l.feature) k++;
        return k >= n; }""",
    "ours": """([n, layer]) => { const m = window.map; if (!m) return false;
        if (layer) return !!window.__lhBigDrawn && window.__lhBigDrawn[layer] !== undefined;
        let k = 0; for (const l of Object.values(m._layers)) if (l.feature) k++;
        return k >= n; }""",
}


def browser_run(browser, app: str, info: dict[str, Any], url: str, pid: int,
                builtin_parts: int) -> dict[str, Any]:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(url)
                  else r.abort("internetdisconnected"))
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Performance.enable")
    received = {"ws": 0, "payload": 0}
    cdp.on("Network.webSocketFrameReceived",
           lambda e: received.__setitem__("ws", received["ws"] + len(e["response"]["payloadData"])))

    def on_finished(e):
        resp = page_responses.get(e["requestId"])
        if resp and "/app/static/cache/" in resp:
            received["payload"] += int(e.get("encodedDataLength", 0))

    page_responses: dict[str, str] = {}
    cdp.on("Network.responseReceived",
           lambda e: page_responses.__setitem__(e["requestId"], e["response"]["url"]))
    cdp.on("Network.loadingFinished", on_finished)
    if app == "ours":
        big = info["layer"] if info["features"] > _big_layer() else ""
        extra = 0 if not info["layer"] else builtin_parts  # the built-in features drawn too
        arg = [info["parts"] if big else info["parts"] + extra, big]
    else:
        arg = info["parts"]
    out: dict[str, Any] = {}
    for attempt in ("cold", "warm"):
        t0 = time.perf_counter()
        if attempt == "cold":
            page.goto(url + ("/?basemap=none" if app == "ours" else "/"), timeout=300_000)
        else:
            received.update(ws=0, payload=0)
            page.reload(timeout=300_000)
        frame = page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]',
                                       state="attached", timeout=300_000).content_frame()
        try:
            frame.wait_for_function(_DRAWN[app], arg=arg, polling=50, timeout=300_000)
            frame.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")
        except PlaywrightTimeout:  # not drawn within the limit: recorded as such, no retry
            out[f"drawn_{attempt}"] = float("nan")
            out["gave_up_s"] = time.perf_counter() - t0
            break
        out[f"drawn_{attempt}"] = time.perf_counter() - t0
        if app == "ours" and arg[1]:  # vectors the canvas drew (a multi-part feature: several)
            out["vectors"] = frame.evaluate(f"window.__lhBigDrawn[{arg[1]!r}]")
        page.wait_for_timeout(300)  # let the last frames arrive before counting bytes
        out[f"bytes_{attempt}"] = received["ws"] + received["payload"]
        if attempt == "cold":
            metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
            out["heap_mb"] = metrics.get("JSHeapUsedSize", 0) / 2**20
            out["server_rss_mb"] = _peak_rss_mb(pid)
    context.close()
    return out


def _big_layer() -> int:
    from lianghu_map.compact import BIG_LAYER

    return BIG_LAYER


# -- report -------------------------------------------------------------------------------

def _fmt_bytes(n: float) -> str:
    return f"{n / 1e6:.2f} MB" if n >= 1e5 else f"{n / 1e3:.0f} kB"


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.1f}×" if b and a == a and b == b else "–"


def report(results: list[dict[str, Any]]) -> str:
    head = ("| layer | | server cold s | server warm s | map bytes | drawn cold s | drawn warm s "
            "| server MB | heap MB |")
    rows = [head, "|" + "---|" * 9]
    for r in results:
        for app in ("ours", "explore"):
            x = r[app]
            rows.append(
                f"| {r['name'] if app == 'ours' else ''} | {app} | {x['cold']:.2f} | "
                f"{x['warm']:.2f} | {_fmt_bytes(x.get('bytes_cold', float('nan')))} | "
                f"{x.get('drawn_cold', float('nan')):.2f} | {x.get('drawn_warm', float('nan')):.2f}"
                f" | {x.get('server_rss_mb', float('nan')):.0f} | {x.get('heap_mb', 0):.0f} |")
        o, e = r["ours"], r["explore"]
        rows.append(
            f"| | **explore / ours** | **{_ratio(e['cold'], o['cold'])}** | "
            f"**{_ratio(e['warm'], o['warm'])}** | "
            f"**{_ratio(e.get('bytes_cold', 0), o.get('bytes_cold', 0))}** | "
            f"**{_ratio(e.get('drawn_cold', 0), o.get('drawn_cold', 0))}** | "
            f"**{_ratio(e.get('drawn_warm', 0), o.get('drawn_warm', 0))}** | "
            f"{_ratio(e.get('server_rss_mb', 0), o.get('server_rss_mb', 0))} | "
            f"{_ratio(e.get('heap_mb', 0), o.get('heap_mb', 0))} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run only layers whose name contains this text")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    CACHE.mkdir(parents=True, exist_ok=True)
    from lianghu_map.assets import install_static_assets

    install_static_assets()
    # Streamlit serves static/ next to the main script: explore_app.py (in bench/) gets the
    # same local Leaflet through a link (gitignored)
    link = ROOT / "bench" / "static"
    if not link.exists():
        link.symlink_to(ROOT / "static", target_is_directory=True)
    builtin = prepare("builtin", 0)
    results = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"])
        for name, kind, n in LAYERS:
            if args.only and args.only not in name:
                continue
            info = prepare(kind, n)
            row: dict[str, Any] = {"name": name, "features": info["features"]}
            for app in ("ours", "explore"):
                print(f"[bench] {name}: {app} …", file=sys.stderr, flush=True)
                row[app] = server_time(app, info, filter_change=kind == "builtin"
                                       and app == "ours")
                with serve(app, info) as (url, pid):
                    row[app] |= browser_run(browser, app, info, url, pid, builtin["parts"])
            results.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
        browser.close()
    table = report(results)
    print(table)
    filt = next((r["ours"].get("filter_ms") for r in results if r["name"] == "built-in map"), None)
    if filt is not None:
        print(f"\nBuilt-in map, filter change (theme), server time per rerun: median {filt:.0f} ms"
              " (target ≤ 100 ms)")
    (ROOT / "bench" / ".cache" / "render.json").write_text(json.dumps(
        {"when": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), "results": results},
        indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

