"""Error pages in the site's look, each with a way back."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse


def _looks_like_the_site(html: str) -> None:
    assert 'class="site-header"' in html
    assert "/static/css/site.css" in html
    assert 'href="/"' in html  # a way back to the courses


def test_a_missing_page_is_a_404_in_the_sites_look(client, db):
    response = client.get("/courses/runs/999999/nothing/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html
    _looks_like_the_site(html)


def test_a_refused_page_is_a_403_in_the_sites_look(client, participant):
    client.force_login(participant)
    response = client.get(reverse("control:runs"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>You cannot open this page</h1>" in html
    assert reverse("bookings:my_training") in html
    _looks_like_the_site(html)


def test_a_bad_host_is_a_400_in_the_sites_look(client, db):
    response = client.get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Something was wrong with that request" in html
    _looks_like_the_site(html)


def test_an_expired_form_says_nothing_was_saved(participant):
    client = Client(enforce_csrf_checks=True)
    client.force_login(participant)
    response = client.post(reverse("accounts:profile"), {})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your form was not sent" in html
    _looks_like_the_site(html)


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.lib.error_urls")
def test_a_bug_is_a_500_in_the_sites_look_that_needs_no_database(django_assert_num_queries):
    client = Client(raise_request_exception=False)
    with django_assert_num_queries(0):
        response = client.get("/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, there is a problem with the service" in html
    _looks_like_the_site(html)
