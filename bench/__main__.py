"""``python -m bench``: the ingest benchmark (see :mod:`bench.run`)."""

from bench.run import main

raise SystemExit(main())
