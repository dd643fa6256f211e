"""Every coursework page for every persona. A portfolio is its participant's (the coordinator may
look, not write); a submission is its allocated markers' and the coordinator's, and only once
submitted; trainers and supervisors see none. Everyone else is told there is no such page (404);
the coordinator's own pages answer 403 to anyone else signed in. After each refused POST the
database is checked: nothing changed."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.coursework.conftest import WORKING, complete, docx
from tests.factories import UserFactory
from trainingdesk.accounts.models import Role
from trainingdesk.accounts.roles import grant_role
from trainingdesk.coursework import services
from trainingdesk.coursework.models import Extension, Marking, Piece, Submission
from trainingdesk.supervision.models import Supervisor

PERSONAS = ["anonymous", "owner", "other_participant", "trainer", "supervisor", "assessor",
            "moderator", "other_assessor", "coordinator"]


@pytest.fixture
def people(portfolio, trainer, coordinator, assessor, moderator):
    supervisor = UserFactory(full_name="Sue Supervisor")
    grant_role(supervisor, Role.SUPERVISOR)
    Supervisor.objects.create(user=supervisor, accreditation="NVRA")
    other_assessor = UserFactory(full_name="Otto Assessor")
    grant_role(other_assessor, Role.ASSESSOR)
    return {"anonymous": None, "owner": portfolio.participant,
            "other_participant": UserFactory(full_name="Oscar Outsider"), "trainer": trainer,
            "supervisor": supervisor, "assessor": assessor, "moderator": moderator,
            "other_assessor": other_assessor, "coordinator": coordinator}


@pytest.fixture
def as_persona(client: Client, people):
    def sign_in(persona: str) -> Client:
        if people[persona] is not None:
            client.force_login(people[persona])
        return client
    return sign_in


@pytest.fixture
def submission(portfolio, coordinator, assessor, moderator) -> Submission:
    complete(portfolio)
    submitted = services.submit(portfolio=portfolio, actor=portfolio.participant, now=WORKING)
    return services.allocate_markers(submission=submitted, assessor=assessor, moderator=moderator,
                                     actor=coordinator)


@pytest.fixture(autouse=True)
def _while_working():
    with time_machine.travel(WORKING, tick=False):
        yield


def _state() -> tuple:
    return (list(Piece.objects.order_by("pk").values_list("text", "file", "words", "confirmed_at")),
            list(Submission.objects.order_by("pk").values_list("assessor", "moderator", "outcome")),
            Marking.objects.count(), Extension.objects.count())


def _expected(persona: str, allowed: dict[str, int], *, others: int) -> int:
    if persona == "anonymous":
        return 302
    return allowed.get(persona, others)


OWNER_AND_COORDINATOR = {"owner": 200, "coordinator": 200}
MARKERS = {"assessor": 200, "moderator": 200, "coordinator": 200}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_portfolio_is_seen_by_its_participant_and_the_coordinator_only(as_persona, persona, portfolio):
    response = as_persona(persona).get(reverse("coursework:portfolio", args=[portfolio.pk]))
    assert response.status_code == _expected(persona, OWNER_AND_COORDINATOR, others=404)
    assert (portfolio.candidate_number in response.content.decode()) == (persona in OWNER_AND_COORDINATOR)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_participant_keeps_a_draft(as_persona, persona, portfolio):
    log = portfolio.level.coursework.get(title="Reflective log")
    url = reverse("coursework:part", args=[portfolio.pk, log.pk, 1])
    client = as_persona(persona)
    assert client.get(url).status_code == _expected(persona, {"owner": 200}, others=404)
    before = _state()
    response = client.post(url, {"text": "Someone's reflections."})
    if persona == "owner":
        assert response.status_code == 302
        assert Piece.objects.get().text == "Someone's reflections."
    else:
        assert response.status_code == _expected(persona, {}, others=404)
        assert _state() == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_draft_file_is_the_participant_s_and_the_coordinator_s(as_persona, persona, portfolio):
    case_study = portfolio.level.coursework.get(title="Case study")
    services.save_draft(portfolio=portfolio, component=case_study, number=1, actor=portfolio.participant,
                        upload=docx(2000))
    url = reverse("coursework:draft_file", args=[portfolio.pk, case_study.pk, 1])
    response = as_persona(persona).get(url)
    assert response.status_code == _expected(persona, OWNER_AND_COORDINATOR, others=404)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_participant_submits(as_persona, persona, portfolio):
    complete(portfolio)
    url = reverse("coursework:submit", args=[portfolio.pk])
    client = as_persona(persona)
    assert client.get(url).status_code == _expected(persona, {"owner": 200}, others=404)
    before = _state()
    response = client.post(url, {"declaration": "on"})
    if persona == "owner":
        assert response.status_code == 302 and Submission.objects.count() == 1
    else:
        assert response.status_code == _expected(persona, {}, others=404)
        assert _state() == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_coordinator_grants_an_extension(as_persona, persona, portfolio):
    url = reverse("coursework:extension", args=[portfolio.pk])
    client = as_persona(persona)
    assert client.get(url).status_code == _expected(persona, {"coordinator": 200}, others=403)
    before = _state()
    response = client.post(url, {"days": "30", "reason": "Illness"})
    if persona == "coordinator":
        assert response.status_code == 302 and Extension.objects.get().days == 30
    else:
        assert response.status_code == _expected(persona, {}, others=403)
        assert _state() == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_marking_list_shows_each_marker_only_their_own(as_persona, persona, submission):
    response = as_persona(persona).get(reverse("coursework:marking"))
    assert response.status_code == (302 if persona == "anonymous" else 200)
    listed = reverse("coursework:mark", args=[submission.pk]) in response.content.decode()
    assert listed == (persona in ("assessor", "moderator"))


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_submission_is_seen_by_its_markers_and_the_coordinator_and_marked_by_the_assessor(
    as_persona, persona, submission
):
    url = reverse("coursework:mark", args=[submission.pk])
    client = as_persona(persona)
    assert client.get(url).status_code == _expected(persona, MARKERS, others=404)
    before = _state()
    data = {"outcome": "pass", "feedback": "Good."}
    data.update({f"part_{piece.pk}": "pass" for piece in submission.pieces.all()})
    response = client.post(url, data)
    if persona == "assessor":
        assert response.status_code == 302 and Marking.objects.get().outcome == "pass"
    else:
        # The moderator may not moderate before the assessor has marked; the coordinator does
        # not mark.
        assert response.status_code == _expected(persona, {"moderator": 403, "coordinator": 403},
                                                  others=404)
        assert _state() == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_submitted_file_is_for_its_markers_the_coordinator_and_the_participant(as_persona, persona,
                                                                                  submission):
    piece = submission.pieces.exclude(file="").first()
    response = as_persona(persona).get(reverse("coursework:submitted_file", args=[submission.pk, piece.pk]))
    assert response.status_code == _expected(persona, {**MARKERS, "owner": 200}, others=404)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_coordinator_sees_the_overview_and_allocates(as_persona, persona, submission, people):
    client = as_persona(persona)
    assert client.get(reverse("coursework:review")).status_code == _expected(
        persona, {"coordinator": 200}, others=403)
    url = reverse("coursework:allocate", args=[submission.pk])
    assert client.get(url).status_code == _expected(persona, {"coordinator": 200}, others=403)
    before = _state()
    response = client.post(url, {"assessor": people["other_assessor"].pk})
    if persona == "coordinator":
        assert response.status_code == 302
        assert Submission.objects.get().assessor == people["other_assessor"]
    else:
        assert response.status_code == _expected(persona, {}, others=403)
        assert _state() == before
