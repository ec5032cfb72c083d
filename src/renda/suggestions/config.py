"""Per-congress configuration of suggestion handling (建议办理配置): deadlines, answer
classes and fields. Changed by the system administrator (配置管理); every change is audited.

Answer classes already used by a reply cannot be removed or recoded (past figures name
them); their labels and flags may change. Fields are never deleted (suggestions refer to
them); they are renamed or moved to another committee.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from renda.core import audit
from renda.core.errors import DomainError
from renda.core.models import Congress, Organization, OrgKind, User
from renda.core.perms import Perm, has_perm

from .actions import reply_classes
from .models import Category, Reply, ReplyClass, SuggestionConfig

LIMITS: dict[str, tuple[int, int, str]] = {
    "reply_months": (1, 6, "答复期限应在 1 到 6 个月之间。"),
    "extension_max_months": (0, 6, "最长延期应在 0 到 6 个月之间。"),
    "co_view_days": (5, 90, "会办意见期限应在 5 到 90 天之间。"),
    "adjust_workdays": (1, 30, "申请调整期限应在 1 到 30 个工作日之间。"),
    "rehandle_months": (1, 6, "重新办理期限应在 1 到 6 个月之间。"),
    "evaluate_workdays": (5, 60, "代表评价期限应在 5 到 60 个工作日之间。"),
    "max_rehandles": (0, 3, "最多重新办理次数应在 0 到 3 之间。"),
}


@dataclass
class ClassRow:
    code: str
    label: str
    needs_commitments: bool
    solved: bool


def _require(actor: User, congress: Congress) -> None:
    if not has_perm(actor, Perm.CONFIG_MANAGE, congress):
        raise DomainError("您没有此项权限。")


def parse_remind_days(text: str) -> str:
    parts = [p.strip() for p in text.replace("，", ",").split(",") if p.strip()]
    if not parts or not all(p.isdigit() for p in parts):
        raise DomainError("到期前提醒请填写天数，用逗号分隔，如 15,3。", field="remind_days")
    days = sorted({int(p) for p in parts}, reverse=True)
    if len(days) > 4 or not all(1 <= d <= 60 for d in days):
        raise DomainError("到期前提醒最多 4 个，每个在 1 到 60 天之间。", field="remind_days")
    return ",".join(str(d) for d in days)


def update_deadlines(actor: User, congress: Congress, values: dict[str, Any], *,
                     request: Any = None) -> SuggestionConfig:
    _require(actor, congress)
    clean: dict[str, Any] = {}
    for name, (low, high, message) in LIMITS.items():
        value = values.get(name)
        if not isinstance(value, int) or not low <= value <= high:
            raise DomainError(message, field=name)
        clean[name] = value
    clean["remind_days"] = parse_remind_days(str(values.get("remind_days", "")))
    with transaction.atomic():
        config = SuggestionConfig.objects.select_for_update().filter(congress=congress).first()
        if config is None:
            config = SuggestionConfig(congress=congress)
        before = {name: getattr(config, name) for name in clean}
        for name, value in clean.items():
            setattr(config, name, value)
        config.save()
        audit.record("suggestions.config_updated", actor=actor, congress=congress, obj=config,
                     request=request, summary={"before": before, "after": clean})
    return config


def update_classes(actor: User, congress: Congress, rows: list[ClassRow], *,
                   request: Any = None) -> list[ReplyClass]:
    """Replace the congress's answer classes by ``rows`` (in that order)."""
    _require(actor, congress)
    seen: set[str] = set()
    for row in rows:
        row.code, row.label = row.code.strip().upper(), row.label.strip()
        if not row.code or len(row.code) > 4 or not row.code.isalnum():
            raise DomainError("类别代码应为 1 到 4 个字母或数字，如 A。", field="classes")
        if not row.label or len(row.label) > 60:
            raise DomainError(f"请填写{row.code}类的名称（60 字以内）。", field="classes")
        if row.code in seen:
            raise DomainError(f"类别代码“{row.code}”重复。", field="classes")
        seen.add(row.code)
    if len(rows) < 2:
        raise DomainError("至少需要两个答复类别。", field="classes")
    if not any(r.solved for r in rows):
        raise DomainError("至少一个类别应计为“已解决”。", field="classes")
    used = set(Reply.objects.filter(assignment__suggestion__congress=congress)
               .values_list("reply_class", flat=True).distinct())
    missing = sorted(used - seen)
    if missing:
        raise DomainError(f"已有答复使用了{'、'.join(missing)}类，不能删除或改代码。",
                          field="classes")
    with transaction.atomic():
        before = [(c.code, c.label, c.needs_commitments, c.solved) for c in reply_classes(congress.pk)]
        ReplyClass.objects.filter(congress=congress).delete()
        created = ReplyClass.objects.bulk_create([
            ReplyClass(congress=congress, code=r.code, label=r.label,
                       needs_commitments=r.needs_commitments, solved=r.solved, sort_order=i)
            for i, r in enumerate(rows)])
        audit.record("suggestions.classes_updated", actor=actor, congress=congress,
                     request=request, summary={
                         "before": before,
                         "after": [(r.code, r.label, r.needs_commitments, r.solved) for r in rows]})
    return created


def committees(congress: Congress) -> QuerySet[Organization]:
    return Organization.objects.filter(
        congress=congress, kind__in=[OrgKind.SPECIAL_COMMITTEE, OrgKind.WORKING_COMMITTEE])


def save_category(actor: User, congress: Congress, *, name: str, committee_id: int | None,
                  pk: int | None = None, request: Any = None) -> Category:
    """Add a field, or rename one / change its committee."""
    _require(actor, congress)
    name = name.strip()
    if not name or len(name) > 40:
        raise DomainError("请填写领域名称（40 字以内）。", field="name")
    committee = None
    if committee_id:
        committee = committees(congress).filter(pk=committee_id).first()
        if committee is None:
            raise DomainError("对口委员会须是本人大的专门委员会或工作委员会。", field="committee")
    with transaction.atomic():
        if pk is None:
            category = Category(congress=congress,
                                sort_order=Category.objects.filter(congress=congress).count())
            before: dict[str, Any] = {}
        else:
            category = Category.objects.select_for_update().filter(congress=congress, pk=pk).first()
            if category is None:
                raise DomainError("没有这个领域。")
            before = {"name": category.name, "committee": category.committee_id}
        if Category.objects.filter(congress=congress, name=name).exclude(pk=category.pk).exists():
            raise DomainError(f"已有名为“{name}”的领域。", field="name")
        category.name, category.committee = name, committee
        category.save()
        audit.record("suggestions.category_saved", actor=actor, congress=congress, obj=category,
                     request=request, summary={"before": before,
                                               "after": {"name": name, "committee": committee_id}})
    return category
