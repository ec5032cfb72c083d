"""Read helpers for pages, the API, exports and other apps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from renda.core.models import Congress

from .access import SEEING_COSIGNERS, unit_ids
from .models import (
    OPEN_ASSIGNMENT,
    Assignment,
    AssignmentKind,
    Period,
    Status,
    Suggestion,
    Supervision,
    SupervisionKind,
)


def _int(params: Any, name: str) -> int | None:
    value = params.get(name, "")
    try:
        return int(value) if value not in ("", None) else None
    except (TypeError, ValueError):
        return None


@dataclass
class SuggestionFilter:
    q: str = ""
    status: str = ""
    category: int | None = None
    unit: int | None = None
    session: int | None = None
    period: str = ""
    overdue: bool = False
    key: bool = False
    published: bool = False

    @classmethod
    def from_params(cls, params: Any) -> SuggestionFilter:
        status = params.get("status", "")
        period = params.get("period", "")
        return cls(
            q=(params.get("q") or "").strip()[:50],
            status=status if status in Status.values or status == "open" else "",
            category=_int(params, "category"),
            unit=_int(params, "unit"),
            session=_int(params, "session"),
            period=period if period in Period.values else "",
            overdue=params.get("overdue") in ("1", "true", "on", True),
            key=params.get("key") in ("1", "true", "on", True),
            published=params.get("published") in ("1", "true", "on", True),
        )


def overdue_exists(today: Any = None) -> Exists:
    return Exists(Assignment.objects.filter(
        suggestion_id=OuterRef("pk"), status__in=OPEN_ASSIGNMENT,
        due_date__lt=today or timezone.localdate()))


def apply_filter(qs: QuerySet[Suggestion], flt: SuggestionFilter) -> QuerySet[Suggestion]:
    if flt.q:
        qs = qs.filter(Q(title__contains=flt.q) | Q(number__contains=flt.q)
                       | Q(lead_deputy__name=flt.q))
    if flt.status == "open":
        qs = qs.filter(status__in=[Status.ASSIGNED, Status.REASSIGNED, Status.HANDLING,
                                   Status.REHANDLING])
    elif flt.status:
        qs = qs.filter(status=flt.status)
    if flt.category:
        qs = qs.filter(category_id=flt.category)
    if flt.unit:
        qs = qs.filter(Exists(Assignment.objects.filter(suggestion_id=OuterRef("pk"),
                                                        unit_id=flt.unit)))
    if flt.session:
        qs = qs.filter(session_id=flt.session)
    if flt.period:
        qs = qs.filter(period=flt.period)
    if flt.overdue:
        qs = qs.filter(overdue_exists())
    if flt.key:
        qs = qs.filter(Exists(Supervision.objects.filter(suggestion_id=OuterRef("pk"),
                                                         kind=SupervisionKind.KEY)))
    if flt.published:
        qs = qs.filter(published_at__isnull=False)
    return qs


def staff_list(congress: Congress, flt: SuggestionFilter) -> QuerySet[Suggestion]:
    """Every suggestion of the congress but drafts, newest first, with what a row shows."""
    qs = Suggestion.objects.filter(congress=congress).exclude(status=Status.DRAFT)
    return (apply_filter(qs, flt)
            .select_related("lead_deputy", "category")
            .annotate(is_overdue=overdue_exists(),
                      is_key=Exists(Supervision.objects.filter(
                          suggestion_id=OuterRef("pk"), kind=SupervisionKind.KEY)))
            .prefetch_related(Prefetch(
                "assignments",
                queryset=Assignment.objects.exclude(status="withdrawn").select_related("unit")
                .only("id", "suggestion_id", "kind", "status", "due_date", "unit__name",
                      "unit__short_name")))
            .order_by("-submitted_at", "-id"))


def review_queue(congress: Congress) -> QuerySet[Suggestion]:
    return (Suggestion.objects.filter(congress=congress,
                                      status__in=[Status.SUBMITTED, Status.UNDER_REVIEW])
            .select_related("lead_deputy", "category").order_by("submitted_at", "id"))


@dataclass
class InboxFilter:
    state: str = "open"   # open | overdue | soon | replied | all
    q: str = ""

    @classmethod
    def from_params(cls, params: Any) -> InboxFilter:
        state = params.get("state", "open")
        return cls(state=state if state in ("open", "overdue", "soon", "replied", "all")
                   else "open", q=(params.get("q") or "").strip()[:50])


def unit_inbox(user: Any, flt: InboxFilter, congress_id: int | None = None
               ) -> QuerySet[Assignment]:
    """The unit's own assignments only; overdue first, then by due date."""
    today = timezone.localdate()
    qs = Assignment.objects.filter(unit_id__in=unit_ids(user, congress_id))
    if flt.state == "open":
        qs = qs.filter(status__in=OPEN_ASSIGNMENT)
    elif flt.state == "overdue":
        qs = qs.filter(status__in=OPEN_ASSIGNMENT, due_date__lt=today)
    elif flt.state == "soon":
        qs = qs.filter(status__in=OPEN_ASSIGNMENT, due_date__gte=today,
                       due_date__lte=today + timedelta(days=15))
    elif flt.state == "replied":
        qs = qs.exclude(status__in=OPEN_ASSIGNMENT)
    if flt.q:
        qs = qs.filter(Q(suggestion__title__contains=flt.q)
                       | Q(suggestion__number__contains=flt.q))
    return (qs.select_related("suggestion", "suggestion__lead_deputy", "suggestion__category",
                              "unit")
            .order_by("due_date", "id"))


def deputy_suggestions(deputy_id: int) -> QuerySet[Suggestion]:
    """A deputy's own suggestions and the ones they co-sign or were invited to."""
    return (Suggestion.objects.filter(Q(lead_deputy_id=deputy_id)
                                      | Q(cosigners__deputy_id=deputy_id,
                                          cosigners__status__in=SEEING_COSIGNERS))
            .distinct().select_related("lead_deputy", "category")
            .order_by("-updated_at", "-id"))


def answering_assignments(s: Suggestion) -> QuerySet[Assignment]:
    return s.assignments.filter(kind__in=[AssignmentKind.LEAD, AssignmentKind.SEPARATE])


def home_cards(user: Any, roles: set[str]) -> list[dict[str, Any]]:
    """What needs the user now, for the home page."""
    from renda.core.models import Role
    from renda.core.perms import Perm, congresses_with

    from .models import AdjustmentRequest, Extension, RequestStatus

    cards: list[dict[str, Any]] = []
    today = timezone.localdate()
    if Role.DEPUTY in roles:
        from renda.deputies.models import Deputy

        deputy = Deputy.objects.filter(user=user).first()
        if deputy is not None:
            mine = Suggestion.objects.filter(lead_deputy=deputy)
            to_rate = mine.filter(status=Status.REPLIED).count()
            returned = mine.filter(status=Status.RETURNED).count()
            invited = Suggestion.objects.filter(cosigners__deputy=deputy,
                                                cosigners__status="invited").count()
            cards.append({"title": "待我评价的答复", "value": to_rate, "unit": "件",
                          "url": "suggestions:my", "action": "去评价", "hot": bool(to_rate)})
            if returned or invited:
                cards.append({"title": "退回修改 / 邀请附议", "value": returned + invited,
                              "unit": "件", "url": "suggestions:my", "action": "去处理",
                              "hot": True})
            cards.append({"title": "写一件建议", "value": mine.count(), "unit": "件已写",
                          "url": "suggestions:new", "action": "写建议"})
    staff_ids = congresses_with(user, Perm.SUGGESTIONS_REVIEW)
    if staff_ids:
        review = Suggestion.objects.filter(
            congress_id__in=staff_ids, status__in=[Status.SUBMITTED, Status.UNDER_REVIEW]).count()
        requests = (Extension.objects.filter(assignment__suggestion__congress_id__in=staff_ids,
                                             status=RequestStatus.PENDING).count()
                    + AdjustmentRequest.objects.filter(
                        assignment__suggestion__congress_id__in=staff_ids,
                        status=RequestStatus.PENDING).count())
        to_assign = Suggestion.objects.filter(
            congress_id__in=staff_ids, status__in=[Status.REGISTERED, Status.REASSIGNED]).count()
        cards += [
            {"title": "待审核建议", "value": review, "unit": "件", "url": "suggestions:review",
             "action": "去审核", "hot": bool(review)},
            {"title": "待交办建议", "value": to_assign, "unit": "件", "url": "suggestions:list",
             "action": "去交办", "hot": bool(to_assign)},
            {"title": "延期/调整申请", "value": requests, "unit": "件",
             "url": "suggestions:requests", "action": "去审批", "hot": bool(requests)},
        ]
    view_ids = congresses_with(user, Perm.SUGGESTIONS_VIEW_ALL)
    if view_ids:
        overdue = Assignment.objects.filter(suggestion__congress_id__in=view_ids,
                                            status__in=OPEN_ASSIGNMENT,
                                            due_date__lt=today).count()
        cards.append({"title": "超期未答复", "value": overdue, "unit": "项交办",
                      "url": "suggestions:list", "action": "查看", "hot": bool(overdue)})
    mine_units = unit_ids(user)
    if mine_units:
        open_qs = Assignment.objects.filter(unit_id__in=mine_units, status__in=OPEN_ASSIGNMENT)
        pending = open_qs.filter(status="pending").count()
        overdue = open_qs.filter(due_date__lt=today).count()
        soon = open_qs.filter(due_date__gte=today, due_date__lte=today + timedelta(days=15)).count()
        cards += [
            {"title": "待签收", "value": pending, "unit": "件", "url": "suggestions:inbox",
             "action": "去签收", "hot": bool(pending)},
            {"title": "已超期", "value": overdue, "unit": "件", "url": "suggestions:inbox",
             "action": "去办理", "hot": bool(overdue)},
            {"title": "15天内到期", "value": soon, "unit": "件", "url": "suggestions:inbox",
             "action": "去办理"},
        ]
    return cards
