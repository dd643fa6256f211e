"""Verification codes, their QR codes, and the question every issuing app answers.

Every document we issue (Attendance Confirmations now, the Advanced Certificate next) carries a
code that anyone may type, or scan, to see on the public page whether it is genuine and still
valid. This module is that one piece:

- `new_code()` makes a code: 19 random characters of Crockford base32 (95 bits) and a check
  character, in groups of four (ABCD-EFGH-JKMN-PQRS-TVW7). `normalise_code()` reads what a
  person types; `is_well_formed()` tells a mistyped code from one that is merely unknown.
- `verification_path()` / `verification_url()` build the public page's address. The page is
  served by the certificates app, above every issuing app, so its path is stated here, once,
  and its URL pattern is built from `PATH_PREFIX` (nothing below reverses a higher app's URL).
- `draw_qr()` draws a QR code onto a ReportLab canvas; `QRCode` is the same as a flowable.
- The registry: an issuing app registers an `Issuer` (in its AppConfig.ready) that answers
  "which of your documents has this code?" with a uniform `VerifiedDocument`, and revokes one.
  The public page asks `find()` and renders what comes back, whatever kind it is.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from secrets import choice
from typing import Any, Protocol

import segno
from django.conf import settings
from django.urls import get_script_prefix
from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from trainingdesk.lib.pdf import INK

# --- codes -----------------------------------------------------------------------------------

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 20  # characters, without the hyphens; the last is the check character
GROUP = 4
# Crockford base32 reads I and L as 1 and O as 0, so a code typed from paper still matches.
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})
_BASE = len(CODE_ALPHABET)


def _grouped(letters: str) -> str:
    return "-".join(letters[i:i + GROUP] for i in range(0, len(letters), GROUP))


def _luhn_sum(letters: str, *, with_check: bool) -> int:
    """Luhn mod 32 over the alphabet: catches every single mistyped character and every swap of
    two neighbours but one pair (0 and Z)."""
    total = 0
    double = not with_check
    for char in reversed(letters):
        value = CODE_ALPHABET.index(char) * (2 if double else 1)
        total += value // _BASE + value % _BASE
        double = not double
    return total


def check_character(body: str) -> str:
    """The character that completes `body` (19 characters of the alphabet) into a code."""
    return CODE_ALPHABET[(-_luhn_sum(body, with_check=False)) % _BASE]


def new_code() -> str:
    """A new verification code: 95 bits of randomness and a check character."""
    body = "".join(choice(CODE_ALPHABET) for _ in range(CODE_LENGTH - 1))
    return _grouped(body + check_character(body))


def normalise_code(raw: str) -> str | None:
    """'abcd efgh-jkmn pqrs tvwx' -> 'ABCD-EFGH-JKMN-PQRS-TVWX'; None if it cannot be a code.

    Codes issued before the check character (20 random characters) are still codes: whether
    the check holds is `is_well_formed`'s question, asked only to explain a code not found."""
    letters = re.sub(r"[\s\-]", "", raw.upper()).translate(_READ_AS)
    if len(letters) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in letters):
        return None
    return _grouped(letters)


def is_well_formed(code: str) -> bool:
    """Whether a (normalised) code's check character holds: False means a character was
    mistyped (or it is one of the early codes issued without one)."""
    letters = code.replace("-", "")
    return (len(letters) == CODE_LENGTH and all(c in CODE_ALPHABET for c in letters)
            and _luhn_sum(letters, with_check=True) % _BASE == 0)


# --- the public page's address ---------------------------------------------------------------

PATH_PREFIX = "verify/"  # the certificates app serves <PATH_PREFIX> and <PATH_PREFIX><code>/


def verification_path(code: str) -> str:
    """'/verify/ABCD-EFGH-JKMN-PQRS-TVW7/': printed on paper and in QR codes, so never changed."""
    return f"{get_script_prefix()}{PATH_PREFIX}{code}/"


def verification_url(code: str) -> str:
    return f"{settings.SITE_URL}{verification_path(code)}"


# --- the QR code -----------------------------------------------------------------------------

QUIET_MODULES = 2


def draw_qr(pdf: Canvas, data: str, x: float, y: float, size: float, colour: Color = INK) -> None:
    """Draw the QR code of `data` with its lower left corner at (x, y), `size` square, as one
    filled path, a rectangle per run of dark modules.

    segno encodes it; the mask is fixed rather than searched for, which every reader accepts
    and which makes the code five times faster to build (2 ms instead of 9)."""
    matrix = segno.make_qr(data, error="m", mask=0).matrix
    count = len(matrix)
    pdf.saveState()
    # Draw on a grid of whole modules, so every coordinate written is a small integer.
    pdf.translate(x, y)
    pdf.scale(size / (count + 2 * QUIET_MODULES), size / (count + 2 * QUIET_MODULES))
    runs: list[str] = []
    for row_index, row in enumerate(matrix):
        top = count + QUIET_MODULES - 1 - row_index
        column = 0
        while column < count:
            if not row[column]:
                column += 1
                continue
            start = column
            while column < count and row[column]:
                column += 1
            runs.append(f"{start + QUIET_MODULES} {top} {column - start} 1 re")
    pdf.setFillColor(colour)
    # One literal path of whole-number rectangles, filled once: far cheaper than a path
    # object that formats each coordinate as a float.
    pdf.addLiteral("\n".join(runs) + "\nf")
    pdf.restoreState()


class QRCode(Flowable):  # type: ignore[misc]
    """The QR code of `data` as a square flowable, for documents laid out with platypus."""

    def __init__(self, data: str, size: float) -> None:
        super().__init__()
        self.data, self.size = data, size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        draw_qr(self.canv, self.data, 0, 0, self.size)


# --- what the public page shows, and who answers ---------------------------------------------

# What an issued document shows as its holder once the holder's data was erased (privacy): the
# document stays verifiable, naming nobody.
ERASED_HOLDER = "A person whose record was erased"


class Status(enum.StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"  # revoked, and a new document issued in its place


@dataclass(frozen=True)
class Fact:
    """A further line of the public page: a label and one or more values."""

    label: str
    values: Sequence[str]


@dataclass(frozen=True)
class VerifiedDocument:
    """What anyone may know of an issued document: who holds it, what it awards, when, and
    whether it stands. The same for every kind, so one page shows them all."""

    kind: str  # the issuer's kind, e.g. "attendance_confirmation"
    code: str
    title: str  # "Attendance Confirmation: Foundation Level (NVRA Level 1)"
    holder_name: str
    award: str  # what it confirms or awards, as a sentence
    issued_at: dt.datetime
    status: Status
    provider_name: str
    provider_accreditation: str = ""
    revoked_at: dt.datetime | None = None
    replaced_by: str = ""  # the code of the document issued in its place
    facts: Sequence[Fact] = field(default_factory=tuple)
    manage_url: str = ""  # the coordinator's page for this document, if it has one
    award_label: str = "Confirms"  # the page's label for `award`: "Award" for a certificate

    @property
    def is_valid(self) -> bool:
        return self.status == Status.VALID


class Issuer(Protocol):
    """What an issuing app registers: the answer to "which of your documents has this code?",
    and the way to revoke one (checking the actor, atomic and audited, on the app's side)."""

    kind: str

    def find(self, code: str) -> VerifiedDocument | None: ...

    def revoke(self, *, code: str, reason: str, actor: Any) -> None: ...


_issuers: dict[str, Issuer] = {}


def register(issuer: Issuer) -> None:
    """Called from the issuing app's AppConfig.ready; registering a kind again replaces it."""
    _issuers[issuer.kind] = issuer


def issuers() -> list[Issuer]:
    return list(_issuers.values())


def find(raw: str) -> VerifiedDocument | None:
    """The document with this code, of whatever kind, or None. Codes are random and 95 bits
    long, so no two documents of any kinds share one."""
    code = normalise_code(raw)
    if code is None:
        return None
    for issuer in _issuers.values():
        document = issuer.find(code)
        if document is not None:
            return document
    return None


def revoke(document: VerifiedDocument, *, reason: str, actor: Any) -> None:
    """Revoke a document through the app that issued it (which checks who may, and audits)."""
    _issuers[document.kind].revoke(code=document.code, reason=reason, actor=actor)
