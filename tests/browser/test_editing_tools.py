"""Issue 18 in a browser: checks while typing, the preview beside the form, comparing versions in History."""
import pytest

from .conftest import DESKTOP, PHONE, axe_violations, expect, log_in

pytestmark = pytest.mark.browser


def test_risky_phrase_and_vague_link_are_flagged_while_typing_then_cleared(open_page, staff):
    staff("editor", "Editors")
    page = open_page(viewport=DESKTOP)
    log_in(page, "editor")
    page.goto("/admin/education/article/add/")
    body = page.locator("#id_body_en")
    body.press_sequentially("The cream is completely safe. See [click here](https://clinic.example/cream).")
    checks = page.locator("#live-checks-id_body_en")
    expect(checks).to_have_attribute("aria-live", "polite")
    expect(checks.locator(".claims")).to_contain_text("completely safe")
    expect(checks.locator("[data-kind=vague-link]")).to_contain_text("click here")
    body.fill("")
    body.press_sequentially("Most people find the cream gentle. Read [how to use the cream](https://clinic.example/c).")
    expect(checks).to_contain_text("No risky phrases found.")
    expect(checks.locator("[data-kind=vague-link]")).to_have_count(0)
    assert axe_violations(page, impacts=("serious", "critical")) == []


def test_italian_field_is_checked_in_italian_for_an_italian_editor(open_page, staff):
    staff("editor", "Editors")
    page = open_page(viewport=PHONE, locale="it-IT")
    log_in(page, "editor")
    page.goto("/admin/education/article/add/")
    page.locator("li[aria-controls=tab_id_body_it]").click()
    body = page.locator("#id_body_it")
    body.press_sequentially("Il trattamento è sicuro al 100%. Clicca [qui](https://clinica.example/a).")
    checks = page.locator("#live-checks-id_body_it")
    expect(checks.locator(".claims")).to_contain_text("sicuro al 100%")
    expect(checks.locator("[data-kind=vague-link]")).to_contain_text("Testo del collegamento")
    assert axe_violations(page, impacts=("serious", "critical")) == []


def test_preview_updates_as_the_editor_types_in_each_language(open_page, staff, settings):
    staff("editor", "Editors")
    page = open_page(viewport=DESKTOP)
    log_in(page, "editor")
    page.goto("/admin/education/article/add/")
    preview = page.frame_locator("#live-preview-frame")
    expect(page.locator("#live-preview")).to_be_visible()
    words = {"en": "Wash the skin gently twice a day", "it": "Lava la pelle con delicatezza due volte al giorno"}
    for code, _name in settings.LANGUAGES:
        page.locator(f"li[aria-controls=tab_id_body_{code}]").click()  # the preview follows the form's language
        expect(page.locator("#live-preview-language")).to_have_value(code)
        page.locator(f"#id_title_{code}").fill(f"Title {code}")
        page.locator(f"#id_body_{code}").press_sequentially(words[code])
        expect(preview.locator("html")).to_have_attribute("lang", code)
        expect(preview.locator(".prose")).to_contain_text(words[code])
        expect(preview.locator(".preview-banner")).to_be_visible()
    page.locator("#live-preview-language").select_option("en")  # and the editor may choose another one
    expect(preview.locator(".prose")).to_contain_text(words["en"])
    # The button refreshes on demand (here after a change no typing announced).
    page.locator("#id_body_en").evaluate("field => { field.value = 'Changed without typing'; }")
    page.locator("#live-preview-refresh").click()
    expect(preview.locator(".prose")).to_contain_text("Changed without typing")
    assert page.locator("#live-preview").bounding_box()["x"] > page.locator("#content-main").bounding_box()["x"]
    assert axe_violations(page, impacts=("serious", "critical")) == []


def _article_with_versions():
    import reversion

    from tests.factories import make_article

    article = make_article(body_en="Wash twice a day.", body_it="Lava due volte al giorno.")
    for body_en, body_it in (("Wash gently twice a day.", "Lava piano due volte al giorno."),
                             ("Wash gently once a day.", "Lava piano una volta al giorno.")):
        article.body_en, article.body_it = body_en, body_it
        with reversion.create_revision():
            article.save()
    return article


def test_reviewer_compares_two_versions_from_history_and_restores_one_into_the_draft(open_page, staff):
    staff("reviewer", "Clinical reviewers")
    article = _article_with_versions()
    page = open_page(viewport=DESKTOP)
    log_in(page, "reviewer")
    page.goto(f"/admin/education/article/{article.pk}/history/")
    older = page.locator("#compare-a option").nth(1).get_attribute("value")
    newer = page.locator("#compare-a option").nth(0).get_attribute("value")
    page.locator("#compare-a").select_option(older)
    page.locator("#compare-b").select_option(newer)
    page.get_by_role("button", name="Compare", exact=True).click()
    english = page.locator("section[lang=en]")
    expect(english.locator("del")).to_have_text("twice")
    expect(english.locator("ins")).to_have_text("once")
    expect(page.locator("section[lang=it] del")).to_have_text(["due", "volte"])
    page.locator(".restore-versions button").first.click()  # the older one: its text goes into the draft
    expect(page.locator(".messagelist")).to_contain_text("approved and published")
    expect(page.locator("#id_body_en")).to_have_value("Wash gently twice a day.")


def test_new_screens_pass_axe_in_both_languages_at_1280_and_375(open_page, staff):
    staff("reviewer", "Clinical reviewers")
    article = _article_with_versions()
    for locale in ("en-GB", "it-IT"):
        for viewport in (DESKTOP, PHONE):
            page = open_page(viewport=viewport, locale=locale)
            log_in(page, "reviewer")
            found = []
            page.goto(f"/admin/education/article/{article.pk}/change/")
            page.locator("li[aria-controls=tab_id_body_en]").click()  # an Italian browser opens on the Italian tab
            page.locator("#id_body_en").press_sequentially(" DO NOT [click here](http://a.example).")
            expect(page.locator("#live-checks-id_body_en [data-kind=capitals]")).to_be_visible()
            expect(page.frame_locator("#live-preview-frame").locator(".prose")).to_contain_text("DO NOT")
            found += axe_violations(page, impacts=("serious", "critical"))
            page.goto(f"/admin/education/article/{article.pk}/history/")
            found += axe_violations(page, impacts=("serious", "critical"))
            page.goto(f"/admin/education/article/{article.pk}/history/compare/")
            expect(page.locator("section[lang=en] ins").first).to_be_visible()
            found += axe_violations(page, impacts=("serious", "critical"))
            assert found == [], (locale, viewport)
            page.context.close()


def test_editor_writes_both_languages_by_keyboard_sees_checks_and_preview_then_saves(open_page, staff, settings):
    from education.models import Article

    staff("editor", "Editors")
    page = open_page(viewport=DESKTOP)
    log_in(page, "editor")
    page.goto("/admin/education/article/add/")
    preview = page.frame_locator("#live-preview-frame")
    texts = {
        "en": ("Washing your face", "How to wash gently.", "completely safe", "click here",
               "Most people find it gentle. Read [how to wash your face](https://clinic.example/wash)."),
        "it": ("Lavare il viso", "Come lavarlo con delicatezza.", "sicuro al 100%", "qui",
               "Di solito è delicato. Leggi [come lavare il viso](https://clinica.example/viso)."),
    }
    risky = {"en": "It is completely safe. Read [click here](https://clinic.example/wash).",
             "it": "È sicuro al 100%. Leggi [qui](https://clinica.example/viso)."}
    for index, (code, _name) in enumerate(settings.LANGUAGES):
        if index:  # the keyboard moves every field to the next language
            page.locator(f"li[aria-controls=tab_id_title_{settings.LANGUAGES[index - 1][0]}]").focus()
            page.keyboard.press("ArrowRight")
        title, summary, phrase, link, careful = texts[code]
        page.locator(f"#id_title_{code}").press_sequentially(title)
        page.locator(f"#id_summary_{code}").press_sequentially(summary)
        body = page.locator(f"#id_body_{code}")
        body.press_sequentially(title)
        body.press("Control+Alt+2")  # the toolbar's heading, by its shortcut
        body.press("End")
        body.press("Enter")
        body.press("Enter")
        body.press_sequentially(risky[code])
        checks = page.locator(f"#live-checks-id_body_{code}")
        expect(checks.locator(".claims")).to_contain_text(phrase)
        expect(checks.locator("[data-kind=vague-link]")).to_contain_text(link)
        expect(preview.locator("html")).to_have_attribute("lang", code)
        expect(preview.locator(".prose h2")).to_have_text(title)
        for _ in risky[code]:  # the editor deletes the risky sentence and writes a careful one
            body.press("Backspace")
        body.press_sequentially(careful)
        expect(checks.locator(".claims")).to_have_count(0)
        expect(checks.locator("[data-kind=vague-link]")).to_have_count(0)
        expect(preview.locator(".prose")).to_contain_text(careful.split(".")[0])
    page.locator("input[name=_save]").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".messagelist")).to_be_visible()
    saved = Article.objects.get(slug_en="washing-your-face")
    assert saved.body_it.startswith("## Lavare il viso\n\nDi solito è delicato.")
    assert saved.quality["en"]["claims"] == [] and saved.quality["en"]["accessibility"] == []
