"""Printed leaflets: codes, versions, review dates, the short link and its QR code (issue 19)."""
import datetime
import importlib
import re

import pytest
import segno
import zxingcpp
from bs4 import BeautifulSoup
from django.apps import apps as django_apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from education import leaflets, services
from education.models import Article, ProcedureNote

from .factories import make_article, make_clinic, make_clinician, make_procedure, make_staff, sign_live

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def short_path(item, language):
    with translation.override(language):
        return reverse("education:leaflet", kwargs={"code": item.leaflet_code})


def test_first_save_gives_each_kind_a_code_from_its_prefix_and_id():
    article, procedure = make_article(), make_procedure()
    assert article.leaflet_code == f"ART-{article.pk:03d}"
    assert procedure.leaflet_code == f"TRT-{procedure.pk:03d}"
    assert Article.objects.get(pk=article.pk).leaflet_code == article.leaflet_code


def test_code_stays_when_the_item_is_saved_again_and_a_taken_code_is_skipped():
    first = make_article()
    taken = f"ART-{first.pk + 1:03d}"
    first.leaflet_code = taken
    first.save()
    first.title_en = "Changed"
    first.save()
    assert Article.objects.get(pk=first.pk).leaflet_code == taken
    second = make_article()
    assert second.pk == first.pk + 1
    assert second.leaflet_code == f"ART-{second.pk + 1:03d}"  # its own number was taken by an editor


def test_codes_are_unique_in_the_database_and_across_kinds():
    article = make_article()
    other = make_article()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=other.pk).update(leaflet_code=article.leaflet_code)
    procedure = make_procedure()
    procedure.leaflet_code = article.leaflet_code
    with pytest.raises(ValidationError) as error:
        procedure.full_clean()
    assert "leaflet_code" in error.value.message_dict


def test_a_code_is_capital_letters_digits_and_hyphens():
    article = make_article()
    article.leaflet_code = "derm 12"
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "leaflet_code" in error.value.message_dict
    article.leaflet_code = "derm-012"
    article.save()
    assert Article.objects.get(pk=article.pk).leaflet_code == "DERM-012"


def test_the_migration_gives_existing_items_the_code_a_save_would():
    article, procedure = make_article(), make_procedure()
    Article.objects.update(leaflet_code=None)
    ProcedureNote.objects.update(leaflet_code=None)
    migration = importlib.import_module("education.migrations.0012_leaflet_codes")
    migration.give_codes(django_apps, None)
    assert Article.objects.get(pk=article.pk).leaflet_code == f"ART-{article.pk:03d}"
    assert ProcedureNote.objects.get(pk=procedure.pk).leaflet_code == f"TRT-{procedure.pk:03d}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("maker", [make_article, make_procedure])
def test_short_link_leads_to_the_current_version_in_the_printed_language(client, maker, language):
    item = maker()
    response = client.get(short_path(item, language))
    assert response.status_code == 302
    with translation.override(language):
        assert response["Location"] == item.get_absolute_url()
    assert response["Location"].startswith(f"/{language}/")
    lower_case = short_path(item, language).replace(item.leaflet_code, item.leaflet_code.lower())
    assert client.get(lower_case).status_code == 302


@pytest.mark.parametrize("language", LANGUAGES)
def test_short_link_follows_a_new_slug(client, language):
    item = make_article()
    printed = short_path(item, language)
    Article.objects.filter(pk=item.pk).update(**{f"slug_{language}": f"renamed-{language}"})
    assert client.get(printed)["Location"].endswith(f"/renamed-{language}/")


@pytest.mark.parametrize("language", LANGUAGES)
def test_short_link_of_a_withdrawn_item_says_so_at_once_with_the_clinics_phone(client, language):
    make_clinic()
    item = make_procedure()
    path = short_path(item, language)
    assert client.get(path).status_code == 302
    services.unpublish(item=item, user=make_staff("boss", role=None, is_superuser=True))
    response = client.get(path)
    assert response.status_code == 410
    page = BeautifulSoup(response.content, "html.parser")
    assert page.html["lang"] == language
    with translation.override(language):
        assert page.find("a", href=reverse("education:home"))
    assert page.find("a", href="tel:+390212345678")
    assert item.leaflet_code in page.get_text()
    assert "Set-Cookie" not in response


def test_short_link_of_an_expired_or_scheduled_item_is_gone_and_an_unknown_code_is_not_found(client):
    item = make_article()
    Article.objects.filter(pk=item.pk).update(expire_at=timezone.now() - datetime.timedelta(minutes=1))
    assert client.get(short_path(item, "en")).status_code == 410
    scheduled = make_article(publish_at=timezone.now() + datetime.timedelta(days=1))
    assert client.get(short_path(scheduled, "en")).status_code == 410
    assert client.get(reverse("education:leaflet", kwargs={"code": "NOPE-999"})).status_code == 404


def test_page_cache_never_keeps_a_short_link_answer(client, settings):
    settings.PAGE_CACHE = True
    item = make_article()
    path = short_path(item, "en")
    assert client.get(path).status_code == 302
    assert client.get(item.get_absolute_url()).status_code == 200  # the article page itself is now cached
    Article.objects.filter(pk=item.pk).update(status="draft")  # no signal: the cache is not told
    assert client.get(path).status_code == 410


def printed_leaflet(client, item, language):
    with translation.override(language):
        response = client.get(item.get_absolute_url())
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").select_one(".leaflet")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("maker", [make_article, make_procedure])
def test_print_carries_code_version_review_dates_and_short_link(client, maker, language):
    item = maker(last_reviewed=datetime.date(2026, 1, 10))
    leaflet = printed_leaflet(client, item, language)
    assert leaflet.select_one(".leaflet-code").text == item.leaflet_code
    assert leaflet.select_one(".leaflet-version").text == "1"
    with translation.override(language):
        reviewed = {"en": "Jan. 10, 2026", "it": "10 gennaio 2026"}[language]
        assert leaflet.select_one(".leaflet-reviewed").text == reviewed
        assert leaflet.select_one(".leaflet-due").text == {"en": "Jan. 10, 2027", "it": "10 gennaio 2027"}[language]
    assert leaflet.select_one(".leaflet-url").text == f"http://testserver{short_path(item, language)}"


def test_version_is_the_number_of_the_live_approval_of_the_printed_language(client):
    item = make_article()
    item.body_it = "Testo nuovo e rivisto."
    item.status = "draft"
    item.save()
    sign_live(item, make_clinician(), datetime.date(2026, 3, 1), languages=["it"])
    item.refresh_from_db()
    assert printed_leaflet(client, item, "it").select_one(".leaflet-version").text == "2"
    assert printed_leaflet(client, item, "en").select_one(".leaflet-version").text == "1"


def decode_svg_modules(svg):
    """The dark modules segno's inline SVG draws: each path segment `h<n>` is a run of n modules on one row."""
    scale = int(re.search(r"scale\((\d+)\)", svg).group(1))
    size = int(re.search(r'viewBox="0 0 (\d+) ', svg).group(1)) // scale
    path = re.search(r' d="([^"]+)"', svg).group(1)
    dark = set()
    x = y = 0.0
    for move, dx, dy, run in re.findall(r"([Mm])(-?[\d.]+) (-?[\d.]+)h(\d+)", path):
        x, y = (float(dx), float(dy)) if move == "M" else (x + float(dx), y + float(dy))
        for column in range(int(run)):
            dark.add((int(x) + column, int(y)))
        x += int(run)
    margin = 4  # a wider quiet zone than the printed one, as the paper around the code gives
    image = Image.new("L", ((size + 2 * margin) * 4, (size + 2 * margin) * 4), 255)
    for column, row in dark:
        for i in range(4):
            for j in range(4):
                image.putpixel(((column + margin) * 4 + i, (row + margin) * 4 + j), 0)
    return image


@pytest.mark.parametrize("language", LANGUAGES)
def test_printed_qr_code_decodes_to_the_short_link(client, language):
    item = make_procedure()
    with translation.override(language):
        html = client.get(item.get_absolute_url()).content.decode()
    svg = re.search(r'<div class="leaflet-qr"[^>]*>(<svg.*?</svg>)</div>', html).group(1)
    url = f"http://testserver{short_path(item, language)}"
    results = zxingcpp.read_barcodes(decode_svg_modules(svg))
    assert [result.text for result in results] == [url]
    assert svg == segno.make(url, error="m").svg_inline(scale=2, border=2, omitsize=True)


def test_qr_code_is_drawn_once_per_address():
    leaflets.qr_svg.cache_clear()
    first = leaflets.qr_svg("http://testserver/en/l/ART-001")
    assert leaflets.qr_svg("http://testserver/en/l/ART-001") is first
    assert leaflets.qr_svg.cache_info().hits == 1


def test_leaflet_is_print_only():
    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
    screen = css.split("@media print")[0]
    assert ".leaflet { display: none; }" in css
    assert ".leaflet" not in screen.replace(".leaflet { display: none; }", "")


@pytest.mark.parametrize("maker", [make_article, make_procedure])
def test_contact_details_and_emergency_paragraph_appear_once_per_item_page(client, maker):
    make_clinic()
    item = maker()
    page = BeautifulSoup(client.get(item.get_absolute_url()).content, "html.parser")
    assert len(page.select(".emergency")) == 1
    assert len(page.select('a[href^="tel:"]')) == 1
    home = BeautifulSoup(client.get(reverse("education:home")).content, "html.parser")
    assert len(home.select(".emergency")) == 1  # other pages keep the footer's contact details


def test_treatment_page_lists_its_sections_with_working_anchors(client):
    item = make_procedure(aftercare_en="Keep it clean.")
    page = BeautifulSoup(client.get(item.get_absolute_url()).content, "html.parser")
    links = page.select(".on-this-page a")
    assert [link["href"] for link in links] == ["#what_it_is-heading", "#aftercare-heading", "#risks-heading",
                                                "#when_to_contact-heading"]
    for link in links:
        assert page.find(id=link["href"][1:]).name == "h2"


def test_only_an_administrator_may_change_a_code_in_the_admin(client):
    article = make_article()
    url = reverse("admin:education_article_change", args=[article.pk])
    for role in ("Editors", "Clinical reviewers"):
        client.force_login(make_staff(role.split()[-1].lower(), role))
        html = client.get(url).text
        assert article.leaflet_code in html and 'name="leaflet_code"' not in html
    client.force_login(make_staff("boss", "Administrators"))
    assert 'name="leaflet_code"' in client.get(url).text


def test_administrator_changes_the_code_of_a_live_item_on_the_row(client):
    from .utils import form_data

    article = make_article()
    url = reverse("admin:education_article_change", args=[article.pk])
    client.force_login(make_staff("boss", "Administrators"))
    response = client.post(url, form_data(client.get(url).text) | {"leaflet_code": "DERM-012"})
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).leaflet_code == "DERM-012"
    assert client.get(reverse("education:leaflet", kwargs={"code": "DERM-012"})).status_code == 302


def test_an_overdue_leaflet_says_its_review_is_overdue(client, time_machine):
    item = make_article(last_reviewed=datetime.date(2026, 1, 10))
    time_machine.move_to(datetime.datetime(2027, 2, 1, 9, 0, tzinfo=datetime.UTC), tick=False)
    leaflet = printed_leaflet(client, item, "en")
    assert leaflet.select_one(".leaflet-due").find_previous_sibling("dt").text == "Review overdue since"
    assert leaflet.select_one(".leaflet-due").text == "Jan. 10, 2027"
