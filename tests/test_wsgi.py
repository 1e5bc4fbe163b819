"""The WSGI entry point gunicorn loads: what it has loaded is kept out of the garbage collector's full collections."""
import os
import subprocess
import sys

from django.conf import settings


def test_the_loaded_application_is_frozen_for_the_garbage_collector():
    script = (
        "import gc; import clinic.wsgi; "
        "print(gc.get_freeze_count(), len(gc.get_objects()))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "clinic.settings", "DJANGO_DEBUG": "1"}
    output = subprocess.run(
        [sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    ).stdout
    frozen, scanned = map(int, output.split())
    # Nearly everything loaded is frozen; only what the freeze itself left behind is still scanned.
    assert frozen > 50_000 and scanned < frozen / 10
