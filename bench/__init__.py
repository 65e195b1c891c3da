"""Benchmarks: speed measured as ratios against a baseline run in the same process.

``make bench`` (or ``python -m bench``) runs :mod:`bench.run`; the synthetic input is made by
:mod:`bench.data` under ``bench/.cache/`` (gitignored).  Results go to ``docs/PERFORMANCE.md``.
"""
