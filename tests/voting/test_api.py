"""The phone app and hall terminals: token, round, ballot, results (refused before close)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from renda.api.auth import issue_token
from renda.voting import actions
from renda.voting.models import Attendance, Ballot, Receipt, Round

from .conftest import ballot


def api(user=None):
    headers = {}
    if user is not None:
        key, _ = issue_token(user)
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    client = Client(**headers)

    def call(method, path, body=None):
        kwargs = {"content_type": "application/json", "data": json.dumps(body)} if body is not None else {}
        return getattr(client, method)(f"/api/v1/voting{path}", **kwargs)

    return call


def test_deputy_votes_through_the_api_once(open_round, voters):
    call = api(voters[0])
    detail = call("get", f"/rounds/{open_round.pk}").json()
    assert detail["can_vote"] and detail["ballot_kind"] == "vote" and len(detail["candidates"]) == 12
    resp = call("post", f"/rounds/{open_round.pk}/ballot", {"choices": ballot(open_round)})
    assert resp.status_code == 200 and set(resp.json()) == {"tracker", "round_id"}
    again = call("post", f"/rounds/{open_round.pk}/ballot", {"choices": ballot(open_round)})
    assert again.status_code == 400 and "已经投过票" in again.json()["detail"]
    assert call("get", f"/rounds/{open_round.pk}").json()["has_voted"] is True
    assert Receipt.objects.count() == Ballot.objects.count() == 1


def test_bad_ballots_are_refused_with_nothing_saved(open_round, voters):
    call = api(voters[0])
    assert call("post", f"/rounds/{open_round.pk}/ballot", {"choices": "yes"}).status_code == 422
    assert call("post", f"/rounds/{open_round.pk}/ballot", {}).status_code == 422
    r = call("post", f"/rounds/{open_round.pk}/ballot", {"choices": ballot(open_round, yes=12)})
    assert r.status_code == 400 and "最多" in r.json()["detail"]
    assert not Receipt.objects.exists() and not Ballot.objects.exists()


def test_results_refused_before_close_for_every_role_then_shown(open_round, voters, staff, leader):
    for user in (staff, leader, voters[0]):
        resp = api(user)("get", f"/rounds/{open_round.pk}/results")
        assert resp.status_code == 403 and "投票尚未结束" in resp.json()["detail"]
    assert api()("get", f"/rounds/{open_round.pk}/results").status_code == 401
    for u in voters:
        api(u)("post", f"/rounds/{open_round.pk}/ballot", {"choices": ballot(open_round)})
    assert api(voters[0])("post", f"/rounds/{open_round.pk}/close").status_code == 403
    closed = api(staff)("post", f"/rounds/{open_round.pk}/close")
    assert closed.status_code == 200 and closed.json()["ballots_valid"] == 5
    assert sum(c["elected"] for c in closed.json()["candidates"]) == 10


def test_no_api_field_links_a_deputy_to_a_ballot(open_round, voters, staff):
    tracker = api(voters[0])("post", f"/rounds/{open_round.pk}/ballot",
                             {"choices": ballot(open_round)}).json()["tracker"]
    b = Ballot.objects.get()
    for user in (staff, voters[0]):
        for path in ("/rounds", f"/rounds/{open_round.pk}", f"/rounds/{open_round.pk}/turnout"):
            text = api(user)("get", path).content.decode()
            assert str(b.pk) not in text and b.tracker_hash not in text and tracker not in text
    from ninja import Schema

    from renda.api import voting_schemas

    for obj in vars(voting_schemas).values():
        if isinstance(obj, type) and issubclass(obj, Schema) and obj is not Schema:
            names = set(obj.model_fields)
            assert not names & {"deputy", "deputy_id", "user", "tracker_hash", "ballot_id",
                                "cast_at", "voter"}, obj


def test_tracker_check_is_public_and_says_nothing_of_content(open_round, voters):
    tracker = api(voters[0])("post", f"/rounds/{open_round.pk}/ballot",
                             {"choices": ballot(open_round)}).json()["tracker"]
    resp = api()("post", "/tracker", {"tracker": tracker})
    assert resp.json() == {"state": "received", "round_id": open_round.pk,
                           "round_title": open_round.title}
    assert api()("post", "/tracker", {"tracker": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"}).json()["state"] == "missing"
    assert api()("post", "/tracker", {"tracker": "bad"}).status_code == 422


@pytest.mark.parametrize("path", ["/rounds/999999", "/rounds/999999/results"])
def test_missing_round_is_404(voters, path):
    assert api(voters[0])("get", path).status_code == 404


def test_other_congress_gets_404(open_round, outsider):
    assert api(outsider)("get", f"/rounds/{open_round.pk}").status_code == 404
    assert api(outsider)("post", f"/rounds/{open_round.pk}/close").status_code == 404


def test_ballot_refusals_name_the_right_status_and_save_nothing(open_round, voters, staff,
                                                                 other_deputy_user):
    body = {"choices": ballot(open_round)}
    # another congress's deputy cannot see the round at all; a missing round is the same
    assert api(other_deputy_user)("post", f"/rounds/{open_round.pk}/ballot", body).status_code == 404
    assert api(voters[0])("post", "/rounds/999999/ballot", body).status_code == 404
    # staff see the round but have no vote
    resp = api(staff)("post", f"/rounds/{open_round.pk}/ballot", body)
    assert resp.status_code == 403 and "代表本人" in resp.json()["detail"]
    # a deputy recorded on leave sees no vote and is refused
    actions.set_attendance(staff, open_round, voters[1].deputy.pk, Attendance.LEAVE)
    detail = api(voters[1])("get", f"/rounds/{open_round.pk}").json()
    assert detail["can_vote"] is False and detail["has_voted"] is False
    resp = api(voters[1])("post", f"/rounds/{open_round.pk}/ballot", body)
    assert resp.status_code == 400 and "请假" in resp.json()["detail"]
    assert api(staff)("get", f"/rounds/{open_round.pk}").json()["can_vote"] is False
    assert not Receipt.objects.exists() and not Ballot.objects.exists()


def test_the_ballot_shown_follows_the_round_from_vote_to_rating(open_round, voters, staff):
    call = api(voters[0])
    on_vote = call("get", f"/rounds/{open_round.pk}").json()
    assert [c["id"] for c in on_vote["candidates"]] == list(
        open_round.candidates.values_list("id", flat=True))
    for u in voters:
        api(u)("post", f"/rounds/{open_round.pk}/ballot", {"choices": ballot(open_round)})
    actions.close_vote(staff, open_round)
    closed = call("get", f"/rounds/{open_round.pk}").json()
    assert closed["ballot_kind"] is None and not closed["can_vote"] and len(closed["candidates"]) == 12
    r = Round.objects.get(pk=open_round.pk)
    for target in ("announced", "implementing"):
        actions.move(staff, r, target)
    actions.open_rating(staff, r)
    rating = call("get", f"/rounds/{open_round.pk}").json()
    elected = set(r.candidates.filter(elected=True).values_list("id", flat=True))
    assert rating["ballot_kind"] == "rating" and rating["can_vote"] and rating["has_voted"] is False
    assert {c["id"] for c in rating["candidates"]} == elected and len(elected) == 10
    choices = {str(c): "satisfied" for c in elected}
    assert call("post", f"/rounds/{open_round.pk}/ballot", {"choices": choices}).status_code == 200
    assert call("get", f"/rounds/{open_round.pk}").json()["has_voted"] is True
