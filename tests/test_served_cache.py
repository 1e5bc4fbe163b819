"""The page cache under gunicorn with several workers: once staff change something, no worker shows the old state.

Each worker has its own memory, so a cache that is right in one process can still serve a withdrawn page from
another. These tests start real processes (tests/serving.py), warm every page type in every language on every
worker, change content through the admin over HTTP, and read every page again from every worker.
"""
import concurrent.futures
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time

import pytest
from django.conf import settings

from .serving import free_port, serve
from .utils import form_data

pytestmark = pytest.mark.served

PASSWORD = "served test password 7"
# Run in the served database by `manage.py shell`: marks one article and one treatment with unique titles, then
# prints every patient page type's address in every language, and the two items' addresses.
PAGES_SCRIPT = """
import json
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.contrib.auth import get_user_model
from education.models import FAQ, Article, Clinician, Page, ProcedureNote, Topic

token = {token!r}
# The staff account signs as a clinician of its own (the demo's clinicians cannot sign on a live portal).
Clinician.objects.create(
    name="Dr Served", role_en="Dermatologist", role_it="Dermatologa", user=get_user_model().objects.get(username="boss")
)
article = Article.objects.published().filter(topics__isnull=False).order_by("pk").first()
procedure = ProcedureNote.objects.published().order_by("pk").first()
for code, _name in settings.LANGUAGES:
    setattr(article, f"title_{{code}}", f"Withdrawn {{token}} {{code}}")
    setattr(procedure, f"title_{{code}}", f"Old {{token}} {{code}}")
article.save()
procedure.save()
pages, items = [], {{}}
for code, _name in settings.LANGUAGES:
    with translation.override(code):
        pages += [
            reverse("education:home"), reverse("education:articles"), reverse("education:procedures"),
            reverse("education:faq"), reverse("education:feed"),
            reverse("education:search") + "?q=" + token,
            article.get_absolute_url(), procedure.get_absolute_url(),
            article.topics.order_by("pk").first().get_absolute_url(),
            FAQ.objects.published().order_by("pk").first().get_absolute_url(),
            Page.objects.published().order_by("pk").first().get_absolute_url(),
        ]
        items[code] = {{"article": article.get_absolute_url(), "procedure": procedure.get_absolute_url()}}
pages.append("/sitemap.xml")
print(json.dumps({{"pages": pages, "items": items, "article": article.pk, "procedure": procedure.pk}}))
"""
# These tests are about the cache: staff sign in with a password alone (two-step sign-in has its own tests).
PASSWORD_SIGN_IN = {"DJANGO_TWO_FACTOR": "0"}


def fetch_from_every_worker(portal, path, times=2):
    """Ask for `path` concurrently until every worker has answered it `times` times; all the answers."""
    workers = set(portal.worker_pids())
    answers, seen = [], {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(100):
            batch = list(pool.map(lambda _i: portal.client().get(path), range(4)))
            answers += batch
            for answer in batch:
                seen[answer.worker] = seen.get(answer.worker, 0) + 1
            if all(seen.get(worker, 0) >= times for worker in workers):
                return answers
    raise AssertionError(f"{path}: answered only by {seen}, workers {sorted(workers)}")


def prepare(portal):
    portal.manage("load_demo", "--allow-without-debug")
    portal.create_superuser("boss", PASSWORD)
    token = secrets.token_hex(4)
    info = json.loads(portal.manage("shell", "--no-imports", "-c", PAGES_SCRIPT.format(token=token)))
    return token, info


def warm(portal, pages):
    """Every page on every worker; returns the pages whose text named the item ("Withdrawn …" / "Old …")."""
    shown = {}
    for path in pages:
        for answer in fetch_from_every_worker(portal, path):
            assert answer.status == 200, (path, answer.status)
            shown[path] = answer.text
    return shown


def unpublish_in_admin(staff, model, pk):
    changelist = f"/admin/education/{model}/"
    token = staff.csrf_token(staff.get(changelist).text)
    answer = staff.post(
        changelist,
        {"csrfmiddlewaretoken": token, "action": "unpublish", "_selected_action": [pk], "index": 0, "select_across": 0},
    )
    assert answer.status == 302, answer.text[:2000]


def edit_titles_in_admin(staff, model, pk, titles):
    url = f"/admin/education/{model}/{pk}/change/"
    data = form_data(staff.get(url).text)
    data.update(titles)
    data["_save"] = "Save"
    answer = staff.post(url, data)
    assert answer.status == 302, answer.text[:5000]
    # A live item's edit waits as a pending change until each language is approved and the item published.
    signoff = f"/admin/education/{model}/{pk}/signoff/"
    for code, _name in settings.LANGUAGES:
        answer = staff.post(signoff, form_data(staff.get(signoff).text, form_id=f"approve-{code}"))
        assert answer.status == 302, answer.text[:5000]
    page = staff.get(signoff).text
    answer = staff.post(signoff, {"csrfmiddlewaretoken": staff.csrf_token(page), "step": "publish"})
    assert answer.status == 302, answer.text[:5000]


def check_nothing_old(portal, pages, info, token):
    withdrawn = {info["items"][code]["article"] for code, _name in settings.LANGUAGES}
    for path in pages:
        for answer in fetch_from_every_worker(portal, path, times=3):
            assert f"Withdrawn {token}" not in answer.text, (path, answer.worker)
            assert f"Old {token}" not in answer.text, (path, answer.worker)
            if path in withdrawn:
                assert answer.status == 404, (path, answer.worker, answer.status)
                continue
            assert answer.status == 200, (path, answer.worker, answer.status)
            assert not any(address in answer.text for address in withdrawn), (path, answer.worker)
            for code, _name in settings.LANGUAGES:
                if path == info["items"][code]["procedure"]:
                    assert f"New {token} {code}" in answer.text, (path, answer.worker)


def change_and_check(portal):
    token, info = prepare(portal)
    shown = warm(portal, info["pages"])
    # The warm pages did show the old state, so the checks below can tell a stale page from a fresh one.
    for code, _name in settings.LANGUAGES:
        assert any(f"Withdrawn {token} {code}" in text for path, text in shown.items() if "sitemap" not in path)
        assert any(f"Old {token} {code}" in text for text in shown.values())
    staff = portal.client()
    staff.login("boss", PASSWORD)
    unpublish_in_admin(staff, "article", info["article"])
    edit_titles_in_admin(
        staff, "procedurenote", info["procedure"],
        {f"title_{code}": f"New {token} {code}" for code, _name in settings.LANGUAGES},
    )
    check_nothing_old(portal, info["pages"], info, token)


def test_two_workers_with_their_own_memory_never_show_a_withdrawn_or_old_page(tmp_path):
    with serve(tmp_path, workers=2, cache_url="", env=PASSWORD_SIGN_IN) as portal:
        change_and_check(portal)


@pytest.fixture
def redis_url(tmp_path):
    """A real Redis: CLINIC_TEST_REDIS_URL (CI starts one), else a redis-server started here for this test."""
    if os.environ.get("CLINIC_TEST_REDIS_URL"):
        yield os.environ["CLINIC_TEST_REDIS_URL"]
        return
    server = shutil.which("redis-server")
    if server is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is not installed (apt-get install redis-server); CI must run this test")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)


def test_two_workers_sharing_redis_never_show_a_withdrawn_or_old_page(tmp_path, redis_url):
    with serve(tmp_path, workers=2, cache_url=redis_url, env=PASSWORD_SIGN_IN) as portal:
        change_and_check(portal)


def test_with_the_shared_cache_down_patients_get_pages_and_staff_can_save(tmp_path):
    closed = free_port()  # nothing listens there: every cache call fails at once
    with serve(tmp_path, workers=2, cache_url=f"redis://127.0.0.1:{closed}/0", env=PASSWORD_SIGN_IN) as portal:
        token, info = prepare(portal)
        for path in info["pages"]:
            for answer in fetch_from_every_worker(portal, path, times=1):
                assert answer.status == 200, (path, answer.status)
        staff = portal.client()
        staff.login("boss", PASSWORD)
        assert staff.get("/admin/").status == 200
        edit_titles_in_admin(
            staff, "procedurenote", info["procedure"],
            {f"title_{code}": f"New {token} {code}" for code, _name in settings.LANGUAGES},
        )
        for code, _name in settings.LANGUAGES:
            answer = portal.client().get(info["items"][code]["procedure"])
            assert answer.status == 200 and f"New {token} {code}" in answer.text
        log = portal.log_text()
        assert "Page cache read failed; serving pages uncached" in log
        assert "Internal Server Error" not in log and " 500 " not in log
