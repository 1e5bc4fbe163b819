"""Eight staff sessions save the same article at the same moment through gunicorn with two workers.

The database is the one the suite runs on: a fresh SQLite file, or a fresh database next to DATABASE_URL's
PostgreSQL one. Each round every session loads the same version of the article, then all post at once: exactly one
save wins, the others see the "changed while you were editing" message with their own text still in the form, and
no request ends in a server error.
"""
import os
import secrets
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.serving import serve

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
PASSWORD = "pw"  # what tests.factories.make_staff gives


def page(session, path):
    response = session.get(path)
    assert response.status == 200, (path, response.status)
    return response.text


def form_values(html, form_id="article_form"):
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
    return values


def test_eight_sessions_saving_one_article_at_once_lose_nothing(tmp_path):
    with serve(tmp_path, workers=2) as portal:
        article = portal.manage("shell", "--no-imports", "-c", SETUP.format(sessions=SESSIONS)).split()[-1]
        sessions = [portal.client() for _n in range(SESSIONS)]
        for n, session in enumerate(sessions):
            session.login(f"editor{n}", PASSWORD)
        path = f"/admin/education/article/{article}/change/"
        pool = ThreadPoolExecutor(SESSIONS)
        for round_number in range(ROUNDS):
            forms = [form_values(page(session, path)) for session in sessions]
            versions = {dict(form)["loaded_version"] for form in forms}
            assert len(versions) == 1, "every session starts from the same version"
            start = threading.Barrier(SESSIONS)

            def save(n, round_number=round_number, forms=forms, start=start):
                text = f"Round {round_number}, text of editor {n}."
                data = [(k, text if k == "body_en" else v) for k, v in forms[n]] + [("_save", "Save")]
                start.wait()
                return n, text, sessions[n].post(path, data, timeout=60)

            results = list(pool.map(save, range(SESSIONS)))
            statuses = [response.status for _n, _text, response in results]
            assert not [s for s in statuses if s >= 500], f"round {round_number}: server errors {statuses}"
            saved = [(n, text) for n, text, response in results if response.status == 302]
            assert len(saved) == 1, f"round {round_number}: {len(saved)} saves succeeded, statuses {statuses}"
            for n, text, response in results:
                if response.status == 302:
                    continue
                assert response.status == 200
                assert "while you were editing" in response.text, f"editor {n} got no conflict message"
                kept = dict(form_values(response.text))["body_en"]
                assert kept == text, "the refused editor's text is still in the form"
            stored = dict(form_values(page(sessions[0], path)))
            assert stored["body_en"] == saved[0][1]
            assert int(stored["loaded_version"]) == int(versions.pop()) + 1
        pool.shutdown()


def test_sqlite_file_runs_in_wal_mode_with_immediate_transactions(tmp_path):
    """Patients' reads go on while a save is written; a transaction takes the write lock when it begins."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")} | {
        "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'wal.sqlite3'}",
    }
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
