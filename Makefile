# Trainingdesk: `make demo` to try it, `make test` to check it. Needs Python 3.11; the tests also
# need Node 18+ and npm (the first run installs tests/verifier, an independent credential verifier).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PORT ?= 8000
PYTEST_ARGS ?= -n auto --dist loadgroup

.PHONY: demo test lint typecheck pytest bench install clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

# The site, a task worker that sends its emails (they print here), and the periodic work every
# minute, as production runs them; Ctrl-C stops all three.
demo: export SITE_URL ?= http://127.0.0.1:$(PORT)
demo: $(STAMP)
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo
	@trap 'trap - INT TERM EXIT; kill 0' INT TERM EXIT; \
	$(BIN)/python manage.py db_worker --no-startup-delay --interval 0.5 & \
	while sleep 60; do $(BIN)/python manage.py run_periodic_work > /dev/null; done & \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run

typecheck: $(STAMP)
	$(BIN)/mypy config trainingdesk

pytest: $(STAMP)
	$(BIN)/pytest -q $(PYTEST_ARGS)

test: lint typecheck pytest

# The page figures are taken with wrk (Debian's package); installed here when it is missing.
bench: $(STAMP)
	@command -v wrk > /dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -q wrk > /dev/null; } || \
	  { echo "make bench needs wrk: sudo apt-get install wrk"; exit 1; }
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* tests/verifier/node_modules tests/verifier/.install.lock
