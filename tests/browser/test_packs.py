"""Instruction packs in a real Chromium: the appointment date, Print and Listen, jump links by keyboard, axe, and the
printed demo pack on two A4 pages (issue 19)."""
import io

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from education.models import Article, Pack, ProcedureNote

from .conftest import DESKTOP, PHONE, axe_violations, expect

pytestmark = pytest.mark.browser

# (offset, the step's date for an appointment on Tuesday 15 December 2026, as each language writes it)
EXPECTED_DATES = {
    "en": [
        ("2026-12-01", "Tuesday, December 1, 2026"),
        ("2026-12-14", "Monday, December 14, 2026"),
        ("2026-12-15", "Tuesday, December 15, 2026"),
        ("2026-12-15", "Tuesday, December 15, 2026"),
        ("2026-12-16", "Wednesday, December 16, 2026"),
        ("2026-12-29", "Tuesday, December 29, 2026"),
    ],
    "it": [
        ("2026-12-01", "martedì 1 dicembre 2026"),
        ("2026-12-14", "lunedì 14 dicembre 2026"),
        ("2026-12-15", "martedì 15 dicembre 2026"),
        ("2026-12-15", "martedì 15 dicembre 2026"),
        ("2026-12-16", "mercoledì 16 dicembre 2026"),
        ("2026-12-29", "martedì 29 dicembre 2026"),
    ],
}


def demo_pack_url(language):
    with translation.override(language):
        return Pack.objects.get(leaflet_code="PCK-001").get_absolute_url()


def stored_anything(page):
    """Cookies of the browser context and entries in the page's web storage."""
    return page.context.cookies(), page.evaluate("[localStorage.length, sessionStorage.length]")


@pytest.mark.parametrize("language", ["en", "it"])
def test_appointment_date_gives_each_step_its_date_and_stores_nothing(demo, open_page, language):
    # A time zone far from UTC, where a date computed with local midnights would slip by a day.
    page = open_page(timezone_id="Pacific/Honolulu")
    page.goto(demo_pack_url(language))
    field = page.locator("#appointment-date")
    expect(field).to_be_visible()
    steps = page.locator(".timeline-steps .step-date")
    assert steps.all_text_contents() == [""] * 6
    field.fill("2026-12-15")
    expected = EXPECTED_DATES[language]
    expect(steps).to_have_text([text for _iso, text in expected])
    assert [steps.nth(i).get_attribute("datetime") for i in range(6)] == [iso for iso, _text in expected]
    expect(page.locator(".appointment-summary")).to_contain_text(expected[2][1])
    # On paper: the dates and the appointment line print, the field does not.
    page.emulate_media(media="print")
    expect(steps.first).to_be_visible()
    expect(page.locator(".appointment-summary")).to_be_visible()
    expect(field).to_be_hidden()
    page.emulate_media(media="screen")
    # Nothing was kept: no cookie, no storage entry, and a new visit starts empty.
    assert stored_anything(page) == ([], [0, 0])
    page.reload()
    expect(page.locator("#appointment-date")).to_have_value("")
    assert steps.all_text_contents() == [""] * 6
    assert stored_anything(page) == ([], [0, 0])


def test_without_script_the_timeline_reads_as_text_and_the_date_field_is_not_offered(demo, browser, live_server):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto(demo_pack_url("en"))
    expect(page.locator(".timeline-steps li")).to_have_count(6)
    expect(page.locator("#appointment-date")).to_be_hidden()
    expect(page.locator(".page-tools")).to_be_hidden()
    expect(page.locator(".page-tools-hint")).to_be_visible()
    context.close()


ITEM_PAGES = {
    "article": lambda: Article.objects.order_by("pk").first().get_absolute_url(),
    "procedure": lambda: ProcedureNote.objects.get().get_absolute_url(),
    "pack": lambda: Pack.objects.get().get_absolute_url(),
}
# Records what the page asks the browser to print and to say, instead of printing and speaking.
FAKE_PRINT_AND_SPEECH = """
window.__printed = 0;
window.print = () => { window.__printed += 1; };
window.__spoken = [];
speechSynthesis.speak = (utterance) => { window.__spoken.push([utterance.text, utterance.lang]); };
speechSynthesis.cancel = () => { window.__cancelled = true; };
speechSynthesis.pause = () => { window.__paused = (window.__paused || 0) + 1; };
speechSynthesis.resume = () => { window.__resumed = (window.__resumed || 0) + 1; };
"""


@pytest.mark.parametrize("language", ["en", "it"])
@pytest.mark.parametrize("kind", ITEM_PAGES)
def test_print_and_listen_read_the_main_text_in_the_pages_language(demo, open_page, kind, language):
    page = open_page()
    page.add_init_script(FAKE_PRINT_AND_SPEECH)
    with translation.override(language):
        page.goto(ITEM_PAGES[kind]())
    tools = page.locator(".page-tools")
    expect(tools).to_be_visible()
    tools.get_by_role("button", name={"en": "Print this page", "it": "Stampa questa pagina"}[language]).click()
    assert page.evaluate("window.__printed") == 1
    listen = tools.get_by_role("button", name={"en": "Listen", "it": "Ascolta"}[language])
    pause = tools.locator("[data-listen-pause]")
    stop = tools.locator("[data-listen-stop]")
    expect(pause).to_be_disabled()
    listen.click()
    spoken = page.evaluate("window.__spoken")
    assert spoken[0] == [page.locator("h1").inner_text(), language]
    text = " ".join(chunk for chunk, _lang in spoken)
    assert page.locator(".in-brief p").first.inner_text() in text
    for left_out in (".leaflet-url", ".page-tools"):  # print-only facts and the controls are not read
        if page.locator(left_out).count():
            assert page.locator(left_out).first.text_content().strip() not in text
    expect(pause).to_be_enabled()
    pause.click()
    expect(pause).to_have_text({"en": "Resume", "it": "Riprendi"}[language])
    pause.click()
    expect(pause).to_have_text({"en": "Pause", "it": "Pausa"}[language])
    assert page.evaluate("[window.__paused, window.__resumed]") == [1, 1]
    stop.click()
    assert page.evaluate("window.__cancelled") is True
    expect(pause).to_be_disabled()
    expect(listen).to_be_enabled()


def test_listen_is_hidden_where_the_browser_cannot_speak(demo, open_page):
    page = open_page()
    page.add_init_script("delete Window.prototype.speechSynthesis; delete window.speechSynthesis;"
                         "Object.defineProperty(window, 'speechSynthesis', {value: undefined});")
    page.goto(ITEM_PAGES["procedure"]())
    expect(page.locator(".page-tools")).to_be_visible()
    expect(page.locator(".page-tools .listen")).to_be_hidden()


@pytest.mark.parametrize("language", ["en", "it"])
def test_jump_links_on_a_treatment_page_work_by_keyboard(demo, open_page, language):
    page = open_page(viewport=PHONE)
    with translation.override(language):
        page.goto(ITEM_PAGES["procedure"]())
    links = page.locator(".on-this-page a")
    assert links.count() >= 5
    target = links.nth(4)
    href = target.get_attribute("href")
    # Tab from the top of the page to the link, as a keyboard user would, then Enter.
    for _press in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href')") == href:
            break
    else:
        pytest.fail(f"{href} was not reached with the Tab key")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{href}")
    heading = page.locator(href)
    expect(heading).to_be_in_viewport()
    assert heading.bounding_box()["y"] < PHONE["height"] / 2  # the section starts near the top of the screen


@pytest.mark.parametrize("language", ["en", "it"])
def test_pack_page_and_the_tools_have_no_wcag_violations(demo, page, language):
    violations = []
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        page.goto(demo_pack_url(language))
        page.locator("#appointment-date").fill("2026-12-15")
        violations += axe_violations(page)
        with translation.override(language):
            page.goto(ITEM_PAGES["article"]())
        violations += axe_violations(page)
    assert violations == [], "\n".join(violations)


@pytest.mark.parametrize("language", ["en", "it"])
def test_printed_demo_pack_fits_two_a4_pages_with_its_leaflet_and_dates(demo, open_page, live_server, language):
    page = open_page()
    page.goto(demo_pack_url(language))
    page.locator("#appointment-date").fill("2026-12-15")
    page.emulate_media(media="print")
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", margin=dict.fromkeys(("top", "right", "bottom", "left"), "10mm"))))
    assert len(pdf.pages) <= 2
    text = " ".join(sheet.extract_text() for sheet in pdf.pages)
    with translation.override(language):
        short = live_server.url + reverse("education:leaflet", kwargs={"code": "PCK-001"})
    assert "PCK-001" in text and short in text.replace("\n", "")
    assert EXPECTED_DATES[language][0][1] in text.replace("\n", " ")
