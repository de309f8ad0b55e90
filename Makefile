# Two commands: `make run` (the site with demo content) and `make test` (every test).
# Needs only Python 3.11+ with venv and make; uv is installed into .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.9
HOST ?= 127.0.0.1
PORT ?= 8000
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Trust the machine's certificate store (a proxy's CA, if any) as pip does.
export UV_SYSTEM_CERTS := 1

.PHONY: run test lint messages compilemessages clean restore-drill

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# --inexact keeps uv itself, which the lock file does not list. --compile-bytecode: every
# process (server, worker, tests) then starts from .pyc files, even where the environment
# forbids writing them (PYTHONDONTWRITEBYTECODE), instead of compiling what it imports.
$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --inexact --compile-bytecode --python $(PY)
	touch $@

compilemessages: $(VENV)/.synced
	$(PY) -m newsroom.compilemessages

run: $(VENV)/.synced compilemessages
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py demo --base-url http://$(HOST):$(PORT)
	@# The photo worker runs beside the server; Ctrl+C (or the server exiting) stops both.
	DEBUG=1 $(PY) manage.py photo_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.synced compilemessages
	$(PY) -m pytest $(PYTEST_ARGS)

# Back up the database and the media folder of DATABASE_URL/MEDIA_ROOT (the site's own
# settings), restore both into a fresh database and folder, and compare every public page
# and photo file; the restored copy is dropped, the backup kept (README, "Backups").
restore-drill: $(VENV)/.synced compilemessages
	$(PY) manage.py restore_drill $(DRILL_ARGS)

lint: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

# For developers with gettext installed: refresh the catalogues from the code.
messages: $(VENV)/.synced
	DEBUG=1 $(PY) manage.py makemessages --locale ru --locale kk --locale en --ignore '.venv/*'

clean:
	rm -rf $(VENV) staticfiles
