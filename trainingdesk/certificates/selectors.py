"""Finding an issued document by its verification code, whatever kind it is.

Attendance Confirmations now; the Advanced Certificate joins when certification is built.
"""

from __future__ import annotations

import re

from trainingdesk.attendance.models import AttendanceConfirmation

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Crockford base32 reads I and L as 1 and O as 0, so a code typed from paper still matches.
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})


def normalise_code(raw: str) -> str | None:
    """'abcd efgh-jkmn pqrs tvwx' -> 'ABCD-EFGH-JKMN-PQRS-TVWX'; None if it cannot be a code."""
    letters = re.sub(r"[\s\-]", "", raw.upper()).translate(_READ_AS)
    if len(letters) != 20 or any(c not in CODE_ALPHABET for c in letters):
        return None
    return "-".join(letters[i:i + 4] for i in range(0, 20, 4))


def document_by_code(code: str) -> AttendanceConfirmation | None:
    normal = normalise_code(code)
    if normal is None:
        return None
    return AttendanceConfirmation.objects.filter(code=normal).first()
