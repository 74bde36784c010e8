# The two commands for a fresh machine: `make crawl` and `make test`.
# Each creates .venv and installs what it needs on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install crawl test demo bench clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(INSTALLED)

# Crawl the live Elections section into data/elections.db. Extra arguments: ARGS="-a max_pages=3".
crawl: $(INSTALLED)
	$(BIN)/scrapy crawl elections $(ARGS)

# The whole test suite; it serves its own replica of the site on 127.0.0.1.
test: $(INSTALLED)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Offline: serve a replica, crawl it into data/demo.db, print a summary. ARTICLES=1000 for more.
ARTICLES ?= 200
demo: $(INSTALLED)
	$(BIN)/python -m tests.replica.demo --articles $(ARTICLES)

bench: $(INSTALLED)
	$(BIN)/python bench/full_crawl.py
	$(BIN)/python bench/daily_run.py

clean:
	rm -rf $(VENV) .pytest_cache *.egg-info
