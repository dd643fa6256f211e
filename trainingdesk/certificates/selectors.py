"""Finding an issued document by its verification code, whatever kind it is.

The codes, and the question each issuing app answers, are `lib.verification`'s: Attendance
Confirmations answer from attendance; the Advanced Certificate will answer from here.
"""

from __future__ import annotations

from trainingdesk.lib.verification import CODE_ALPHABET, VerifiedDocument, find, normalise_code

__all__ = ["CODE_ALPHABET", "document_by_code", "normalise_code"]


def document_by_code(code: str) -> VerifiedDocument | None:
    """What the public page shows of the document with this code, or None."""
    return find(code)
