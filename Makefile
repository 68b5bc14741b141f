# `make test` and `make demo` set themselves up: a .venv is created on first use and the
# project is installed into it with its development extras and every optional extra (mcp,
# notebook), so the tests of those parts run too.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test lint types pytest demo install clean cassettes bench dist-check fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,mcp,notebook]'
	touch $(STAMP)

install: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(STAMP)
	$(BIN)/mypy --strict betterstack_rca

pytest: $(STAMP)
	$(BIN)/pytest

test: lint types pytest

# The reliability fuzzers at 10,000 examples per heavy target (CI runs 2,000: .ci/run).
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=deep $(BIN)/pytest tests/reliability/test_fuzz.py

demo: $(STAMP)
	$(BIN)/betterstack-rca --sandbox demo

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .pytest_cache .ruff_cache

# The package as PyPI would ship it: sdist + wheel built, twine-checked, the wheel installed
# in a fresh venv and used there (CI runs this after `make test`).
dist-check: $(STAMP)
	bash .ci/check-wheel

cassettes: $(STAMP)
	$(BIN)/python -m tests.cassette_flows

# Benchmarks (docs/performance.md): a separate venv holds the peer client betterstack-uptime,
# which is never a dependency of the project.
bench:
	test -x .venv-bench/bin/python || $(PYTHON) -m venv .venv-bench
	.venv-bench/bin/python -m pip install --quiet --upgrade pip
	.venv-bench/bin/python -m pip install --quiet -e '.[mcp]' betterstack-uptime
	.venv-bench/bin/python bench/bundle.py
	.venv-bench/bin/python bench/scale.py
	.venv-bench/bin/python bench/listing.py --walk
	.venv-bench/bin/python bench/report.py
	.venv-bench/bin/python bench/agents.py
	.venv-bench/bin/python bench/hostile.py
	.venv-bench/bin/python bench/import_time.py
