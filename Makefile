# The two commands of the README: `make run` and `make test`. Only Python 3.11+ is needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint messages clean mutation

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found %s); set PYTHON=..." % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# Local site on SQLite (db.sqlite3) with consent version 1 in place.
run: $(VENV)/.installed
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Lint, migrations in step with the models, then the whole suite on two workers (pytest-xdist)
# (SQLite by default; set DATABASE_URL for PostgreSQL).
test: lint
	DEBUG=false SECRET_KEY=makemigrations-check PHONE_HASH_KEY=makemigrations-check ALLOWED_HOSTS=localhost \
		$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest -n 2 --dist worksteal $(PYTEST_ARGS)

# Compile requirements*.txt (every package pinned, with hashes) from requirements*.in, keeping
# today's versions unless the .in files ask otherwise; UPGRADE=1 takes the newest allowed.
PIP_TOOLS := .venv-tools/bin/pip-compile
$(PIP_TOOLS):
	$(PYTHON) -m venv .venv-tools
	.venv-tools/bin/python -m pip install --quiet pip-tools==7.6.2
.PHONY: requirements
requirements: | $(PIP_TOOLS)
	$(PIP_TOOLS) --quiet --generate-hashes --strip-extras --no-header --annotation-style=line \
		$(if $(UPGRADE),--upgrade) --output-file=requirements.txt requirements.in
	$(PIP_TOOLS) --quiet --generate-hashes --strip-extras --no-header --annotation-style=line \
		$(if $(UPGRADE),--upgrade) --output-file=requirements-dev.txt requirements-dev.in
	$(PIP_TOOLS) --quiet --generate-hashes --strip-extras --no-header --annotation-style=line \
		$(if $(UPGRADE),--upgrade) --output-file=requirements-mutation.txt requirements-mutation.in

$(VENV)/.installed-mutation: requirements-mutation.txt $(VENV)/.installed-dev
	$(BIN)/python -m pip install --quiet -r requirements-mutation.txt
	touch $@

# Mutation testing (README, Tests): each module in pyproject's [tool.mutation.modules]
# against its own tests, one worker, niced; fails when one kills under 90%. Not in `test`.
mutation: $(VENV)/.installed-mutation
	nice -n 10 $(BIN)/python mutation/run.py

# Refresh the translation catalogs after changing texts (needs GNU gettext).
messages: $(VENV)/.installed
	DEBUG=true $(BIN)/python manage.py makemessages -l ru -l kk --ignore=.venv --ignore=e2e --ignore=*/tests/* --ignore=bench --no-obsolete
	DEBUG=true $(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) .venv-tools .pytest_cache .ruff_cache staticfiles mutants .mutation

# Benchmark (README, Benchmark): gunicorn with production settings on a fresh PostgreSQL
# database (created and dropped) and Redis, figures against same-run baselines, 5 to 8
# minutes. Writes bench/results.json; BENCH_ARGS passes options (python -m bench.run --help).
.PHONY: bench
bench: $(VENV)/.installed
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# Build the Docker image and prove it and compose.yaml under docker or podman (image-test/run.sh).
.PHONY: image-test
image-test:
	bash image-test/run.sh
