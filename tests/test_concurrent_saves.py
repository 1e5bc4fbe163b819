"""Eight staff sessions save the same article at the same moment through gunicorn with two workers.

The database is the one the suite runs on: a fresh SQLite file, or a fresh database next to DATABASE_URL's
PostgreSQL one. Each round every session loads the same version of the article, then all post at once: exactly one
save wins, the others see the "changed while you were editing" message with their own text still in the form, and
no request ends in a server error.
"""
import contextlib
import http.cookiejar
import os
import socket
import time
import secrets
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.concurrency

ROOT = Path(__file__).resolve().parent.parent
SESSIONS = 8
ROUNDS = 5
SETUP = """
from tests.factories import make_article, make_staff
for n in range({sessions}):
    make_staff(f"editor{{n}}", "Editors")
print(make_article(status="draft", reviewed_by=None, last_reviewed=None).pk)
"""


class Session:
    """One browser: its own cookies, signed in to the admin."""

    def __init__(self, base, username):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )
        page = self.get("/admin/login/")
        status, _body = self.post("/admin/login/", {**form_values(page, "login-form"), "username": username,
                                                    "password": "pw"})
        assert status == 302, f"{username} could not sign in"

    def get(self, path):
        status, body = self.request(path)
        assert status == 200, (path, status)
        return body

    def post(self, path, data):
        return self.request(path, urllib.parse.urlencode(data, doseq=True).encode())

    def request(self, path, data=None):
        try:
            with self.opener.open(self.base + path, data=data, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def form_values(html, form_id):
    """What a browser would post from the form: every named field with its current value."""
    form = BeautifulSoup(html, "html.parser").find("form", id=form_id)
    values = []
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or field.get("type") in {"submit", "button", "file"}:
            continue
        if field.name == "textarea":
            values.append((name, field.text.removeprefix("\n")))
        elif field.name == "select":
            values.extend((name, option.get("value", "")) for option in field.find_all("option", selected=True))
        elif field.get("type") in {"checkbox", "radio"}:
            if field.has_attr("checked"):
                values.append((name, field.get("value", "on")))
        else:
            values.append((name, field.get("value", "")))
    return dict(values) if form_id == "login-form" else values


# A minimal launcher: production settings under gunicorn on a free loopback port, with a fresh database.
@contextlib.contextmanager
def fresh_database(tmp_path):
    """An SQLite file in tmp_path, or a new database beside DATABASE_URL's PostgreSQL one (dropped afterwards)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / 'concurrency.sqlite3'}"
        return
    import psycopg

    base, _, name = url.rpartition("/")
    name = f"{name.split('?')[0]}_concurrency_{os.getpid()}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def production_env(database_url, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return env | {
        # The suite's settings: production ones with DEBUG off, plain static files (no collectstatic needed).
        "DJANGO_SETTINGS_MODULE": "clinic.test_settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_LOCAL_HTTP": "1",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "DATABASE_URL": database_url,
    }


class Gunicorn:
    def __init__(self, env, log, workers=2):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "clinic.wsgi", "--workers", str(workers),
             "--bind", f"127.0.0.1:{self.port}", "--timeout", "120"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=open(log, "w"),
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.url("/healthz"), timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"gunicorn did not start: {Path(log).read_text()}")
            time.sleep(0.2)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def test_eight_sessions_saving_one_article_at_once_lose_nothing(tmp_path):
    with fresh_database(tmp_path) as database_url:
        env = production_env(database_url, tmp_path)
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"], env=env,
                       cwd=ROOT, check=True)
        article = subprocess.run(
            [sys.executable, "manage.py", "shell", "--no-imports", "-c", SETUP.format(sessions=SESSIONS)],
            env=env, cwd=ROOT, check=True, capture_output=True, text=True,
        ).stdout.split()[-1]
        with Gunicorn(env, tmp_path / "gunicorn.log", workers=2) as server:
            sessions = [Session(server.url(""), f"editor{n}") for n in range(SESSIONS)]
            path = f"/admin/education/article/{article}/change/"
            pool = ThreadPoolExecutor(SESSIONS)
            for round_number in range(ROUNDS):
                forms = [form_values(session.get(path), "article_form") for session in sessions]
                versions = {dict(form)["loaded_version"] for form in forms}
                assert len(versions) == 1, "every session starts from the same version"
                start = threading.Barrier(SESSIONS)

                def save(n):
                    text = f"Round {round_number}, text of editor {n}."
                    data = [(k, text if k == "body_en" else v) for k, v in forms[n]] + [("_save", "Save")]
                    start.wait()
                    return (n, text, *sessions[n].post(path, data))

                results = list(pool.map(save, range(SESSIONS)))
                statuses = [status for _n, _text, status, _body in results]
                assert not [s for s in statuses if s >= 500], f"round {round_number}: server errors {statuses}"
                saved = [(n, text) for n, text, status, _body in results if status == 302]
                assert len(saved) == 1, f"round {round_number}: {len(saved)} saves succeeded, statuses {statuses}"
                for n, text, status, body in results:
                    if status == 302:
                        continue
                    assert status == 200
                    assert "while you were editing" in body, f"editor {n} got no conflict message"
                    kept = dict(form_values(body, "article_form"))["body_en"]
                    assert kept == text, "the refused editor's text is still in the form"
                winner_text = saved[0][1]
                stored = dict(form_values(sessions[0].get(path), "article_form"))
                assert stored["body_en"] == winner_text
                assert int(stored["loaded_version"]) == int(versions.pop()) + 1
            pool.shutdown()


def test_sqlite_file_runs_in_wal_mode_with_immediate_transactions(tmp_path):
    """Patients' reads go on while a save is written; a transaction takes the write lock when it begins."""
    env = production_env(f"sqlite:///{tmp_path / 'wal.sqlite3'}", tmp_path)
    probe = (
        "import sqlite3\n"
        "from django.db import connection, transaction\n"
        "with transaction.atomic():\n"
        "    print(connection.cursor().execute('PRAGMA journal_mode').fetchone()[0])\n"
        "    other = sqlite3.connect(connection.settings_dict['NAME'], timeout=0, isolation_level=None)\n"
        "    try:\n"
        "        other.execute('BEGIN IMMEDIATE')\n"
        "    except sqlite3.OperationalError as error:\n"
        "        print(str(error).replace(' ', '-'))\n"
    )
    output = subprocess.run([sys.executable, "manage.py", "shell", "--no-imports", "-c", probe], env=env, cwd=ROOT,
                            check=True, capture_output=True, text=True).stdout.split()
    assert output == ["wal", "database-is-locked"], "an atomic block holds the write lock before it writes"
