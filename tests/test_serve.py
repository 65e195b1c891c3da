"""lianghu_map.serve: the server is started with the first page run's work done once."""

from __future__ import annotations

import sys

import pytest

from lianghu_map import catalog, serve


def test_warm_reads_the_catalogue_the_first_page_run_reads(monkeypatch, tmp_path):
    monkeypatch.setenv("LIANGHU_VAR", str(tmp_path))
    catalog._catalog_cache.clear()
    laps = serve.warm()
    assert set(laps) == {"imports", "catalog", "map"}
    assert all(v >= 0 for v in laps.values())
    assert catalog._catalog_cache  # kept: the first page run finds it
    cached = next(iter(catalog._catalog_cache.values()))
    assert catalog.load_catalog() is cached


def test_a_missing_app_script_is_named(tmp_path):
    with pytest.raises(SystemExit) as stop:
        serve.main([str(tmp_path / "nowhere" / "app.py")])
    assert "no app script" in str(stop.value) and "nowhere" in str(stop.value)


def test_warming_that_fails_still_starts_the_server(monkeypatch, capsys):
    started = []
    monkeypatch.setattr(sys, "argv", list(sys.argv))  # main() hands Streamlit its own

    def broken():
        raise RuntimeError("store unreachable")

    monkeypatch.setattr(serve, "warm", broken)
    from streamlit.web import cli

    monkeypatch.setattr(cli, "main", lambda: started.append(True))
    serve.main(["--server.port", "1"])
    assert started == [True]
    assert "warming failed (RuntimeError: store unreachable); starting cold" in \
        capsys.readouterr().out


def test_the_server_holds_its_memory_down_where_the_c_library_is_glibc(monkeypatch):
    import threading

    trimmed = threading.Event()

    class Libc:
        def mallopt(self, param, value):
            self.arenas = (param, value)

        def malloc_trim(self, _pad):
            trimmed.set()
            threading.Event().wait()  # once is enough: the thread (a daemon) waits from here

    libc = Libc()
    monkeypatch.setattr(serve.ctypes, "CDLL", lambda _name: libc)
    assert serve.hold_memory_down(every=0.01)
    assert libc.arenas == (-8, serve.ARENAS) and trimmed.wait(5)

    def missing(_name):
        raise OSError("no C library here")

    monkeypatch.setattr(serve.ctypes, "CDLL", missing)
    assert serve.hold_memory_down() is False
