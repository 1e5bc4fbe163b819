"""Run the portal as production does, under gunicorn with several worker processes, for tests that need real ones.

    from tests.serving import serve

    with serve(tmp_path, workers=2, cache_url="") as portal:
        portal.manage("load_demo")                      # any management command, against the served database
        portal.create_superuser("boss", "a long password 1")
        staff = portal.client()                         # urllib with cookies; does not follow redirects
        staff.login("boss", "a long password 1")        # real admin login over HTTP (CSRF token included)
        response = portal.client().get("/en/")          # Response(status, headers, text, worker)
        response.worker                                 # pid of the gunicorn worker that answered

Arguments of `serve(tmp_path, *, workers=2, cache_url="", database_url=None, env=None)`:
- `tmp_path`: a folder for the SQLite file, uploaded media and gunicorn's log (pytest's `tmp_path` fixture).
- `workers`: gunicorn sync workers (two or more to find per-process bugs).
- `cache_url`: DJANGO_CACHE_URL for the server ("" is each process's own memory; redis://..., memcached://...).
- `database_url`: None means whatever this test run uses: a fresh PostgreSQL database created next to DATABASE_URL
  (and dropped afterwards) when that names a PostgreSQL server, else a new SQLite file in `tmp_path`.
- `env`: further environment variables for the server and for `manage()`.

The database is migrated and empty (no content, no users): a copy of one migrated once per test process, unless the
test names its own `database_url`, which is migrated in place. The server runs the real production settings
(DJANGO_DEBUG=0, plain http on 127.0.0.1 only), except that static files need no `collectstatic`; each response
carries an `X-Served-By` header with the answering worker's pid, so a test can tell the workers apart.
"""
import atexit
import contextlib
import http.cookiejar
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKER_HEADER = "X-Served-By"
START_TIMEOUT = 60


@dataclass
class Response:
    status: int
    headers: dict
    text: str

    @property
    def worker(self):
        return int(self.headers[WORKER_HEADER])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """A browser without JavaScript: keeps cookies, sends forms, never follows redirects (3xx come back as they are)."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect)

    def request(self, method, path, data=None, timeout=30):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body, method=method)
        if method == "POST":
            # Django's CSRF check wants a same-origin Referer or Origin on unsafe requests.
            request.add_header("Origin", self.base_url)
            request.add_header("Referer", self.base_url + path)
        try:
            with self.opener.open(request, timeout=timeout) as answer:
                return Response(answer.status, dict(answer.headers.items()), answer.read().decode())
        except urllib.error.HTTPError as error:
            return Response(error.code, dict(error.headers.items()), error.read().decode())

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, data, **kwargs):
        return self.request("POST", path, data, **kwargs)

    def csrf_token(self, html):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def login(self, username, password):
        form = self.get("/admin/login/")
        answer = self.post(
            "/admin/login/?next=/admin/",
            {"csrfmiddlewaretoken": self.csrf_token(form.text), "username": username, "password": password},
        )
        if answer.status != 302:
            raise AssertionError(f"admin login as {username!r} failed: {answer.status}\n{answer.text[:2000]}")
        return answer


class Portal:
    def __init__(self, base_url, process, env, log):
        self.base_url, self.process, self.env, self.log = base_url, process, env, log

    def url(self, path):
        return self.base_url + path

    def client(self):
        return Client(self.base_url)

    def manage(self, *args):
        """`manage.py <args>` against the served database and cache; returns its output."""
        return _manage(self.env, *args)

    def create_superuser(self, username, password):
        _manage(
            self.env | {"DJANGO_SUPERUSER_PASSWORD": password},
            "createsuperuser", "--noinput", "--username", username, "--email", f"{username}@clinic.invalid",
        )

    def worker_pids(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return sorted(int(pid) for pid in children)

    def log_text(self):
        return self.log.read_text(errors="replace")


def _manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    if result.returncode:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def free_port():
    """A loopback port nothing listens on now (the server's, a Redis's, or a closed one for a test)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Migrating takes seconds of CPU: each test process migrates one template database per kind the first time a test
# asks for the suite's database, and every served portal after that starts from a copy of it (the same tables and
# rows that migrating gives). A database named by the test is migrated itself.
_templates = {}


def _template(kind, migrate_env, make_url):
    if kind not in _templates:
        folder = tempfile.mkdtemp(prefix="clinic-served-template-")
        atexit.register(shutil.rmtree, folder, True)
        url = make_url(folder)
        _manage(migrate_env | {"DATABASE_URL": url, "DJANGO_CACHE_URL": ""}, "migrate", "--noinput", "--verbosity", "0")
        _templates[kind] = url
    return _templates[kind]


def _postgres_admin(base):
    import psycopg

    return psycopg.connect(f"{base}/postgres", autocommit=True)


def _drop_postgres(base, name):
    with _postgres_admin(base) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def _database(tmp_path, database_url, migrate_env):
    """A migrated database for one portal: the URL to give it."""
    if database_url is not None:
        database_url = database_url or f"sqlite:///{tmp_path / 'portal.sqlite3'}"
        _manage(migrate_env | {"DATABASE_URL": database_url}, "migrate", "--noinput", "--verbosity", "0")
        yield database_url
        return
    suite_url = os.environ.get("DATABASE_URL", "")
    if not suite_url.startswith(("postgres://", "postgresql://")):
        template = _template("sqlite", migrate_env, lambda folder: f"sqlite:///{folder}/template.sqlite3")
        path = tmp_path / "portal.sqlite3"
        with contextlib.closing(sqlite3.connect(template.removeprefix("sqlite:///"))) as source:
            with contextlib.closing(sqlite3.connect(path)) as copy:
                source.backup(copy)
        yield f"sqlite:///{path}"
        return
    base, _, name = suite_url.partition("?")[0].rpartition("/")

    def make_template(_folder):
        template_name = f"{name}_served_template_{secrets.token_hex(4)}"
        with _postgres_admin(base) as conn:
            conn.execute(f'CREATE DATABASE "{template_name}"')
        atexit.register(_drop_postgres, base, template_name)
        return f"{base}/{template_name}"

    template_name = _template("postgres", migrate_env, make_template).rpartition("/")[2]
    name = f"{name}_served_{secrets.token_hex(4)}"
    with _postgres_admin(base) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"')
    try:
        yield f"{base}/{name}"
    finally:
        _drop_postgres(base, name)


@contextlib.contextmanager
def serve(tmp_path, *, workers=2, cache_url="", database_url=None, env=None):
    """Migrate a fresh database, start gunicorn on a free loopback port, yield a Portal, stop it (see module doc)."""
    tmp_path = Path(tmp_path)
    settings_env = {
        key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST_"))
    } | {
        "DJANGO_SETTINGS_MODULE": "clinic.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_LOCAL_HTTP": "1",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_CACHE_URL": cache_url,
    }
    if env and "DATABASE_URL" in env:
        database_url = env["DATABASE_URL"]
    with _database(tmp_path, database_url, settings_env | (env or {})) as url:
        server_env = settings_env | {"DATABASE_URL": url} | (env or {})
        port = free_port()
        log = tmp_path / f"gunicorn-{port}.log"
        with log.open("w") as log_file:
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "tests.serving:application", "--workers", str(workers),
                 "--bind", f"127.0.0.1:{port}", "--timeout", "120", "--graceful-timeout", "5"],
                env=server_env, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT,
            )
        portal = Portal(f"http://127.0.0.1:{port}", process, server_env, log)
        try:
            _wait_until_ready(portal, workers)
            yield portal
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_ready(portal, workers):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if portal.process.poll() is not None:
            raise AssertionError(f"gunicorn exited:\n{portal.log_text()[-5000:]}")
        try:
            if portal.client().get("/healthz", timeout=5).status == 200 and len(portal.worker_pids()) >= workers:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"gunicorn did not answer within {START_TIMEOUT} s:\n{portal.log_text()[-5000:]}")


# --- what gunicorn runs: `tests.serving:application` ---
_application = None


def application(environ, start_response):
    """The portal's WSGI application, with static files served without a manifest and the worker's pid stamped."""
    global _application
    if _application is None:
        from django.conf import settings

        # Production's manifest storage needs `collectstatic` first; plain storage serves the same files.
        settings.STORAGES = settings.STORAGES | {
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
        }
        from django.core.wsgi import get_wsgi_application

        _application = get_wsgi_application()

    def stamped(status, headers, exc_info=None):
        return start_response(status, [*headers, (WORKER_HEADER, str(os.getpid()))], exc_info)

    return _application(environ, stamped)
