"""The journeys that matter, driven through a real Chromium: a patient on a phone, a patient on a keyboard, an
editor and a reviewer publishing an article, and two editors saving the same article at once.

Every page they visit is watched by the `open_page` fixture (console errors, CSP violations, off-site requests).
"""
import io
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from education.models import Article, ProcedureNote, Status
from education.templating import long_date
from tests.factories import image_bytes, make_article, make_clinician

from .conftest import PHONE, expect, log_in

pytestmark = pytest.mark.browser

SEARCH_BOX = "form[role=search] input[name=q]"
# A4 is 297 mm tall; Chromium prints with margins of about 1 cm unless the page says otherwise.
PRINT_MARGIN = "10mm"


def _path(url):
    return urlsplit(url).path


def test_patient_on_a_phone_reads_the_botox_note_in_italian_switches_to_english_and_prints_it(demo, open_page):
    article = Article.objects.get(slug_en__startswith="botulinum-toxin")
    procedure = ProcedureNote.objects.get(slug_en__startswith="botulinum-toxin")
    page = open_page(viewport=PHONE, locale="it-IT")

    # The browser asks for Italian first, so the bare address leads to the Italian home page.
    page.goto("/")
    assert _path(page.url) == "/it/"
    expect(page.locator("html")).to_have_attribute("lang", "it")

    page.fill(SEARCH_BOX, "tossina botulinica")
    page.press(SEARCH_BOX, "Enter")
    with translation.override("it"):
        assert _path(page.url) == reverse("education:search")
    page.locator(".results").get_by_role("link", name=article.title_it).click()
    expect(page.locator("h1")).to_have_text(article.title_it)
    with translation.override("it"):
        reviewed = long_date(article.last_reviewed)
    expect(page.locator(".trust")).to_contain_text(f"{article.reviewed_by.name}")
    expect(page.locator(".trust")).to_contain_text(reviewed)

    question = page.locator(".faqs details").first
    answer = question.locator(".answer")
    expect(answer).to_be_hidden()
    question.locator("summary").click()
    expect(question).to_have_attribute("open", "")
    expect(answer).to_be_visible()

    page.get_by_role("link", name=procedure.title_it).click()
    expect(page.locator("h1")).to_have_text(procedure.title_it)

    page.locator(".languages").get_by_role("link", name="English").click()
    with translation.override("en"):
        assert _path(page.url) == procedure.get_absolute_url()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text(procedure.title_en)

    page.emulate_media(media="print")
    for hidden in (".site-header nav", ".languages", ".skip-link", "form[role=search]"):
        assert page.locator(hidden).count(), hidden
        for element in page.locator(hidden).all():
            expect(element).to_be_hidden()
    expect(page.locator(".print-only")).to_be_visible()
    pdf = page.pdf(format="A4", margin=dict.fromkeys(("top", "right", "bottom", "left"), PRINT_MARGIN))
    assert len(PdfReader(io.BytesIO(pdf)).pages) <= 2


FOCUSED = """() => {
  const el = document.activeElement;
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    text: (el.innerText || el.value || "").trim().slice(0, 60),
    skip: el.matches(".skip-link"),
    switcher: el.matches(".languages a"),
    search: el.matches("form[role=search] input[name=q]"),
    summary: el.matches("details > summary"),
    outline: style.outlineStyle,
    visible: box.width > 0 && box.height > 0 && box.top >= 0 && box.bottom <= innerHeight,
  };
}"""


def test_keyboard_user_reaches_skip_link_switcher_search_and_faq_answers_with_visible_focus(demo, page):
    page.goto("/en/faq/")
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUSED)
    assert first["skip"], first
    assert first["visible"] and first["outline"] != "none", first
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    page.goto("/en/faq/")
    stops = []
    for _press in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["outline"] != "none", f"no visible focus on {focused}"
        stops.append(focused)
        if focused["summary"]:
            break
    kinds = [kind for stop in stops for kind in ("skip", "switcher", "search", "summary") if stop[kind]]
    assert kinds[0] == "skip"
    assert kinds.index("switcher") < kinds.index("search") < kinds.index("summary")

    details = page.locator("details").first
    expect(details).not_to_have_attribute("open", "")
    page.keyboard.press("Enter")
    expect(details).to_have_attribute("open", "")
    expect(details.locator(".answer")).to_be_visible()
    # On to the next question: Space opens it too.
    while not page.evaluate("document.activeElement.matches('details:not([open]) > summary')"):
        page.keyboard.press("Tab")
    page.keyboard.press(" ")
    expect(page.locator("details[open]")).to_have_count(2)


def _fill_in_tabs(page, field, texts):
    """Type a translated field in each language's tab, clicking the tab first as an editor would."""
    for language, text in texts.items():
        page.locator(f"li[aria-controls=tab_id_{field}_{language}]").click()
        page.fill(f"#id_{field}_{language}", text)


def _run_action(page, model, item, action):
    page.goto(f"/admin/education/{model}/")
    page.check(f"input[name=_selected_action][value='{item.pk}']")
    page.select_option("select[name=action]", action)
    page.click("#changelist-form button[name=index]")
    expect(page.locator(".messagelist .success")).to_be_visible()


def test_editor_writes_an_illustrated_article_a_reviewer_publishes_it_and_patients_read_it(
    demo, open_page, staff
):
    staff("editor", "Editors")
    reviewer = staff("reviewer", "Clinical reviewers")
    make_clinician(name="Dr Walk", user=reviewer)  # the demo clinician never signs with DJANGO_DEBUG off
    titles = {"en": "Looking after your skin after a peel", "it": "Come curare la pelle dopo un peeling"}
    alts = {"en": "A nurse puts cream on a cheek", "it": "Un'infermiera mette la crema su una guancia"}

    editor = open_page()
    log_in(editor, "editor")
    editor.goto("/admin/education/article/add/")
    _fill_in_tabs(editor, "title", titles)
    _fill_in_tabs(editor, "slug", {"en": "skin-after-a-peel", "it": "pelle-dopo-il-peeling"})
    _fill_in_tabs(editor, "summary", {"en": "How to care for your skin in the days after a peel.",
                                      "it": "Come curare la pelle nei giorni dopo un peeling."})
    _fill_in_tabs(editor, "body", {"en": "Wash your face with cool water. Use a gentle cream twice a day.",
                                   "it": "Lava il viso con acqua fresca. Usa una crema delicata due volte al giorno."})

    # The picture is uploaded from the article form, through the admin's "add another" popup.
    with editor.expect_popup() as popup_opened:
        editor.click("#add_id_image")
    popup = popup_opened.value
    popup.set_input_files(
        "#id_file", {"name": "cream.png", "mimeType": "image/png", "buffer": image_bytes(900, 600, "PNG")}
    )
    _fill_in_tabs(popup, "alt", alts)
    # Listening before the click: the saved popup can close before a wait started after the click would begin, which
    # then waited for an event that had already happened (the test failed now and then, whatever the timeout).
    with popup.expect_event("close", timeout=30_000):
        popup.click("input[name=_save]")
    expect(editor.locator("#select2-id_image-container")).to_contain_text(alts["en"])

    editor.click("input[name=_save]")
    expect(editor.locator(".messagelist .success")).to_be_visible()
    article = Article.objects.get(slug_en="skin-after-a-peel")
    assert article.status == Status.DRAFT and article.image.alt_it == alts["it"]
    _run_action(editor, "article", article, "submit_for_review")
    article.refresh_from_db()
    assert article.status == Status.REVIEW

    checker = open_page()
    log_in(checker, "reviewer")
    checker.goto(f"/admin/education/article/{article.pk}/signoff/")
    for language in ("en", "it"):
        checker.click(f"#approve-{language} button")
        expect(checker.locator(".messagelist .success")).to_be_visible()
    _run_action(checker, "article", article, "publish")
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED

    patient = open_page(viewport=PHONE)
    patient.goto("/en/")
    patient.get_by_role("link", name=titles["en"]).click()
    expect(patient.locator("h1")).to_have_text(titles["en"])
    expect(patient.locator("article picture img")).to_have_attribute("alt", alts["en"])
    patient.locator(".languages").get_by_role("link", name="Italiano").click()
    expect(patient.locator("h1")).to_have_text(titles["it"])
    expect(patient.locator("article picture img")).to_have_attribute("alt", alts["it"])


def test_second_of_two_editors_saving_the_same_article_sees_the_conflict_and_keeps_their_text(open_page, staff):
    article = make_article(status=Status.DRAFT)
    editors = {}
    for name in ("anna", "bruno"):
        staff(name, "Editors")
        editors[name] = open_page()
        log_in(editors[name], name)
        editors[name].goto(f"/admin/education/article/{article.pk}/change/")

    editors["anna"].fill("#id_body_en", "Anna's version of the text.")
    editors["anna"].click("input[name=_save]")
    expect(editors["anna"].locator(".messagelist .success")).to_be_visible()

    bruno = editors["bruno"]
    bruno.fill("#id_body_en", "Bruno's version of the text.")
    bruno.click("input[name=_save]")
    expect(bruno.locator(".errorlist.nonfield")).to_contain_text("anna saved this item at")
    expect(bruno.locator("#id_body_en")).to_have_value("Bruno's version of the text.")
    article.refresh_from_db()
    assert article.body_en == "Anna's version of the text."
