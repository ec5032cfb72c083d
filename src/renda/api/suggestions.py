"""代表建议 through the API, under /api/v1/suggestions, for the phone app and units' systems.

Every endpoint is thin: it parses the body, gets the object through
``renda.suggestions.access`` and calls the same function of ``renda.suggestions.actions``
as the web pages; it never writes a model itself.

Status codes:

- 404 — the object does not exist, is in another congress, or the caller may not see it
  (another unit's assignment is 404 too, never 403);
- 403 — the caller sees the suggestion but their role may not take this step
  (a unit registering, a deputy assigning, a leader acting): the action raises
  ``NotAllowed``, which api.py answers with 403;
- 400 — a rule of the workflow refused it, with the field when there is one; an illegal
  transition (e.g. submitting twice) is also 400, never 409;
- 422 — the body or the query could not be parsed (missing field, bad date, page_size 1000).

Uploads (draft attachments, the signed reply) are web-only for now.
"""

from __future__ import annotations

from typing import Any

import ninja
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Exists, F, OuterRef, QuerySet
from django.http import Http404, HttpRequest, JsonResponse
from ninja import Query, Router

from renda.core.errors import DomainError
from renda.core.models import Congress, Organization, User
from renda.core.perms import Perm, congresses_with, has_perm
from renda.deputies.models import Deputy
from renda.suggestions import access, actions, queries
from renda.suggestions.models import (
    AdjustmentRequest,
    Assignment,
    AssignmentKind,
    AssignmentStatus,
    Attachment,
    Commitment,
    CoSignerStatus,
    Extension,
    Period,
    Reply,
    Status,
    Suggestion,
    Supervision,
)

from .schemas import Error
from .suggestion_schemas import (
    AdjustIn,
    AdjustmentOut,
    AssignIn,
    AssignmentDetail,
    AssignmentSummary,
    BulkAssignIn,
    CommitmentOut,
    ContactIn,
    ContactOut,
    CosignIn,
    CoViewIn,
    DecideIn,
    DraftIn,
    DraftUpdateIn,
    EvaluateIn,
    ExtendIn,
    ExtensionOut,
    InboxPage,
    InboxQuery,
    MergeIn,
    NotRegisterIn,
    ProgressIn,
    PublishIn,
    ReasonIn,
    RegisterIn,
    ReplyIn,
    ReplyOut,
    SuggestionDetail,
    SuggestionPage,
    SuggestionQuery,
    SuggestionSummary,
    SuperviseIn,
    SupervisionOut,
)

router = Router(tags=["suggestions"])

E = {400: Error, 403: Error, 404: Error, 422: Error}
MAX_PAGE_SIZE = 200
INBOX_STATES = ("open", "overdue", "soon", "replied", "all")


# --- helpers -------------------------------------------------------------------------------------


def _invalid(field: str, message: str) -> JsonResponse:
    """422 in the API's error shape, for query values checked here rather than by the schema."""
    return JsonResponse({"detail": "请求参数有误。", "errors": [{"field": field,
                                                                 "message": message}]},
                        status=422, json_dumps_params={"ensure_ascii": False})


def _paginate(qs: QuerySet[Any], page: int, page_size: int) -> Any:
    """The page, or a 422 response naming ``page_size`` / ``page`` (as /deputies does)."""
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        return _invalid("page_size", f"每页条数：应在 1 到 {MAX_PAGE_SIZE} 之间")
    paginator = Paginator(qs, page_size)
    try:
        return paginator.page(page)
    except EmptyPage:
        if page < 1 or paginator.count:
            return _invalid("page", f"页码：应在 1 到 {paginator.num_pages} 之间")
        return paginator.page(1)


def _page_out(page: Any, page_size: int, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"count": page.paginator.count, "page": page.number,
            "pages": page.paginator.num_pages, "page_size": page_size, "items": items}


def _congress_param(user: User, congress_id: int | None) -> None:
    """A congress named in a query must be one of the caller's; another one is 404."""
    if congress_id is not None and congress_id not in user.congress_ids():
        raise Http404


def _deputy_id(user: User) -> int | None:
    return Deputy.objects.filter(user=user).values_list("id", flat=True).first()


def _need(user: User, perm: Perm, s: Suggestion, message: str) -> None:
    """The named permission in the suggestion's congress, or 403. The action checks again."""
    access.require(has_perm(user, perm, s.congress_id), message)


def _sees_whole(st: access.Standing) -> bool:
    """Deputies concerned, staff, leaders and committees see every unit's part."""
    return st.deputy or st.staff or st.viewer


def _sees_unit(st: access.Standing, unit_id: int) -> bool:
    return _sees_whole(st) or unit_id in st.unit_ids


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _reply_labels(congress_id: int) -> dict[str, str]:
    return {c.code: str(c) for c in actions.reply_classes(congress_id)}


# --- serialisers ---------------------------------------------------------------------------------


def _summary(s: Suggestion) -> dict[str, Any]:
    return {
        "id": s.pk, "congress_id": s.congress_id, "number": s.number, "title": s.title,
        "status": s.status, "status_label": s.get_status_display(),
        "lead_deputy": s.lead_deputy.name, "category_id": s.category_id,
        "category": s.category.name if s.category_id else None,
        "period": s.period, "period_label": s.get_period_display(),
        "created_at": s.created_at, "submitted_at": s.submitted_at,
        "registered_at": s.registered_at, "replied_at": s.replied_at,
        "closed_at": s.closed_at, "published_at": s.published_at,
    }


def _fresh(user: User, pk: int) -> dict[str, Any]:
    return _summary(access.get_suggestion_for(user, pk))


def _brief(a: Assignment, show_view: bool) -> dict[str, Any]:
    return {
        "id": a.pk, "unit_id": a.unit_id, "unit": a.unit.name, "kind": a.kind,
        "kind_label": a.get_kind_display(), "status": a.status,
        "status_label": a.get_status_display(), "assigned_at": a.assigned_at,
        "due_date": a.due_date, "original_due_date": a.original_due_date,
        "adjust_until": a.adjust_until, "accepted_at": a.accepted_at,
        "replied_at": a.replied_at, "is_overdue": a.is_overdue(), "days_left": a.days_left(),
        "co_view": a.co_view if show_view else "",
        "co_view_at": a.co_view_at if show_view else None,
    }


def _assignment_summary(a: Assignment) -> dict[str, Any]:
    s = a.suggestion
    return {
        **_brief(a, True), "suggestion_id": s.pk, "number": s.number, "title": s.title,
        "suggestion_status": s.status, "suggestion_status_label": s.get_status_display(),
        "lead_deputy": s.lead_deputy.name,
        "category": s.category.name if s.category_id else None,
    }


def _commitment(c: Commitment) -> dict[str, Any]:
    return {
        "id": c.pk, "reply_id": c.reply_id, "unit": c.unit.name, "content": c.content,
        "due_date": c.due_date, "status": c.status, "status_label": c.get_status_display(),
        "done_at": c.done_at,
        "updates": [{"text": u.text, "done": u.done, "at": u.at} for u in c.updates.all()],
    }


def _replies(qs: QuerySet[Reply], labels: dict[str, str]) -> list[dict[str, Any]]:
    qs = qs.select_related("assignment__unit").prefetch_related(
        "commitments__unit", "commitments__updates").order_by("replied_at", "id")
    return [{
        "id": r.pk, "assignment_id": r.assignment_id, "unit": r.assignment.unit.name,
        "round": r.round, "reply_class": r.reply_class,
        "reply_class_label": labels.get(r.reply_class, r.reply_class), "text": r.text,
        "replied_at": r.replied_at,
        "commitments": [_commitment(c) for c in r.commitments.all()],
    } for r in qs]


def _commitments(qs: QuerySet[Commitment]) -> list[dict[str, Any]]:
    return [_commitment(c) for c in qs.select_related("unit").prefetch_related("updates")]


def _evaluations(s: Suggestion) -> list[dict[str, Any]]:
    return [{"deputy": e.deputy.name, "round": e.round, "result": e.result,
             "result_label": e.get_result_display(), "comment": e.comment, "at": e.at}
            for e in s.evaluations.select_related("deputy").order_by("round", "at", "id")]


def _co_views(s: Suggestion) -> list[dict[str, Any]]:
    return [{"unit": a.unit.name, "text": a.co_view, "sent_at": a.co_view_at}
            for a in s.assignments.filter(kind=AssignmentKind.CO, co_view_at__isnull=False)
            .select_related("unit")]


def _supervision(v: Supervision) -> dict[str, Any]:
    return {"id": v.pk, "kind": v.kind, "kind_label": v.get_kind_display(),
            "leader": (v.leader.full_name or v.leader.username) if v.leader_id else None,
            "committee": v.committee.name if v.committee_id else None, "note": v.note,
            "created_at": v.created_at}


def _contact(c: Any) -> dict[str, Any]:
    return {"id": c.pk, "stage": c.stage, "stage_label": c.get_stage_display(), "way": c.way,
            "way_label": c.get_way_display(), "contact_date": c.contact_date,
            "summary": c.summary, "created_at": c.created_at}


def _extension(x: Extension) -> dict[str, Any]:
    return {"id": x.pk, "assignment_id": x.assignment_id, "new_due_date": x.new_due_date,
            "reason": x.reason, "status": x.status, "status_label": x.get_status_display(),
            "requested_at": x.requested_at, "decided_at": x.decided_at,
            "decision_note": x.decision_note,
            "due_date": Assignment.objects.values_list("due_date", flat=True)
            .get(pk=x.assignment_id)}


def _adjustment(x: AdjustmentRequest) -> dict[str, Any]:
    return {"id": x.pk, "assignment_id": x.assignment_id, "reason": x.reason,
            "suggested_unit": x.suggested_unit.name if x.suggested_unit_id else None,
            "status": x.status, "status_label": x.get_status_display(),
            "requested_at": x.requested_at, "decided_at": x.decided_at,
            "decision_note": x.decision_note,
            "assignment_status": Assignment.objects.values_list("status", flat=True)
            .get(pk=x.assignment_id)}


def _confirmed_cosigners(s: Suggestion) -> list[str]:
    return [c.deputy.name for c in s.cosigners.filter(status=CoSignerStatus.CONFIRMED)
            .select_related("deputy").order_by("id")]


def _detail(user: User, s: Suggestion) -> dict[str, Any]:
    st = access.standing(user, s)
    whole = _sees_whole(st)
    assignments = list(s.assignments.select_related("unit"))
    shown = [a for a in assignments if whole or a.unit_id in st.unit_ids]
    shown_ids = [a.pk for a in shown]
    mine_kinds = {a.kind for a in assignments if a.unit_id in st.unit_ids}
    labels = _reply_labels(s.congress_id)
    deputy_id = _deputy_id(user)
    my_cosign = s.cosigners.filter(deputy_id=deputy_id).first() if deputy_id else None
    answering = bool(mine_kinds & {AssignmentKind.LEAD, AssignmentKind.SEPARATE})
    shown_replies = set(Reply.objects.filter(assignment_id__in=shown_ids)
                        .values_list("id", flat=True))
    commitments = s.commitments.all() if whole else s.commitments.filter(
        unit_id__in=st.unit_ids)
    return {
        **_summary(s),
        "problem": s.problem, "analysis": s.analysis, "measures": s.measures,
        "review_note": s.review_note if whole else "",
        "not_registered_kind": s.not_registered_kind, "rehandle_count": s.rehandle_count,
        "merged_into": ({"id": s.merged_into.pk, "number": s.merged_into.number,
                         "title": s.merged_into.title,
                         "lead_deputy": s.merged_into.lead_deputy.name}
                        if s.merged_into_id else None),
        "merged": [{"id": m.pk, "number": m.number, "title": m.title,
                    "lead_deputy": m.lead_deputy.name}
                   for m in s.merged.select_related("lead_deputy")] if whole else [],
        "cosigners": _confirmed_cosigners(s),
        "invitations": [{"deputy": c.deputy.name, "status": c.status,
                         "status_label": c.get_status_display()}
                        for c in s.cosigners.select_related("deputy").order_by("id")]
        if deputy_id and s.lead_deputy_id == deputy_id else [],
        "my_cosign": my_cosign.status if my_cosign else None,
        "assignments": [_brief(a, st.staff or st.viewer or a.unit_id in st.unit_ids)
                        for a in shown],
        "co_views": _co_views(s) if AssignmentKind.LEAD in mine_kinds else [],
        "replies": _replies(Reply.objects.filter(assignment_id__in=shown_ids), labels),
        "evaluations": _evaluations(s) if whole or answering else [],
        "commitments": _commitments(commitments),
        "supervisions": [_supervision(v) for v in
                         s.supervisions.select_related("leader", "committee")],
        "timeline": [{"from_status": t.from_status,
                      "from_label": _label(Status, t.from_status) if t.from_status else "",
                      "to_status": t.to_status, "to_label": _label(Status, t.to_status),
                      "actor": ((t.actor.full_name or t.actor.username)
                                if whole and t.actor_id else None),
                      "reason": t.reason if whole else "", "at": t.at}
                     for t in s.transitions.select_related("actor")],
        "attachments": [{"id": f.pk, "name": f.name, "size": f.size, "kind": f.kind}
                        for f in Attachment.objects.filter(suggestion=s).order_by("id")
                        if f.reply_id is None or whole or f.reply_id in shown_replies],
    }


def _assignment_detail(a: Assignment) -> dict[str, Any]:
    s = a.suggestion
    labels = _reply_labels(s.congress_id)
    answering = a.kind in (AssignmentKind.LEAD, AssignmentKind.SEPARATE)
    return {
        **_assignment_summary(a),
        "problem": s.problem, "analysis": s.analysis, "measures": s.measures,
        "cosigners": _confirmed_cosigners(s),
        "lead_units": [x.unit.name for x in s.assignments.filter(kind=AssignmentKind.LEAD)
                       .exclude(status=AssignmentStatus.WITHDRAWN).select_related("unit")]
        if a.kind == AssignmentKind.CO else [],
        "co_views": _co_views(s) if a.kind == AssignmentKind.LEAD else [],
        "contacts": [_contact(c) for c in a.contacts.all()],
        "replies": _replies(a.replies.all(), labels),
        "commitments": _commitments(Commitment.objects.filter(reply__assignment=a)),
        "extensions": [_extension(x) for x in a.extensions.all()],
        "adjustments": [_adjustment(x) for x in a.adjustments.select_related("suggested_unit")],
        "evaluations": _evaluations(s) if answering else [],
    }


def _unit_summary(user: User, pk: int) -> dict[str, Any]:
    return _assignment_summary(access.get_assignment_for_unit(user, pk))


# --- lists ---------------------------------------------------------------------------------------
# (fixed paths first, so that /inbox is never taken for a suggestion id)


@router.get("", response={200: SuggestionPage, **E},
            summary="我能看到的代表建议（筛选、分页；mine=true 只看本人的）")
def list_suggestions(request: HttpRequest, filters: Query[SuggestionQuery]) -> Any:
    user = request.user
    whole = (congresses_with(user, Perm.SUGGESTIONS_VIEW_ALL)
             | congresses_with(user, Perm.SUGGESTIONS_FOLLOW)
             | congresses_with(user, Perm.SUGGESTIONS_WRITE))
    own_units = access.unit_ids(user)
    if not whole and not own_units:
        raise PermissionDenied("您没有查看代表建议的权限。")
    _congress_param(user, filters.congress)
    if filters.status and filters.status not in (*Status.values, "open"):
        return _invalid("status", "状态：没有这个状态")
    if filters.period and filters.period not in Period.values:
        return _invalid("period", "提出时间：应为 during 或 between")
    flt = queries.SuggestionFilter.from_params(filters.dict())
    unit_only = not whole
    if unit_only and flt.unit is not None and flt.unit not in own_units:
        raise Http404  # a unit may not learn what another unit handles
    if filters.mine:
        deputy_id = _deputy_id(user)
        if deputy_id is None:
            raise PermissionDenied("只有代表才有“我的建议”。")
        qs = queries.deputy_suggestions(deputy_id)
    else:
        qs = Suggestion.objects.visible_to(user).select_related("lead_deputy", "category")
    if unit_only and flt.overdue:
        # Overdue means one of the unit's own assignments, never another unit's.
        flt.overdue = False
        qs = qs.filter(Exists(Assignment.objects.overdue().filter(
            suggestion_id=OuterRef("pk"), unit_id__in=own_units)))
    qs = queries.apply_filter(qs, flt)
    if filters.congress is not None:
        qs = qs.filter(congress_id=filters.congress)
    if not filters.mine:
        qs = qs.order_by(F("submitted_at").desc(nulls_first=True), "-id")
    page = _paginate(qs, filters.page, filters.page_size)
    if isinstance(page, JsonResponse):
        return page
    return _page_out(page, filters.page_size, [_summary(s) for s in page.object_list])


@router.get("/inbox", response={200: InboxPage, **E},
            summary="承办单位的交办件（本单位的，超期的在前）")
def inbox(request: HttpRequest, filters: Query[InboxQuery]) -> Any:
    user = request.user
    if not access.unit_ids(user):
        raise PermissionDenied("只有承办单位才有交办件。")
    _congress_param(user, filters.congress)
    if filters.state not in INBOX_STATES:
        return _invalid("state", "状态：应为 open、overdue、soon、replied 或 all")
    flt = queries.InboxFilter.from_params({"state": filters.state, "q": filters.q})
    page = _paginate(queries.unit_inbox(user, flt, filters.congress), filters.page,
                     filters.page_size)
    if isinstance(page, JsonResponse):
        return page
    return _page_out(page, filters.page_size,
                     [_assignment_summary(a) for a in page.object_list])


# --- the deputy ----------------------------------------------------------------------------------


def _draft_data(payload: DraftUpdateIn) -> actions.DraftData:
    return actions.DraftData(title=payload.title, problem=payload.problem,
                             analysis=payload.analysis, measures=payload.measures,
                             category_id=payload.category)


@router.post("", response={201: SuggestionSummary, **E}, summary="代表新建建议草稿")
def create_suggestion(request: HttpRequest, payload: DraftIn) -> Any:
    user = request.user
    _congress_param(user, payload.congress)
    congress = Congress.objects.get(pk=payload.congress)
    s = actions.save_draft(user, congress, _draft_data(payload),
                           cosigner_ids=payload.cosigners, request=request)
    return ninja.Status(201, _fresh(user, s.pk))


@router.get("/{int:suggestion_id}", response={200: SuggestionDetail, **E},
            summary="建议详情（承办单位只看到本单位的交办）")
def get_suggestion(request: HttpRequest, suggestion_id: int) -> Any:
    return _detail(request.user, access.get_suggestion_for(request.user, suggestion_id))


def _as_lead(request: HttpRequest, suggestion_id: int) -> Suggestion:
    s = access.get_suggestion_for(request.user, suggestion_id)
    access.require(access.standing(request.user, s).lead, "只有领衔代表才能这样做。")
    return s


@router.put("/{int:suggestion_id}", response={200: SuggestionSummary, **E},
            summary="修改草稿或退回修改的建议（附议代表按此名单重设）")
def update_suggestion(request: HttpRequest, suggestion_id: int, payload: DraftUpdateIn) -> Any:
    s = _as_lead(request, suggestion_id)
    actions.save_draft(request.user, s.congress, _draft_data(payload), suggestion=s,
                       cosigner_ids=payload.cosigners, request=request)
    return _fresh(request.user, s.pk)


@router.delete("/{int:suggestion_id}", response={204: None, **E}, summary="删除本人的草稿")
def delete_suggestion(request: HttpRequest, suggestion_id: int) -> Any:
    s = _as_lead(request, suggestion_id)
    actions.delete_draft(request.user, s, request=request)
    return ninja.Status(204, None)


@router.post("/{int:suggestion_id}/submit", response={200: SuggestionSummary, **E},
             summary="领衔代表提交建议")
def submit(request: HttpRequest, suggestion_id: int) -> Any:
    s = _as_lead(request, suggestion_id)
    actions.submit(request.user, s, request=request)
    return _fresh(request.user, s.pk)


@router.post("/{int:suggestion_id}/recall", response={200: SuggestionSummary, **E},
             summary="审核开始前撤回为草稿")
def recall(request: HttpRequest, suggestion_id: int) -> Any:
    s = _as_lead(request, suggestion_id)
    actions.recall(request.user, s, request=request)
    return _fresh(request.user, s.pk)


@router.post("/{int:suggestion_id}/cosign", response={200: SuggestionSummary, **E},
             summary="被邀请的代表同意或谢绝附议")
def cosign(request: HttpRequest, suggestion_id: int, payload: CosignIn) -> Any:
    s = access.get_suggestion_for(request.user, suggestion_id)
    actions.answer_cosign(request.user, s, payload.accept, request=request)
    return _fresh(request.user, s.pk)


@router.post("/{int:suggestion_id}/evaluate", response={200: SuggestionSummary, **E},
             summary="领衔代表评价办理结果（满意、基本满意、不满意）")
def evaluate(request: HttpRequest, suggestion_id: int, payload: EvaluateIn) -> Any:
    s = _as_lead(request, suggestion_id)
    actions.evaluate(request.user, s, payload.result, payload.comment, request=request)
    return _fresh(request.user, s.pk)


# --- staff ---------------------------------------------------------------------------------------

REVIEW_DENIED = "您没有审核建议的权限。"
ASSIGN_DENIED = "您没有交办建议的权限。"


def _as_staff(request: HttpRequest, suggestion_id: int, perm: Perm, message: str
              ) -> Suggestion:
    """The suggestion (404 if not visible). The action itself refuses a caller without
    ``perm`` (403); only endpoints that look other things up first check it here."""
    return access.get_suggestion_for(request.user, suggestion_id)


@router.post("/{int:suggestion_id}/start-review", response={200: SuggestionSummary, **E},
             summary="开始审核")
def start_review(request: HttpRequest, suggestion_id: int) -> Any:
    s = _as_staff(request, suggestion_id, Perm.SUGGESTIONS_REVIEW, REVIEW_DENIED)
    actions.start_review(request.user, s, request=request)
    return _fresh(request.user, s.pk)


@router.post("/{int:suggestion_id}/return", response={200: SuggestionSummary, **E},
             summary="退回代表修改（写明理由）")
def return_to_deputy(request: HttpRequest, suggestion_id: int, payload: ReasonIn) -> Any:
    s = _as_staff(request, suggestion_id, Perm.SUGGESTIONS_REVIEW, REVIEW_DENIED)
    actions.return_to_deputy(request.user, s, payload.reason, request=request)
    return _fresh(request.user, s.pk)


@router.post("/{int:suggestion_id}/not-register", response={200: SuggestionSummary, **E},
             summary="不予立案或转作来信处理（写明理由）")
def not_register(request: HttpRequest, suggestion_id: int, payload: NotRegisterIn) -> Any:
    s = _as_staff(request, suggestion_id, Perm.SUGGESTIONS_REVIEW, REVIEW_DENIED)
    actions.not_register(request.user, s, payload.kind, payload.reason, request=request)
    return _fresh(request.user, s.pk)


@router.post("/{int:suggestion_id}/register", response={200: SuggestionSummary, **E},
             summary="立案并编号")
def register(request: HttpRequest, suggestion_id: int, payload: RegisterIn | None = None
             ) -> Any:
    s = _as_staff(request, suggestion_id, Perm.SUGGESTIONS_REVIEW, REVIEW_DENIED)
    actions.register(request.user, s, category_id=payload.category if payload else None,
                     request=request)
    return _fresh(request.user, s.pk)


@router.post("/{int:suggestion_id}/merge", response={200: SuggestionSummary, **E},
             summary="并案：并入另一件已立案的建议")
def merge(request: HttpRequest, suggestion_id: int, payload: MergeIn) -> Any:
    s = _as_staff(request, suggestion_id, Perm.SUGGESTIONS_REVIEW, REVIEW_DENIED)
    _need(request.user, Perm.SUGGESTIONS_REVIEW, s, REVIEW_DENIED)
    try:
        into = access.get_suggestion_for(request.user, payload.into)
    except Http404:
        raise DomainError("没有这件建议，无法并入。", field="into") from None
    actions.merge(request.user, s, into, reason=payload.reason, request=request)
    return _fresh(request.user, s.pk)


@router.post("/{int:suggestion_id}/assign", response={200: SuggestionSummary, **E},
             summary="交办：一个主办单位加会办单位，或多个分办单位")
def assign(request: HttpRequest, suggestion_id: int, payload: AssignIn) -> Any:
    s = _as_staff(request, suggestion_id, Perm.SUGGESTIONS_ASSIGN, ASSIGN_DENIED)
    actions.assign(request.user, s, lead=payload.lead, co=payload.co,
                   separate=payload.separate, request=request)
    return _fresh(request.user, s.pk)


@router.post("/bulk-assign", response={200: list[SuggestionSummary], **E},
             summary="批量交办给同一主办单位（全部成功或全部不变）")
def bulk_assign(request: HttpRequest, payload: BulkAssignIn) -> Any:
    ids = list(dict.fromkeys(payload.ids))
    chosen = [_as_staff(request, pk, Perm.SUGGESTIONS_ASSIGN, ASSIGN_DENIED) for pk in ids]
    actions.assign_many(request.user, chosen, lead=payload.lead, co=payload.co,
                        request=request)
    return [_fresh(request.user, pk) for pk in ids]


@router.post("/{int:suggestion_id}/supervise", response={201: SupervisionOut, **E},
             summary="列入重点督办或联合督办")
def supervise(request: HttpRequest, suggestion_id: int, payload: SuperviseIn) -> Any:
    s = _as_staff(request, suggestion_id, Perm.SUGGESTIONS_SUPERVISE, "您没有督办建议的权限。")
    _need(request.user, Perm.SUGGESTIONS_SUPERVISE, s, "您没有督办建议的权限。")
    leader = None
    if payload.leader is not None:
        leader = User.objects.filter(pk=payload.leader).first()
        if leader is None:
            raise DomainError("领衔督办的须是本人大的主任会议成员。", field="leader")
    committee = None
    if payload.committee is not None:
        committee = Organization.objects.filter(pk=payload.committee).first()
        if committee is None:
            raise DomainError("督办委员会须是本人大的专门委员会或工作委员会。",
                              field="committee")
    sup = actions.supervise(request.user, s, payload.kind, leader=leader, committee=committee,
                            note=payload.note, request=request)
    return ninja.Status(201, _supervision(sup))


@router.post("/{int:suggestion_id}/publish", response={200: SuggestionSummary, **E},
             summary="公开或取消公开建议及答复")
def publish(request: HttpRequest, suggestion_id: int, payload: PublishIn | None = None) -> Any:
    s = _as_staff(request, suggestion_id, Perm.SUGGESTIONS_PUBLISH, "您没有公开建议的权限。")
    actions.publish(request.user, s, payload.publish if payload else True, request=request)
    return _fresh(request.user, s.pk)


@router.post("/{int:suggestion_id}/close-unevaluated", response={200: SuggestionSummary, **E},
             summary="代表逾期未评价的，按未评价办结")
def close_unevaluated(request: HttpRequest, suggestion_id: int) -> Any:
    s = _as_staff(request, suggestion_id, Perm.SUGGESTIONS_ASSIGN, ASSIGN_DENIED)
    actions.close_unevaluated(request.user, s, request=request)
    return _fresh(request.user, s.pk)


def _request_for(request: HttpRequest, model: Any, pk: int) -> Any:
    """An extension or adjustment request, through the suggestion it belongs to: 404 unless
    the caller sees that suggestion and that unit's part of it; 403 unless they may decide."""
    item = model.objects.select_related("assignment").filter(pk=pk).first()
    if item is None:
        raise Http404
    s = access.get_suggestion_for(request.user, item.assignment.suggestion_id)
    if not _sees_unit(access.standing(request.user, s), item.assignment.unit_id):
        raise Http404
    return item


@router.post("/extensions/{int:extension_id}/decide", response={200: ExtensionOut, **E},
             summary="审批承办单位的延期申请")
def decide_extension(request: HttpRequest, extension_id: int, payload: DecideIn) -> Any:
    item = _request_for(request, Extension, extension_id)
    ext = actions.decide_extension(request.user, item, payload.approve, payload.note,
                                   request=request)
    return _extension(ext)


@router.post("/adjustments/{int:adjustment_id}/decide", response={200: AdjustmentOut, **E},
             summary="审批承办单位的调整申请")
def decide_adjustment(request: HttpRequest, adjustment_id: int, payload: DecideIn) -> Any:
    item = _request_for(request, AdjustmentRequest, adjustment_id)
    adj = actions.decide_adjustment(request.user, item, payload.approve, payload.note,
                                    request=request)
    return _adjustment(AdjustmentRequest.objects.select_related("suggested_unit").get(pk=adj.pk))


# --- the handling unit ---------------------------------------------------------------------------


@router.get("/assignments/{int:assignment_id}", response={200: AssignmentDetail, **E},
            summary="本单位的一项交办（沟通记录、答复、承诺、申请）")
def get_assignment(request: HttpRequest, assignment_id: int) -> Any:
    return _assignment_detail(access.get_assignment_for_unit(request.user, assignment_id))


@router.post("/assignments/{int:assignment_id}/accept", response={200: AssignmentSummary, **E},
             summary="签收交办")
def accept(request: HttpRequest, assignment_id: int) -> Any:
    a = access.get_assignment_for_unit(request.user, assignment_id)
    actions.accept(request.user, a, request=request)
    return _unit_summary(request.user, a.pk)


@router.post("/assignments/{int:assignment_id}/adjust", response={201: AdjustmentOut, **E},
             summary="申请调整（不属于本单位职责，限交办后几个工作日内）")
def request_adjustment(request: HttpRequest, assignment_id: int, payload: AdjustIn) -> Any:
    a = access.get_assignment_for_unit(request.user, assignment_id)
    unit = None
    if payload.suggested_unit is not None:
        unit = Organization.objects.filter(pk=payload.suggested_unit).first()
        if unit is None:
            raise DomainError("建议的承办单位须是本人大的承办单位。", field="suggested_unit")
    adj = actions.request_adjustment(request.user, a, payload.reason, suggested_unit=unit,
                                     request=request)
    return ninja.Status(201, _adjustment(adj))


@router.post("/assignments/{int:assignment_id}/extend", response={201: ExtensionOut, **E},
             summary="申请延期（最多 3 个月，须人大工作人员同意）")
def request_extension(request: HttpRequest, assignment_id: int, payload: ExtendIn) -> Any:
    a = access.get_assignment_for_unit(request.user, assignment_id)
    ext = actions.request_extension(request.user, a, payload.new_due_date, payload.reason,
                                    request=request)
    return ninja.Status(201, _extension(ext))


@router.post("/assignments/{int:assignment_id}/contacts", response={201: ContactOut, **E},
             summary="记录与代表的沟通（办前、办中、办后）")
def record_contact(request: HttpRequest, assignment_id: int, payload: ContactIn) -> Any:
    a = access.get_assignment_for_unit(request.user, assignment_id)
    record = actions.record_contact(request.user, a, stage=payload.stage, way=payload.way,
                                    contact_date=payload.contact_date, summary=payload.summary,
                                    request=request)
    return ninja.Status(201, _contact(record))


@router.post("/assignments/{int:assignment_id}/co-view", response={200: AssignmentSummary, **E},
             summary="会办单位向主办单位送会办意见")
def send_co_view(request: HttpRequest, assignment_id: int, payload: CoViewIn) -> Any:
    a = access.get_assignment_for_unit(request.user, assignment_id)
    actions.send_co_view(request.user, a, payload.text, request=request)
    return _unit_summary(request.user, a.pk)


@router.post("/assignments/{int:assignment_id}/reply", response={201: ReplyOut, **E},
             summary="主办或分办单位答复代表（B 类须列承诺事项；盖章答复件暂只能在网页上传）")
def reply(request: HttpRequest, assignment_id: int, payload: ReplyIn) -> Any:
    a = access.get_assignment_for_unit(request.user, assignment_id)
    r = actions.reply(request.user, a, reply_class=payload.reply_class, text=payload.text,
                      commitments=[actions.CommitmentData(c.content, c.due_date)
                                   for c in payload.commitments], request=request)
    [out] = _replies(Reply.objects.filter(pk=r.pk), _reply_labels(a.suggestion.congress_id))
    return ninja.Status(201, out)


@router.post("/commitments/{int:commitment_id}/progress", response={201: CommitmentOut, **E},
             summary="承诺事项进展（done=true 表示已落实）")
def commitment_progress(request: HttpRequest, commitment_id: int, payload: ProgressIn) -> Any:
    c = Commitment.objects.filter(pk=commitment_id).first()
    if c is None:
        raise Http404
    s = access.get_suggestion_for(request.user, c.suggestion_id)
    st = access.standing(request.user, s)
    if not _sees_unit(st, c.unit_id):
        raise Http404
    actions.update_commitment(request.user, c, payload.text, payload.done, request=request)
    [out] = _commitments(Commitment.objects.filter(pk=c.pk))
    return ninja.Status(201, out)


def _register_field_labels() -> None:
    """Give the 422 handler of api.py Chinese names for this module's fields. Imported here,
    at the end, because api.py mounts this router at its own end."""
    from .api import FIELD_LABELS as shared
    from .suggestion_schemas import FIELD_LABELS as ours

    for name, label in ours.items():
        shared.setdefault(name, label)


_register_field_labels()
