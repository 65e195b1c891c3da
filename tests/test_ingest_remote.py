"""Issue 19, acceptance 3: no uploaded file makes the server send a request.

A listener on 127.0.0.1 counts connections while files pointing at it in every remote-reference
form are ingested (in the worker, as the Upload page does): GeoJSON ``crs`` links, KML/KMZ
``NetworkLink``, XML external entities, VRTs disguised as GeoJSON / GeoPackage / Shapefile, a
GeoPackage virtual table over ``/vsicurl/``.  The listener must see nothing, the report must
say the reference was refused, and the listener's answer must never reach the report.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import ingest_fixtures as fx
import pytest

from lianghu_map.errors import Severity
from lianghu_map.ingest import core as ingest_core
from lianghu_map.ingest import ingest_file
from lianghu_map.ingest import kml as ingest_kml
from lianghu_map.sandbox import run_ingest

LANGS = ("zh-Hans", "zh-Hant", "en")
ANSWER = "SECRET-FROM-THE-INTERNAL-NETWORK"
REFUSED = {"remote_reference", "xml_doctype", "format_mismatch"}


class Listener:
    """A TCP server on 127.0.0.1 that counts connections (and answers like a web server)."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            with conn:
                conn.settimeout(1)
                try:
                    conn.recv(4096)
                    conn.sendall(f"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n{ANSWER}"
                                 .encode())
                except OSError:
                    pass


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.sock.close()


def test_the_listener_counts(listener: Listener) -> None:
    """The oracle works: a plain request is counted."""
    import urllib.request

    before = listener.connections
    with urllib.request.urlopen(listener.url, timeout=5) as r:
        assert ANSWER in r.read().decode()
    assert listener.connections == before + 1


@pytest.mark.parametrize("form", list(fx.remote_references("http://x")))
def test_no_request_and_the_report_says_refused(listener: Listener, form: str) -> None:
    name, data = fx.remote_references(listener.url)[form]
    before = listener.connections
    res = run_ingest(name, data)
    assert listener.connections == before, f"{form}: the server sent a request"
    assert not res.ok and res.gdf is None
    refused = [f for f in res.findings if f.code in REFUSED]
    assert refused and refused[0].severity == Severity.ERROR, res.findings
    for f in res.findings:
        for lang in LANGS:
            assert ANSWER not in f.message(lang) and ANSWER not in str(f.params)
    if refused[0].code == "remote_reference":
        assert "127.0.0.1" in refused[0].params["ref"] or refused[0].params["ref"] == \
            "NetworkLink"


def test_utf16_kml_cannot_hide_an_entity(listener: Listener) -> None:
    """The byte scan reads UTF-8: a UTF-16 KML (with or without BOM) is refused outright."""
    _, data = fx.remote_references(listener.url)["kml XXE"]
    text = data.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    for encoded in (text.encode("utf-16"), text.encode("utf-16-le")):
        before = listener.connections
        res = run_ingest("xxe16.kml", encoded)
        assert listener.connections == before
        assert not res.ok and "utf16" in res.codes(), res.findings


def test_remote_icons_in_kml_are_reported_never_fetched(listener: Listener) -> None:
    """Google Earth writes icon URLs into every KML: the layer is read, the icon left alone."""
    before = listener.connections
    res = run_ingest(*fx.kml_remote_icon(listener.url))
    assert listener.connections == before
    assert res.ok, res.findings
    [f] = [f for f in res.findings if f.code == "remote_reference_ignored"]
    assert f.params["ref"] == f"{listener.url}/icon.png" and f.params["count"] == 1


def test_gdal_itself_makes_no_request(listener: Listener, monkeypatch) -> None:
    """The second wall: with the pre-read checks switched off, GDAL (network options set by
    ingest) still sends nothing for a crs link or a VRT over /vsicurl/."""
    for module in (ingest_core, ingest_kml):
        monkeypatch.setattr(module, "check_remote", lambda *_a: None)
    refs = fx.remote_references(listener.url)
    for form in ("geojson crs link", "vrt as geojson"):
        before = listener.connections
        res = ingest_file(*refs[form])
        assert listener.connections == before, form
        for f in res.findings:
            assert ANSWER not in str(f.params)


def test_ogc_crs_urls_are_not_remote_references() -> None:
    """An OGC CRS URL names a CRS (resolved offline), it is not a fetch: still accepted."""
    doc = fx.collection([fx.feature(fx.point(119.8, 31.6))], crs={
        "type": "name", "properties": {"name": "http://www.opengis.net/def/crs/EPSG/0/4326"}})
    res = ingest_file("ogc.geojson", fx.dump(doc))
    assert res.ok, res.findings
