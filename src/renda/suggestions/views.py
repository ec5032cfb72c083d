"""Suggestion pages for deputies (phone first), staff and handling units.

Views parse input, get objects through the access helpers, call one action and render;
a refused action re-renders the page with the Chinese message and what was typed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from renda.core.access import congresses_for, pick_congress
from renda.core.errors import DomainError, NotAllowed
from renda.core.models import Congress, Organization, Session
from renda.core.perms import Perm, congresses_with, has_perm
from renda.deputies.models import Deputy, Mandate, MandateStatus

from . import actions, queries
from .access import (
    committee_filter,
    committee_ids,
    get_assignment_for_unit,
    get_suggestion_for,
    standing,
    unit_ids,
)
from .deadlines import add_workdays
from .forms import (
    AdjustForm,
    AssignForm,
    ContactForm,
    DraftForm,
    ExtensionForm,
    NotRegisterForm,
    ReplyForm,
    SuperviseForm,
)
from .models import (
    AdjustmentRequest,
    Assignment,
    AssignmentKind,
    AssignmentStatus,
    Attachment,
    AttachmentKind,
    Category,
    Commitment,
    CommitmentStatus,
    CoSignerStatus,
    Evaluation,
    EvaluationResult,
    Extension,
    Reply,
    RequestStatus,
    Status,
    Suggestion,
    SuggestionConfig,
)
from .states import EDITABLE_STATES

PAGE = 30


def _refused_status(err: DomainError) -> int:
    """403 when the user may not take this step at all, 400 when the rules refused it."""
    return 403 if isinstance(err, NotAllowed) else 400


def _deputy(request: HttpRequest) -> Deputy | None:
    return Deputy.objects.filter(user=request.user).first()


def _deputy_congresses(deputy: Deputy) -> list[Congress]:
    return list(Congress.objects.filter(
        id__in=Mandate.objects.filter(deputy=deputy, status=MandateStatus.ACTIVE,
                                      term__is_current=True).values("congress_id"))
        .order_by("region_code"))


# --- the deputy ------------------------------------------------------------------------------


@login_required
def my_list(request: HttpRequest) -> HttpResponse:
    deputy = _deputy(request)
    if deputy is None:
        raise PermissionDenied("只有代表才有“我的建议”。")
    items = list(queries.deputy_suggestions(deputy.pk)[:200])
    invitations = [s for s in items if s.lead_deputy_id != deputy.pk and s.cosigners.filter(
        deputy=deputy, status=CoSignerStatus.INVITED).exists()]
    own = [s for s in items if s.lead_deputy_id == deputy.pk]
    cosigned = [s for s in items if s.lead_deputy_id != deputy.pk and s not in invitations]
    to_rate = [s for s in own if s.status == Status.REPLIED]
    return render(request, "suggestions/my_list.html", {
        "own": own, "cosigned": cosigned, "invitations": invitations, "to_rate": to_rate,
        "deputy": deputy})


@login_required
def edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The guided form: 标题、领域、问题、分析、对策, co-signers, attachments; save or submit."""
    deputy = _deputy(request)
    if deputy is None:
        raise PermissionDenied("只有代表才能写建议。")
    suggestion = None
    if pk is not None:
        suggestion = get_suggestion_for(request.user, pk)
        if suggestion.lead_deputy_id != deputy.pk or suggestion.status not in EDITABLE_STATES:
            raise PermissionDenied("只有领衔代表才能修改草稿或被退回的建议。")
        congress = suggestion.congress
    else:
        choices = _deputy_congresses(deputy)
        if not choices:
            raise PermissionDenied("您目前没有在任的代表资格。")
        wanted = request.POST.get("congress") or request.GET.get("congress")
        congress = next((c for c in choices if str(c.pk) == str(wanted)), choices[0])
    initial = {}
    if suggestion is not None:
        initial = {"title": suggestion.title, "category": suggestion.category_id,
                   "problem": suggestion.problem, "analysis": suggestion.analysis,
                   "measures": suggestion.measures,
                   "cosigners": list(suggestion.cosigners.values_list("deputy_id", flat=True))}
    form = DraftForm(congress, deputy.pk, request.POST or None, request.FILES or None,
                     initial=initial)
    if request.method == "POST" and form.is_valid():
        data = actions.DraftData(
            title=form.cleaned_data["title"], problem=form.cleaned_data["problem"],
            analysis=form.cleaned_data["analysis"], measures=form.cleaned_data["measures"],
            category_id=form.cleaned_data["category"].pk if form.cleaned_data["category"] else None)
        try:
            saved = actions.save_draft(
                request.user, congress, data, suggestion=suggestion,
                cosigner_ids=[d.pk for d in form.cleaned_data["cosigners"]],
                files=form.cleaned_data["files"], request=request)
            if "submit" in request.POST:
                actions.submit(request.user, saved, request=request)
                messages.success(request, "建议已提交，人大工作人员审核后会通知您。")
            else:
                messages.success(request, "草稿已保存。")
            return redirect("suggestions:detail", pk=saved.pk)
        except DomainError as err:
            form.add_error(err.field if err.field in form.fields else None, err.message)
            if "submit" in request.POST and "saved" in locals():
                suggestion = saved  # saved as a draft; submission was refused
    return render(request, "suggestions/edit.html", {
        "form": form, "suggestion": suggestion, "congress": congress,
        "congresses": _deputy_congresses(deputy) if suggestion is None else [congress],
    }, status=400 if request.method == "POST" else 200)


# --- the shared detail page ------------------------------------------------------------------


def _detail_context(request: HttpRequest, s: Suggestion) -> dict[str, Any]:
    st = standing(request.user, s)
    sees_replies = st.deputy or st.staff or st.viewer
    assignments = list(s.assignments.select_related("unit").prefetch_related(
        "replies__commitments", "contacts", "extensions", "adjustments"))
    if not (st.staff or st.viewer or st.deputy):
        assignments = [a for a in assignments if a.unit_id in st.unit_ids]
    deputy = _deputy(request)
    my_cosign = s.cosigners.filter(deputy=deputy).first() if deputy else None
    config = SuggestionConfig.for_congress(s.congress_id)
    ctx: dict[str, Any] = {
        "s": s, "st": st, "assignments": assignments, "sees_replies": sees_replies,
        "cosigners": s.cosigners.select_related("deputy"),
        "transitions": s.transitions.select_related("actor"),
        "evaluations": s.evaluations.select_related("deputy"),
        "supervisions": s.supervisions.select_related("leader", "committee"),
        "attachments": [a for a in s.attachments.all()
                        if a.kind == AttachmentKind.MATERIAL or sees_replies],
        "merged": s.merged.select_related("lead_deputy"),
        "my_cosign": my_cosign,
        "can_edit": st.lead and s.lead_deputy.user_id == request.user.pk
        and s.status in EDITABLE_STATES,
        "can_evaluate": st.lead and deputy is not None and s.replied_at is not None
        and (s.status == Status.REPLIED or (deputy.pk != s.lead_deputy_id
                                            and s.status in actions.MERGED_RATEABLE))
        and not Evaluation.objects.filter(suggestion=s, deputy=deputy,
                                          round=s.rehandle_count + 1).exists(),
        "results": EvaluationResult.choices,
        "my_assignments": [a for a in assignments if a.unit_id in st.unit_ids],
        "pdf_url": f"/documents/suggestions/{s.pk}.pdf",
        "show_review_note": s.status in (Status.RETURNED, Status.NOT_REGISTERED),
        "cosign_open": s.status in (Status.DRAFT, Status.SUBMITTED, Status.UNDER_REVIEW,
                                    Status.RETURNED),
        "flags": {
            "review": s.status in (Status.SUBMITTED, Status.UNDER_REVIEW),
            # an assigned duplicate may still be merged while no unit has signed for it
            "merge": (s.status in (Status.SUBMITTED, Status.UNDER_REVIEW, Status.REGISTERED)
                      or (s.status == Status.ASSIGNED and not any(
                          a.status not in (AssignmentStatus.PENDING, AssignmentStatus.WITHDRAWN)
                          for a in assignments)))
            and not s.merged.exists(),
            "assign": s.status in (Status.REGISTERED, Status.REASSIGNED),
            "supervise": s.status in (Status.REGISTERED, Status.ASSIGNED, Status.REASSIGNED,
                                      Status.HANDLING, Status.REPLIED, Status.REHANDLING,
                                      Status.EVALUATED, Status.TRACKING, Status.CLOSED),
            "publish": s.status in (Status.REPLIED, Status.EVALUATED, Status.TRACKING,
                                    Status.CLOSED),
        },
    }
    if s.replied_at:
        ctx["evaluate_by"] = add_workdays(timezone.localtime(s.replied_at).date(),
                                          config.evaluate_workdays)
    if st.staff:
        ctx.update({
            "assign_form": AssignForm(s.congress),
            "not_register_form": NotRegisterForm(),
            "supervise_form": SuperviseForm(s.congress),
            "categories": Category.objects.filter(congress=s.congress_id),
            "pending_extensions": Extension.objects.filter(
                assignment__suggestion=s, status=RequestStatus.PENDING).select_related(
                "assignment__unit"),
            "pending_adjustments": AdjustmentRequest.objects.filter(
                assignment__suggestion=s, status=RequestStatus.PENDING).select_related(
                "assignment__unit", "suggested_unit"),
        })
    return ctx


def _render_detail(request: HttpRequest, s: Suggestion, *, error: DomainError | None = None,
                   status: int = 200) -> HttpResponse:
    ctx = _detail_context(request, s)
    ctx["error"] = error
    ctx["posted"] = request.POST if error else {}
    return render(request, "suggestions/detail.html", ctx, status=status)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, get_suggestion_for(request.user, pk))


def _organization(congress_id: int, value: Any) -> Organization | None:
    if not value:
        return None
    try:
        return Organization.objects.get(pk=int(value), congress_id=congress_id)
    except (Organization.DoesNotExist, ValueError, TypeError):
        raise DomainError("所选机构不属于本人大。") from None


def _ids(values: list[str]) -> list[int]:
    try:
        return [int(v) for v in values if v]
    except ValueError:
        raise DomainError("所选单位无效。") from None


@login_required
@require_POST
def act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    """One endpoint per suggestion-level action; the verb names the action."""
    s = get_suggestion_for(request.user, pk)
    p, user = request.POST, request.user
    done = {
        "submit": "建议已提交。", "recall": "已撤回为草稿。", "delete": "草稿已删除。",
        "cosign": "已答复附议邀请。", "evaluate": "感谢您的评价。",
        "start_review": "已开始审核。", "return": "已退回代表修改。",
        "not_register": "已办理。", "register": "已立案。", "merge": "已并案。",
        "assign": "已交办。", "supervise": "已列入督办。", "publish": "已公开。",
        "unpublish": "已取消公开。", "close_unevaluated": "已按代表未评价办结。",
    }
    if verb not in done:
        raise Http404
    try:
        if verb == "submit":
            actions.submit(user, s, request=request)
        elif verb == "recall":
            actions.recall(user, s, request=request)
        elif verb == "delete":
            actions.delete_draft(user, s, request=request)
            messages.success(request, done[verb])
            return redirect("suggestions:my")
        elif verb == "cosign":
            actions.answer_cosign(user, s, p.get("accept") == "1", request=request)
        elif verb == "evaluate":
            actions.evaluate(user, s, p.get("result", ""), p.get("comment", ""), request=request)
        elif verb == "start_review":
            actions.start_review(user, s, request=request)
        elif verb == "return":
            actions.return_to_deputy(user, s, p.get("reason", ""), request=request)
        elif verb == "not_register":
            actions.not_register(user, s, p.get("kind", ""), p.get("reason", ""),
                                 request=request)
        elif verb == "register":
            actions.register(user, s, category_id=_ids([p.get("category", "")])[0]
                             if p.get("category") else None, request=request)
        elif verb == "merge":
            number = (p.get("into") or "").strip()
            into = Suggestion.objects.filter(congress=s.congress_id).filter(
                Q(number=number) | Q(number__endswith=f"第{number.zfill(4)}号")
                if number else Q(pk__in=[])).first()
            if into is None:
                raise DomainError("没有找到这个编号的建议（可只填序号，如 123）。", field="into")
            actions.merge(user, s, into, reason=p.get("reason", ""), request=request)
        elif verb == "assign":
            actions.assign(user, s, lead=_organization(s.congress_id, p.get("lead")),
                           co=_ids(p.getlist("co")), separate=_ids(p.getlist("separate")),
                           request=request)
        elif verb == "supervise":
            from renda.core.models import User

            leader = User.objects.filter(pk=p.get("leader") or None).first() if (
                p.get("leader") or "").isdigit() else None
            actions.supervise(user, s, p.get("kind", ""), leader=leader,
                              committee=_organization(s.congress_id, p.get("committee")),
                              note=p.get("note", ""), request=request)
        elif verb in ("publish", "unpublish"):
            actions.publish(user, s, verb == "publish", request=request)
        elif verb == "close_unevaluated":
            actions.close_unevaluated(user, s, request=request)
    except DomainError as err:
        s.refresh_from_db()
        return _render_detail(request, s, error=err, status=_refused_status(err))
    messages.success(request, done[verb])
    return redirect("suggestions:detail", pk=s.pk)


# --- staff -------------------------------------------------------------------------------------


def _staff_congress(request: HttpRequest, perm: Perm = Perm.SUGGESTIONS_VIEW_ALL) -> Congress:
    return pick_congress(request.user, perm, request.GET.get("congress")
                         or request.POST.get("congress"))


def _list_congress(request: HttpRequest) -> tuple[Congress, bool]:
    """The congress the list shows, and whether the user sees all of it (staff, leaders)
    or, read only, what their committee follows: its fields and its supervisions."""
    whole = congresses_with(request.user, Perm.SUGGESTIONS_VIEW_ALL)
    follow = congresses_with(request.user, Perm.SUGGESTIONS_FOLLOW)
    if not whole and not follow:
        raise PermissionDenied("您没有查看代表建议的权限。")
    requested = request.GET.get("congress") or request.POST.get("congress")
    if requested:
        if str(requested) not in {str(i) for i in whole | follow}:
            raise Http404("没有这个人大。")  # another congress: 404, as pick_congress does
        congress = pick_congress(request.user, Perm.SUGGESTIONS_VIEW_ALL
                                 if str(requested) in {str(i) for i in whole}
                                 else Perm.SUGGESTIONS_FOLLOW, requested)
    else:
        congress = pick_congress(request.user, Perm.SUGGESTIONS_VIEW_ALL if whole
                                 else Perm.SUGGESTIONS_FOLLOW)
    return congress, congress.pk in whole


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    congress, whole = _list_congress(request)
    flt = queries.SuggestionFilter.from_params(request.GET)
    qs = queries.staff_list(congress, flt)
    if not whole:
        qs = qs.filter(committee_filter(congress.pk, committee_ids(request.user, congress.pk)))
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    ctx = {
        "congress": congress, "page": page, "flt": flt, "query": params.urlencode(),
        "whole": whole,
        "congresses": congresses_for(request.user, Perm.SUGGESTIONS_VIEW_ALL) if whole
        else congresses_for(request.user, Perm.SUGGESTIONS_FOLLOW),
        "statuses": [(v, label) for v, label in Status.choices if v != Status.DRAFT],
        "categories": Category.objects.filter(congress=congress),
        "units": Organization.objects.units().filter(congress=congress),
        "sessions": Session.objects.filter(term__congress=congress).select_related("term"),
        "can_assign": has_perm(request.user, Perm.SUGGESTIONS_ASSIGN, congress),
        "can_export": has_perm(request.user, Perm.SUGGESTIONS_EXPORT, congress),
        "assign_form": AssignForm(congress),
        "can_review": has_perm(request.user, Perm.SUGGESTIONS_REVIEW, congress),
        "review_count": Suggestion.objects.filter(
            congress=congress, status__in=[Status.SUBMITTED, Status.UNDER_REVIEW]).count()
        if whole else 0,
    }
    if request.htmx and request.htmx.target == "results":
        return render(request, "suggestions/staff_list.html#results", ctx)
    return render(request, "suggestions/staff_list.html", ctx)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    congress = _staff_congress(request, Perm.SUGGESTIONS_REVIEW)
    page = Paginator(queries.review_queue(congress), PAGE).get_page(request.GET.get("page"))
    return render(request, "suggestions/review.html", {"congress": congress, "page": page})


@login_required
@require_POST
def bulk_assign(request: HttpRequest) -> HttpResponse:
    congress = _staff_congress(request, Perm.SUGGESTIONS_ASSIGN)
    ids = request.POST.getlist("ids")
    try:
        chosen = list(Suggestion.objects.filter(congress=congress, pk__in=_ids(ids)))
        if len(chosen) != len(set(ids)):
            raise DomainError("所选建议中有不属于本人大的。")
        lead = _organization(congress.pk, request.POST.get("lead"))
        if lead is None:
            raise DomainError("批量交办请选择主办单位。", field="lead")
        n = actions.assign_many(request.user, chosen, lead=lead,
                                co=_ids(request.POST.getlist("co")), request=request)
    except DomainError as err:
        messages.error(request, f"批量交办未执行：{err.message}")
    else:
        messages.success(request, f"已批量交办 {n} 件建议。")
    return redirect(f"{reverse('suggestions:list')}?congress={congress.pk}&status=registered")


@login_required
def requests_queue(request: HttpRequest) -> HttpResponse:
    congress = _staff_congress(request, Perm.SUGGESTIONS_ASSIGN)
    return render(request, "suggestions/requests.html", {
        "congress": congress,
        "extensions": Extension.objects.filter(
            assignment__suggestion__congress=congress, status=RequestStatus.PENDING)
        .select_related("assignment__unit", "assignment__suggestion"),
        "adjustments": AdjustmentRequest.objects.filter(
            assignment__suggestion__congress=congress, status=RequestStatus.PENDING)
        .select_related("assignment__unit", "assignment__suggestion", "suggested_unit"),
    })


@login_required
@require_POST
def decide_request(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    model = {"extension": Extension, "adjustment": AdjustmentRequest}.get(kind)
    if model is None:
        raise Http404
    item = get_object_or_404(model.objects.select_related("assignment__suggestion"), pk=pk,
                             assignment__suggestion__congress_id__in=request.user.congress_ids())
    approve = request.POST.get("approve") == "1"
    try:
        if kind == "extension":
            actions.decide_extension(request.user, item, approve, request.POST.get("note", ""),
                                     request=request)
        else:
            actions.decide_adjustment(request.user, item, approve, request.POST.get("note", ""),
                                      request=request)
    except NotAllowed as err:
        raise PermissionDenied(err.message) from None
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, "已同意。" if approve else "已不同意。")
    return redirect(request.POST.get("next") or "suggestions:requests")


# --- the handling unit -----------------------------------------------------------------------------


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    if not unit_ids(request.user):
        raise PermissionDenied("只有承办单位才有待办件。")
    flt = queries.InboxFilter.from_params(request.GET)
    page = Paginator(queries.unit_inbox(request.user, flt), PAGE).get_page(
        request.GET.get("page"))
    today = timezone.localdate()
    mine = Assignment.objects.filter(unit_id__in=unit_ids(request.user))
    counts = mine.filter(status__in=[AssignmentStatus.PENDING, AssignmentStatus.HANDLING,
                                     AssignmentStatus.ADJUST_REQUESTED,
                                     AssignmentStatus.REHANDLING]).aggregate(
        open=Count("id"), overdue=Count("id", filter=Q(due_date__lt=today)),
        soon=Count("id", filter=Q(due_date__gte=today,
                                  due_date__lte=today + timezone.timedelta(days=15))))
    return render(request, "suggestions/inbox.html", {"page": page, "flt": flt, "today": today,
                                                      "counts": counts,
                                                      "query": f"state={flt.state}"})


def _assignment_context(request: HttpRequest, a: Assignment) -> dict[str, Any]:
    s = a.suggestion
    config = SuggestionConfig.for_congress(s.congress_id)
    co_views = []
    if a.kind == AssignmentKind.LEAD:
        co_views = list(s.assignments.filter(kind=AssignmentKind.CO, co_view_at__isnull=False)
                        .select_related("unit"))
    classes = actions.reply_classes(s.congress_id)
    return {
        "a": a, "s": s, "co_views": co_views, "today": timezone.localdate(),
        "contacts": a.contacts.select_related("recorded_by"),
        "replies": a.replies.prefetch_related("commitments", "attachments"),
        "extensions": a.extensions.all(), "adjustments": a.adjustments.all(),
        "evaluations": s.evaluations.select_related("deputy") if a.kind != AssignmentKind.CO
        else [],
        "materials": s.attachments.filter(kind=AttachmentKind.MATERIAL),
        "contact_form": ContactForm(initial={"contact_date": timezone.localdate()}),
        "extension_form": ExtensionForm(),
        "adjust_form": AdjustForm(s.congress),
        "reply_form": ReplyForm(classes),
        "can_adjust": a.status in (AssignmentStatus.PENDING, AssignmentStatus.HANDLING)
        and timezone.localdate() <= a.adjust_until,
        "can_reply": a.kind != AssignmentKind.CO and a.status in (
            AssignmentStatus.HANDLING, AssignmentStatus.REHANDLING),
        "can_view": a.kind == AssignmentKind.CO and a.status in (
            AssignmentStatus.PENDING, AssignmentStatus.HANDLING),
        "config": config,
    }


@login_required
def assignment(request: HttpRequest, pk: int) -> HttpResponse:
    a = get_assignment_for_unit(request.user, pk)
    return render(request, "suggestions/assignment.html", _assignment_context(request, a))


@login_required
@require_POST
def assignment_act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    a = get_assignment_for_unit(request.user, pk)
    p, user = request.POST, request.user
    forms_by_verb = {"contact": ContactForm, "extend": ExtensionForm}
    done = {"accept": "已签收。", "adjust": "调整申请已提交，等待人大审批。",
            "extend": "延期申请已提交，等待人大审批。", "contact": "沟通记录已保存。",
            "co_view": "会办意见已送主办单位。", "reply": "答复已提交。"}
    if verb not in done:
        raise Http404
    ctx_form = None
    try:
        if verb == "accept":
            actions.accept(user, a, request=request)
        elif verb == "adjust":
            form = AdjustForm(a.suggestion.congress, p)
            ctx_form = ("adjust_form", form)
            if not form.is_valid():
                raise DomainError("请填写调整理由。", field="reason")
            actions.request_adjustment(user, a, form.cleaned_data["reason"],
                                       suggested_unit=form.cleaned_data["suggested_unit"],
                                       request=request)
        elif verb in forms_by_verb:
            form = forms_by_verb[verb](p)
            ctx_form = (f"{'contact' if verb == 'contact' else 'extension'}_form", form)
            if not form.is_valid():
                field, errs = next(iter(form.errors.items()))
                label = form.fields[field].label if field in form.fields else ""
                raise DomainError(f"{label}：{errs[0]}" if label else errs[0], field=field)
            if verb == "contact":
                actions.record_contact(user, a, request=request, **form.cleaned_data)
            else:
                actions.request_extension(user, a, form.cleaned_data["new_due_date"],
                                          form.cleaned_data["reason"], request=request)
        elif verb == "co_view":
            actions.send_co_view(user, a, p.get("text", ""), request=request)
        elif verb == "reply":
            form = ReplyForm(actions.reply_classes(a.suggestion.congress_id), p, request.FILES)
            ctx_form = ("reply_form", form)
            form.is_valid()
            data = form.cleaned_data
            items = []
            for i in range(3):
                content = (p.get(f"commitment_{i}") or "").strip()
                if content:
                    if f"commitment_due_{i}" in form.errors or not data.get(
                            f"commitment_due_{i}"):
                        raise DomainError(f"请填写承诺事项{i + 1}的完成时间。",
                                          field="commitments")
                    items.append(actions.CommitmentData(content, data[f"commitment_due_{i}"]))
            actions.reply(user, a, reply_class=p.get("reply_class", ""), text=p.get("text", ""),
                          commitments=items, signed_file=request.FILES.get("signed_file"),
                          request=request)
    except DomainError as err:
        a.refresh_from_db()
        ctx = _assignment_context(request, a)
        if ctx_form:
            ctx[ctx_form[0]] = ctx_form[1]
        ctx.update({"error": err, "posted": p, "verb": verb})
        return render(request, "suggestions/assignment.html", ctx, status=_refused_status(err))
    messages.success(request, done[verb])
    return redirect("suggestions:assignment", pk=a.pk)


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    """承诺事项台账: a unit sees its own promises, staff and leaders every one."""
    mine = unit_ids(request.user)
    congress_ids = [c for c in request.user.congress_ids()
                    if has_perm(request.user, Perm.SUGGESTIONS_VIEW_ALL, c)]
    if not mine and not congress_ids:
        raise PermissionDenied
    qs = Commitment.objects.filter(Q(unit_id__in=mine) | Q(suggestion__congress_id__in=congress_ids))
    state = request.GET.get("state", "open")
    if state in CommitmentStatus.values:
        qs = qs.filter(status=state)
    page = Paginator(qs.select_related("suggestion", "unit").order_by("due_date", "id"),
                     PAGE).get_page(request.GET.get("page"))
    return render(request, "suggestions/ledger.html", {
        "page": page, "state": state, "today": timezone.localdate(), "query": f"state={state}"})


@login_required
@require_POST
def commitment_update(request: HttpRequest, pk: int) -> HttpResponse:
    c = get_object_or_404(Commitment.objects.select_related("suggestion"), pk=pk)
    if not Suggestion.objects.visible_to(request.user).filter(pk=c.suggestion_id).exists():
        raise Http404
    try:
        actions.update_commitment(request.user, c, request.POST.get("text", ""),
                                  request.POST.get("done") == "1", request=request)
    except NotAllowed as err:
        raise PermissionDenied(err.message) from None
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, "进展已记录。")
    return redirect(request.POST.get("next") or "suggestions:ledger")


@login_required
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    att = get_object_or_404(Attachment, pk=pk)
    s = get_suggestion_for(request.user, att.suggestion_id)
    if att.reply_id:
        st = standing(request.user, s)
        reply_unit = Reply.objects.filter(pk=att.reply_id).values_list(
            "assignment__unit_id", flat=True).first()
        if not (st.deputy or st.staff or st.viewer or reply_unit in st.unit_ids):
            raise Http404
    return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.name)
