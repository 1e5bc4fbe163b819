"""Failures degrade: with the database down patients get a short 503 in their language; a media store that fails
during an upload gives the editor a form error and leaves nothing half-saved."""
import contextlib
import errno
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from images.models import Image

from .factories import image_bytes, make_image
from .test_images import ADD_URL, image_form, stored_files


@contextlib.contextmanager
def portal_without_database(tmp_path):
    """tests.serving.serve() migrates its database first, which a database that is down cannot be: the same
    production settings and WSGI entry under gunicorn, pointed at a PostgreSQL port where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))} | {
        "DJANGO_SETTINGS_MODULE": "clinic.settings", "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "DJANGO_LOCAL_HTTP": "1", "DJANGO_CACHE_URL": "",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"), "DATABASE_URL": f"postgres://clinic@127.0.0.1:{closed}/clinic",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "tests.serving:application", "--workers", "2",
         "--bind", f"127.0.0.1:{port}"],
        env=env, cwd=Path(__file__).resolve().parent.parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            with contextlib.suppress(OSError):
                if urllib.request.urlopen(base + "/healthz", timeout=5).status == 200:
                    break
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_database_down_gives_patients_a_short_503_in_their_language(tmp_path):
    expected = {"/en/": "briefly unavailable", "/it/": "momentaneamente non disponibili",
                "/en/articles/anything/": "briefly unavailable", "/it/cerca/?q=acne": "momentaneamente non disponibili"}
    with portal_without_database(tmp_path) as base:
        for path, text in expected.items():
            with pytest.raises(urllib.error.HTTPError) as answer:
                urllib.request.urlopen(base + path, timeout=30)
            response = answer.value
            body = response.read().decode()
            assert response.code == 503, path
            assert response.headers["Retry-After"] == "60"
            assert text in body and "112" in body
            assert "Traceback" not in body and "OperationalError" not in body and len(body) < 2000


@pytest.mark.django_db
def test_other_server_errors_still_get_the_500_page(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("education.models.PublishableQuerySet.published", broken)
    response = Client(raise_request_exception=False).get("/en/")
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "Something went wrong" in response.text


class FailingStorage:
    """The file system storage, failing from the `fail_at`-th file written on: after writing half of that file
    (as a full disk does), or at once (as an object store that stops answering does)."""

    def __init__(self, monkeypatch, fail_at, error, partial):
        self.writes = 0
        real_save = FileSystemStorage._save

        def _save(storage, name, content):
            self.writes += 1
            if self.writes < fail_at:
                return real_save(storage, name, content)
            if partial:
                path = storage.path(name)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "wb") as half:
                    half.write(content.read()[:100])
            raise error

        monkeypatch.setattr(FileSystemStorage, "_save", _save)


FAILURES = {
    "disk full on the original": (1, OSError(errno.ENOSPC, "No space left on device"), True),
    "disk full on a rendition": (4, OSError(errno.ENOSPC, "No space left on device"), True),
    "media store not answering": (2, OSError(errno.ECONNRESET, "Connection reset by peer"), False),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", FAILURES)
@pytest.mark.parametrize("language", ["en", "it"])
def test_failing_media_storage_during_upload_is_a_form_error_and_saves_nothing(
    admin_client, media, monkeypatch, case, language
):
    fail_at, error, partial = FAILURES[case]
    FailingStorage(monkeypatch, fail_at, error, partial)
    upload = SimpleUploadedFile("photo.jpg", image_bytes(1200, 800))
    response = admin_client.post(ADD_URL, image_form(upload), headers={"accept-language": language})
    assert response.status_code == 200
    message = {"en": "could not be stored", "it": "Non è stato possibile salvare"}[language]
    assert message in " ".join(response.context["adminform"].form.errors["file"])
    assert Image.objects.count() == 0
    assert stored_files(media) == []


@pytest.mark.django_db
def test_failing_storage_when_replacing_a_file_keeps_the_old_image(admin_client, media, monkeypatch):
    image = make_image()
    before = (image.file.name, image.renditions, stored_files(media))
    FailingStorage(monkeypatch, 3, OSError(errno.ENOSPC, "No space left on device"), True)
    url = reverse("admin:images_image_change", args=[image.pk])
    upload = SimpleUploadedFile("new.jpg", image_bytes(900, 600))
    response = admin_client.post(url, image_form(upload))
    assert response.status_code == 200 and "file" in response.context["adminform"].form.errors
    image.refresh_from_db()
    assert (image.file.name, image.renditions, stored_files(media)) == before
