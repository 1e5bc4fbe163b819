"""The risky-claim rules staff keep in the admin (education/rules.py): starting data, edits seen at once by every
process, refused patterns, roles."""
import random

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from education import quality, rules
from education.cache import TABLE as VERSIONS_TABLE
from education.quality import find_risky_claims
from education.rules import ClaimRule

from .factories import make_article, make_staff
from .test_claims_corpus import labelled

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:education_claimrule_add")
NEW_RULE = {
    "language": "en",
    "category": "promise",
    "pattern": "skin like new",
    "reason": "Nobody can promise new skin.",
    "suggestion": "Say what most people notice.",
    "active": "on",
}


def reviewer_client(client):
    client.force_login(make_staff("rita", "Clinical reviewers"))
    return client


@pytest.mark.parametrize("language", ["en", "it"])
def test_the_migration_loads_the_shipped_rules_in_order_all_active(language):
    stored = ClaimRule.objects.filter(language=language).order_by("pk")
    assert [(r.category, r.pattern, r.reason, r.suggestion) for r in stored] == list(quality.shipped_rules(language))
    assert all(rule.active for rule in stored)
    assert sum(len(quality.shipped_rules(code)) for code, _name in settings.LANGUAGES) == 121  # the README's count
    assert rules.rules_version()


@pytest.mark.parametrize("language", ["en", "it"])
def test_the_stored_rules_judge_every_corpus_sentence_exactly_as_the_shipped_file(language):
    shipped = quality.RuleSet(language, quality.shipped_rules(language))
    stored = rules.rules_in_force(language)
    for name in ("dev", "heldout"):
        for _is_claim, sentence in labelled(f"{name}_{language}"):
            assert find_risky_claims(sentence, language, stored) == find_risky_claims(sentence, language, shipped)


def test_a_rule_added_in_the_admin_flags_the_next_save_at_once(client):
    article = make_article(body_en="After three visits you get skin like new.")
    assert article.quality["en"]["claims"] == []

    response = reviewer_client(client).post(ADD_URL, NEW_RULE)

    assert response.status_code == 302
    article.save()
    [claim] = article.quality["en"]["claims"]
    assert claim["phrase"] == "skin like new"
    assert (claim["reason"], claim["suggestion"]) == (NEW_RULE["reason"], NEW_RULE["suggestion"])
    # Denial and word forms work for staff rules as for shipped ones.
    assert find_risky_claims("Nobody can promise skin like new.", "en") == []
    assert [c.phrase for c in find_risky_claims("Skins like new!", "en")] == ["Skins like new"]


def test_the_publishing_check_uses_a_new_rule_before_the_item_is_saved_again():
    article = make_article(body_en="After three visits you get skin like new.")
    assert article.open_claims() == []
    ClaimRule.objects.create(**{**NEW_RULE, "active": True})
    assert [claim["phrase"] for claim in article.open_claims()] == ["skin like new"]


def test_a_deactivated_rule_stops_flagging(client):
    rule = ClaimRule.objects.get(language="it", pattern="miracolo")
    assert find_risky_claims("Un vero miracolo.", "it")

    data = {f: getattr(rule, f) for f in ("language", "category", "pattern", "reason", "suggestion")}
    response = reviewer_client(client).post(reverse("admin:education_claimrule_change", args=[rule.pk]), data)

    assert response.status_code == 302
    assert not ClaimRule.objects.get(pk=rule.pk).active
    assert find_risky_claims("Un vero miracolo.", "it") == []


def test_the_admin_actions_turn_rules_off_and_on(client):
    rule = ClaimRule.objects.get(language="en", pattern="miracle")
    url = reverse("admin:education_claimrule_changelist")
    reviewer_client(client).post(url, {"action": "deactivate", "_selected_action": [rule.pk]})
    assert find_risky_claims("A real miracle.", "en") == []
    client.post(url, {"action": "activate", "_selected_action": [rule.pk]})
    assert [c.phrase for c in find_risky_claims("A real miracle.", "en")] == ["miracle"]


def test_every_write_gives_the_rules_a_new_version_in_the_database():
    seen = [rules.rules_version()]

    def changed():
        seen.append(rules.rules_version())
        return len(set(seen)) == len(seen)

    rule = ClaimRule.objects.create(**{**NEW_RULE, "active": True})
    assert changed()
    rule.active = False
    rule.save()
    assert changed()
    ClaimRule.objects.filter(pk=rule.pk).update(active=True)
    assert changed()
    rule.delete()
    assert changed()
    ClaimRule.objects.filter(pattern="magic").delete()
    assert changed()


def test_a_rule_saved_by_another_worker_is_used_here_on_the_next_check():
    assert find_risky_claims("You get skin like new.", "en") == []  # compiled and kept in this process
    # What another process's save leaves behind: a new row and a higher version, and nothing in this process's memory.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ClaimRule._meta.db_table} (language, category, pattern, reason, suggestion, active, "
            "updated_at) VALUES ('en', 'promise', 'skin like new', 'r', 's', TRUE, CURRENT_TIMESTAMP)"
        )
        cursor.execute(f"UPDATE {VERSIONS_TABLE} SET version = 12345 WHERE scope = 'claimrules'")

    assert [c.phrase for c in find_risky_claims("You get skin like new.", "en")] == ["skin like new"]


def test_unchanged_rules_cost_one_query_per_check(django_assert_num_queries):
    rules.all_rules_in_force()
    with django_assert_num_queries(1):
        compiled = rules.all_rules_in_force()
    assert set(compiled) == {code for code, _name in settings.LANGUAGES}


def test_a_stored_rule_that_no_longer_parses_is_left_out_not_a_crash():
    ClaimRule.objects.create(**{**NEW_RULE, "pattern": "{gone} like new", "active": True})  # not through the form
    article = make_article(body_en="It is a miracle.")
    assert [c["phrase"] for c in article.quality["en"]["claims"]] == ["miracle"]


@pytest.mark.parametrize(
    "pattern, english, italian",
    [
        ("{nosuchlist} results", "There is no word list {nosuchlist}", "Non esiste la lista di parole {nosuchlist}"),
        ("..2 results", "must start with a word that is always there", "deve iniziare con una parola"),
        ("results? guaranteed", "must start with a word that is always there", "deve iniziare con una parola"),
        ("!free", "needs at least one word", "almeno una parola"),
        ("results ..9", "write ..1 to ..5", "scrivi da ..1 a ..5"),
        ("a b c d e f g h i j k l m", "at most 12 parts", "al massimo 12 parti"),
    ],
)
def test_a_bad_pattern_is_refused_with_a_message_in_the_users_language(client, pattern, english, italian):
    reviewer_client(client)
    count = ClaimRule.objects.count()
    for language, expected in (("en", english), ("it", italian)):
        response = client.post(ADD_URL, {**NEW_RULE, "pattern": pattern}, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        assert expected in response.text
    assert ClaimRule.objects.count() == count


def test_a_duplicate_pattern_is_refused_in_both_languages(client):
    reviewer_client(client)
    data = {**NEW_RULE, "pattern": "guarantee"}
    assert "already has a rule with this pattern" in client.post(ADD_URL, data).text
    assert "ha già una regola con questo schema" in client.post(ADD_URL, data, HTTP_ACCEPT_LANGUAGE="it").text


def test_random_patterns_are_refused_or_work_never_a_crash():
    pieces = ["guarantee", "no", "{harm}", "{nope}", "..2", "..0", "?", "!", "!free", "=safe", "a/b", "/", "{",
              "}", "safe?", "%", "100", "-", "_", "é", "side_effect", "..", "x" * 60, "!=", "=", "!{harm}", "!a/", "=="]
    chance = random.Random(16)
    for _ in range(400):
        pattern = " ".join(chance.choice(pieces) for _ in range(chance.randint(0, 6)))
        try:
            compiled = quality.RuleSet("en", [("promise", pattern, "r", "s")])
        except quality.PatternError:
            continue
        find_risky_claims("No side effects, guaranteed safe for all: 100% results.", "en", compiled)


def test_editors_read_the_rules_and_reviewers_edit_them(client):
    rule = ClaimRule.objects.filter(language="en").first()
    client.force_login(make_staff("eddie", "Editors"))
    assert reverse("admin:education_claimrule_changelist") in client.get(reverse("admin:index")).text
    assert client.get(reverse("admin:education_claimrule_changelist")).status_code == 200
    assert client.get(ADD_URL).status_code == 403
    assert client.post(reverse("admin:education_claimrule_change", args=[rule.pk]), {}).status_code == 403
    client.force_login(make_staff("rita", "Clinical reviewers"))
    assert client.get(ADD_URL).status_code == 200
    assert client.get(reverse("admin:education_claimrule_delete", args=[rule.pk])).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_flushed_database_gets_the_shipped_rules_again():
    # What the browser tests' live server leaves behind: every table emptied, then post_migrate.
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)

    assert ClaimRule.objects.count() == sum(len(quality.shipped_rules(c)) for c, _name in settings.LANGUAGES)
    assert [c.phrase for c in find_risky_claims("Results are guaranteed.", "en")] == ["guaranteed"]
