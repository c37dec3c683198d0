# Twitch diary. `make run` and `make test` are all a newcomer needs (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test lint bench install install-dev migrate seed clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when a requirements file changed.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0

# The demo account (demo / demo) is created once, with a few months of diary; it may sign in
# to the admin, which is what a local run is for. Never run this target on a shared server.
seed: migrate
	$(BIN)/python manage.py seed_demo --user demo --password demo --staff --if-missing

run: seed
	@if [ -n "$$REDIS_URL" ]; then \
		echo "REDIS_URL is set: starting a Celery worker and beat beside the web server."; \
		$(BIN)/celery -A config worker --loglevel=INFO & \
		$(BIN)/celery -A config beat --loglevel=INFO --schedule $(VENV)/celerybeat-schedule & \
		trap 'kill $$(jobs -p) 2>/dev/null' INT TERM EXIT; \
		$(BIN)/python manage.py runserver 127.0.0.1:$(PORT); \
	else \
		$(BIN)/python manage.py runserver 127.0.0.1:$(PORT); \
	fi

test: install-dev
	$(BIN)/pytest $(PYTEST_ARGS)

# Figures, printed (not part of make test). bench_simulation (the statistics on 1,000 simulated
# diaries per scenario, SIMULATION_DIARIES to change) needs no database; bench_reports times the
# PDF report of a year of 5,000 and 10,000 episodes against their CSV; bench_pages the history
# and the dashboard at 100 and 100,000 episodes; bench_exports the account export and the doctor's
# PDF and page, built inside their request, for the same years and five years of 50,000 episodes
# (BENCH_EXPORT_BIG=0 leaves that one out). Set DATABASE_URL to
# measure on PostgreSQL; bench_http (this tree against the commit before issue 8, over HTTP)
# needs PostgreSQL; bench_logging the taps and the scrolling of three common logs on a 360 px
# phone in Chromium, on the quick log (online, offline) and the logging page.
bench: install-dev
	$(BIN)/python -m tests.bench.bench_simulation
	$(BIN)/python -m tests.bench.bench_reports
	$(BIN)/python -m tests.bench.bench_exports
	$(BIN)/python -m tests.bench.bench_pages
	$(BIN)/python -m tests.bench.bench_api
	$(BIN)/python -m tests.bench.bench_http
	$(BIN)/python -m tests.bench.bench_logging

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache
