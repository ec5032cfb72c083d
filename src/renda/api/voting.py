"""民生实事项目票决 through the API, under /api/v1/voting, for the phone app and the hall
terminals. Thin: each endpoint calls the same ``renda.voting.actions`` as the pages.

- 404 — no such round, or it belongs to another congress;
- 403 — the caller's role may not do this, and **every** request for results before the
  vote closed (staff included);
- 400 — a rule refused it (already voted, too many 赞成, vote not open), nothing saved;
- 422 — the body could not be parsed.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Status

from renda.core.perms import Perm, has_perm
from renda.core.ratelimit import hit
from renda.voting import actions, queries
from renda.voting.access import check_results, get_round_for
from renda.voting.models import Kind, Method, Round, RoundStatus

from .schemas import Error
from .voting_schemas import (
    BallotIn,
    CastOut,
    ResultsOut,
    RoundOut,
    TrackerIn,
    TrackerOut,
    TurnoutOut,
)

router = Router(tags=["voting"])
S = RoundStatus
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error}


def _kind(r: Round) -> str | None:
    if r.status == S.VOTING and r.method == Method.ELECTRONIC:
        return Kind.VOTE
    if r.status == S.EVALUATING:
        return Kind.RATING
    return None


def _round_out(user: Any, r: Round) -> dict[str, Any]:
    kind = _kind(r)
    may_cast, voted = (queries.ballot_state(user, r, kind)
                       if kind and has_perm(user, Perm.VOTING_CAST, r.congress_id)
                       else (False, False))
    if kind:
        candidates = queries.ballot_candidates(r, kind)
    else:
        candidates = queries.candidate_rows(r.candidates.select_related("unit"))
    return {
        "id": r.pk, "congress_id": r.congress_id, "year": r.year, "title": r.title,
        "seats": r.seats, "method": r.method, "status": r.status,
        "status_label": r.get_status_display(), "opened_at": r.opened_at,
        "closed_at": r.closed_at, "has_voted": voted, "ballot_kind": kind,
        "can_vote": may_cast, "candidates": candidates,
    }


@router.get("/rounds", response={200: list[RoundOut], **ERRORS}, summary="我能看到的票决")
def rounds(request: HttpRequest) -> Any:
    return [_round_out(request.user, r) for r in queries.rounds_for(request.user)[:50]]


@router.get("/rounds/{round_id}", response={200: RoundOut, **ERRORS}, summary="一轮票决与选票上的项目")
def round_detail(request: HttpRequest, round_id: int) -> Any:
    return _round_out(request.user, get_round_for(request.user, round_id))


@router.post("/rounds/{round_id}/ballot", response={200: CastOut, **ERRORS},
             summary="投票（测评进行中时为满意度测评）；返回只显示一次的选票核对码")
def cast(request: HttpRequest, round_id: int, payload: BallotIn) -> Any:
    # The action reads the round under the ballot box's lock and answers 404 for a round
    # the caller cannot see, 403 without the right to vote; the ballot (vote or rating)
    # is the one open on it.
    tracker = actions.cast(request.user, round_id, payload.choices)
    return {"tracker": tracker, "round_id": round_id}


@router.get("/rounds/{round_id}/turnout", response={200: TurnoutOut, **ERRORS},
            summary="投票人数（不是结果；会场大屏用）")
def turnout(request: HttpRequest, round_id: int) -> Any:
    r = get_round_for(request.user, round_id, Perm.VOTING_VIEW)
    return queries.turnout(r, Kind.RATING if r.status == S.EVALUATING else Kind.VOTE)


@router.get("/rounds/{round_id}/results", response={200: ResultsOut, **ERRORS},
            summary="计票结果（投票结束前对任何人都拒绝）")
def results(request: HttpRequest, round_id: int) -> Any:
    r = get_round_for(request.user, round_id)
    check_results(request.user, r)
    return {
        "round_id": r.pk, "status": r.status, "entitled": r.entitled_count,
        "voted": r.voted_count, "ballots_total": r.ballots_total,
        "ballots_valid": r.ballots_valid, "ballots_invalid": r.ballots_invalid,
        "quorum_met": r.quorum_met, "tie_note": r.tie_note,
        "candidates": [{"id": c.pk, "title": c.title, "unit": c.unit.name if c.unit_id else None,
                        "yes": c.yes or 0, "no": c.no or 0, "abstain": c.abstain or 0,
                        "elected": c.elected, "tied": c.tied, "rating": c.rating or None}
                       for c in r.candidates.select_related("unit")],
    }


def _manage(request: HttpRequest, round_id: int) -> Round:
    r = get_round_for(request.user, round_id)
    if not has_perm(request.user, Perm.VOTING_MANAGE, r.congress_id):
        raise PermissionDenied("您没有此项权限。")
    return r


@router.post("/rounds/{round_id}/open", response={200: RoundOut, **ERRORS}, summary="开始投票")
def open_vote(request: HttpRequest, round_id: int) -> Any:
    r = actions.open_vote(request.user, _manage(request, round_id), request=request)
    return _round_out(request.user, r)


@router.post("/rounds/{round_id}/close", response={200: ResultsOut, **ERRORS},
             summary="结束投票并计票")
def close_vote(request: HttpRequest, round_id: int) -> Any:
    actions.close_vote(request.user, _manage(request, round_id), request=request)
    return results(request, round_id)


@router.post("/tracker", auth=None, response={200: TrackerOut, 429: Error, 422: Error},
             summary="核对选票是否已计入（不返回选票内容）")
def tracker(request: HttpRequest, payload: TrackerIn) -> Any:
    if not hit("voting-tracker", request.META.get("REMOTE_ADDR", ""), limit=30, window=300):
        return Status(429, {"detail": "核对过于频繁，请 5 分钟后再试。", "errors": []})
    r, state = queries.find_tracker(payload.tracker)
    if state == "invalid":
        return Status(422, {"detail": "核对码应为 16 位字母和数字。",
                            "errors": [{"field": "tracker", "message": "核对码格式不正确"}]})
    return {"state": state, "round_id": r.pk if r else None, "round_title": r.title if r else None}
