"""Rules for text that people type and that documents print."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Embeddings, overrides and isolates: invisible, they make text display in another order than it
# is stored ("Trojan Source"), so a name could read one way on a certificate and another in a search.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def refuse_bidi_controls(value: str) -> None:
    """A validator for names and organisations. Right-to-left scripts need none of these
    characters: Arabic and Hebrew names are written as typed."""
    if BIDI_CONTROLS.search(value or ""):
        raise ValidationError(
            _("Remove the hidden direction-control characters: they make text show in a different "
              "order from how it is written."),
            code="bidi_control",
        )
