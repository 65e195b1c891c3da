# lianghu-map — `make run` and `make test` work on a fresh clone: each sets up .venv when needed.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
PORT   ?= 8501
ADDRESS ?= 127.0.0.1

.PHONY: run test lint bench assets clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

assets: $(STAMP)
	$(PY) -m lianghu_map.assets

run: assets
	$(if $(LOCAL),LIANGHU_LOCAL_MODE=1 )$(PY) -m lianghu_map.serve app.py --server.port $(PORT) --server.address $(ADDRESS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

test: assets lint
	$(PY) -m pytest

bench: assets
	$(PY) -m bench

clean:
	rm -rf $(VENV) static .pytest_cache
