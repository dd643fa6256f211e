"""The back office's own pages without the axe findings they had (issue 8, accessibility):
inline tables whose inputs had no label, autocomplete and the two-box filter (fixed in the
browser by js/admin-a11y.js, checked there with axe-crawl), and "Show all"."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from trainingdesk.accounts.models import User
from trainingdesk.catalogue.demo import Demo


def _labels(html: str) -> set[str]:
    return set(re.findall(r'<label[^>]*\bfor="([^"]+)"', html))


def _inputs(html: str, prefix: str) -> set[str]:
    ids = re.findall(r'<(?:input|select|textarea)\b[^>]*\bid="(id_' + prefix + r'-\d+-[^"]+)"', html)
    hidden = set(re.findall(r'<input type="hidden"[^>]*\bid="([^"]+)"', html))
    return set(ids) - hidden


@pytest.mark.parametrize(("url", "prefix"), [
    ("/back-office/catalogue/courserun/{run}/change/", "days"),
    ("/back-office/catalogue/level/{advanced}/change/", "coursework"),
])
def test_every_input_of_an_inline_table_has_a_label_naming_its_column_and_row(
    client: Client, coordinator: User, brochure: Demo, url: str, prefix: str
) -> None:
    client.force_login(coordinator)
    html = client.get(url.format(run=brochure.upcoming[0].pk, advanced=brochure.advanced.pk)).content.decode()
    inputs = _inputs(html, prefix)
    assert inputs, "the inline has rows"
    assert inputs <= _labels(html)
    if prefix == "days":
        assert re.search(r'<label class="visually-hidden" for="id_days-0-date">Date, [^<]+</label>', html)
        assert re.search(r'<label class="visually-hidden" for="id_days-0-DELETE">Delete [^<]+</label>', html)


def test_every_back_office_page_loads_the_script_that_names_autocomplete_and_filter_controls(
    client: Client, coordinator: User, brochure: Demo
) -> None:
    client.force_login(coordinator)
    for url in ("/back-office/", f"/back-office/catalogue/level/{brochure.advanced.pk}/change/",
                "/back-office/audit/auditentry/"):
        assert "js/admin-a11y" in client.get(url).content.decode(), url
