"""Names and organisations refuse the invisible characters that reorder text on screen; scripts
written right to left are accepted as typed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from trainingdesk.lib.text import refuse_bidi_controls


@pytest.mark.parametrize("char", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067",
                                  "\u2068", "\u2069"])
def test_each_direction_control_is_refused(char: str) -> None:
    with pytest.raises(ValidationError, match="direction-control"):
        refuse_bidi_controls(f"Pat{char}Participant")


@pytest.mark.parametrize("name", ["Łucja Nguyễn 李", "محمد الأحمد", "דנה כהן", "Ἀλέξανδρος",
                                  "Siobhán O'Brien", "Ana\u200dMaria"])
def test_names_in_any_script_are_accepted(name: str) -> None:
    refuse_bidi_controls(name)
