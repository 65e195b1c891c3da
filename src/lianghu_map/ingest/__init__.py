"""Uploaded bytes + file name → a validated WGS84 GeoDataFrame and a report of findings.

Ingest never raises for bad input: everything wrong with a file becomes a
:class:`~lianghu_map.errors.Finding` that names the file, the feature (index and id) and what to
do.  A file with any ERROR finding yields no GeoDataFrame.  Readers (one per format) only turn
bytes into a raw GeoDataFrame; the checks that follow are the same for every format:

limits → null/empty geometries → CRS (declared, legacy, assumed, or refused with suggestions) →
ranges and swapped axes → source datum (GCJ-02/BD-09 → WGS84) → validity (make_valid) → mixed
types → duplicate ids → ``style`` whitelisted.

Modules: ``core`` (the entry point and the reader per format), ``base`` (options, result,
the report), one module per format (``geojson``, ``shapefile``, ``gpkg``, ``kml``, ``tables``
for CSV, ``excel``, ``seq`` for GeoJSON sequences and FlatGeobuf, ``archive`` for zips),
``dms`` (coordinates written as text) and ``checks`` (common to every format).

GeoJSON goes through GDAL (pyogrio) first, which is fast; Python's ``json`` parser runs when
GDAL refuses a file, to say what is wrong with it (line and column, TopoJSON, other JSON), and
for the structural check (``geojson_lint``: each feature left out named with its real reason) on
small files, or on big ones whose GDAL read shows trouble.  ``datum_hint`` says when a file is
likely GCJ-02/BD-09 (attribute names, fit to the built-in district boundaries).
"""

from .base import FAMILY, FORMATS, IngestOptions, IngestResult, Progress, clean_name, sniff_format
from .core import READERS, ingest_file

__all__ = ["FAMILY", "FORMATS", "READERS", "IngestOptions", "IngestResult", "Progress",
           "clean_name", "ingest_file", "sniff_format"]
