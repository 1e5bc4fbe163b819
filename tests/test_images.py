"""Images: unsafe uploads are refused leaving nothing behind, metadata is removed, renditions serve small phones."""
import io
import os
import re
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from PIL import Image as PILImage
from PIL import ImageFile

from images import processing as images
from images.models import Image

from .factories import image_bytes, make_article, make_clinician, make_image, make_procedure

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:images_image_add")


def stored_files(media):
    return sorted(str(path.relative_to(media)) for path in media.rglob("*") if path.is_file())


def png_header(width, height):
    """A tiny PNG whose header declares width × height pixels; decoding it would need gigabytes."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def corrupt_png():
    data = bytearray(image_bytes(300, 200, "PNG"))
    start = data.find(b"IDAT") + 10
    for i in range(start, start + 30):
        data[i] ^= 0x55
    return bytes(data)


def gif():
    buffer = io.BytesIO()
    PILImage.new("RGB", (50, 50), "red").save(buffer, "GIF")
    return buffer.getvalue()


def jpeg_with_metadata():
    """A 'clinic photo' with GPS position, camera serial, XMP and a rotate-90° orientation tag."""
    exif = PILImage.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif[0x0131] = "CameraMaker Firmware 1.0"
    exif[0xA431] = "SERIAL-0042-XYZ"
    exif[0x8825] = {1: "N", 2: (45.0, 27.0, 51.5), 3: "E", 4: (9.0, 11.0, 24.0)}
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>45,27.858N</exif:GPSLatitude></x:xmpmeta>'
    return image_bytes(1000, 600, "JPEG", exif=exif, xmp=xmp)


def image_form(upload, **overrides):
    return {"file": upload, "alt_en": "A test picture", "alt_it": "Un'immagine di prova", **overrides}


REFUSED = {
    "svg renamed to jpg": (
        "photo.jpg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "not a JPEG, PNG or WebP",
    ),
    "html renamed to png": ("photo.png", b"<!doctype html><html><body>hi</body></html>", "not a JPEG, PNG or WebP"),
    "gif renamed to png": ("photo.png", gif(), "not a JPEG, PNG or WebP"),
    "truncated jpeg": ("photo.jpg", image_bytes(800, 600)[:6000], "damaged or incomplete"),
    "corrupt png": ("photo.png", corrupt_png(), "damaged or incomplete"),
    "over 10 MB": ("photo.jpg", image_bytes(100, 100) + b"\0" * images.MAX_UPLOAD_BYTES, "larger than 10 MB"),
    "30000 x 30000 pixels": ("photo.png", png_header(30000, 30000), "more than 40 million pixels"),
    "42 megapixels": ("photo.png", png_header(7000, 6000), "more than 40 million pixels"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_unsafe_upload_is_a_form_error_and_leaves_nothing_behind(admin_client, media, case):
    name, data, message = REFUSED[case]
    response = admin_client.post(ADD_URL, image_form(SimpleUploadedFile(name, data)))
    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors["file"])
    assert Image.objects.count() == 0
    assert stored_files(media) == []


def test_empty_file_is_a_form_error_and_leaves_nothing_behind(admin_client, media):
    response = admin_client.post(ADD_URL, image_form(SimpleUploadedFile("photo.jpg", b"")))
    assert response.status_code == 200
    assert "file" in response.context["adminform"].form.errors
    assert Image.objects.count() == 0
    assert stored_files(media) == []


def test_refusal_is_in_the_editors_language(admin_client):
    response = admin_client.post(
        ADD_URL, image_form(SimpleUploadedFile("photo.jpg", b"<svg/>")), HTTP_ACCEPT_LANGUAGE="it"
    )
    assert "non è un'immagine JPEG, PNG o WebP" in " ".join(response.context["adminform"].form.errors["file"])


def test_pixel_bomb_is_refused_from_the_header_without_decoding(monkeypatch):
    def no_decoding(self):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    with pytest.raises(ValidationError) as refused:
        images.decode(ContentFile(png_header(30000, 30000)))
    assert refused.value.code == "too_many_pixels"


def test_unsafe_file_saved_in_code_is_refused_and_nothing_is_stored(media):
    image = Image(alt_en="x", alt_it="x")
    image.file = ContentFile(b"<svg/>", name="evil.png")
    with pytest.raises(ValidationError):
        image.save()
    assert Image.objects.count() == 0
    assert stored_files(media) == []


def test_upload_is_stored_under_a_generated_name_without_metadata(admin_client, media):
    upload = SimpleUploadedFile("maria-rossi-acne-before.jpg", jpeg_with_metadata())
    response = admin_client.post(ADD_URL, image_form(upload))
    assert response.status_code == 302, response.context["adminform"].form.errors
    image = Image.objects.get()
    assert re.fullmatch(r"images/[0-9a-f]{32}/original\.jpg", image.file.name)
    assert not any("rossi" in name for name in stored_files(media))
    # The orientation tag was applied to the pixels before it was dropped.
    assert (image.width, image.height) == (600, 1000)
    assert len(image.stored_names()) == 5  # the original, then WebP and JPEG at 480 and 600 px
    for name in image.stored_names():
        data = default_storage.open(name).read()
        for secret in (b"SERIAL-0042-XYZ", b"CameraMaker", b"GPSLatitude", b"Exif\0\0"):
            assert secret not in data, (name, secret)
        stored = PILImage.open(io.BytesIO(data))
        assert not stored.getexif()
        assert stored.height > stored.width


def test_renditions_are_webp_and_jpeg_at_each_width_never_wider_than_the_original():
    image = make_image(2000, 1000)
    assert image.format == "JPEG"
    assert [(r["width"], r["format"]) for r in image.renditions] == [
        (480, "WEBP"), (480, "JPEG"), (960, "WEBP"), (960, "JPEG"), (1600, "WEBP"), (1600, "JPEG"),
    ]
    for rendition in image.renditions:
        stored = PILImage.open(default_storage.open(rendition["name"]))
        assert stored.format == rendition["format"]
        assert stored.size == (rendition["width"], rendition["width"] // 2) == (rendition["width"], rendition["height"])

    small = make_image(700, 350)
    assert sorted({r["width"] for r in small.renditions}) == [480, 700]


def test_transparent_png_falls_back_to_png_and_keeps_its_transparency():
    image = Image(alt_en="Logo", alt_it="Logo")
    image.file = ContentFile(image_bytes(600, 300, "PNG", mode="RGBA", color=(0, 0, 0, 0)), name="logo.png")
    image.save()
    assert {r["format"] for r in image.renditions} == {"WEBP", "PNG"}
    fallback = PILImage.open(default_storage.open(image.renditions[1]["name"]))
    assert fallback.format == "PNG"
    assert fallback.getpixel((0, 0))[3] == 0


def test_article_page_has_picture_with_srcset_sizes_and_dimensions(client):
    article = make_article(image=make_image(2000, 1000))
    soup = BeautifulSoup(client.get(article.get_absolute_url()).text, "html.parser")
    picture = soup.select_one("article picture")
    source, img = picture.find("source"), picture.find("img")
    assert source["type"] == "image/webp"
    assert [c.split()[1] for c in source["srcset"].split(", ")] == ["480w", "960w", "1600w"]
    assert all(c.split()[0].endswith(".webp") for c in source["srcset"].split(", "))
    assert all(c.split()[0].endswith(".jpg") for c in img["srcset"].split(", "))
    assert source["sizes"] == img["sizes"]
    assert (img["width"], img["height"]) == ("2000", "1000")
    assert img["loading"] == "eager"
    assert img["alt"] == "A blue test picture"


def test_procedure_page_shows_its_image_and_the_clinician_photo_loads_lazily(client):
    clinician = make_clinician(photo=make_image(400, 400, alt_en="Dr Test smiling", alt_it="La dott.ssa Test"))
    procedure = make_procedure(image=make_image(), reviewed_by=clinician)
    soup = BeautifulSoup(client.get(procedure.get_absolute_url()).text, "html.parser")
    top, portrait = soup.select("article picture img")
    assert top["loading"] == "eager"
    assert portrait["loading"] == "lazy"
    assert portrait["alt"] == "Dr Test smiling"
    assert portrait.find_parent("picture").find("source")["sizes"] == "5rem"


def test_alt_text_follows_the_page_language(client):
    article = make_article(image=make_image(alt_en="Layers of the skin", alt_it="Gli strati della pelle"))
    with translation.override("it"):
        italian_url = article.get_absolute_url()
    english = BeautifulSoup(client.get(article.get_absolute_url()).text, "html.parser")
    italian = BeautifulSoup(client.get(italian_url).text, "html.parser")
    assert english.select_one("article picture img")["alt"] == "Layers of the skin"
    assert italian.select_one("article picture img")["alt"] == "Gli strati della pelle"


def test_decorative_image_has_empty_alt(client):
    article = make_article(image=make_image(alt_en="", alt_it="", decorative=True))
    html = client.get(article.get_absolute_url()).text
    img = BeautifulSoup(html, "html.parser").select_one("article picture img")
    assert img["alt"] == ""
    assert 'alt=""' in html


def test_image_needs_alt_text_in_every_language_unless_decorative(admin_client, media):
    upload = SimpleUploadedFile("a.jpg", image_bytes(300, 200))
    response = admin_client.post(ADD_URL, image_form(upload, alt_it=""))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "alt_it" in errors and "alt_en" not in errors
    assert Image.objects.count() == 0
    assert stored_files(media) == []

    upload = SimpleUploadedFile("a.jpg", image_bytes(300, 200))
    response = admin_client.post(ADD_URL, image_form(upload, alt_en="", alt_it="", decorative="on"))
    assert response.status_code == 302
    assert Image.objects.get().decorative


def test_admin_shows_a_thumbnail_on_the_form_and_in_the_list(admin_client):
    image = make_image()
    thumbnail = image.thumbnail_url
    assert thumbnail.endswith("-480w.webp")
    assert thumbnail in admin_client.get(reverse("admin:images_image_change", args=[image.pk])).text
    assert thumbnail in admin_client.get(reverse("admin:images_image_changelist")).text


def test_replacing_the_file_removes_the_old_files(admin_client, media, django_capture_on_commit_callbacks):
    image = make_image(alt_en="Old", alt_it="Vecchia")
    old = set(image.stored_names())
    url = reverse("admin:images_image_change", args=[image.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, image_form(SimpleUploadedFile("new.png", image_bytes(900, 900, "PNG"))))
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.format == "PNG" and image.width == 900
    assert set(stored_files(media)) == set(image.stored_names())
    assert not old & set(stored_files(media))


def test_deleting_images_removes_their_files(media, django_capture_on_commit_callbacks):
    one, two, three = make_image(), make_image(), make_image()
    with django_capture_on_commit_callbacks(execute=True):
        one.delete()
    assert set(stored_files(media)) == set(two.stored_names()) | set(three.stored_names())
    with django_capture_on_commit_callbacks(execute=True):
        Image.objects.all().delete()  # what the admin's "delete selected" does
    assert stored_files(media) == []


def test_deleting_an_image_keeps_the_article(client, django_capture_on_commit_callbacks):
    article = make_article(image=make_image())
    with django_capture_on_commit_callbacks(execute=True):
        article.image.delete()
    article.refresh_from_db()
    assert article.image is None
    assert client.get(article.get_absolute_url()).status_code == 200


def test_rebuild_renditions_replaces_every_rendition(media, django_capture_on_commit_callbacks):
    first, second = make_image(2000, 1000), make_image(500, 500)
    before = set(stored_files(media))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rebuild_renditions", verbosity=0)
    first.refresh_from_db()
    second.refresh_from_db()
    after = set(stored_files(media))
    assert after == set(first.stored_names()) | set(second.stored_names())
    assert before & after == {first.file.name, second.file.name}  # only the originals stay
    assert len(first.renditions) == 6 and len(second.renditions) == 4


def test_rebuild_renditions_dry_run_changes_nothing(media, django_capture_on_commit_callbacks):
    image = make_image()
    before = stored_files(media)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rebuild_renditions", dry_run=True, stdout=out)
    assert "Would rebuild the renditions of 1 image(s)." in out.getvalue()
    assert stored_files(media) == before
    assert Image.objects.get().renditions == image.renditions


def test_make_demo_images_illustrates_the_demo_items_once(media):
    article_one, article_two = make_article(pk=1), make_article(pk=2)
    procedure = make_procedure(pk=1)
    call_command("make_demo_images", verbosity=0)
    for item in (article_one, article_two, procedure):
        item.refresh_from_db()
        assert item.image.alt_en and item.image.alt_it and not item.image.decorative
        assert "CC0" in item.image.credit_en
    files = stored_files(media)
    call_command("make_demo_images", verbosity=0)
    assert Image.objects.count() == 3
    assert stored_files(media) == files


def chosen_width(img, viewport_px, device_pixel_ratio):
    """The candidate a browser picks: the smallest one dense enough for the slot that `sizes` gives."""
    slot = viewport_px - 32  # calc(100vw - 2rem) below the 44rem breakpoint, which phones are under
    assert viewport_px < 44 * 16 and img["sizes"].endswith("calc(100vw - 2rem)")
    widths = sorted(int(c.split()[1].rstrip("w")) for c in img["srcset"].split(", "))
    return next((w for w in widths if w / slot >= device_pixel_ratio), widths[-1])


@pytest.mark.parametrize(("viewport", "ratio", "expected"), [(360, 1, 480), (390, 2, 960), (412, 2.6, 1600)])
def test_phone_width_article_gets_no_image_wider_than_it_needs(client, viewport, ratio, expected):
    article = make_article(image=make_image(3000, 2000))
    soup = BeautifulSoup(client.get(article.get_absolute_url()).text, "html.parser")
    source = soup.select_one("article picture source")
    assert chosen_width(source, viewport, ratio) == expected
    # The smallest file that covers the slot, and the src for browsers without srcset is the smallest of all.
    assert soup.select_one("article picture img")["src"].endswith("-480w.jpg")


def test_images_add_no_queries_to_the_article_page(client, django_assert_num_queries):
    client.get(make_article().get_absolute_url())  # reads the glossary's terms, once per glossary version
    plain = make_article()
    with CaptureQueriesContext(connection) as plain_queries:
        client.get(plain.get_absolute_url())
    illustrated = make_article(image=make_image(), reviewed_by=make_clinician(photo=make_image()))
    with django_assert_num_queries(len(plain_queries)):
        html = client.get(illustrated.get_absolute_url()).text
    assert html.count("<picture>") == 2


def settings_storage(**env):
    """The default storage backend that clinic.settings picks with these environment variables."""
    code = "import clinic.settings as s; print(s.STORAGES['default']['BACKEND'])"
    environ = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "DJANGO_MEDIA"))}
    return subprocess.run(
        [sys.executable, "-c", code],
        env=environ | {"DJANGO_DEBUG": "1"} | env,
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
    )


def test_media_storage_is_the_file_system_unless_s3_is_asked_for():
    result = settings_storage()
    assert result.stdout.strip() == "django.core.files.storage.FileSystemStorage", result.stderr
    # Without django-storages installed, or without a bucket, s3 is refused with a message that says what is missing.
    refused = settings_storage(DJANGO_MEDIA_STORAGE="s3")
    assert refused.returncode != 0
    assert "DJANGO_MEDIA_STORAGE=s3 needs" in refused.stderr
    assert "DJANGO_MEDIA_STORAGE must be" in settings_storage(DJANGO_MEDIA_STORAGE="ftp").stderr


def test_editors_may_add_and_change_images_and_reviewers_may_delete_them():
    from django.contrib.auth.models import Group

    editors = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    reviewers = set(Group.objects.get(name="Clinical reviewers").permissions.values_list("codename", flat=True))
    assert {"add_image", "change_image", "view_image"} <= editors
    assert "delete_image" not in editors
    assert "delete_image" in reviewers


def test_rebuild_stops_with_a_clear_error_and_keeps_the_old_renditions(media, django_capture_on_commit_callbacks):
    good, broken = make_image(), make_image()
    default_storage.delete(broken.file.name)
    default_storage.save(broken.file.name, ContentFile(b"not an image any more"))
    before = {image.pk: image.renditions for image in (good, broken)}
    with pytest.raises(CommandError, match=f"Image {broken.pk}"):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("rebuild_renditions", verbosity=0)
    for image in (good, broken):
        image.refresh_from_db()
        assert image.renditions == before[image.pk]
    assert set(stored_files(media)) == set(good.stored_names()) | set(broken.stored_names())


def test_sixteen_bit_greyscale_keeps_its_tones():
    image = Image(alt_en="Scan", alt_it="Scansione")
    image.file = ContentFile(image_bytes(500, 300, "PNG", mode="I;16", color=30000), name="scan.png")
    image.save()
    stored = PILImage.open(default_storage.open(image.file.name)).convert("L")
    assert stored.getpixel((0, 0)) == 30000 // 256


def test_editing_only_the_alt_text_keeps_the_files(admin_client, media, django_capture_on_commit_callbacks):
    image = make_image()
    files = stored_files(media)
    url = reverse("admin:images_image_change", args=[image.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"alt_en": "New words", "alt_it": "Parole nuove"})
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.alt_it == "Parole nuove"
    assert stored_files(media) == files


def test_the_images_app_never_imports_education():
    import ast
    from pathlib import Path

    import images as images_app

    imported = set()
    for path in Path(images_app.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                imported.add(node.module.split(".")[0])
    assert "images" in imported  # the check reads the app's own imports
    assert "education" not in imported
