# The two commands of the README. Everything a fresh machine needs is installed from here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock requirements-dev.lock | sha256sum | cut -c1-12)
PIP_FLAGS := -q --disable-pip-version-check --require-hashes

.PHONY: run test setup lock messages clean bench-pages bench-import

$(STAMP): requirements.lock requirements-dev.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -c 'import sys; assert sys.version_info[:2] == (3, 13), "Python 3.13 is required (.python-version)"'
	$(BIN)/pip install $(PIP_FLAGS) -r requirements.lock -r requirements-dev.lock 2>&1 | grep -v "^WARNING: Location" || true
	@$(BIN)/python -c 'import django, weasyprint, playwright'
	@rm -f $(VENV)/.installed-* && touch $@

setup: $(STAMP)
	@$(BIN)/python manage.py compilemessages --ignore=.venv -v0

run: setup
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py daily
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: setup
	@bash scripts/test

# The benchmarks of bench/ (docs/performance.md): PostgreSQL on 127.0.0.1 for the pages.
bench-pages: setup
	$(BIN)/python bench/pages.py

bench-import: setup
	$(BIN)/python bench/import_employees.py

# Regenerate requirements*.lock from requirements*.in (needs network to the package index).
lock:
	$(PYTHON) -m venv /tmp/budaya-lock && /tmp/budaya-lock/bin/pip install -q uv
	/tmp/budaya-lock/bin/uv pip compile -q --python-version 3.13 --generate-hashes requirements.in -o requirements.lock
	/tmp/budaya-lock/bin/uv pip compile -q --python-version 3.13 --generate-hashes requirements-dev.in -o requirements-dev.lock

# Refresh the translation catalogues after changing user-facing strings.
messages: $(STAMP)
	@bash scripts/messages

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache
