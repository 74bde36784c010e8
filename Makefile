# The two commands for a fresh machine: `make crawl` and `make test`.
# Each creates .venv and installs what it needs on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install check-site crawl test test-fast coverage lint docs demo explore bench backup clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,explore,lint]'
	touch $@

install: $(INSTALLED)

# Can the crawler read the site as it is today? Robots.txt, the home page's menu, the first
# listing page and three articles, a line per step and field; writes nothing. ARGS="-s NAME=VALUE".
check-site: $(INSTALLED)
	$(BIN)/scrapy check_site $(ARGS)

# Crawl the live Elections section into data/elections.db. Extra arguments: ARGS="-a max_pages=3".
crawl: $(INSTALLED)
	$(BIN)/scrapy crawl elections $(ARGS)

# The whole test suite, both tiers, on every core (pytest-xdist); the end-to-end tier serves
# its own replica of the site on 127.0.0.1 and runs the real crawler against it.
test: $(INSTALLED)
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

# The unit tier alone, in seconds: parsers, rules, middlewares and pipelines, no crawl.
test-fast: $(INSTALLED)
	$(BIN)/python -m pytest tests/unit $(PYTEST_ARGS)

# The share of crawler/ and pipelines/ statements the fast tier runs (docs/development.md).
coverage: $(INSTALLED)
	$(BIN)/coverage run --source=crawler,pipelines -m pytest -q tests/unit -p no:cacheprovider
	$(BIN)/coverage report --sort=cover

# ruff (lint and format) and mypy (strict for the archive, the site, the pipelines, the crawl's
# parts and every Scrapy hook: pyproject.toml), as CI runs them.
lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/cog --check -I . $(GENERATED_DOCS)

# The tables in the docs that the code writes (cog): `make docs` after changing what they show.
GENERATED_DOCS = docs/operations.md docs/site.md docs/usage.md explore/metadata.yml
docs: $(INSTALLED)
	$(BIN)/cog -r -I . $(GENERATED_DOCS)

# Offline: serve a replica, crawl it into data/demo.db, print a summary. ARTICLES=1000 for more.
ARTICLES ?= 200
demo: $(INSTALLED)
	$(BIN)/python -m replica.demo --articles $(ARTICLES)

# The archive in Datasette, read-only, on http://127.0.0.1:8001. DB=data/demo.db for the demo.
DB ?= data/elections.db
explore: $(INSTALLED)
	$(BIN)/python explore/serve.py $(DB) --port 8001

# Every benchmark, a quarter of an hour in all; each prints its figures and a summary line.
bench: $(INSTALLED)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/full_crawl.py
	$(BIN)/python bench/cost_per_article.py
	$(BIN)/python bench/daily_run.py
	$(BIN)/python bench/scaling.py
	$(BIN)/python bench/quality.py
	$(BIN)/python bench/raw_pages.py
	$(BIN)/python bench/reading_room.py
	$(BIN)/python bench/search_recall.py
	$(BIN)/python bench/stemmer_scaling.py
	$(BIN)/python bench/coverage.py
	$(BIN)/python bench/rechecks.py

# A copy of the archive, safe during a crawl: data/backups/elections-YYYY-MM-DD.db (one a day).
backup: $(INSTALLED)
	$(BIN)/scrapy backup $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache *.egg-info
