"""What an upload path of our own could reach at best: no Streamlit at all.

A plain HTTP server (``http.server``, a process of its own) serves one page with a file input;
the page ``POST``s the chosen file, the server reads it with ``ingest_file`` in-process (no
sandboxed worker) and answers a one-row-per-finding HTML table, which the page inserts. Clocked
like the Upload page (:mod:`bench.upload`: from the input's ``change`` event to the frame after
the table is in the document), against ``ingest_file`` on the same bytes in a process of its
own (:class:`bench.upload.Baseline`).  An endpoint and uploader of our own inside the app would
add to this the worker, the session and permission checks and Streamlit's server sharing the
GIL with its script threads: this is a lower bound, for deciding whether building one could
meet the 1.5× target.  Not part of ``make bench``::

    .venv/bin/python -m bench.plain_upload [--repeat 7] [--features 3750]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

from bench.data import parcels
from bench.render import CHROMIUM, ROOT, _free_port, wait_until_up
from bench.upload import _WATCH, FEATURES, Baseline

_SERVER = r'''
import html, sys
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
from pathlib import Path
from lianghu_map.ingest import ingest_file

PAGE = b"""<!doctype html><html><body><input type=file id=f><div id=out></div><script>
document.getElementById('f').addEventListener('change', async e => {
  const file = e.target.files[0];
  const r = await fetch('/read?name=' + encodeURIComponent(file.name),
                        {method: 'POST', body: file});
  document.getElementById('out').innerHTML = await r.text();
});</script></body></html>"""

class Handler(BaseHTTPRequestHandler):
    def log_message(self, *_a):
        pass

    def _answer(self, body):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self._answer(PAGE)

    def do_POST(self):
        data = self.rfile.read(int(self.headers["Content-Length"]))
        res = ingest_file(sys.argv[2], data)
        rows = "".join(f"<tr><td>{html.escape(f.code)}</td><td>{html.escape(f.message('en'))}"
                       "</td></tr>" for f in res.findings)
        self._answer(f"<table class='lh-report'>{rows}</table>".encode())

path = Path(sys.argv[3])
ingest_file(path.name, path.read_bytes())  # warm, as the app's spare worker is
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
'''


def main(argv: list[str] | None = None) -> int:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser(prog="python -m bench.plain_upload",
                                 description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--features", type=int, default=FEATURES)
    args = ap.parse_args(argv)
    ds = parcels(args.features)
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
    server = subprocess.Popen([sys.executable, "-c", _SERVER, str(port), ds.path.name,
                               str(ds.path)], env=env)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_up(server, url, 60)
        runs: list[tuple[float, float]] = []
        with Baseline() as baseline, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                        args=["--no-sandbox", "--disable-gpu",
                                              "--disable-dev-shm-usage"])
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            context.add_init_script(f"({_WATCH})()")
            page = context.new_page()
            for i in range(args.repeat + 1):  # the first: warm-up
                page.goto(url)
                page.wait_for_timeout(300)
                page.set_input_files("#f", str(ds.path))
                page.wait_for_function("window.__lh.report !== null", polling=50)
                at = page.evaluate("window.__lh")
                report = (at["report"] - at["input"]) / 1000
                ingest = baseline.time(ds.path)
                if i:
                    runs.append((report, ingest))
            browser.close()
    finally:
        server.terminate()
        server.wait(15)
    report = statistics.median(r for r, _ in runs)
    ingest = statistics.median(i for _, i in runs)
    print(f"plain HTTP upload (no Streamlit), {ds.path.name} {ds.size_bytes / 1e6:.2f} MB, "
          f"medians of {args.repeat}: report {report:.3f} s, ingest_file {ingest:.3f} s, "
          f"{report / ingest:.2f}×")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
