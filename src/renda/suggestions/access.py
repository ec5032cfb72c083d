"""Who may see which suggestion, and as whom they act on it — the one place for scoping."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from renda.core.models import Role
from renda.core.perms import ROLE_PERMS, Perm

from .models import Assignment, CoSignerStatus, Status, Suggestion, Supervision


def _deputy_id(user: Any) -> int | None:
    cached = getattr(user, "_deputy_id", "unset")
    if cached == "unset":
        from renda.deputies.models import Deputy

        cached = Deputy.objects.filter(user=user).values_list("id", flat=True).first()
        user._deputy_id = cached
    return cached


# Co-signers who declined or let the invitation expire are no longer concerned.
SEEING_COSIGNERS = [CoSignerStatus.INVITED, CoSignerStatus.CONFIRMED]
# What a committee never sees: what has not been registered yet.
UNREGISTERED = [Status.DRAFT, Status.SUBMITTED, Status.UNDER_REVIEW, Status.RETURNED]


def committee_filter(congress_id: int, committee_ids: set[int] | list[int]) -> Q:
    """Registered suggestions of the committees' fields, or that they supervise."""
    if not committee_ids:
        return Q(pk__in=[])
    return Q(congress_id=congress_id) & (
        Q(category__committee_id__in=committee_ids)
        | Exists(Supervision.objects.filter(suggestion_id=OuterRef("pk"),
                                            committee_id__in=committee_ids))
    ) & ~Q(status__in=UNREGISTERED)


def visible_filter(user: Any) -> Q:
    """A Q object selecting the suggestions ``user`` may see. Nothing for anonymous users."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    query = Q(pk__in=[])
    for ra in user.current_roles():
        perms = ROLE_PERMS.get(ra.role, frozenset())
        if Perm.SUGGESTIONS_VIEW_ALL in perms:
            query |= Q(congress_id=ra.congress_id) & ~Q(status=Status.DRAFT)
        if ra.role == Role.COMMITTEE and ra.organization_id:
            query |= committee_filter(ra.congress_id, [ra.organization_id])
        if ra.role == Role.UNIT and ra.organization_id:
            query |= Q(congress_id=ra.congress_id, assignments__unit_id=ra.organization_id)
    deputy_id = _deputy_id(user)
    if deputy_id:
        query |= (Q(lead_deputy_id=deputy_id)
                  | Q(cosigners__deputy_id=deputy_id, cosigners__status__in=SEEING_COSIGNERS)
                  | Q(merged__lead_deputy_id=deputy_id))
    return query


def unit_ids(user: Any, congress_id: int | None = None) -> set[int]:
    """Handling units the user acts for (in one congress, or in any)."""
    return {ra.organization_id for ra in user.current_roles()
            if ra.role == Role.UNIT and ra.organization_id
            and (congress_id is None or ra.congress_id == congress_id)}


def committee_ids(user: Any, congress_id: int) -> set[int]:
    return {ra.organization_id for ra in user.current_roles()
            if ra.role == Role.COMMITTEE and ra.organization_id
            and ra.congress_id == congress_id}


@dataclass
class Standing:
    """How a user stands towards one suggestion."""

    lead: bool = False
    cosigner: bool = False
    staff: bool = False
    viewer: bool = False  # leader, committee: read only
    unit_ids: set[int] = field(default_factory=set)

    @property
    def deputy(self) -> bool:
        return self.lead or self.cosigner


def standing(user: Any, suggestion: Suggestion) -> Standing:
    from renda.core.perms import has_perm

    st = Standing()
    deputy_id = _deputy_id(user)
    if deputy_id is not None:
        st.lead = suggestion.lead_deputy_id == deputy_id or suggestion.merged.filter(
            lead_deputy_id=deputy_id).exists()
        st.cosigner = suggestion.cosigners.filter(deputy_id=deputy_id,
                                                  status__in=SEEING_COSIGNERS).exists()
    st.staff = has_perm(user, Perm.SUGGESTIONS_ASSIGN, suggestion.congress_id)
    st.viewer = has_perm(user, Perm.SUGGESTIONS_VIEW_ALL, suggestion.congress_id) or bool(
        committee_ids(user, suggestion.congress_id))
    mine = unit_ids(user, suggestion.congress_id)
    if mine:
        st.unit_ids = set(Assignment.objects.filter(
            suggestion=suggestion, unit_id__in=mine).values_list("unit_id", flat=True))
    return st


def get_suggestion_for(user: Any, pk: int) -> Suggestion:
    """The suggestion if ``user`` may see it; 404 otherwise (never reveals existence)."""
    try:
        return (Suggestion.objects.visible_to(user)
                .select_related("congress", "term", "session", "lead_deputy", "category",
                                "merged_into")
                .get(pk=pk))
    except (Suggestion.DoesNotExist, ValueError, TypeError):
        raise Http404("没有这件建议，或您无权查看。") from None


def get_assignment_for_unit(user: Any, pk: int) -> Assignment:
    """An assignment of one of the user's own units; another unit's is 404."""
    try:
        return (Assignment.objects.select_related("suggestion", "unit", "suggestion__congress",
                                                  "suggestion__lead_deputy")
                .get(pk=pk, unit_id__in=unit_ids(user)))
    except (Assignment.DoesNotExist, ValueError, TypeError):
        raise Http404("没有这项交办，或不属于本单位。") from None


def require(condition: bool, message: str = "您没有此项权限。") -> None:
    if not condition:
        raise PermissionDenied(message)
