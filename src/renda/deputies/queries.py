"""Read helpers for deputies: the filtered roster, the access helper and home cards."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from renda.core.models import Congress, Level, Role
from renda.core.perms import Perm, congresses_with, has_perm

from .models import Delegation, Deputy, DeputyGroup, Mandate, MandateStatus, Party


@dataclass
class RosterFilter:
    q: str = ""
    delegation: int | None = None
    group: int | None = None
    party: str = ""
    level: str = ""
    status: str = MandateStatus.ACTIVE

    @classmethod
    def from_params(cls, params: Any) -> RosterFilter:
        def as_int(name: str) -> int | None:
            value = params.get(name, "")
            try:
                return int(value) if value not in ("", None) else None
            except (TypeError, ValueError):
                return None

        status = params.get("status", MandateStatus.ACTIVE)
        return cls(
            q=(params.get("q") or "").strip()[:50],
            delegation=as_int("delegation"),
            group=as_int("group"),
            party=params.get("party", "") if params.get("party", "") in Party.values else "",
            level=params.get("level", "") if params.get("level", "") in Level.values else "",
            status=status if status in (*MandateStatus.values, "all") else MandateStatus.ACTIVE,
        )


def roster(congress: Congress, flt: RosterFilter) -> QuerySet[Mandate]:
    """Mandates of the congress's current term, filtered; one row per deputy."""
    qs = Mandate.objects.filter(congress=congress)
    term = congress.current_term()
    if term is not None:
        qs = qs.filter(term=term)
    if flt.status != "all":
        qs = qs.filter(status=flt.status)
    if flt.q:
        qs = qs.filter(Q(deputy__name__contains=flt.q) | Q(deputy__work_unit__contains=flt.q))
    if flt.delegation:
        qs = qs.filter(delegation_id=flt.delegation)
    if flt.group:
        qs = qs.filter(groups__id=flt.group)
    if flt.party:
        qs = qs.filter(deputy__party=flt.party)
    if flt.level:
        qs = qs.filter(Exists(Mandate.objects.filter(
            deputy_id=OuterRef("deputy_id"), congress__level=flt.level,
            status=MandateStatus.ACTIVE)))
    return (qs.select_related("deputy", "delegation")
            .prefetch_related(Prefetch("groups", queryset=DeputyGroup.objects.only("id", "name")))
            .order_by("delegation__sort_order", "deputy__name", "id"))


def filter_options(congress: Congress) -> dict[str, Any]:
    return {
        "delegations": list(Delegation.objects.filter(congress=congress)),
        "groups": list(DeputyGroup.objects.filter(congress=congress)),
        "parties": Party.choices,
        "levels": Level.choices,
        "statuses": [*MandateStatus.choices, ("all", "全部")],
    }


def get_deputy_for(user: Any, pk: int) -> tuple[Deputy, list[Mandate]]:
    """The deputy and the mandates the user may see; 404 when none (other congresses)."""
    ids = congresses_with(user, Perm.DEPUTIES_VIEW)
    mandates = list(Mandate.objects.filter(deputy_id=pk, congress_id__in=ids)
                    .select_related("congress", "term", "delegation")
                    .prefetch_related("groups").order_by("-start_date"))
    if not mandates:
        raise Http404("没有这位代表。")
    return mandates[0].deputy, mandates


def can_view_contact(user: Any, mandates: list[Mandate]) -> bool:
    return any(has_perm(user, Perm.DEPUTIES_VIEW_CONTACT, m.congress_id) for m in mandates)


def home_cards(user: Any, roles: set[str]) -> list[dict[str, Any]]:
    cards: list[dict[str, Any]] = []
    if roles & {Role.STAFF, Role.LEADER}:
        ids = congresses_with(user, Perm.DEPUTIES_VIEW)
        count = Mandate.objects.filter(congress_id__in=ids, status=MandateStatus.ACTIVE,
                                       term__is_current=True).count()
        cards.append({"title": "在任代表", "value": count, "unit": "名",
                      "url": "deputies:list", "action": "代表名册"})
    if Role.DEPUTY in roles:
        deputy = Deputy.objects.filter(user=user).first()
        if deputy is not None:
            n = deputy.mandates.filter(status=MandateStatus.ACTIVE).count()
            cards.append({"title": "我的代表资格", "value": n, "unit": "个层级",
                          "url_obj": f"/deputies/{deputy.pk}/", "action": "我的信息"})
    return cards
