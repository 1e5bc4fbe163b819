"""The printed procedure handout carries its leaflet facts and a QR code that a decoder reads as the short link."""
import io

import pytest
import zxingcpp
from django.urls import reverse
from django.utils import translation
from PIL import Image
from pypdf import PdfReader

from education.models import ProcedureNote

from .conftest import expect

pytestmark = pytest.mark.browser

CONTENT_RIGHT = "el => el.getBoundingClientRect().right - parseFloat(getComputedStyle(el).paddingRight)"


@pytest.mark.parametrize("language", ["en", "it"])
def test_printed_demo_note_shows_its_leaflet_and_the_qr_code_reads_as_the_short_link(demo, open_page, live_server,
                                                                                      language):
    procedure = ProcedureNote.objects.get(slug_en__startswith="botulinum-toxin")
    page = open_page()
    with translation.override(language):
        page.goto(procedure.get_absolute_url())
        short = live_server.url + reverse("education:leaflet", kwargs={"code": procedure.leaflet_code})
    expect(page.locator(".leaflet")).to_be_hidden()
    page.emulate_media(media="print")
    leaflet = page.locator(".leaflet")
    expect(leaflet).to_be_visible()
    expect(leaflet.locator(".leaflet-code")).to_have_text(procedure.leaflet_code)
    expect(leaflet.locator(".leaflet-url")).to_have_text(short)
    # It sits in the top right corner: beside the clinic line, the title and the picture (their text keeps clear of
    # it), above the text of the note.
    corner = leaflet.bounding_box()
    for beside in (".handout > .print-only", ".handout > h1", ".handout > .picture"):
        right = page.locator(beside).evaluate(CONTENT_RIGHT)
        assert right <= corner["x"], beside
    assert corner["y"] + corner["height"] <= page.locator(".in-brief").bounding_box()["y"]
    png = leaflet.locator(".leaflet-qr").screenshot()
    assert [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))] == [short]
    pdf = page.pdf(format="A4", margin=dict.fromkeys(("top", "right", "bottom", "left"), "10mm"))
    assert len(PdfReader(io.BytesIO(pdf)).pages) <= 2
    assert procedure.leaflet_code in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
