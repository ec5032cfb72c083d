"""Read helpers for pages, the API and the home page."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from renda.core.perms import Perm, congresses_with
from renda.deputies.models import Deputy

from .models import Ballot, Entitlement, Kind, Receipt, Round, RoundStatus

S = RoundStatus


def deputy_id_of(user: Any) -> int | None:
    if not getattr(user, "pk", None):
        return None
    cached = getattr(user, "_voting_deputy_id", "unset")
    if cached == "unset":
        cached = Deputy.objects.filter(user=user).values_list("id", flat=True).first()
        user._voting_deputy_id = cached
    return cached


def rounds_for(user: Any) -> QuerySet[Round]:
    from .access import visible_congresses

    return Round.objects.filter(congress_id__in=visible_congresses(user)).select_related(
        "congress")


def open_for_deputy(user: Any) -> list[dict[str, Any]]:
    """Votes and ratings the user may cast now, with whether they already did."""
    deputy_id = Deputy.objects.filter(user=user).values_list("id", flat=True).first() \
        if getattr(user, "pk", None) else None
    if not deputy_id:
        return []
    ids = congresses_with(user, Perm.VOTING_CAST)
    out = []
    for r in Round.objects.filter(congress_id__in=ids, status__in=[S.VOTING, S.EVALUATING]):
        kind = Kind.VOTE if r.status == S.VOTING else Kind.RATING
        if kind == Kind.VOTE and r.method != "electronic":
            continue
        if not Entitlement.objects.filter(round=r, kind=kind, deputy_id=deputy_id).exists():
            continue
        voted = Receipt.objects.filter(round=r, kind=kind, deputy_id=deputy_id).exists()
        out.append({"round": r, "kind": kind, "voted": voted})
    return out


def projects_of_units(user: Any) -> list[Any]:
    """Elected projects under way whose responsible unit the user acts for."""
    from renda.core.models import Role

    from .models import Candidate

    units = {ra.organization_id for ra in user.current_roles()
             if ra.role == Role.UNIT and ra.organization_id}
    if not units:
        return []
    return list(Candidate.objects.filter(
        unit_id__in=units, elected=True,
        round__status__in=[S.ANNOUNCED, S.IMPLEMENTING, S.EVALUATING]).select_related("round"))


def turnout(r: Round, kind: str = Kind.VOTE) -> dict[str, int]:
    """How many have voted so far: not a result (shown in the hall while voting)."""
    ents = Entitlement.objects.filter(round=r, kind=kind)
    return {
        "entitled": ents.count(),
        "present": ents.filter(attendance="present").count(),
        "voted": Receipt.objects.filter(round=r, kind=kind).count(),
    }


def find_tracker(code: str) -> tuple[Round | None, str]:
    """The round whose ballot box holds this tracker and its state; never the content."""
    from .actions import hash_tracker, normalise_tracker

    if len(normalise_tracker(code)) != 16:
        return None, "invalid"
    b = Ballot.objects.filter(tracker_hash=hash_tracker(code)).select_related("round").only(
        "round__id", "round__title", "round__status", "round__congress_id", "kind").first()
    if b is None:
        return None, "missing"
    r = b.round
    counted = r.status != S.VOTING if b.kind == Kind.VOTE else r.status == S.CLOSED
    return r, ("counted" if counted else "received")


def home_cards(user: Any, role_set: set[str]) -> list[dict[str, Any]]:
    cards: list[dict[str, Any]] = []
    for item in open_for_deputy(user):
        r = item["round"]
        if not item["voted"]:
            what = "投票" if item["kind"] == Kind.VOTE else "满意度测评"
            cards.append({"title": r.title, "value": what, "unit": "正在进行，请参加",
                          "url_obj": f"/voting/{r.pk}/{'vote' if item['kind'] == Kind.VOTE else 'rate'}/",
                          "action": f"去{what}", "hot": True})
    manage = congresses_with(user, Perm.VOTING_MANAGE)
    if manage:
        active = Round.objects.filter(congress_id__in=manage).exclude(status=S.CLOSED).count()
        cards.append({"title": "民生实事项目票决", "value": active, "unit": "轮正在进行",
                      "url": "voting:index", "action": "管理票决"})
    return cards
