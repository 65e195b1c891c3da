"""Imported only by the ingest workers' forkserver (:func:`lianghu_map.sandbox._context`): reads
one tiny file first, so each worker forked from it starts with what the first read in a process
sets up (GDAL's drivers, PROJ's database, Arrow, lazily built tables, the district outlines of
the datum test) already done, instead of
doing it for every upload — a worker's ingest of a 3 MB file took about 1.6× the in-process call
before, 1.0× after (docs/PERFORMANCE.md) — then takes what it holds out of the garbage
collector's sight (``gc.freeze``), so a worker's collections do not walk, and copy, the heap it
inherits."""

import contextlib
import gc

from lianghu_map.ingest import datum_hint, ingest_file

_WARM_UP = (b'{"type": "FeatureCollection", "features": [{"type": "Feature", '
            b'"properties": {"name": "x"}, "geometry": {"type": "Polygon", "coordinates": '
            b'[[[119.8, 31.6], [119.81, 31.6], [119.81, 31.61], [119.8, 31.6]]]}}]}')


def warm_up() -> None:
    """Read one tiny file (never raises: the forkserver survives only an ImportError in a
    preload).  A spare worker (:func:`lianghu_map.sandbox._serve`) calls it again after its
    fork: the pages its first read writes are copied then, not during an analyst's file."""
    with contextlib.suppress(Exception):
        ingest_file("warm-up.geojson", _WARM_UP)
        datum_hint._boundaries()  # the district outlines the datum test compares with (~70 ms)


warm_up()
gc.freeze()
