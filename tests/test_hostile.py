"""The hostile-input corpus against the whole site: stored XSS through the admin, open redirects, odd requests, drafts.

New public pages join by adding one entry to PUBLIC_URLS: every check here then covers them.
"""
import datetime
import re

import pytest
from django.db import models
from django.forms import SplitDateTimeWidget
from django.urls import reverse
from django.utils import timezone, translation

from education.models import FAQ, Article, Clinic, Clinician, Page, ProcedureNote, Status, Topic

from .factories import make_article, make_clinic, make_faq, make_page, make_procedure, make_source, make_topic
from .hostile import executable_markup, feed_html, load, stays_on_site, tag_counts

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "it")

# Every public page, as a function of the objects a test made (the `site` fixture). Add new public URLs here:
# feeds, sitemap, search results and anything else patients can reach.
PUBLIC_URLS = {
    "home": lambda site: reverse("education:home"),
    "topic": lambda site: site["topic"].get_absolute_url(),
    "article": lambda site: site["article"].get_absolute_url(),
    "procedure": lambda site: site["procedure"].get_absolute_url(),
    "faq list": lambda site: reverse("education:faq"),
    "faq list of a topic": lambda site: reverse("education:faq") + f"?topic={site['topic'].slug}",
    "article list": lambda site: reverse("education:articles"),
    "procedure list": lambda site: reverse("education:procedures"),
    "about page": lambda site: site["page"].get_absolute_url(),
    "faq item": lambda site: site["faq"].get_absolute_url(),
    "search": lambda site: reverse("education:search") + "?q=a",
    "feed": lambda site: reverse("education:feed"),
    "sitemap": lambda site: "/sitemap.xml",
}


def public_urls(site):
    """(name, language, url) for every public page in every language."""
    urls = []
    for language in LANGUAGES:
        with translation.override(language):
            urls += [(name, language, url(site)) for name, url in PUBLIC_URLS.items()]
    return urls


@pytest.fixture
def site():
    """One published item of each kind, linked to each other so every list and related-links block shows them."""
    topic = make_topic(description_en="Topic description.", description_it="Descrizione.")
    procedure = make_procedure(topics=[topic], duration_en="1 hour", duration_it="1 ora")
    article = make_article(topics=[topic])
    article.procedures.add(procedure)
    article.sources.add(make_source())
    faq = make_faq(topic=topic, article=article, procedure=procedure)
    return {
        "topic": topic,
        "procedure": procedure,
        "article": article,
        "faq": faq,
        "page": make_page(summary_en="About us.", summary_it="Chi siamo."),
        "clinic": make_clinic(address_en="Via Roma 1", opening_hours_en="9-17"),
        "clinician": article.reviewed_by,
    }


def render_public_pages(client, site):
    """{(name, language): the page's HTML}; for a feed, the HTML its entries carry, which feed readers show."""
    pages = {}
    for name, language, url in public_urls(site):
        response = client.get(url)
        assert response.status_code == 200, (name, language, url, response.status_code)
        if "xml" in response["Content-Type"]:
            pages[(name, language)] = feed_html(response.content)
        else:
            pages[(name, language)] = response.text
    return pages


# --- (1) Stored XSS through the admin ------------------------------------------------------------------------

def admin_post_data(admin_client, obj):
    """The admin change form of `obj` as the browser would post it back unchanged."""
    url = reverse(f"admin:education_{obj._meta.model_name}_change", args=[obj.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, SplitDateTimeWidget):
            value = timezone.localtime(value) if value else None
            data[f"{name}_0"] = value.strftime("%Y-%m-%d") if value else ""
            data[f"{name}_1"] = value.strftime("%H:%M:%S") if value else ""
        elif isinstance(value, list | tuple):
            data[name] = [getattr(item, "pk", item) for item in value]
        elif value is None:
            data[name] = ""
        else:
            data[name] = getattr(value, "pk", value)
    return url, data


def translated_text_fields(model):
    """(field name, max length) of the translated text fields of `model`, slugs left out (they cannot hold HTML)."""
    from modeltranslation.translator import translator

    fields = []
    for name in translator.get_options_for_model(model).fields:
        field = model._meta.get_field(name)
        if isinstance(field, models.CharField | models.TextField) and not isinstance(field, models.SlugField):
            fields.append((name, field.max_length))
    return fields


def batches(payloads, max_length, separator, rounds=None):
    """Lists of payloads that, joined by `separator`, fit `max_length`; at most `rounds`; too-long ones left out."""
    groups, current = [], []
    for payload in payloads:
        if max_length and len(payload) > max_length:
            continue
        if max_length and len(separator.join([*current, payload])) > max_length:
            groups.append(current)
            current = []
        current.append(payload)
    groups += [current] if current else []
    return groups[:rounds]

CONTENT_MODELS = [Article, ProcedureNote, FAQ, Page, Topic, Clinic, Clinician]
# Plain fields (titles, names, key facts) are escaped on output, all by the same template mechanism; packing the
# whole corpus into each 120-character field would take some 70 admin saves per model. Each plain field in each
# language therefore gets this many saves, starting at its own place in the corpus, so that together they carry
# every payload (asserted below). Markdown fields, cleaned by the sanitizer, each get the whole corpus.
PLAIN_FIELD_ROUNDS = 8


def test_xss_saved_through_the_admin_never_runs_on_a_public_page(admin_client, client, site):
    objects = {Article: site["article"], ProcedureNote: site["procedure"], FAQ: site["faq"], Page: site["page"],
               Topic: site["topic"], Clinic: site["clinic"], Clinician: site["clinician"]}
    baseline = {page: tag_counts(html) for page, html in render_public_pages(client, site).items()}
    payloads = load("xss")
    slots = [(model, name, max_length, language) for model in CONTENT_MODELS
             for name, max_length in translated_text_fields(model) for language in LANGUAGES]
    plain_slots = [slot for slot in slots if slot[2] is not None]
    plans = {model: [] for model in CONTENT_MODELS}  # model: [(form field, values)]
    in_plain_fields = set()
    for model, name, max_length, language in slots:
        if max_length is None:
            groups, separator = batches(payloads, None, "\n\n"), "\n\n"
        else:
            start = plain_slots.index((model, name, max_length, language)) * len(payloads) // len(plain_slots)
            groups, separator = batches(payloads[start:] + payloads[:start], max_length, " ", PLAIN_FIELD_ROUNDS), " "
            in_plain_fields.update(payload for group in groups for payload in group)
        plans[model].append((f"{name}_{language}", [separator.join(group) for group in groups]))
    assert in_plain_fields >= {payload for payload in payloads if len(payload) <= 120}
    rounds = max(len(values) for fields in plans.values() for _name, values in fields)
    saved = set()
    for number in range(rounds):
        for model, fields in plans.items():
            changed = {name: values[number] for name, values in fields if number < len(values)}
            if not changed:
                continue
            # The form is read afresh each time, as an editor's browser would (it may carry a version token).
            url, data = admin_post_data(admin_client, objects[model])
            response = admin_client.post(url, data | changed)
            assert response.status_code == 302, (model.__name__, response.context["adminform"].form.errors)
            saved.update((model.__name__, name) for name in changed)
        for (name, language), html in render_public_pages(client, site).items():
            problems = executable_markup(html, baseline[(name, language)])
            assert problems == [], (number, name, language, problems)
    expected = {(model.__name__, f"{name}_{language}") for model in CONTENT_MODELS
                for name, _length in translated_text_fields(model) for language in LANGUAGES}
    assert saved == expected
    # The payloads really reached the pages (as text), so the check above looked at them.
    assert "alert(1)" in render_public_pages(client, site)[("article", "it")]


@pytest.mark.parametrize(
    "html",
    ["<script>alert(1)</script>", '<a href=" JavaScript:x">', "<img src=x onerror=alert(1)>", "<iframe></iframe>",
     '<meta http-equiv="Refresh" content="0;url=//x">', '<form><button formaction="data:,x">'],
)
def test_markup_checker_catches_executable_markup(html):
    # The judge of the corpus must itself be right, or a pass proves nothing.
    assert executable_markup(html) != []


# --- (2) Open redirects ---------------------------------------------------------------------------------------

REDIRECTS = load("redirects")


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("clinician", password="a-long-test-password", is_staff=True)


@pytest.mark.parametrize("target", REDIRECTS)
def test_admin_login_next_stays_on_the_site(client, staff, target):
    page = client.get(reverse("admin:login"), {"next": target})
    assert page.status_code == 200
    assert executable_markup(page.text, client.get(reverse("admin:login")).text) == []
    response = client.post(
        f"{reverse('admin:login')}?{_query(target)}",
        {"username": "clinician", "password": "a-long-test-password", "next": target},
    )
    assert response.status_code == 302
    assert stays_on_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", REDIRECTS)
def test_admin_logout_next_stays_on_the_site(client, staff, target):
    client.force_login(staff)
    response = client.post(f"{reverse('admin:logout')}?{_query(target)}", {"next": target})
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert stays_on_site(response["Location"]), response["Location"]
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("target", REDIRECTS)
def test_language_switch_next_stays_on_the_site(client, target):
    for response in (
        client.post("/i18n/setlang/", {"language": "it", "next": target}),
        client.post("/i18n/setlang/", {"language": "it"}, headers={"referer": target}),
        client.get("/i18n/setlang/", {"next": target}),
    ):
        assert response.status_code in (200, 302, 204), response.status_code
        if response.status_code == 302:
            assert stays_on_site(response["Location"]), response["Location"]


def _query(target):
    from urllib.parse import urlencode

    return urlencode({"next": target})


def test_redirect_checker_tells_on_site_from_off_site():
    # The judge of the three tests above must itself be right, or they prove nothing.
    assert stays_on_site("/en/") and stays_on_site("http://testserver/admin/") and stays_on_site("?a=1")
    for location in ("//evil.example", "/\\evil.example", "https://evil.example", " //evil.example",
                     "/\t/evil.example", "https:evil.example", "javascript:alert(1)"):
        assert not stays_on_site(location), location


# --- (3) Odd requests -----------------------------------------------------------------------------------------

PATHS = load("paths")


@pytest.mark.parametrize("path", PATHS)
def test_odd_path_is_never_a_server_error(client, admin_client, site, path):
    for visitor in (client, admin_client):
        response = visitor.get(path)
        assert response.status_code < 500, (path, response.status_code)
        # Nothing from the server's own files: neither the settings module nor the database file.
        assert b"SECRET_KEY" not in response.content and b"SQLite format" not in response.content


def test_foreign_host_header_is_refused(client):
    assert client.get("/en/", headers={"host": "evil.example"}).status_code == 400
    assert client.get("/admin/login/", headers={"host": "clinic.example.evil.example"}).status_code == 400


@pytest.mark.parametrize("value", ["it," * 3413 + "en", "x" * 10240, "it;q=" + "9" * 10235, "\x7f" * 10240])
def test_huge_accept_language_is_harmless(client, value):
    response = client.get("/", headers={"accept-language": value[:10240]})
    assert response.status_code in (301, 302)
    assert client.get("/en/", headers={"accept-language": value[:10240]}).status_code == 200


@pytest.mark.parametrize("value", ["\x00", "before\x00after", "x" * 100_000])
def test_nul_bytes_and_huge_values_in_admin_forms_are_form_errors(admin_client, value):
    before = Article.objects.count()
    response = admin_client.post(
        reverse("admin:education_article_add"),
        {"title_en": value, "title_it": value, "slug_en": value[:300], "summary_en": value, "body_en": value,
         "status": Status.DRAFT, "publish_at_0": value[:50], "publish_at_1": "09:00:00"},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "title_en" in errors and "slug_en" in errors
    assert Article.objects.count() == before


@pytest.mark.parametrize("value", ["\x00", "a\x00b", "x" * 100_000])
def test_nul_bytes_and_huge_values_at_login_and_language_switch(client, value):
    response = client.post(reverse("admin:login"), {"username": value, "password": value})
    assert response.status_code == 200
    assert response.context["form"].errors
    response = client.post("/i18n/setlang/", {"language": value, "next": value})
    assert response.status_code in (302, 204)
    assert stays_on_site(response["Location"]) if response.status_code == 302 else True


def test_nul_bytes_in_change_form_leave_the_item_unchanged(admin_client, site):
    url, data = admin_post_data(admin_client, site["article"])
    response = admin_client.post(url, data | {"title_it": "Nuovo\x00titolo", "body_en": "Changed body"})
    assert response.status_code == 200
    site["article"].refresh_from_db()
    assert site["article"].body_en.startswith("Body of article")


# --- (4) Drafts stay hidden everywhere ------------------------------------------------------------------------

HIDDEN = {
    "draft": {"status": Status.DRAFT},
    "in review": {"status": Status.REVIEW},
    "scheduled": {"publish_at": timezone.now() + datetime.timedelta(days=30)},
}
LINK = re.compile(r'href="(/(?:en|it)/[^"#?]*)')


def test_unpublished_text_never_reaches_anonymous_visitors(client, site):
    secrets = []
    hidden_urls = []
    for state, overrides in HIDDEN.items():
        token = f"zzsecret{state.replace(' ', '')}"
        fields = {f"{name}_{language}": f"{token}{name}{language}" for name in ("title", "summary")
                  for language in LANGUAGES}
        article = make_article(topics=[site["topic"]], **overrides, **fields,
                               body_en=f"{token}body", body_it=f"{token}corpo")
        procedure = make_procedure(topics=[site["topic"]], **overrides, **fields, risks_en=f"{token}risks")
        page = make_page(**overrides, **fields, body_en=f"{token}pagebody")
        make_faq(topic=site["topic"], article=site["article"], procedure=site["procedure"], **overrides,
                 question_en=f"{token}question?", question_it=f"{token}domanda?", answer_en=f"{token}answer")
        # Published items link to the hidden ones, the hidden ones to published ones.
        site["article"].procedures.add(procedure)
        article.procedures.add(site["procedure"])
        secrets.append(token)
        for language in LANGUAGES:
            with translation.override(language):
                hidden_urls += [item.get_absolute_url() for item in (article, procedure, page)]

    for url in hidden_urls:
        assert client.get(url).status_code == 404, url

    # Every public page, then every page linked from them (the language switcher included), in both languages.
    queue = [url for _name, _language, url in public_urls(site)]
    seen, linked = set(), set()
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code < 500, url
        text = response.content.decode(errors="replace").lower()
        for token in secrets:
            assert token not in text, (url, token)
        links = set(LINK.findall(response.content.decode(errors="replace")))
        linked |= links
        queue += [link for link in links if link not in seen]
    assert linked and linked <= seen  # every page linked from a public page was checked too


@pytest.mark.parametrize("path", ["/en/?q=%00", "/en/faq/?a%00=1", "/admin/education/article/?q=a%00b",
                                  "/admin/autocomplete/?term=%00&app_label=education&model_name=faq&field_name=topic"])
def test_nul_byte_in_a_query_string_is_dropped(admin_client, path):
    # PostgreSQL refuses NUL in a query, so without this an admin search for one was a server error there.
    response = admin_client.get(path)
    assert response.status_code in (200, 302)
    assert "\x00" not in response.content.decode(errors="replace")


def test_sign_in_attempts_record_at_most_a_username_worth_of_text(client):
    from axes.models import AccessAttempt

    for username in ("x" * 100_000, "nul\x00name"):
        response = client.post(reverse("admin:login"), {"username": username, "password": "wrong"})
        assert response.status_code == 200
    assert all(len(name) <= 150 and "\x00" not in name
               for name in AccessAttempt.objects.values_list("username", flat=True))
