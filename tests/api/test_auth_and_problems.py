"""Who may call, and the one shape of every error: RFC 9457 problem details."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.api.conftest import ALL, Api, World, assert_problem
from trainingdesk.api import services as tokens
from trainingdesk.api.models import ApiToken
from trainingdesk.bookings.models import Booking


def _state() -> tuple[int, int]:
    return Booking.objects.count(), ApiToken.objects.exclude(last_used_at=None).count()


def test_an_unknown_token_is_refused_with_401(api: Api, world: World):
    body = assert_problem(api.get("bookings", "td_00000000_nothing"), 401)
    assert body["type"] == "urn:trainingdesk:problem:unauthorised"
    assert body["detail"] == "This token is not known."


def test_a_token_sent_another_way_is_refused(api: Api, world: World):
    response = api.client.get("/api/v1/bookings", HTTP_AUTHORIZATION=f"Token {world.tokens['participant']}")
    assert_problem(response, 401)
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_revoked_token_is_refused_from_its_next_request(api, world, participant):
    secret = world.tokens["participant"]
    assert api.get("bookings", secret).status_code == 200
    tokens.revoke_token(actor=participant, token=ApiToken.objects.get(user=participant))
    body = assert_problem(api.get("bookings", secret), 401)
    assert body["detail"] == "This token has been revoked."


def test_an_expired_token_is_refused(api, participant, db):
    new = tokens.create_token(actor=participant, name="Short", scopes=ALL,
                              expires_at=timezone.now() + dt.timedelta(hours=1))
    assert api.get("bookings", new.secret).status_code == 200
    ApiToken.objects.filter(pk=new.token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    body = assert_problem(api.get("bookings", new.secret), 401)
    assert body["detail"] == "This token has expired."


def test_a_token_of_someone_who_can_no_longer_sign_in_is_refused(api, world, participant):
    participant.is_active = False
    participant.save()
    assert_problem(api.get("bookings", world.tokens["participant"]), 401)


def test_a_token_records_its_last_use(api, world, participant):
    assert ApiToken.objects.get(user=participant).last_used_at is None
    api.get("bookings", world.tokens["participant"])
    assert ApiToken.objects.get(user=participant).last_used_at is not None


def test_only_the_hash_of_a_token_is_stored(participant, db):
    new = tokens.create_token(actor=participant, name="HR", scopes=["read:bookings"])
    assert new.secret.startswith(f"td_{new.token.prefix}_")
    stored = ApiToken.objects.filter(pk=new.token.pk).values().get()
    # The part after the prefix is the secret (it may itself contain "_": token_urlsafe's
    # alphabet has it, so it is cut at the prefix, not split on every "_").
    secret = new.secret.removeprefix(f"td_{new.token.prefix}_")
    assert len(secret) >= 32
    assert not any(new.secret in str(value) or secret in str(value) for value in stored.values())


def test_a_participant_may_not_make_tokens_for_others_or_organisations(participant, outsider,
                                                                      employer, coordinator):
    from django.core.exceptions import PermissionDenied
    with pytest.raises(PermissionDenied):
        tokens.create_token(actor=participant, name="X", scopes=ALL, user=outsider)
    with pytest.raises(PermissionDenied):
        tokens.create_token(actor=participant, name="X", scopes=ALL, organisation=employer)
    with pytest.raises(PermissionDenied):
        tokens.revoke_token(actor=participant, token=tokens.create_token(
            actor=coordinator, name="X", scopes=ALL, organisation=employer).token)
    assert ApiToken.objects.filter(revoked_at__isnull=False).count() == 0


def test_making_a_token_checks_its_name_scopes_and_expiry(participant):
    with pytest.raises(ValidationError) as caught:
        tokens.create_token(actor=participant, name=" ", scopes=["write:everything"],
                            expires_at=timezone.now() - dt.timedelta(days=1))
    assert set(caught.value.message_dict) == {"name", "scopes", "expires_at"}
    assert not ApiToken.objects.exists()


def test_making_and_revoking_tokens_is_audited(participant):
    from trainingdesk.audit.models import AuditEntry
    new = tokens.create_token(actor=participant, name="HR", scopes=["book"])
    tokens.revoke_token(actor=participant, token=new.token)
    actions = list(AuditEntry.objects.filter(object_id=str(new.token.pk))
                   .values_list("action", flat=True).order_by("id"))
    assert actions == ["api.token.created", "api.token.revoked"]
    assert new.secret not in str(list(AuditEntry.objects.values_list("after", flat=True)))


def test_a_token_without_the_scope_gets_403_saying_which(api, world, participant):
    token = tokens.create_token(actor=participant, name="Catalogue", scopes=["read:catalogue"]).secret
    body = assert_problem(api.get("bookings", token), 403)
    assert body == {"type": "urn:trainingdesk:problem:scope", "title": "The token lacks the scope",
                    "status": 403, "detail": "This token may not read:bookings.", "errors": []}


def test_malformed_json_is_400(api, world):
    before = _state()
    body = assert_problem(api.call("POST", "bookings", world.tokens["coordinator"], raw=b"{not json"), 400)
    assert body["detail"] == "The body is not valid JSON."
    assert Booking.objects.count() == before[0]


def test_wrong_types_and_missing_fields_are_422_with_a_pointer_to_each(api, world):
    body = assert_problem(api.post("bookings", world.tokens["coordinator"],
                                   {"run": "first", "terms_accepted": True}), 422)
    assert {(e["field"], e["pointer"]) for e in body["errors"]} == {("run", "/run"), ("option", "/option")}
    assert body["type"] == "urn:trainingdesk:problem:validation"


def test_unknown_fields_are_refused_not_ignored(api, world, run, option):
    before = Booking.objects.count()
    body = assert_problem(api.post("bookings", world.tokens["coordinator"], {
        "run": run.pk, "option": option.pk, "terms_accepted": True, "discount": "FREE"}), 422)
    assert body["errors"] == [{"field": "discount", "pointer": "/discount",
                               "message": "This field is not part of the request: remove it."}]
    assert Booking.objects.count() == before


def test_a_query_parameter_out_of_range_is_422(api, world):
    body = assert_problem(api.get("bookings?limit=101", world.tokens["coordinator"]), 422)
    assert body["errors"][0]["field"] == "limit" and body["errors"][0]["pointer"] is None


def test_a_body_over_the_limit_is_413_and_saves_nothing(api, world, settings):
    settings.API_MAX_BODY_BYTES = 1024
    before = Booking.objects.count()
    body = assert_problem(api.call("POST", "bookings", world.tokens["coordinator"],
                                   raw=b'{"x": "' + b"a" * 2000 + b'"}'), 413)
    assert body["type"] == "urn:trainingdesk:problem:too-large"
    assert Booking.objects.count() == before


def test_a_body_sent_in_chunks_without_a_length_is_411_and_cancels_nothing(api, world):
    """Django reads only the bytes Content-Length declares: unrefused, this cancellation would
    go through without its reason."""
    booking = world.pats_booking
    response = api.client.post(
        f"/api/v1/bookings/{booking.reference}/cancel", b'{"reason": "Changed jobs"}',
        content_type="application/json", CONTENT_LENGTH="", HTTP_TRANSFER_ENCODING="chunked",
        HTTP_AUTHORIZATION=f"Bearer {world.tokens['participant']}")
    body = assert_problem(response, 411)
    assert body["type"] == "urn:trainingdesk:problem:length-required"
    booking.refresh_from_db()
    assert booking.status == "confirmed"


def test_a_missing_thing_is_404_problem(api, world):
    assert_problem(api.get("runs/2147483647"), 404)
    assert_problem(api.get("bookings/NOPE", world.tokens["coordinator"]), 404)


def test_a_failure_is_a_500_problem_without_a_traceback(api, world, monkeypatch):
    from trainingdesk.api import bookings

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(bookings, "visible_bookings", broken)
    response = api.get("bookings", world.tokens["coordinator"])
    body = assert_problem(response, 500)
    assert "secret internals" not in response.content.decode()
    assert body["type"] == "urn:trainingdesk:problem:server-error"


def test_a_coordinator_s_own_token_may_not_book_for_others_once_they_are_not_coordinator(
        api, world, coordinator):
    coordinator.groups.clear()
    before = Booking.objects.count()
    body = assert_problem(api.post("bookings", world.tokens["coordinator"], {
        "run": world.pats_booking.run_id, "option": world.pats_booking.option_id,
        "terms_accepted": True, "participant_email": "someone@example.org",
        "participant_name": "Some One"}), 403)
    assert body["type"] == "urn:trainingdesk:problem:forbidden"
    assert Booking.objects.count() == before


def test_the_rate_limit_answers_429_with_retry_after(api, world, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    token = world.tokens["participant"]
    answers = [api.get("bookings", token) for _ in range(4)]
    assert [a.status_code for a in answers[:3]] == [200, 200, 200]
    body = assert_problem(answers[3], 429)
    assert body["type"] == "urn:trainingdesk:problem:rate-limited"
    assert 1 <= int(answers[3]["Retry-After"]) <= 60
    # Per token: another token is not slowed down by this one.
    assert api.get("bookings", world.tokens["other_participant"]).status_code == 200


def test_anonymous_callers_are_limited_by_their_address(api, db, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 2
    assert [api.get("levels").status_code for _ in range(3)] == [200, 200, 429]
    assert api.client.get("/api/v1/levels", REMOTE_ADDR="10.0.0.9").status_code == 200


def test_a_method_an_address_does_not_take_is_a_405_problem_naming_those_it_does(api, world):
    response = api.call("DELETE", "levels")
    body = assert_problem(response, 405)
    assert response["Allow"] == "GET" and body["detail"] == "This address takes GET."


def test_an_address_the_api_does_not_have_is_a_404_problem(api, db):
    body = assert_problem(api.get("no/such/thing"), 404)
    assert "/api/v1/docs" in body["detail"]
