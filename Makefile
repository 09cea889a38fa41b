# Every target bootstraps .venv itself, so a fresh clone needs only `make dev` or `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: dev test lint typecheck unit bench simulate clean browser

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

dev: $(STAMP)
	$(BIN)/arsplan dev

# CI runs `make test`: there a PostgreSQL or NATS that does not answer fails the run.
test: $(STAMP) lint typecheck browser
	ARSPLAN_REQUIRE_POSTGRES=1 ARSPLAN_REQUIRE_NATS=1 $(BIN)/python -m pytest -q -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy domain application infrastructure workflows activities follower projections \
		reporting feed audit simulation api cli bootstrap worker.py

unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

simulate: $(STAMP)
	$(BIN)/arsplan simulate

bench: $(STAMP)
	$(BIN)/python -m bench.run_all

# Debian's chromium for tests/browser (Playwright drives it; no browser is downloaded).
# Never fails: where it cannot be installed, the browser tests skip and say why.
CHROMIUM ?= /usr/bin/chromium
APT_GET ?= apt-get
browser:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif command -v $(APT_GET) >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		($(APT_GET) update -qq && DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -qq \
			chromium >/dev/null) || echo "browser: chromium could not be installed; browser tests will skip"; \
	else echo "browser: no $(CHROMIUM) and apt-get is not usable; browser tests will skip"; fi

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache var

# Mutation testing of domain/ and application/ against the fast tests ([tool.mutmut] in
# pyproject.toml; docs/mutation.md records the last run). Not part of `make test`: it takes
# long. It resumes where it stopped; `mutmut results` lists survivors, `mutmut show NAME` one.
# ARSPLAN_HARD_EXIT=0: mutmut runs pytest in its own process, which must outlive each run.
.PHONY: mutate
mutate: $(STAMP)
	ARSPLAN_HARD_EXIT=0 $(BIN)/mutmut run
	$(BIN)/mutmut results
