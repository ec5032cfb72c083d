"""Who may see which round, and the one rule about results: none before the vote closes."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from renda.core.perms import Perm, congresses_with, has_perm

from .models import Candidate, Round

NO_RESULTS_YET = "投票尚未结束。结束前任何人（包括工作人员）都不能查看结果。"


def visible_congresses(user: Any) -> set[int]:
    return (congresses_with(user, Perm.VOTING_VIEW) | congresses_with(user, Perm.VOTING_CAST)
            | congresses_with(user, Perm.VOTING_REPORT))


def get_round_for(user: Any, pk: Any, perm: Perm | None = None) -> Round:
    """The round if the user has a voting role in its congress (and ``perm`` if given);
    another congress's round is 404, a missing permission 403."""
    try:
        r = Round.objects.select_related("congress").get(pk=int(pk))
    except (Round.DoesNotExist, TypeError, ValueError):
        raise Http404("没有这一轮票决。") from None
    if r.congress_id not in visible_congresses(user):
        raise Http404("没有这一轮票决。")
    if perm is not None and not has_perm(user, perm, r.congress_id):
        raise PermissionDenied("您没有此项权限。")
    return r


def check_results(user: Any, r: Round) -> None:
    """Results exist only after the vote closed; before announcement only staff see them."""
    if not r.has_results:
        raise PermissionDenied(NO_RESULTS_YET)
    if not r.is_public and not has_perm(user, Perm.VOTING_VIEW, r.congress_id):
        raise PermissionDenied("结果尚未公布。")


def get_candidate_for(user: Any, pk: Any) -> Candidate:
    try:
        c = Candidate.objects.select_related("round", "unit").get(pk=int(pk))
    except (Candidate.DoesNotExist, TypeError, ValueError):
        raise Http404("没有这个项目。") from None
    get_round_for(user, c.round_id)
    return c
