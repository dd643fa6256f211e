"""The Advanced Certificate's one-page PDF (issue 11, item 5): the holder's name as written in any
script, the award, the levels with their dates, the supervision, the code and a QR code of the
public verification page; one page whatever the name; a revoked or superseded one says so. A pure
renderer: no database."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
import segno
from pypdf import PdfReader

from trainingdesk.certificates.documents import CertificateData, LevelCompleted, certificate_pdf
from trainingdesk.lib.verification import verification_url

AWARD = "PartnershipProjects Advanced Certificate in NVR Practice"
CODE = "ABCD-EFGH-JKMN-PQRS-TVW7"
NAMES = {
    "latin": "Łucja Nguyễn-Sørensen Ågren",
    "greek": "Γιώργος Παπαδόπουλος",
    "cyrillic": "Анна Кузнецова",
    "vietnamese": "Nguyễn Thị Minh Khai",
    "chinese": "王小明",
    "japanese": "山田 太郎",
    "arabic": "محمد عبد الله",
    "hebrew": "דוד כהן",
}


def certificate(**changes: object) -> CertificateData:
    data = CertificateData(
        holder_name="Pat Participant", award_name=AWARD, provider_name="PartnershipProjects UK",
        provider_accreditation="Accredited by the NVR Association", issued_on=dt.date(2026, 11, 30),
        code=CODE, levels=(LevelCompleted("Foundation", dt.date(2025, 3, 14), "NVRA Level 1"),
                           LevelCompleted("Advanced", dt.date(2025, 10, 3), "NVRA Level 2")),
        supervision_hours=Decimal("24.0"))
    return dataclasses.replace(data, **changes)  # type: ignore[arg-type]


def text_of(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
def test_the_certificate_prints_its_holders_name_as_written(name):
    text = text_of(certificate_pdf(certificate(holder_name=name)))
    assert name in text
    assert AWARD in text and CODE in text


def test_the_certificate_prints_the_award_levels_dates_supervision_date_and_code():
    text = text_of(certificate_pdf(certificate()))
    for expected in ("This is to certify that", "Pat Participant", "has been awarded the", AWARD,
                     "Foundation", "NVRA Level 1", "14 March 2025", "Advanced", "NVRA Level 2",
                     "3 October 2025", "24 hours of group supervision", "Issued 30 November 2026",
                     "PartnershipProjects UK", "Accredited by the NVR Association",
                     f"Verification code: {CODE}", verification_url(CODE)):
        assert expected in text
    assert "REVOKED" not in text and "SUPERSEDED" not in text


@pytest.mark.parametrize(("hours", "own", "printed"), [
    (Decimal("12.5"), False, "12.5 hours of group supervision"),
    (Decimal(1), False, "1 hour of group supervision"),
    (Decimal(0), True, "Supervision with their own supervisor"),
    (Decimal(6), True, "6 hours of group supervision and supervision with their own supervisor"),
])
def test_the_supervision_is_printed_as_hours_or_the_holders_own_supervisor(hours, own, printed):
    assert printed in text_of(certificate_pdf(certificate(supervision_hours=hours, own_supervisor=own)))


def test_the_certificate_is_one_page_with_its_title_author_language_and_embedded_fonts():
    data = certificate(holder_name="Łucja Nguyễn 李 محمد")
    content = certificate_pdf(data)
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    assert reader.metadata.title == f"{AWARD}: Łucja Nguyễn 李 محمد"
    assert reader.metadata.author == "PartnershipProjects UK"
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    fonts = [font.get_object() for font in reader.pages[0]["/Resources"]["/Font"].values()]
    assert len(fonts) >= 3  # Latin (regular and bold), CJK, Arabic
    assert all("/FontFile2" in font["/FontDescriptor"] for font in fonts)
    assert b"Helvetica" not in content


def _drawn_modules(content: bytes) -> set[tuple[int, int]]:
    """The dark modules of the QR code on the page, from the whole-module rectangles draw_qr
    writes: (row from the top, column), quiet zone removed."""
    stream = PdfReader(io.BytesIO(content)).pages[0].get_contents().get_data().decode("latin-1")
    runs = [tuple(map(int, m)) for m in re.findall(r"^(\d+) (\d+) (\d+) 1 re$", stream, re.MULTILINE)]
    top = max(y for _x, y, _w in runs)
    left = min(x for x, _y, _w in runs)
    return {(top - y, x - left + column) for x, y, w in runs for column in range(w)}


def test_the_qr_code_and_the_link_open_the_public_verification_page():
    content = certificate_pdf(certificate())
    url = verification_url(CODE)
    assert url.endswith(f"/verify/{CODE}/")
    matrix = segno.make_qr(url, error="m", mask=0).matrix
    expected = {(row, column) for row, line in enumerate(matrix) for column, dark in enumerate(line) if dark}
    assert _drawn_modules(content) == expected
    links = [annotation.get_object()["/A"]["/URI"]
             for annotation in PdfReader(io.BytesIO(content)).pages[0]["/Annots"]]
    assert links and set(links) == {url}


def test_a_300_character_name_shrinks_and_wraps_and_the_certificate_stays_one_page():
    name = ("Wolfeschlegelsteinhausenbergerdorff " * 9)[:300]
    reader = PdfReader(io.BytesIO(certificate_pdf(certificate(holder_name=name))))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Wolfeschlegelsteinhausenbergerdorff" in text
    assert AWARD in text and "3 October 2025" in text and CODE in text


def test_every_text_is_bounded_so_a_long_award_and_many_levels_stay_on_one_page():
    levels = tuple(LevelCompleted(f"Level {n} " * 20, dt.date(2025, 1, n), "Accreditation " * 20)
                   for n in range(1, 8))
    reader = PdfReader(io.BytesIO(certificate_pdf(certificate(
        award_name=AWARD * 6, levels=levels, provider_name="Provider " * 40,
        provider_accreditation="Accredited " * 40))))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "and 4 further levels, the last completed 7 January 2025" in text
    assert CODE in text


def test_a_revoked_certificate_is_marked_across_the_page():
    text = text_of(certificate_pdf(certificate(revoked=True)))
    assert "REVOKED: this certificate has been revoked and is no longer valid." in text
    assert "Pat Participant" in text and CODE in text


def test_a_superseded_certificate_is_marked_as_replaced():
    text = text_of(certificate_pdf(certificate(revoked=True, superseded=True)))
    assert "SUPERSEDED: this certificate was replaced by a new one and is no longer valid." in text
    assert "REVOKED" not in text


def test_the_data_is_immutable_and_levels_given_as_a_list_are_kept_as_a_tuple():
    data = certificate(levels=[LevelCompleted("Foundation", dt.date(2025, 3, 14))])
    assert isinstance(data.levels, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.holder_name = "Someone else"  # type: ignore[misc]
