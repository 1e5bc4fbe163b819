# Two commands matter: `make run` (set up and serve the demo portal) and `make test` (set up and run the suite).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_DEBUG ?= 1

# Django 6.1 needs Python 3.12+. Try what is on PATH first, then interpreters installed through pyenv.
define FIND_PYTHON
for p in python3.13 python3.12 python3 \
    $$(ls -d "$$(pyenv root 2>/dev/null || echo $$HOME/.pyenv)"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
  if "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then echo "$$p"; exit 0; fi; \
done; exit 1
endef

.PHONY: run test screenshots setup demo messages check serve clean bench backup restore

$(PY):
	@python=$$($(FIND_PYTHON)) || { \
	  echo "No Python 3.12 or newer found. Install one (e.g. 'sudo apt install python3.12 python3.12-venv'," >&2; \
	  echo "or 'pyenv install 3.12') and run make again." >&2; exit 1; }; \
	echo "Using $$python ($$($$python --version))"; \
	"$$python" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.requirements: $(PY) requirements.txt
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.requirements-test: $(VENV)/.requirements requirements-test.txt
	$(PY) -m pip install --quiet -r requirements-test.txt
	@touch $@

messages: $(VENV)/.requirements
	$(PY) manage.py compilemessages --ignore=.venv --verbosity 0

setup: $(VENV)/.requirements messages
	$(PY) manage.py migrate --noinput --verbosity 0
	$(PY) manage.py load_demo
	$(PY) manage.py load_search_synonyms --verbosity 0
	$(PY) manage.py rebuild_search_index --verbosity 0

run: setup
	@echo
	@echo "  The portal: http://127.0.0.1:$(PORT)/  (English /en/, Italian /it/)"
	@echo "  The admin:  http://127.0.0.1:$(PORT)/admin/  users admin, editor, reviewer; password: demo"
	@echo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The suite runs in TEST_WORKERS processes (pytest-xdist; auto: one per core), each with its own test database; the
# tests that empty the database (tests/conftest.py) in a second pass, since no other test may follow one in a worker.
# Exit status 5 is "no test selected", as when PYTEST_ARGS names files with tests of one pass only.
TEST_WORKERS ?= auto
test: $(VENV)/.requirements-test messages
	$(VENV)/bin/ruff check .
	$(VENV)/bin/djlint --lint --quiet templates/admin
	$(VENV)/bin/djlint --lint --quiet --profile=jinja templates/jinja2
	DJANGO_DEBUG=0 $(PY) manage.py check --settings=clinic.test_settings
	DJANGO_DEBUG=0 $(PY) manage.py makemigrations --check --dry-run --settings=clinic.test_settings
	DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=clinic.example DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	  $(PY) manage.py check --deploy --fail-level WARNING
	DJANGO_DEBUG=0 $(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal -m "not screenshots and not flushes_database" \
	  $(PYTEST_ARGS) || [ $$? = 5 ]
	DJANGO_DEBUG=0 $(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal -m "flushes_database and not screenshots" \
	  $(PYTEST_ARGS) || [ $$? = 5 ]

# The README's screenshots, from the browser suite (needs Chromium, like the browser tests).
screenshots: $(VENV)/.requirements-test messages
	DJANGO_DEBUG=0 $(PY) -m pytest -m screenshots tests/browser/test_screenshots.py

# Production settings under gunicorn, on this machine only: plain http is allowed for 127.0.0.1 alone
# (DJANGO_LOCAL_HTTP), static files come from WhiteNoise, and a secret key is made once and kept in var/.
SERVE_ENV = DJANGO_DEBUG=0 DJANGO_LOCAL_HTTP=1 DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost \
	DJANGO_EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend DJANGO_SECRET_KEY=$$(cat var/secret_key)
serve: $(VENV)/.requirements messages
	@mkdir -p var && [ -s var/secret_key ] || { umask 077; $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > var/secret_key; }
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(SERVE_ENV) $(PY) manage.py migrate --noinput --verbosity 0
	$(SERVE_ENV) $(PY) manage.py load_demo --allow-without-debug
	$(SERVE_ENV) $(PY) manage.py load_search_synonyms --verbosity 0
	@echo
	@echo "  Production mode on http://127.0.0.1:$(PORT)/ (gunicorn; uploaded media are not served, see README)"
	@echo
	$(SERVE_ENV) $(VENV)/bin/gunicorn clinic.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --access-logfile -

# Load test in production mode on a generated library (bench/run.py says how); BENCH_SIZE=large, DATABASE_URL=...
bench: $(VENV)/.requirements messages
	@command -v wrk >/dev/null || { \
	  command -v apt-get >/dev/null || { echo "bench needs wrk: install it with your package manager." >&2; exit 1; }; \
	  sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$sudo apt-get install -y --no-install-recommends wrk >/dev/null 2>&1 || \
	  { $$sudo apt-get update >/dev/null && $$sudo apt-get install -y --no-install-recommends wrk >/dev/null; }; }
	$(PY) bench/run.py

# A complete backup (content, history, staff accounts, media) into backups/, and a restore into an empty database.
# Run them with the portal's own environment (DATABASE_URL, DJANGO_MEDIA_ROOT, ...); README "Backup and restore".
backup: $(VENV)/.requirements
	@mkdir -p backups
	$(PY) manage.py export_content --with-users backups/clinic-$$(date -u +%Y%m%dT%H%M%SZ).tar.gz

restore: $(VENV)/.requirements
	@[ -n "$(FILE)" ] || { echo "Say which backup: make restore FILE=backups/clinic-....tar.gz" >&2; exit 2; }
	$(PY) manage.py migrate --noinput --verbosity 0
	$(PY) manage.py import_content "$(FILE)"

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles media
