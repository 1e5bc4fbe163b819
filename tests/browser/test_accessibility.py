"""axe-core, the engine behind most accessibility audits, on every page type in both languages, phone and desktop.

Patient pages must have no WCAG 2.2 A/AA violation at all; the staff forms no serious or critical one.
"""
import pytest
from django.urls import reverse
from django.utils import translation

from education.models import FAQ, Article, Page, ProcedureNote, Topic

from .conftest import DESKTOP, PHONE, axe_violations, log_in, wait_for_admin_widgets

pytestmark = pytest.mark.browser


def _demo(model):
    return model.objects.order_by("pk").first()


PAGE_TYPES = {
    "home": lambda: reverse("education:home"),
    "topic": lambda: _demo(Topic).get_absolute_url(),
    "article": lambda: _demo(Article).get_absolute_url(),
    "procedure": lambda: _demo(ProcedureNote).get_absolute_url(),
    "faq list": lambda: reverse("education:faq"),
    "faq list of a topic": lambda: reverse("education:faq") + f"?topic={_demo(Topic).slug}",
    "article list": lambda: reverse("education:articles"),
    "treatment list": lambda: reverse("education:procedures"),
    "faq detail": lambda: _demo(FAQ).get_absolute_url(),
    "about page": lambda: _demo(Page).get_absolute_url(),
    "search results": lambda: reverse("education:search")
    + {"en": "?q=botulinum+toxin", "it": "?q=tossina+botulinica"}[translation.get_language()],
    "glossary": lambda: reverse("glossary:index"),
    "not found": lambda: reverse("education:home") + "no-such-page/",
}


@pytest.mark.parametrize("language", ["en", "it"])
def test_patient_pages_have_no_wcag_violations_on_phone_and_desktop(demo, page, watch, language):
    violations = []
    for page_type, path_of in PAGE_TYPES.items():
        with translation.override(language):
            path = path_of()
        expected = 404 if page_type == "not found" else 200
        if expected == 404:
            watch.expect_status(path, 404)
        page.set_viewport_size(PHONE)
        response = page.goto(path)
        assert response.status == expected, path
        assert page.locator("html").get_attribute("lang") == language
        if page_type == "search results":
            assert page.locator(".results .result").count(), "the results page should list results"
        violations += axe_violations(page)
        page.set_viewport_size(DESKTOP)
        violations += axe_violations(page)
    assert violations == [], "\n".join(violations)


STAFF_FORMS = [
    "/admin/education/article/add/",
    "/admin/education/article/{article}/change/",
    "/admin/education/procedurenote/add/",
    "/admin/education/procedurenote/{procedure}/change/",
    "/admin/images/image/add/",
]


def test_login_and_staff_forms_have_no_serious_or_critical_violations(demo, page, staff):
    serious = ("serious", "critical")
    page.goto("/admin/login/")
    violations = axe_violations(page, serious)
    # A clinical reviewer sees every field, the review and sign-off ones included, and may edit published items.
    staff("reviewer", "Clinical reviewers")
    log_in(page, "reviewer")
    ids = {"article": _demo(Article).pk, "procedure": _demo(ProcedureNote).pk}
    for path in STAFF_FORMS:
        page.goto(path.format(**ids))
        wait_for_admin_widgets(page)
        assert page.locator("input[name=_save]").count(), f"{path} should be an editable form"
        violations += axe_violations(page, serious)
    assert violations == [], "\n".join(violations)
