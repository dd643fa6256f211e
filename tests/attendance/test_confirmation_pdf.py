"""The Attendance Confirmation PDF prints its holder's name as written, in any script, and stays
one page whatever the name's length (issue 8)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.attendance.conftest import AFTER_THE_LAST_DAY, booked
from tests.factories import UserFactory
from trainingdesk.attendance.documents import confirmation_pdf
from trainingdesk.attendance.models import AttendanceConfirmation, MarkStatus
from trainingdesk.attendance.services import MarkInput, record_marks

# Helvetica printed "Łucja Nguyễn 李" as "■ucja Nguy■n ■".
NAMES = ["Łucja Nguyễn 李", "Γιώργος Παπαδόπουλος", "Анна Кузнецова", "Nguyễn Thị Minh Khai",
         "王小明", "山田 太郎", "محمد عبد الله", "דוד כהן"]


def confirmed(run, option, trainer, name: str) -> AttendanceConfirmation:
    booking = booked(run, option, UserFactory(full_name=name))
    for day in run.days.order_by("number"):
        record_marks(day=day, marks=[MarkInput(booking.pk, MarkStatus.PRESENT)], actor=trainer,
                     now=AFTER_THE_LAST_DAY)
    return AttendanceConfirmation.objects.get(booking=booking)


def text_of(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.parametrize("name", NAMES)
def test_the_confirmation_prints_its_holders_name_as_written(foundation_run, option, trainer, name):
    confirmation = confirmed(foundation_run, option, trainer, name)
    text = text_of(confirmation_pdf(confirmation))
    assert name in text
    assert "Attendance Confirmation" in text and confirmation.code in text


def test_a_300_character_name_shrinks_and_wraps_and_the_confirmation_stays_one_page(
    foundation_run, option, trainer
):
    confirmation = confirmed(foundation_run, option, trainer, "Pat Participant")
    confirmation.holder_name = ("Wolfeschlegelsteinhausenbergerdorff " * 9)[:300]  # not saved
    reader = PdfReader(io.BytesIO(confirmation_pdf(confirmation)))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Wolfeschlegelsteinhausenbergerdorff" in text
    assert "Total hours attended" in text and confirmation.code in text


def test_the_confirmation_carries_its_title_author_and_language_and_embeds_its_fonts(
    foundation_run, option, trainer
):
    confirmation = confirmed(foundation_run, option, trainer, "Łucja Nguyễn 李")
    content = confirmation_pdf(confirmation)
    reader = PdfReader(io.BytesIO(content))
    assert reader.metadata.title == confirmation.title
    assert reader.metadata.author == confirmation.provider_name
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    fonts = [font.get_object() for font in reader.pages[0]["/Resources"]["/Font"].values()]
    assert fonts and all("/FontFile2" in font["/FontDescriptor"] for font in fonts)
    assert b"Helvetica" not in content
