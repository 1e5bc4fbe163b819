"""Issue 18, the rest of the editing screen: checks while typing, the unsaved form's preview, comparing versions."""
import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from education.models import Article, Status

from .factories import make_article, make_staff

pytestmark = pytest.mark.django_db

RISKY_EN = "This treatment is completely safe. For the details [click here](https://clinic.example/acne)."
RISKY_IT = "Il trattamento è sicuro al 100%. Per i dettagli clicca [qui](http://clinica.example/acne)."


@pytest.fixture
def editor(client):
    user = make_staff("ed", "Editors")
    client.force_login(user)
    return user


def _check(client, field="body", language="en", text=RISKY_EN, model="article", **headers):
    return client.post(reverse(f"admin:education_{model}_check"), {"field": field, "language": language, "text": text},
                       **headers)


# --- Checks as you type ----------------------------------------------------------------------------------------

def test_check_flags_a_risky_phrase_and_a_vague_link_in_english(client, editor):
    answer = _check(client).json()
    assert [claim["phrase"] for claim in answer["claims"]] == ["completely safe"]
    assert answer["claims"][0]["suggestion"]  # a safer wording comes with it
    assert [(f["kind"], f["text"]) for f in answer["accessibility"]] == [("vague-link", "click here")]
    assert "completely safe" in answer["html"] and "Link text that says nothing" in answer["html"]


def test_check_is_per_language_and_speaks_the_editors_language(client, editor):
    italian = _check(client, language="it", text=RISKY_IT, HTTP_ACCEPT_LANGUAGE="it").json()
    assert [claim["phrase"] for claim in italian["claims"]] == ["sicuro al 100%"]
    assert {(f["kind"], f["text"]) for f in italian["accessibility"]} == {
        ("vague-link", "qui"), ("insecure-link", "http://clinica.example/acne")}
    assert "Frasi a rischio" in italian["html"] and "Risky phrases" not in italian["html"]
    # The English rules and word lists do not judge Italian text, nor the other way round.
    assert _check(client, language="en", text="Leggi [qui](https://a.example).").json()["accessibility"] == []
    assert _check(client, language="it", text="Read [click here](https://a.example).").json()["accessibility"] == []


def test_check_gives_what_the_save_stores(client, editor, settings):
    texts = {"en": RISKY_EN + "\n\n#### Aftercare\n\nDo NOT SCRATCH. ![](https://a.example/x.png)", "it": RISKY_IT}
    article = make_article(status=Status.DRAFT, body_en=texts["en"], body_it=texts["it"])
    stored = Article.objects.get(pk=article.pk).quality
    for code, _name in settings.LANGUAGES:
        answer = _check(client, language=code, text=texts[code]).json()
        assert answer["claims"] == [c for c in stored[code]["claims"] if c["field"] == "body"]
        assert answer["accessibility"] == [f for f in stored[code]["accessibility"] if f["field"] == "body"]
        assert answer["readability"] == stored[code]["readability"]  # an article's score is its body's
        assert answer["claims"] and answer["accessibility"]
    kinds = [f["kind"] for f in stored["en"]["accessibility"]]
    assert kinds == ["vague-link", "heading-skip", "image-alt", "capitals"]


def test_check_writes_nothing_and_is_never_cached(client, editor):
    article = make_article(status=Status.DRAFT)
    version = article.version
    with CaptureQueriesContext(connection) as queries:
        response = _check(client)
    assert response.status_code == 200
    writes = [q["sql"] for q in queries if q["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    # Every staff request refreshes the session's idle timer (clinic.security), and that save bumps the page cache.
    assert not [sql for sql in writes if "django_session" not in sql and "education_content_version" not in sql]
    assert "no-store" in response["Cache-Control"]
    assert Article.objects.get(pk=article.pk).version == version


def test_check_needs_staff_post_and_csrf(client, settings):
    url = reverse("admin:education_article_check")
    assert client.post(url, {"field": "body", "language": "en", "text": "x"}).status_code == 302  # to the login
    client.force_login(get_user_model().objects.create_user("visitor", "v@clinic.invalid", "pw"))
    assert client.post(url, {"field": "body", "language": "en", "text": "x"}).status_code == 302  # not staff
    client.force_login(make_staff("ed", "Editors"))
    assert client.get(url).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_staff("ed2", "Editors"))
    assert strict.post(url, {"field": "body", "language": "en", "text": "x"}).status_code == 403
    page = strict.get(reverse("admin:education_article_add"))
    token = page.cookies[settings.CSRF_COOKIE_NAME].value
    assert strict.post(url, {"field": "body", "language": "en", "text": "x"}, HTTP_X_CSRFTOKEN=token).status_code == 200


def test_check_refuses_an_unknown_field_or_language_with_a_message(client, editor):
    for field, language in (("slug", "en"), ("status", "en"), ("body", "fr"), ("", "")):
        response = _check(client, field=field, language=language, HTTP_ACCEPT_LANGUAGE="it")
        assert response.status_code == 400
        assert response.json()["error"] in ("Questo campo non viene controllato.", "Lingua sconosciuta.")


@pytest.mark.parametrize("model,field", [("procedurenote", "risks"), ("faq", "answer"), ("page", "body")])
def test_check_works_for_every_content_type(client, editor, model, field):
    answer = _check(client, model=model, field=field).json()
    assert [claim["phrase"] for claim in answer["claims"]] == ["completely safe"]


def test_change_form_loads_the_check_script_with_its_url(client, editor):
    html = client.get(reverse("admin:education_article_add")).text
    assert 'src="/static/js/admin-checks.js"' in html
    assert f'data-url="{reverse("admin:education_article_check")}"' in html


# --- Preview beside the form --------------------------------------------------------------------------------------

def _form(client, url):
    from .utils import form_data

    return form_data(client.get(url).text)


def _preview(client, data, language="en", obj=None, model="article", **headers):
    url = (reverse(f"admin:education_{model}_preview_item", args=[obj.pk]) if obj is not None
           else reverse(f"admin:education_{model}_preview"))
    return client.post(url, {**data, "preview_language": language}, **headers)


def test_preview_renders_the_unsaved_text_in_each_language_and_saves_nothing(client, editor, settings):
    article = make_article(status=Status.DRAFT)
    before = Article.objects.filter(pk=article.pk).values().get()
    data = _form(client, reverse("admin:education_article_change", args=[article.pk]))
    for code, _name in settings.LANGUAGES:
        data[f"title_{code}"] = f"Unsaved title {code}"
        data[f"body_{code}"] = f"## Aftercare {code}\n\nKeep the skin **clean** ({code})."
    for code, _name in settings.LANGUAGES:
        response = _preview(client, data, code, article)
        assert response.status_code == 200
        assert response["Cache-Control"].count("no-store") == 1 and "private" in response["Cache-Control"]
        html = response.text
        assert f'<html lang="{code}">' in html
        assert f"Unsaved title {code}" in html and f"<strong>clean</strong> ({code})" in html
        assert 'class="preview-banner"' in html
        assert response.has_header("Content-Security-Policy")
    assert Article.objects.filter(pk=article.pk).values().get() == before
    assert Article.objects.count() == 1


def test_preview_of_a_new_item_in_the_add_form_creates_nothing(client, editor):
    from .factories import make_source, make_topic

    topic, source = make_topic(name_en="Acne care"), make_source(title="Guidance on acne")
    data = _form(client, reverse("admin:education_article_add"))
    data |= {"title_en": "Brand new", "body_en": "A new text.", "topics": [topic.pk], "sources": [source.pk]}
    html = _preview(client, data).text
    assert "Brand new" in html and "A new text." in html
    assert "Acne care" in html and "Guidance on acne" in html  # the links chosen in the form, not yet saved
    assert Article.objects.count() == 0


def test_preview_banner_says_the_text_is_not_saved_in_the_language_shown(client, editor):
    data = _form(client, reverse("admin:education_article_add")) | {"title_it": "Nuovo", "body_it": "Testo."}
    html = _preview(client, data, "it").text
    assert "Anteprima del testo in modifica" in html


@pytest.mark.parametrize("model,fields", [
    ("procedurenote", {"title_en": "Peel", "what_it_is_en": "A peel **removes** old skin."}),
    ("faq", {"question_en": "Does it hurt?", "answer_en": "It **stings** a little."}),
    ("page", {"title_en": "Prices", "body_en": "Our **prices** are fixed."}),
])
def test_preview_works_for_every_content_type(client, editor, model, fields):
    data = _form(client, reverse(f"admin:education_{model}_add")) | fields
    response = _preview(client, data, model=model)
    assert response.status_code == 200
    text = list(fields.values())[-1].replace("**", "")
    assert BeautifulSoup(response.text, "html.parser").find(string=lambda s: s and text.split()[1] in s)


def test_preview_escapes_hostile_input(client, editor):
    from .hostile import executable_markup, load

    payloads = load("xss")
    clean = _form(client, reverse("admin:education_article_add")) | {"title_en": "Plain", "body_en": "Plain text."}
    baseline = _preview(client, clean).text
    hostile = clean | {"body_en": "\n\n".join(payloads), "summary_en": " ".join(payloads)[:2000],
                       "title_en": payloads[0][:200]}
    html = _preview(client, hostile).text
    assert executable_markup(html, baseline) == []
    assert "alert(1)" in html  # the payloads reached the page, as text


def test_preview_needs_staff_and_a_known_language(client, editor):
    data = _form(client, reverse("admin:education_article_add"))
    assert _preview(client, data, "fr").status_code == 400
    assert client.get(reverse("admin:education_article_preview")).status_code == 405
    client.logout()
    assert _preview(client, data).status_code == 302


# --- Compare versions in History, restore into the draft ---------------------------------------------------------

def _save_in_admin(client, item, **changes):
    url = reverse(f"admin:education_{item._meta.model_name}_change", args=[item.pk])
    response = client.post(url, _form(client, url) | changes)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return type(item).objects.get(pk=item.pk)


def _versions(item):
    from reversion.models import Version

    return list(Version.objects.get_for_object(item).order_by("revision__date_created"))


@pytest.fixture
def reviewer_client():
    client = Client()
    client.force_login(make_staff("rev", "Clinical reviewers"))
    return client


def test_history_compares_two_versions_word_by_word_in_each_language(client, editor):
    article = make_article(status=Status.DRAFT, body_en="Wash twice a day.", body_it="Lava due volte al giorno.")
    _save_in_admin(client, article, body_en="Wash gently twice a day.", body_it="Lava due volte al giorno.")
    _save_in_admin(client, article, body_en="Wash gently once a day.", body_it="Lava una volta al giorno.")
    first, second = _versions(article)
    history = client.get(reverse("admin:education_article_history", args=[article.pk])).text
    assert reverse("admin:education_article_compare", args=[article.pk]) in history
    url = reverse("admin:education_article_compare", args=[article.pk])
    page = BeautifulSoup(client.get(url, {"a": first.pk, "b": second.pk}).text, "html.parser")
    english, italian = page.select("section.signoff-language")
    assert [tag.get_text() for tag in english.select("del")] == ["twice"]
    assert [tag.get_text() for tag in english.select("ins")] == ["once"]
    assert [tag.get_text() for tag in italian.select("del")] == ["due", "volte"]
    # "with" defaults to the current text, which a third save changed again.
    _save_in_admin(client, article, body_en="Wash gently once a day, after a shower.")
    page = BeautifulSoup(client.get(url, {"a": first.pk}).text, "html.parser")
    assert [tag.get_text() for tag in page.select("section.signoff-language")[0].select("ins")] == [
        "once", "day, after a shower."]


def test_hostile_text_in_a_version_is_escaped_in_the_comparison(client, editor):
    article = make_article(status=Status.DRAFT)
    _save_in_admin(client, article, body_en="Fine.")
    _save_in_admin(client, article, body_en="<script>alert(1)</script> <img src=x onerror=alert(2)>")
    first = _versions(article)[0]
    html = client.get(reverse("admin:education_article_compare", args=[article.pk]), {"a": first.pk}).text
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)" in html


def test_restore_on_a_live_item_goes_into_the_draft_never_live(client, editor):
    from .factories import make_clinician, sign_live

    article = make_article(status=Status.DRAFT)
    _save_in_admin(client, article, body_en="First text.")
    _save_in_admin(client, article, body_en="Second text, approved.")
    sign_live(Article.objects.get(pk=article.pk), make_clinician())
    first = _versions(article)[0]
    response = client.post(reverse("admin:education_article_restore", args=[article.pk, first.pk]))
    assert response.status_code == 302
    restored = Article.objects.get(pk=article.pk)
    assert restored.status == Status.PUBLISHED
    assert restored.body_en == "Second text, approved."  # patients still read the approved text
    assert restored.draft["body_en"] == "First text."  # the restored text waits in the draft for sign-off
    assert "en" not in restored.approved_languages()


def test_restore_on_a_draft_replaces_the_working_text_and_is_in_history(client, editor):
    article = make_article(status=Status.DRAFT)
    _save_in_admin(client, article, body_en="First words.")
    _save_in_admin(client, article, body_en="Second words.")
    first = _versions(article)[0]
    client.post(reverse("admin:education_article_restore", args=[article.pk, first.pk]))
    assert Article.objects.get(pk=article.pk).body_en == "First words."
    latest = _versions(article)[-1]
    assert "Restored" in latest.revision.get_comment()


def test_reversions_own_revert_and_recover_cannot_bypass_the_sign_off(client, editor):
    article = make_article(status=Status.DRAFT)
    _save_in_admin(client, article, body_en="Some words.")
    version = _versions(article)[0]
    revert = reverse("admin:education_article_revision", args=[article.pk, version.pk])
    response = client.post(revert, _form(client, reverse("admin:education_article_change", args=[article.pk])))
    assert response.status_code == 302 and "/history/compare/" in response["Location"]
    assert client.get(reverse("admin:education_article_recoverlist")).status_code == 403
    assert client.get(reverse("admin:education_article_recover", args=[version.pk])).status_code == 403


def test_restore_needs_post_and_change_permission(client, editor):
    article = make_article(status=Status.DRAFT)
    _save_in_admin(client, article, body_en="Some words.")
    version = _versions(article)[0]
    url = reverse("admin:education_article_restore", args=[article.pk, version.pk])
    assert client.get(url).status_code == 405
    reader = Client()
    reader.force_login(make_staff("nobody", None))
    assert reader.post(url).status_code == 403


def test_restore_leaves_out_a_link_to_a_topic_deleted_since(client, editor):
    from .factories import make_topic

    gone, kept = make_topic(), make_topic()
    article = make_article(status=Status.DRAFT, topics=[gone, kept])
    _save_in_admin(client, article, body_en="With two topics.")
    _save_in_admin(client, article, body_en="Later text.", topics=[kept.pk])
    gone.delete()
    first = _versions(article)[0]
    assert client.post(reverse("admin:education_article_restore", args=[article.pk, first.pk])).status_code == 302
    restored = Article.objects.get(pk=article.pk)
    assert restored.body_en == "With two topics."
    assert list(restored.topics.all()) == [kept]
