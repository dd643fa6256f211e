"""The shared form templates: every message a field's input points to exists on the page."""

from __future__ import annotations

import re

from django import forms
from django.template.loader import render_to_string


class _Form(forms.Form):
    email = forms.EmailField(help_text="We send the invoice here.")
    choice = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    note = forms.CharField(required=False)


def _page(form: forms.Form, **extra: object) -> str:
    return (render_to_string("includes/error_summary.html", {"form": form})
            + "".join(render_to_string("includes/field.html", {"field": form[name], **extra})
                      for name in form.fields))


def test_an_inputs_described_by_ids_all_exist_when_it_has_an_error():
    form = _Form({"email": "not-an-email"})
    page = _page(form)
    described = re.search(r'name="email"[^>]*aria-describedby="([^"]+)"', page).group(1)
    assert described.split() == ["id_email_helptext", "id_email_error"]
    for element_id in described.split():
        assert f'id="{element_id}"' in page


def test_the_summary_links_a_radio_group_to_its_first_choice():
    page = _page(_Form({"email": "a@example.org"}))
    assert 'href="#id_choice_0"' in page
    assert 'id="id_choice_0"' in page


def test_optional_fields_say_so_unless_the_template_says_otherwise():
    form = _Form()
    assert "(optional)" in render_to_string("includes/field.html", {"field": form["note"]})
    assert "(optional)" not in render_to_string("includes/field.html", {"field": form["email"]})
    assert "(optional)" not in render_to_string("includes/field.html",
                                                {"field": form["note"], "optional": False})
    assert "(optional)" in render_to_string("includes/field.html",
                                            {"field": form["email"], "optional": True})
