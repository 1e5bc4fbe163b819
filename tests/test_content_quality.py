"""Content quality in the workflow: scores and risky phrases on save, reviewer acknowledgement, stale translations."""
import datetime
import json

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from education.models import Article, Status

from .factories import make_article, make_clinician, make_faq, make_procedure, make_staff
from .utils import form_data

pytestmark = pytest.mark.django_db

SEED_SENTENCE = "The treatment is widely used and using Botox presents no side effects."


@pytest.fixture
def reviewer(client):
    user = make_staff("rev", "Clinical reviewers")
    make_clinician(user=user)
    client.force_login(user)
    return user


def change_url(item):
    return reverse(f"admin:education_{item._meta.model_name}_change", args=[item.pk])


def test_scores_are_stored_per_language_on_save():
    article = make_article(
        body_en="You may feel a small sting. It lasts a few seconds. Then it stops.",
        body_it="Puoi sentire un piccolo pizzico. Dura pochi secondi. Poi passa.",
    )
    en, it = article.quality["en"]["readability"], article.quality["it"]["readability"]
    assert en["measure"] == "Flesch-Kincaid grade" and en["target_met"]
    assert it["measure"] == "Gulpease" and it["target_met"] and it["score"] >= 60


def test_procedure_scores_all_sections_and_misses_target_when_hard():
    hard = (
        "Intradermal administration of onabotulinumtoxinA demonstrates statistically significant reductions in "
        "sebaceous secretion, notwithstanding considerable interindividual heterogeneity in pharmacodynamic response."
    )
    procedure = make_procedure(how_it_works_en=hard)
    assert not procedure.quality["en"]["readability"]["target_met"]
    assert procedure.quality["en"]["readability"]["longest"][0].startswith("Intradermal administration")


def test_change_list_shows_scores_and_translation_state(client, reviewer):
    article = make_article(title_en="Scored article", body_en="You may feel a small sting. It stops soon.")
    html = client.get(reverse("admin:education_article_changelist")).text
    row = BeautifulSoup(html, "html.parser").find("a", string="Scored article").find_parent("tr")
    states = [span.get_text(" ", strip=True) for span in row.select(".field-language_state .language-state")]
    scores = [article.quality[code]["readability"]["score"] for code in ("en", "it")]
    assert states == [f"EN complete, {scores[0]}", f"IT complete, {scores[1]}"]
    assert "readability" in row.select_one(".language-state")["title"]


def test_change_form_shows_checks_per_language_tab(client, reviewer):
    article = make_article(body_en=f"Some text. {SEED_SENTENCE}", body_it="Testo senza rischi per tutti.")
    page = BeautifulSoup(client.get(change_url(article)).text, "html.parser")
    english, italian = page.select_one("#id_checks_en"), page.select_one("#id_checks_it")
    assert "mt-field-checks-en" in english["class"] and "mt-field-checks-it" in italian["class"]
    assert SEED_SENTENCE in english.get_text() and "“no side effects”" in english.get_text()
    assert "senza rischi" in italian.get_text()
    assert "Flesch-Kincaid grade" in english.get_text() and "Gulpease" in italian.get_text()


def test_change_form_gives_the_reason_a_safer_wording_and_plain_language_warnings(client, reviewer):
    article = make_article(body_en="Results are guaranteed. The toxin is injected into the skin.")
    english = BeautifulSoup(client.get(change_url(article)).text, "html.parser").select_one("#id_checks_en")
    text = english.get_text(" ", strip=True)
    assert "“guaranteed”" in text
    assert "Why: No treatment works for everyone" in text
    assert "Instead: Say what most people can expect" in text
    assert "Passive voice: The toxin is injected into the skin." in text
    stored = article.quality["en"]
    assert stored["readability"]["warnings"] == [
        ["passive", "Results are guaranteed."], ["passive", "The toxin is injected into the skin."],
        ["medical-word", "toxin"],  # no glossary here
    ]
    assert stored["claims"][0]["reason"] and stored["claims"][0]["suggestion"]


def test_editor_is_warned_on_save_with_the_sentence(client):
    client.force_login(make_staff("ed", "Editors"))
    article = make_article(status=Status.DRAFT)
    url = change_url(article)
    response = client.post(url, form_data(client.get(url).text) | {"body_en": SEED_SENTENCE}, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any("no side effects" in m and SEED_SENTENCE in m for m in messages)


def test_editor_cannot_acknowledge_phrases_with_a_crafted_post(client):
    client.force_login(make_staff("ed", "Editors"))
    article = make_article(status=Status.DRAFT)
    url = change_url(article)
    data = form_data(client.get(url).text) | {"body_en": SEED_SENTENCE, "acknowledge_claims": "on"}
    assert "acknowledge_claims" not in form_data(client.get(url).text)
    client.post(url, data)
    article.refresh_from_db()
    assert article.claims_acknowledged == [] and article.open_claims()


def test_publishing_with_an_open_phrase_needs_the_reviewers_acknowledgement(client, reviewer):
    from education import services

    article = make_article(status=Status.REVIEW, body_en=SEED_SENTENCE)
    services.approve(item=article, user=reviewer, language="en", seen=article.digest("en"))
    signoff = reverse("admin:education_article_signoff", args=[article.pk])
    response = client.post(signoff, {"step": "publish"}, follow=True)
    assert "risky phrases" in response.text
    article.refresh_from_db()
    assert article.status == Status.REVIEW

    url = change_url(article)
    response = client.post(url, form_data(client.get(url).text) | {"acknowledge_claims": "on"})
    assert response.status_code == 302
    client.post(signoff, {"step": "publish"})
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    assert article.claims_acknowledged_by == reviewer and article.claims_acknowledged_at
    assert article.claims_acknowledged[0]["sentence"] == SEED_SENTENCE
    assert "1 phrase(s) by rev" in client.get(url).text


def test_publish_action_refuses_open_phrases(client, reviewer):
    article = make_article(status=Status.REVIEW, body_it="Il risultato è garantito.")
    response = client.post(
        reverse("admin:education_article_changelist"),
        {"action": "publish", "_selected_action": [article.pk]},
        follow=True,
    )
    assert "risky phrases" in response.text
    article.refresh_from_db()
    assert article.status == Status.REVIEW


def test_a_new_phrase_after_acknowledgement_is_open_again(reviewer):
    article = make_article(body_en=SEED_SENTENCE)
    article.save(acknowledged_by=reviewer)
    assert article.open_claims() == []
    article.body_en += " Results are guaranteed for everyone."
    assert [c["phrase"] for c in article.open_claims()] == ["guaranteed"]


def test_editing_english_marks_italian_as_behind_until_it_is_edited(time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC), tick=False)
    article = make_article()
    assert not article.needs_update("it") and not article.needs_update("en")
    time_machine.shift(datetime.timedelta(days=1))
    article.body_en = "New English text."
    article.save()
    assert article.needs_update("it") and not article.needs_update("en")
    assert list(Article.objects.needing_update("it")) == [article]
    time_machine.shift(datetime.timedelta(days=1))
    article.body_it = "Nuovo testo italiano."
    article.save()
    assert not article.needs_update("it")
    assert not Article.objects.needing_update("it").exists()


def test_translator_marks_a_language_current(client, reviewer, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC), tick=False)
    faq = make_faq(status=Status.REVIEW)
    time_machine.shift(datetime.timedelta(hours=1))
    faq.answer_it = "Risposta nuova."
    faq.save()
    assert faq.needs_update("en")
    changelist = reverse("admin:education_faq_changelist")
    assert faq.question_en in client.get(changelist, {"behind": "en"}).text
    client.post(changelist, {"action": "mark_current_en", "_selected_action": [faq.pk]})
    faq.refresh_from_db()
    assert not faq.needs_update("en")
    assert faq.question_en not in client.get(changelist, {"behind": "en"}).text


@pytest.mark.parametrize(
    ("language", "notice", "target"),
    [("it", "La versione in inglese di questa pagina è stata aggiornata più di recente.", "/en/articles/"),
     ("en", "The Italian version of this page was updated more recently.", "/it/articoli/")],
)
def test_patient_page_in_the_stale_language_points_to_the_newer_one(client, time_machine, language, notice, target):
    time_machine.move_to(datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC), tick=False)
    article = make_article()
    time_machine.shift(datetime.timedelta(days=1))
    setattr(article, "body_en" if language == "it" else "body_it", "Updated.")
    article.save()
    from django.utils import translation

    with translation.override(language):
        url = article.get_absolute_url()
    page = BeautifulSoup(client.get(url).text, "html.parser")
    box = page.select_one(".notice")
    assert notice in box.get_text(" ", strip=True)
    assert box.a["href"].startswith(target)


def test_demo_content_meets_targets_and_has_no_open_claim():
    from django.core.management import call_command

    from education.models import FAQ, ProcedureNote

    call_command("load_demo", "--force", "--allow-without-debug", verbosity=0)  # the fixture, signed as it loads
    for model in (Article, ProcedureNote, FAQ):
        for item in model.objects.all():
            item.save()
            for code in ("en", "it"):
                score = item.quality[code]["readability"]
                assert score and score["target_met"], (item, code, score)
            assert item.open_claims() == [], item


def test_seed_text_pasted_into_an_article_is_flagged():
    article = make_article(body_en=(
        "This new solution proves to be far more effective than any other drug or treatment alternative. "
        + SEED_SENTENCE
        + " The Botox treatment is sure to become the most effective solution to acne problems."
    ))
    phrases = {claim["phrase"] for claim in article.open_claims()}
    assert {"no side effects", "more effective than any other"} <= phrases
    assert any("most effective" in phrase for phrase in phrases)
    assert json.dumps(article.quality)  # stored as plain JSON
