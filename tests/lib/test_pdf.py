"""The PDF toolkit (trainingdesk/lib/pdf.py): every name prints as written, in fonts carried in
the repository; long text is bounded; every PDF says what it is, who made it and its language."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from trainingdesk.lib import pdf

# A name in each script a participant can type. pypdf reads a right-to-left run back into the
# order it was written, so each is found in the text layer exactly as typed.
NAMES = {
    "latin with accents": "Łucja Nguyễn Ødegård-Müller",
    "greek": "Γιώργος Παπαδόπουλος",
    "cyrillic": "Анна Кузнецова",
    "vietnamese": "Nguyễn Thị Minh Khai",
    "chinese": "李小龙",
    "japanese": "山田 太郎 さくら",
    "arabic": "محمد عبد الله",
    "hebrew": "דוד כהן",
    "mixed": "Łucja Nguyễn 李",
}


def text_of(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def canvas_pdf(*lines: str, bold: bool = False) -> bytes:
    buffer = io.BytesIO()
    canvas = pdf.new_canvas(buffer, title="A test", author="Provider Ltd")
    y = 270 * mm
    for line in lines:
        pdf.draw_text(canvas, 20 * mm, y, line, size=14, bold=bold)
        y -= 10 * mm
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def fonts_of(content: bytes) -> list[dict]:
    fonts = []
    for page in PdfReader(io.BytesIO(content)).pages:
        resources = page["/Resources"]
        for font in resources.get("/Font", {}).values():
            fonts.append(font.get_object())
    return fonts


@pytest.mark.parametrize("bold", [False, True], ids=["regular", "bold"])
@pytest.mark.parametrize("script", NAMES)
def test_a_name_drawn_on_a_canvas_prints_as_written(script, bold):
    assert NAMES[script] in text_of(canvas_pdf(NAMES[script], bold=bold))


@pytest.mark.parametrize("script", NAMES)
def test_a_name_in_a_laid_out_document_prints_as_written(script):
    content = pdf.render([pdf.para(f"To\n{NAMES[script]}\n1 High Street", bold_first_line=True)],
                         title="Invoice", author="Provider Ltd")
    assert NAMES[script] in text_of(content)


def test_every_font_is_embedded_and_none_is_a_built_in_one():
    content = canvas_pdf(*NAMES.values())
    fonts = fonts_of(content)
    # Noto Sans, Noto Sans Arabic, Noto Sans Hebrew, the CJK font
    assert len({font["/BaseFont"].split("+")[1] for font in fonts}) == 4
    for font in fonts:
        assert font["/Subtype"] == "/TrueType"
        assert "/FontFile2" in font["/FontDescriptor"]
        assert "/ToUnicode" in font
    assert b"Helvetica" not in content


def test_arabic_letters_are_joined_by_the_shaper_and_still_read_as_letters():
    # Joined forms have no character of their own; the text layer maps each back to its letter.
    line = pdf._layout("محمد", False)
    (run,) = line.runs
    assert run.offsets is not None
    assert any(ord(code) >= 0xF0000 for code in run.text)
    assert "محمد" in text_of(canvas_pdf("محمد"))


def test_right_to_left_text_is_laid_out_right_to_left():
    (run,) = pdf._layout("דוד", False).runs
    # The first letter written is drawn last (rightmost): the glyphs are in visual order.
    assert run.text[-1] == "ד" and run.offsets is not None
    assert run.offsets[0][0] < run.offsets[-1][0]


def test_bidirectional_controls_are_not_printed():
    assert pdf.clean_text("Ann\u202eeb\u202c Smith\x00") == "Anneb Smith"
    assert "Anneb Smith" in text_of(canvas_pdf("Ann\u202eeb\u202c Smith"))


def test_a_short_name_keeps_its_size_and_a_long_one_shrinks_to_fit():
    size, lines = pdf.fit_text("Pat Participant", width=160 * mm, size=22, min_size=12, bold=True)
    assert (size, lines) == (22, ["Pat Participant"])
    long_name = "Maria del Carmen Fernández de la Concepción Rodríguez y Gómez"
    size, lines = pdf.fit_text(long_name, width=160 * mm, size=22, min_size=12, bold=True)
    assert 12 <= size < 22 and lines == [long_name]
    assert pdf.text_width(long_name, size=size, bold=True) <= 160 * mm + 0.01


def test_a_300_character_name_wraps_at_the_floor_onto_at_most_three_lines():
    name = ("Wolfeschlegelsteinhausenbergerdorff " * 9)[:300]
    size, lines = pdf.fit_text(name, width=160 * mm, size=22, min_size=12, bold=True, max_lines=3)
    assert size == 12
    assert 1 < len(lines) <= 3
    assert all(pdf.text_width(line, size=12, bold=True) <= 160 * mm + 0.01 for line in lines)
    content = canvas_pdf(*lines, bold=True)
    assert "Wolfeschlegelsteinhausenbergerdorff" in text_of(content)


def test_a_word_wider_than_the_line_and_text_without_spaces_are_broken_between_characters():
    lines = pdf.wrap_text("李" * 200 + " " + "x" * 500, width=50 * mm, size=10)
    assert len(lines) > 5
    assert all(pdf.text_width(line, size=10) <= 50 * mm + 0.01 for line in lines)
    assert "".join(lines).replace(" ", "") == "李" * 200 + "x" * 500


def test_a_400_line_address_is_cut_to_its_first_lines_with_an_ellipsis():
    address = "\n".join(f"Line {n} of a very long address" for n in range(1, 401))
    lines = pdf.wrap_text(address, width=80 * mm, size=10, max_lines=pdf.ADDRESS_LINES)
    assert len(lines) == pdf.ADDRESS_LINES
    assert lines[0] == "Line 1 of a very long address"
    assert lines[-1].endswith("…")
    content = pdf.render([pdf.table([[pdf.address_block("To", "Pat", address, "pat@example.org"),
                                      pdf.para("From")]], [90 * mm, 90 * mm], header=False)],
                         title="Invoice", author="Provider Ltd")
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    text = text_of(content)
    assert "Line 1 of a very long address" in text and "pat@example.org" in text
    assert "Line 400" not in text


def test_text_longer_than_a_page_flows_onto_the_next_instead_of_failing():
    note = "\n".join(f"Paragraph {n}" for n in range(200))
    content = pdf.render([pdf.para(note)], title="Note", author="Provider Ltd")
    assert len(PdfReader(io.BytesIO(content)).pages) > 1
    assert "Paragraph 199" in text_of(content)


def test_huge_input_is_bounded_before_it_is_laid_out():
    assert len(pdf.clean_text("x" * 1_000_000)) == pdf.MAX_TEXT_CHARS
    lines = pdf.wrap_text("word " * 200_000, width=100 * mm, size=10, max_lines=3)
    assert len(lines) == 3 and lines[-1].endswith("…")


@pytest.mark.parametrize("how", ["canvas", "platypus"])
def test_every_pdf_carries_its_title_author_and_language(how):
    if how == "canvas":
        content = canvas_pdf("Hello")
    else:
        content = pdf.render([pdf.para("Hello")], title="A test", author="Provider Ltd")
    reader = PdfReader(io.BytesIO(content))
    assert reader.metadata.title == "A test"
    assert reader.metadata.author == "Provider Ltd"
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert reader.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"]


def test_a_name_in_the_metadata_keeps_its_script():
    buffer = io.BytesIO()
    canvas = pdf.new_canvas(buffer, title="Confirmation for 李小龙", author="Łódź Training")
    canvas.showPage()
    canvas.save()
    metadata = PdfReader(io.BytesIO(buffer.getvalue())).metadata
    assert metadata.title == "Confirmation for 李小龙"
    assert metadata.author == "Łódź Training"
