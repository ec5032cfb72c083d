"""Read helpers for pages, the API and the home page."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet

from renda.core.perms import Perm, congresses_with
from renda.deputies.models import Deputy

from .models import Attendance, Ballot, Candidate, Entitlement, Kind, Receipt, Round, RoundStatus

S = RoundStatus


# The ballot's candidates cannot change while a vote or a rating is open: they are editable
# only before they are fixed, the elected set is written by the tally, and a round never
# goes back (states.TRANSITIONS). Each process keeps them for a short while, so that a hall
# of deputies opening the ballot at once does not read them once per deputy; the key holds
# the opening time, so no other round or later state can ever be served from it.
BALLOT_CACHE_SECONDS = 30


def candidate_rows(qs: QuerySet[Candidate]) -> list[dict[str, Any]]:
    """Candidates as the ballot and the API show them (with ``select_related("unit")``)."""
    return [{"id": c.pk, "title": c.title, "description": c.description, "budget": c.budget,
             "unit": c.unit.name if c.unit_id else None} for c in qs]


def ballot_candidates(r: Round, kind: str) -> list[dict[str, Any]]:
    """The candidates on the ballot of ``kind`` (all of them for the vote, the elected ones
    for the rating), as plain dicts in ballot order."""
    opened = r.opened_at if kind == Kind.VOTE else r.rating_opened_at
    is_open = (r.status == S.VOTING if kind == Kind.VOTE else r.status == S.EVALUATING)
    key = f"voting:ballot:{r.pk}:{kind}:{opened.timestamp() if opened else ''}"
    if is_open and opened is not None:
        cached = cache.get(key)
        if cached is not None:
            return cached
    qs = Candidate.objects.filter(round_id=r.pk).select_related("unit")
    if kind == Kind.RATING:
        qs = qs.filter(elected=True)
    rows = candidate_rows(qs)
    if is_open and opened is not None:
        cache.set(key, rows, BALLOT_CACHE_SECONDS)
    return rows


def ballot_state(user: Any, r: Round, kind: str) -> tuple[bool, bool]:
    """(may cast now, has cast) of the user's deputy on the round's open ballot, in one
    query: the entitlement of the user's deputy, present, with whether a receipt exists.

    Every deputy opening the ballot asks this, all at the same time in the hall: the SQL
    is written out, because building it through the ORM cost three times the query."""
    if not getattr(user, "pk", None):
        return False, False
    sql = (f"SELECT e.attendance, EXISTS (SELECT 1 FROM {Receipt._meta.db_table} rc "  # noqa: S608
           "WHERE rc.round_id = e.round_id AND rc.kind = e.kind AND rc.deputy_id = e.deputy_id) "
           f"FROM {Entitlement._meta.db_table} e JOIN {Deputy._meta.db_table} d ON d.id = e.deputy_id "
           "WHERE e.round_id = %s AND e.kind = %s AND d.user_id = %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [r.pk, kind, user.pk])
        row = cursor.fetchone()
    if row is None:
        return False, False
    attendance, voted = row[0], bool(row[1])
    return attendance == Attendance.PRESENT and not voted, voted


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
