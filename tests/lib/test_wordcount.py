"""lib.wordcount: words counted as Word's Word Count counts them, in DOCX files written here by
hand (minimal WordprocessingML, each part as Word saves it), and in PDFs made with ReportLab.

Word's rule, as its Word Count dialog applies it ("Include textboxes, footnotes and endnotes"
ticked): a word is a run of characters between spaces, tabs, line breaks, paragraph marks and
table cells; punctuation inside or beside a word is part of it. Each test says what Word shows
for the same content and why."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from trainingdesk.lib.uploads import check_upload
from trainingdesk.lib.wordcount import WHAT_IS_COUNTED, WordCount, count_docx, count_pdf, count_words

NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
      'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
      'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
      'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
      'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
      'xmlns:v="urn:schemas-microsoft-com:vml"')
MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
         '<Default Extension="xml" ContentType="application/xml"/>'
         f'<Override PartName="/word/document.xml" ContentType="{MAIN}"/></Types>')
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
# The three notes Word writes in every footnotes.xml and endnotes.xml: the line above the notes,
# the line when a note runs on to the next page, and (rarely) a notice; never counted.
SEPARATOR_NOTES = ('<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
                   '<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
                   '</w:r></w:p></w:{kind}>')


def p(*runs: str) -> str:
    return "<w:p><w:pPr><w:jc w:val=\"both\"/></w:pPr>" + "".join(runs) + "</w:p>"


def r(text: str, bold: bool = False) -> str:
    properties = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:r>{properties}<w:t xml:space="preserve">{text}</w:t></w:r>'


def docx(body: str, footnotes: str | None = None, endnotes: str | None = None,
         *, declaration: str = DECLARATION) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", TYPES)
        archive.writestr("word/document.xml", f"{declaration}<w:document {NS}><w:body>{body}"
                         '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>')
        for kind, notes in (("footnote", footnotes), ("endnote", endnotes)):
            if notes is not None:
                archive.writestr(f"word/{kind}s.xml", f"{DECLARATION}<w:{kind}s {NS}>"
                                 f"{SEPARATOR_NOTES.format(kind=kind)}{notes}</w:{kind}s>")
    return buffer.getvalue()


def counted(body: str, **notes: str) -> WordCount:
    content = docx(body, **notes)
    check_upload(io.BytesIO(content), name="case-study.docx")  # as the portfolio calls it first
    return count_docx(content)


def test_runs_split_mid_word_join_without_a_space() -> None:
    # Word shows "Non-violent resistance" (spell-check and formatting split runs anywhere: here
    # "Non-vio" plain, "lent" bold); it counts 2 words, "Non-violent" one of them.
    assert counted(p(r("Non-vio"), r("lent", bold=True), r(" resist"), r("ance"))).body == 2


def test_tabs_and_line_breaks_end_words() -> None:
    # "Date<tab>Name<line break>Role" shows as three words on two lines: Word counts 3, though
    # no space stands between them.
    assert counted(p("<w:r><w:t>Date</w:t><w:tab/><w:t>Name</w:t><w:br/><w:t>Role</w:t></w:r>")).body == 3


def test_paragraphs_end_words() -> None:
    # Two paragraphs, "first" and "second", with no space at either end: 2 words, not "firstsecond".
    assert counted(p(r("first")) + p(r("second"))).body == 2


def test_a_tables_cells_are_counted_each_on_its_own() -> None:
    # A 2 x 2 table: "Session", "Date" / "Foundation day 1", "21 June": Word counts 2 + 3 + 2 = 7;
    # the cells touch in the XML with no space between them.
    def cell(text: str) -> str:
        return f'<w:tc><w:tcPr><w:tcW w:w="4500"/></w:tcPr>{p(r(text))}</w:tc>'

    table = ("<w:tbl><w:tblPr><w:tblW w:w=\"9000\"/></w:tblPr><w:tblGrid><w:gridCol/></w:tblGrid>"
             f"<w:tr>{cell('Session')}{cell('Date')}</w:tr>"
             f"<w:tr>{cell('Foundation day 1')}{cell('21 June')}</w:tr></w:tbl>")
    count = counted(p(r("Before the table.")) + table + p(r("After.")))
    assert count.body == 3 + 7 + 1


def test_hyphenated_words_count_once_and_numbers_count() -> None:
    # Word counts "well-known" and "father-in-law" as one word each (a hyphen joins), and every
    # number is a word: "In 2023, 3.5 hours with a well-known father-in-law." is 8 words. A
    # non-breaking hyphen joins the same way: "self-care" is 1.
    assert counted(p(r("In 2023, 3.5 hours with a well-known father-in-law."))).body == 8
    assert counted(p("<w:r><w:t>self</w:t><w:noBreakHyphen/><w:t>care</w:t></w:r>")).body == 1


def test_deleted_text_is_not_counted() -> None:
    # Tracked changes: "The parent was very calm" with "very " deleted and "quite " inserted.
    # Word counts what the document says once the changes are accepted, "The parent was quite
    # calm": 5 words, the deleted one not among them; a tracked move counts once, where it went.
    body = p(r("The parent was "),
             '<w:del w:id="1" w:author="A" w:date="2024-01-01T00:00:00Z"><w:r>'
             '<w:delText xml:space="preserve">very </w:delText></w:r></w:del>',
             '<w:ins w:id="2" w:author="A" w:date="2024-01-01T00:00:00Z"><w:r>'
             '<w:t xml:space="preserve">quite </w:t></w:r></w:ins>',
             r("calm"))
    moved = p('<w:moveFrom w:id="3" w:author="A" w:date="2024-01-01T00:00:00Z"><w:r><w:delText>'
              "elsewhere</w:delText></w:r></w:moveFrom>", r("here "),
              '<w:moveTo w:id="4" w:author="A" w:date="2024-01-01T00:00:00Z"><w:r><w:t>elsewhere</w:t></w:r>'
              "</w:moveTo>")
    assert counted(body + moved).body == 5 + 2


def test_a_fields_code_is_not_counted_its_result_is() -> None:
    # "See page 12 and Smith (2020)": a PAGEREF field shows "12", a citation field (w:fldSimple)
    # shows "Smith (2020)". Word counts what is shown, 6 words, never the codes
    # ("PAGEREF _Ref1 \h", "CITATION Smi20 \l 2057").
    body = p(r("See page "),
             '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
             '<w:r><w:instrText xml:space="preserve"> PAGEREF _Ref1 \\h </w:instrText></w:r>',
             '<w:r><w:fldChar w:fldCharType="separate"/></w:r>', r("12"),
             '<w:r><w:fldChar w:fldCharType="end"/></w:r>', r(" and "),
             '<w:fldSimple w:instr=" CITATION Smi20 \\l 2057 ">', r("Smith (2020)"), "</w:fldSimple>")
    assert counted(body).body == 6


def test_footnotes_and_endnotes_are_counted_apart_without_their_separators() -> None:
    # The body "Parents resist.¹" is 2 words: the reference mark is part of "resist." and Word
    # does not count it. The footnote "¹ Omer, 2004, p. 12." is 4 words, its mark not among them;
    # the endnote "See the guidelines." 3. The separator notes hold no text and are not counted.
    body = p(r("Parents resist."), '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
             '<w:footnoteReference w:id="1"/></w:r>')
    footnote = ('<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r>'
                f'{r(" Omer, 2004, p. 12.")}</w:p></w:footnote>')
    endnote = ('<w:endnote w:id="1"><w:p><w:r><w:endnoteRef/></w:r>'
               f'{r(" See the guidelines.")}</w:p></w:endnote>')
    count = counted(body, footnotes=footnote, endnotes=endnote)
    assert count == WordCount(body=2, footnotes=4, endnotes=3)
    assert count.total == 9


def test_a_text_box_in_the_body_is_counted_once() -> None:
    # A text box "Key point here" anchored in the paragraph "Around the box": Word saves it twice
    # (wps for Word 2010 and later, VML as the fallback); Word counts it once, 3 words, and
    # apart from the paragraph's text around it: 3 + 3 = 6.
    box = f"<w:txbxContent>{p(r('Key point here'))}</w:txbxContent>"
    drawing = ('<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic>'
               f'<a:graphicData><wps:wsp><wps:txbx>{box}</wps:txbx></wps:wsp></a:graphicData></a:graphic>'
               f'</wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>{box}'
               "</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>")
    assert counted(p(r("Around"), drawing, r("the box"))).body == 6


def test_a_whole_case_study_adds_up() -> None:
    # Everything above in one document: 2 + 3 + 8 = 13 in the body, 4 in a footnote, 3 in an
    # endnote.
    body = (p(r("Non-vio"), r("lent", bold=True), r(" resist"), r("ance")) +
            p("<w:r><w:t>Date</w:t><w:tab/><w:t>Name</w:t><w:br/><w:t>Role</w:t></w:r>") +
            p(r("In 2023, 3.5 hours with a well-known father-in-law.")))
    count = counted(body, footnotes=f'<w:footnote w:id="1">{p(r("Omer, 2004, p. 12."))}</w:footnote>',
                    endnotes=f'<w:endnote w:id="1">{p(r("See the guidelines."))}</w:endnote>')
    assert count == WordCount(body=13, footnotes=4, endnotes=3)


def test_a_document_without_notes_has_none() -> None:
    assert counted(p(r("Only the body."))) == WordCount(body=3, footnotes=0, endnotes=0)


def test_an_empty_document_counts_nothing() -> None:
    assert counted(p()).total == 0


def test_a_part_with_a_dtd_is_refused_as_damaged() -> None:
    # Open Packaging forbids a DTD; one could declare entities that expand to gigabytes.
    laughs = '<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
    content = docx(p(r("&b;")), declaration=DECLARATION + laughs)
    with pytest.raises(ValidationError) as refused:
        count_docx(content)
    assert refused.value.code == "word_damaged"


def test_a_dtd_in_another_encoding_is_refused_too() -> None:
    # UTF-16 hides "<!DOCTYPE" from a search of the bytes; the parser still stops at it.
    xml = (f'<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE w:document [<!ENTITY a "x">]>'
           f'<w:document {NS}><w:body>{p(r("&a;"))}</w:body></w:document>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", TYPES)
        archive.writestr("word/document.xml", xml.encode("utf-16"))
    with pytest.raises(ValidationError) as refused:
        count_docx(buffer.getvalue())
    assert refused.value.code == "word_damaged"


def test_a_part_that_is_not_xml_is_refused_as_damaged() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", TYPES)
        archive.writestr("word/document.xml", "<w:document><w:body>")
    with pytest.raises(ValidationError) as refused:
        count_docx(buffer.getvalue())
    assert refused.value.code == "word_damaged"


def test_plain_text_words_are_runs_between_white_space() -> None:
    assert count_words("  one\ttwo\nthree – four  ") == 5  # a dash between spaces is a word to Word
    assert count_words("") == 0


def test_what_is_counted_says_so_in_plain_words() -> None:
    assert str(WHAT_IS_COUNTED).startswith("the body text, tables, footnotes and endnotes")
    assert "deleted text" in str(WHAT_IS_COUNTED)


# --- PDF --------------------------------------------------------------------------------------


def test_a_pdfs_text_layer_is_counted() -> None:
    # Two pages of lines drawn as text: 7 + 5 + 4 words.
    buffer = io.BytesIO()
    document = canvas.Canvas(buffer)
    document.drawString(72, 760, "My first case study: a well-known family, 2023.")
    document.drawString(72, 740, "Parents resisted without violence.")
    document.showPage()
    document.drawString(72, 760, "Second page, 12 sessions.")
    document.showPage()
    document.save()
    content = buffer.getvalue()
    assert check_upload(io.BytesIO(content), name="case-study.pdf").has_text
    assert count_pdf(content) == WordCount(body=7 + 5 + 4)


def test_a_pdf_of_images_only_is_refused_as_a_scan() -> None:
    photo = io.BytesIO()
    Image.new("L", (200, 280), 230).save(photo, "JPEG")
    buffer = io.BytesIO()
    document = canvas.Canvas(buffer)
    document.drawImage(ImageReader(io.BytesIO(photo.getvalue())), 0, 0, width=595, height=842)
    document.showPage()
    document.save()
    content = buffer.getvalue()
    assert check_upload(io.BytesIO(content), name="scan.pdf").has_text is False
    with pytest.raises(ValidationError) as refused:
        count_pdf(content)
    assert refused.value.code == "no_text"
    assert refused.value.messages == ["No text found (a scanned image?): upload the document itself, "
                                      "as Word or a PDF saved from it."]


def test_a_pdf_that_cannot_be_read_is_refused_as_damaged() -> None:
    with pytest.raises(ValidationError) as refused:
        count_pdf(b"%PDF-1.7\n% nothing else")
    assert refused.value.code == "pdf_damaged"
