"""Deputy roster pages: list, detail, template, import with progress, export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from renda.core import actions as core_actions
from renda.core import audit
from renda.core.access import congresses_for, pick_congress
from renda.core.errors import DomainError
from renda.core.models import User
from renda.core.perms import Perm, has_perm
from renda.core.xlsx import xlsx_response

from . import actions, queries, roster
from .forms import EndMandateForm, RosterUploadForm
from .models import Mandate, MandateStatus, RosterImport
from .tasks import run_roster_import

PAGE_SIZE = 30


@login_required
def deputy_list(request: HttpRequest) -> HttpResponse:
    congress = pick_congress(request.user, Perm.DEPUTIES_VIEW, request.GET.get("congress"))
    flt = queries.RosterFilter.from_params(request.GET)
    page = Paginator(queries.roster(congress, flt), PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "congress": congress, "page": page, "flt": flt, "query": params.urlencode(),
        "congresses": congresses_for(request.user, Perm.DEPUTIES_VIEW),
        "can_contact": has_perm(request.user, Perm.DEPUTIES_VIEW_CONTACT, congress),
        "can_import": has_perm(request.user, Perm.DEPUTIES_IMPORT, congress),
        "can_export": has_perm(request.user, Perm.DEPUTIES_EXPORT, congress),
        **queries.filter_options(congress),
    }
    if request.htmx and request.htmx.target == "roster":
        return render(request, "deputies/list.html#roster", context)
    return render(request, "deputies/list.html", context)


@login_required
def deputy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    deputy, mandates = queries.get_deputy_for(request.user, pk)
    for m in mandates:
        m.can_end = m.status == MandateStatus.ACTIVE and has_perm(
            request.user, Perm.DEPUTIES_MANAGE, m.congress_id)
    return render(request, "deputies/detail.html", {
        "deputy": deputy, "mandates": mandates,
        "can_contact": queries.can_view_contact(request.user, mandates),
        "is_self": deputy.user_id == request.user.pk,
        "end_form": EndMandateForm(initial={"end_date": timezone.localdate()}),
    })


@login_required
@require_POST
def mandate_end(request: HttpRequest, pk: int) -> HttpResponse:
    mandate = get_object_or_404(Mandate.objects.select_related("deputy"), pk=pk,
                                congress_id__in=request.user.congress_ids())
    form = EndMandateForm(request.POST)
    if not form.is_valid():
        for field, errs in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{errs[0]}" if label else errs[0])
    else:
        try:
            actions.end_mandate(request.user, mandate, request=request, **form.cleaned_data)
        except DomainError as err:
            messages.error(request, err.message)
        else:
            messages.success(request, f"已终止{mandate.deputy.name}的代表资格。")
    return redirect("deputies:detail", pk=mandate.deputy_id)


@login_required
def deputy_export(request: HttpRequest) -> HttpResponse:
    congress = pick_congress(request.user, Perm.DEPUTIES_EXPORT, request.GET.get("congress"))
    flt = queries.RosterFilter.from_params(request.GET)
    mask = not has_perm(request.user, Perm.DEPUTIES_VIEW_CONTACT, congress)
    rows = queries.roster(congress, flt)
    data = roster.export_workbook(rows, mask=mask)
    audit.record("deputies.roster_exported", actor=request.user, congress=congress,
                 object_type="deputies.roster", request=request,
                 summary={"filters": request.GET.urlencode(), "masked": mask})
    stamp = timezone.localdate().strftime("%Y%m%d")
    return xlsx_response(data, f"{congress.short_name or congress.name}代表名册{stamp}.xlsx")


@login_required
def roster_template(request: HttpRequest) -> HttpResponse:
    congress = pick_congress(request.user, Perm.DEPUTIES_IMPORT, request.GET.get("congress"))
    return xlsx_response(roster.template_workbook(congress), "代表名册导入模板.xlsx")


@login_required
def roster_import(request: HttpRequest) -> HttpResponse:
    congress = pick_congress(request.user, Perm.DEPUTIES_IMPORT,
                             request.POST.get("congress") or request.GET.get("congress"))
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = RosterImport.objects.create(
            congress=congress, created_by=request.user, file=upload,
            filename=upload.name[:200], allow_partial=form.cleaned_data["allow_partial"])
        run_roster_import.enqueue(job.pk)
        return redirect("deputies:import_status", pk=job.pk)
    recent = RosterImport.objects.filter(congress=congress).select_related("created_by")[:10]
    return render(request, "deputies/import.html", {"form": form, "congress": congress,
                                                    "recent": recent})


def _job_for(request: HttpRequest, pk: int) -> RosterImport:
    job = get_object_or_404(RosterImport.objects.select_related("congress"), pk=pk)
    if not has_perm(request.user, Perm.DEPUTIES_IMPORT, job.congress):
        raise Http404
    return job


@login_required
def import_status(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    context = {"job": job, "can_issue": has_perm(request.user, Perm.USERS_MANAGE, job.congress)}
    if request.htmx:
        return render(request, "deputies/import_status.html#progress", context)
    return render(request, "deputies/import_status.html", context)


@login_required
@require_POST
def initial_passwords(request: HttpRequest) -> HttpResponse:
    """Credentials sheet: fresh first passwords for deputy accounts never signed in."""
    congress = pick_congress(request.user, Perm.USERS_MANAGE, request.POST.get("congress"))
    users = list(User.objects.filter(congress=congress, last_login__isnull=True,
                                     is_active=True, deputy__isnull=False)
                 .select_related("deputy").order_by("full_name"))
    if not users:
        messages.info(request, "没有尚未登录的代表账号。")
        return redirect(f"/users/?congress={congress.pk}")
    try:
        issued = core_actions.issue_initial_passwords(request.user, congress, users,
                                                      request=request)
    except DomainError as err:
        messages.error(request, err.message)
        return redirect(f"/users/?congress={congress.pk}")
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "初始密码"
    ws.append(["姓名", "登录名（手机号）", "初始密码", "说明"])
    for user, password in issued:
        ws.append([user.full_name, user.username, password, "首次登录后须修改密码"])
    from io import BytesIO

    buffer = BytesIO()
    wb.save(buffer)
    return xlsx_response(buffer.getvalue(), f"代表账号初始密码{timezone.localdate():%Y%m%d}.xlsx")
