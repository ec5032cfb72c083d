"""The configuration page of suggestion handling (建议办理配置), for the system administrator."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from renda.core.access import pick_congress
from renda.core.errors import DomainError
from renda.core.perms import Perm

from . import config
from .actions import reply_classes
from .models import Category, SuggestionConfig


class DeadlinesForm(forms.Form):
    reply_months = forms.IntegerField(label="答复期限（月）", help_text="自交办之日起。法定为 3 个月。")
    extension_max_months = forms.IntegerField(label="最长延期（月）", help_text="批准延期后最迟不超过原期限加此月数。")
    co_view_days = forms.IntegerField(label="会办意见期限（天）", help_text="会办单位向主办单位送会办意见。")
    adjust_workdays = forms.IntegerField(
        label="申请调整期限（工作日）", help_text="收到交办后可申请调整承办单位的时间，按法定节假日和调休计算。")
    rehandle_months = forms.IntegerField(label="重新办理期限（月）", help_text="代表不满意后重新办理并答复。")
    evaluate_workdays = forms.IntegerField(
        label="代表评价期限（工作日）", help_text="逾期未评价的按“未评价”统计，不计为满意。")
    max_rehandles = forms.IntegerField(label="最多重新办理次数")
    remind_days = forms.CharField(label="到期前提醒（天）", max_length=30, help_text="逗号分隔，如 15,3。")


def _back(congress_id: int, anchor: str) -> HttpResponse:
    return redirect(f"{reverse('suggestion_settings:page')}?congress={congress_id}#{anchor}")


@login_required
def page(request: HttpRequest) -> HttpResponse:
    congress = pick_congress(request.user, Perm.CONFIG_MANAGE,
                             request.GET.get("congress") or request.POST.get("congress"))
    current = SuggestionConfig.for_congress(congress.pk)
    form = DeadlinesForm(initial={name: getattr(current, name) for name in DeadlinesForm.base_fields})
    class_error = category_error = ""
    section = request.POST.get("section")
    if request.method == "POST" and section == "deadlines":
        form = DeadlinesForm(request.POST)
        if form.is_valid():
            try:
                config.update_deadlines(request.user, congress, form.cleaned_data, request=request)
            except DomainError as err:
                form.add_error(err.field if err.field in form.fields else None, err.message)
            else:
                messages.success(request, "办理期限已保存，此后交办的建议按新期限计算。")
                return _back(congress.pk, "deadlines")
    elif request.method == "POST" and section == "classes":
        codes = request.POST.getlist("code")
        labels = request.POST.getlist("label")
        commit = set(request.POST.getlist("needs_commitments"))
        solved = set(request.POST.getlist("solved"))
        rows = [config.ClassRow(code=c, label=lbl, needs_commitments=str(i) in commit,
                                solved=str(i) in solved)
                for i, (c, lbl) in enumerate(zip(codes, labels, strict=False)) if c.strip() or lbl.strip()]
        try:
            config.update_classes(request.user, congress, rows, request=request)
        except DomainError as err:
            class_error = err.message
        else:
            messages.success(request, "答复类别已保存。")
            return _back(congress.pk, "classes")
    elif request.method == "POST" and section == "category":
        raw_pk = request.POST.get("pk") or None
        raw_committee = request.POST.get("committee") or None
        try:
            config.save_category(
                request.user, congress, name=request.POST.get("name", ""),
                committee_id=int(raw_committee) if raw_committee and raw_committee.isdigit() else None,
                pk=int(raw_pk) if raw_pk and raw_pk.isdigit() else None, request=request)
        except DomainError as err:
            category_error = err.message
        else:
            messages.success(request, "领域已保存。")
            return _back(congress.pk, "categories")
    status = 400 if class_error or category_error or (request.method == "POST" and form.errors) else 200
    return render(request, "suggestions/settings.html", {
        "congress": congress, "form": form, "classes": reply_classes(congress.pk),
        "class_error": class_error, "category_error": category_error,
        "categories": Category.objects.filter(congress=congress).select_related("committee"),
        "committees": config.committees(congress),
    }, status=status)
