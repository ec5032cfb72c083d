"""Forms for the suggestion pages: parsing and field errors; the rules live in actions."""

from __future__ import annotations

from typing import Any

from django import forms

from renda.core.models import Organization, OrgKind
from renda.deputies.models import Deputy, Mandate, MandateStatus

from .models import Category, ContactStage, ContactWay, NotRegisteredKind, SupervisionKind


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> Any:
        if not data:
            return []
        single = super().clean
        return [single(d, initial) for d in data] if isinstance(data, list | tuple) else [
            single(data, initial)]


class DraftForm(forms.Form):
    title = forms.CharField(label="标题", max_length=100, help_text="一句话说清建议什么，如“关于……的建议”。")
    category = forms.ModelChoiceField(label="领域", queryset=Category.objects.none(),
                                      required=False, empty_label="请选择")
    problem = forms.CharField(
        label="问题", max_length=5000, required=False,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder":
                                     "发现了什么问题？在哪里、涉及多少人、有哪些具体表现？"}))
    analysis = forms.CharField(
        label="分析", max_length=5000, required=False,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "问题的原因是什么？有哪些数据或调研依据？"}))
    measures = forms.CharField(
        label="对策", max_length=5000, required=False,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder":
                                     "建议谁来做、做什么、怎么做？措施尽量具体、可操作。"}))
    cosigners = forms.ModelMultipleChoiceField(
        label="附议代表", queryset=Deputy.objects.none(), required=False,
        help_text="被邀请的代表会收到通知，在手机上确认附议。",
        widget=forms.SelectMultiple(attrs={"size": 6}))
    files = MultipleFileField(label="附件（PDF、Word、Excel、图片，每个不超过 20 MB）",
                              required=False)

    def __init__(self, congress: Any, exclude_deputy: int | None, *args: Any,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(congress=congress)
        deputies = Deputy.objects.filter(id__in=Mandate.objects.filter(
            congress=congress, status=MandateStatus.ACTIVE, term__is_current=True
        ).values("deputy_id")).order_by("name")
        if exclude_deputy:
            deputies = deputies.exclude(pk=exclude_deputy)
        self.fields["cosigners"].queryset = deputies


def unit_queryset(congress: Any) -> Any:
    return Organization.objects.filter(congress=congress, kind=OrgKind.UNIT, is_active=True)


class AssignForm(forms.Form):
    lead = forms.ModelChoiceField(label="主办单位", queryset=Organization.objects.none(),
                                  required=False, empty_label="（分办时不选）")
    co = forms.ModelMultipleChoiceField(label="会办单位", queryset=Organization.objects.none(),
                                        required=False,
                                        widget=forms.SelectMultiple(attrs={"size": 5}))
    separate = forms.ModelMultipleChoiceField(
        label="分办单位（各自答复）", queryset=Organization.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}))

    def __init__(self, congress: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("lead", "co", "separate"):
            self.fields[name].queryset = unit_queryset(congress)


class NotRegisterForm(forms.Form):
    kind = forms.ChoiceField(label="处理方式", choices=NotRegisteredKind.choices)
    reason = forms.CharField(label="理由", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class SuperviseForm(forms.Form):
    kind = forms.ChoiceField(label="督办方式", choices=SupervisionKind.choices)
    leader = forms.ModelChoiceField(label="领衔督办领导", queryset=None, required=False)
    committee = forms.ModelChoiceField(label="督办委员会", queryset=Organization.objects.none())
    note = forms.CharField(label="督办说明", max_length=500, required=False)

    def __init__(self, congress: Any, *args: Any, **kwargs: Any) -> None:
        from renda.core.models import Role, RoleAssignment, User

        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = User.objects.filter(
            pk__in=RoleAssignment.objects.current().filter(
                congress=congress, role=Role.LEADER).values("user_id"))
        self.fields["committee"].queryset = Organization.objects.filter(
            congress=congress, kind__in=[OrgKind.SPECIAL_COMMITTEE, OrgKind.WORKING_COMMITTEE])


class ContactForm(forms.Form):
    stage = forms.ChoiceField(label="阶段", choices=ContactStage.choices)
    way = forms.ChoiceField(label="方式", choices=ContactWay.choices)
    contact_date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    summary = forms.CharField(label="沟通情况", max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class ExtensionForm(forms.Form):
    new_due_date = forms.DateField(label="申请延至", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reason = forms.CharField(label="理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class AdjustForm(forms.Form):
    reason = forms.CharField(label="不属于本单位职责的理由", max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}))
    suggested_unit = forms.ModelChoiceField(label="建议改由", queryset=Organization.objects.none(),
                                            required=False, empty_label="（不指定）")

    def __init__(self, congress: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["suggested_unit"].queryset = unit_queryset(congress)


COMMITMENT_ROWS = 3


class ReplyForm(forms.Form):
    reply_class = forms.ChoiceField(label="答复类别", choices=())
    text = forms.CharField(label="答复内容", max_length=20000,
                           widget=forms.Textarea(attrs={"rows": 8}))
    signed_file = forms.FileField(label="盖章答复件（PDF 或图片）", required=False)

    def __init__(self, classes: list[Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reply_class"].choices = [("", "请选择"), *[(c.code, str(c)) for c in classes]]
        for i in range(COMMITMENT_ROWS):
            self.fields[f"commitment_{i}"] = forms.CharField(
                label=f"承诺事项{i + 1}", max_length=500, required=False)
            self.fields[f"commitment_due_{i}"] = forms.DateField(
                label=f"完成时间{i + 1}", required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def commitment_pairs(self) -> list[tuple[Any, Any]]:
        return [(self[f"commitment_{i}"], self[f"commitment_due_{i}"])
                for i in range(COMMITMENT_ROWS)]
