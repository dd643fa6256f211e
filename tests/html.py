"""Reading a page as a person does: its text without tags, spaces collapsed."""

from __future__ import annotations

import re
from html import unescape


def text_of(html: str) -> str:
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    return text.replace(" .", ".").replace("( ", "(").replace(" )", ")")
