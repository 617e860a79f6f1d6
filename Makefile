# The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Four sync workers on two cores: a slow search holds one worker, and the others keep answering
# the cheap pages (see BENCHMARKS.md, hardening). Each worker holds its own caches.
WORKERS ?= 4

.PHONY: install browser bench-tools run demo serve test test-lawtext loadtest lint format

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

# Browser tests drive Debian's Chromium (with a CJK font, so screenshots are readable), which
# also prints the PDF exports; poppler-utils reads them back in the tests. Nothing downloads a
# browser of its own.
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list :lang=zh | grep -q . \
		|| ! command -v pdftotext >/dev/null 2>&1; then \
		echo "Installing Debian's chromium, fonts-noto-cjk and poppler-utils…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq chromium fonts-noto-cjk poppler-utils >/dev/null; fi

# The HTTP benchmarks and the load test drive gunicorn with Debian's wrk; the scale benchmark
# draws its plot with matplotlib (the bench extra).
bench-tools: install
	@$(PY) -c 'import matplotlib' 2>/dev/null || $(PY) -m pip install --quiet -e '.[bench]'
	@command -v wrk >/dev/null 2>&1 || { echo "Installing Debian's wrk…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

# The whole shipped body of law (about 2,450 files); a first load builds the index in one pass,
# a later run skips the unchanged files. `make demo` loads a small part of it in under a minute.
run: install
	-@$(MAKE) -s browser || echo "Chromium could not be installed: PDF exports will answer 503 (Word works)."
	$(PY) manage.py migrate --noinput
	$(PY) manage.py ingest
	$(PY) manage.py collectstatic --noinput -v0
	$(MAKE) serve

demo: install
	-@$(MAKE) -s browser || echo "Chromium could not be installed: PDF exports will answer 503 (Word works)."
	$(PY) manage.py migrate --noinput
	$(PY) manage.py ingest --demo
	$(PY) manage.py collectstatic --noinput -v0
	$(MAKE) serve

serve:
	$(VENV)/bin/gunicorn config.wsgi -c config/gunicorn.py --preload --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile -

test: install browser
	$(PY) -m pytest

# lawtext's tests without Django: no pytest-django, no project conftest.
test-lawtext: install
	$(PY) -m pytest -p no:django --confcutdir=lawtext -W ignore::pytest.PytestConfigWarning lawtext

LOAD_SECONDS ?= 60
LOAD_ARGS ?=
loadtest: install bench-tools
	$(PY) benchmarks/loadtest.py --seconds $(LOAD_SECONDS) --users 50 $(LOAD_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
