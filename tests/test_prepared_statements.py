"""On PostgreSQL the patient pages' queries are kept prepared on the connection (education/database.py,
settings' DJANGO_DATABASE_PREPARE): the values travel apart from the SQL, typed by the driver instead of written
into the text by Django. Every page must come out exactly as it does with the ORM's own cursor, and the statements
must really be kept, or the setting only costs a round trip."""
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from .factories import make_article, make_clinician, make_faq, make_procedure, make_source, make_topic

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")

ARTICLE_BY_SLUG = re.compile(r'"education_article"\."slug_en" = \$\d+')
# What differs between two renders of the same page whatever the cursor: the CSP nonce and signed form tokens.
PER_RESPONSE = re.compile(rb'nonce="[^"]+"|name="(?:token|csrfmiddlewaretoken)" value="[^"]+"')


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PAGE_CACHE = False


@pytest.fixture
def pages():
    """Every patient page type in every language, over items that link to each other and to a clinician."""
    clinician = make_clinician()
    topic = make_topic()
    procedure = make_procedure(topics=[topic], reviewed_by=clinician)
    article = make_article(topics=[topic], reviewed_by=clinician)
    article.procedures.add(procedure)
    article.sources.add(make_source())
    for n in range(3):
        make_article(topics=[topic], title_en=f"Acne note {n}", title_it=f"Nota sull'acne {n}")
        make_faq(topic=topic, article=article, procedure=procedure, reviewed_by=clinician)
    paths = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            search = reverse("education:search")
            paths += [
                reverse("education:home"),
                topic.get_absolute_url(),
                f"{topic.get_absolute_url()}?page=2",
                article.get_absolute_url(),
                procedure.get_absolute_url(),
                reverse("education:faq"),
                f"{reverse('education:faq')}?topic={topic.slug}",
                f"{search}?q={article.title}",
                f"{search}?q={procedure.title}",
            ]
    return paths


def served(paths):
    client = Client()
    pages = {}
    for path in paths:
        response = client.get(path)
        pages[path] = (response.status_code, PER_RESPONSE.sub(b"", response.content))
    return pages


def prepared_statements():
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name LIKE '_pg3_%%'")
        return [row[0] for row in cursor.fetchall()]


def settings_threshold(**variables):
    """The prepare_threshold the production settings give a PostgreSQL database with these environment variables."""
    environ = {name: value for name, value in os.environ.items() if name != "DJANGO_DATABASE_PREPARE"}
    environ.update(DATABASE_URL="postgres://clinic@db.invalid:5432/clinic", **variables)
    script = (
        "from clinic.settings import DATABASES as d; "
        "print(d['default'].get('OPTIONS', {}).get('prepare_threshold'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=environ, cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_prepared_statements_are_on_by_default_and_off_with_the_setting():
    assert settings_threshold() == "1"
    assert settings_threshold(DJANGO_DATABASE_PREPARE="0") == "None"
    assert settings_threshold(DJANGO_DATABASE_PREPARE="1") == "1"


@postgresql_only
@pytest.mark.django_db
def test_the_suites_database_keeps_them():
    assert settings.DATABASES["default"]["OPTIONS"]["prepare_threshold"] == 1


@postgresql_only
@pytest.mark.django_db
def test_every_page_is_the_same_with_its_queries_prepared(pages):
    connection.ensure_connection()
    connection.connection.prepare_threshold = None
    before = prepared_statements()  # building the pages read the content versions more than once
    with_values_in_the_text = served(pages)
    assert prepared_statements() == before
    connection.connection.prepare_threshold = 1
    served(pages)  # the first run of each query is not prepared
    assert served(pages) == with_values_in_the_text
    assert {status for status, _page in with_values_in_the_text.values()} == {200}


@postgresql_only
@pytest.mark.django_db
def test_a_page_query_is_prepared_once_and_reused(pages):
    # Its second run on the connection is prepared and later runs reuse it; the content versions too.
    connection.ensure_connection()
    connection.connection.prepare_threshold = 1
    article = pages[3]
    client = Client()
    client.get(article)
    assert not [sql for sql in prepared_statements() if ARTICLE_BY_SLUG.search(sql)]
    client.get(article)
    kept = [sql for sql in prepared_statements() if ARTICLE_BY_SLUG.search(sql)]
    assert len(kept) == 1
    for _ in range(3):
        assert client.get(article).status_code == 200
    assert [sql for sql in prepared_statements() if ARTICLE_BY_SLUG.search(sql)] == kept
    assert [sql for sql in prepared_statements() if "education_content_version" in sql]
