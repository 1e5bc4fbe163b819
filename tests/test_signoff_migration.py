"""The sign-off migration carries today's published content over: an approval of each complete language's current
text, signed by the item's reviewer on its review date; a published item without a review goes back to review."""
import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("education", "0008_clean_stored_text")]
AFTER = [("education", "0009_clinical_signoff")]


def latest():
    """Every app's newest migration: the current models' tables, whatever migrations come after the sign-off."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_published_content_gets_approvals_of_its_current_text():
    old = migrate(BEFORE)
    Clinician = old.get_model("education", "Clinician")
    Article = old.get_model("education", "Article")
    Page = old.get_model("education", "Page")
    doctor = Clinician.objects.create(name="Dr Old", role_en="Dermatologist", role_it="Dermatologa")
    common = {"status": "published", "publish_at": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)}
    both = Article.objects.create(
        title_en="Both", title_it="Entrambi", slug="both", slug_en="both", slug_it="entrambi",
        summary_en="S.", summary_it="R.",
        body_en="Body.", body_it="Testo.", reviewed_by=doctor, last_reviewed=datetime.date(2026, 3, 4), **common
    )
    english_only = Article.objects.create(
        title_en="English", slug="english", slug_en="english", summary_en="S.", body_en="Body.", reviewed_by=doctor,
        last_reviewed=datetime.date(2026, 3, 4), **common
    )
    unreviewed = Page.objects.create(title_en="Nobody", slug="nobody", slug_en="nobody", body_en="Body.", **common)

    try:
        migrate(AFTER)
        migrate(latest())
        from education.models import Approval, Status
        from education.models import Article as CurrentArticle
        from education.models import Page as CurrentPage

        both_now = CurrentArticle.objects.get(pk=both.pk)
        assert {(a.language, a.number, a.clinician.name, a.approved_on) for a in both_now.approvals()} == {
            ("en", 1, "Dr Old", datetime.date(2026, 3, 4)),
            ("it", 1, "Dr Old", datetime.date(2026, 3, 4)),
        }
        # The approvals cover exactly today's text: it counts as approved, and patients still see it.
        assert set(both_now.approved_languages()) == {"en", "it"}
        assert both_now.approval_it.clinician.name == "Dr Old" and both_now.status == Status.PUBLISHED
        assert CurrentArticle.objects.published().filter(pk=both.pk).exists()
        english_now = CurrentArticle.objects.get(pk=english_only.pk)
        assert set(english_now.approved_languages()) == {"en"} and english_now.approval_it is None
        assert CurrentPage.objects.get(pk=unreviewed.pk).status == Status.REVIEW
        assert Approval.objects.count() == 3
    finally:
        migrate(latest())  # leave the database migrated for the next test whatever happened
