"""履职档案: activities and attendance, duty records, point rules and yearly scores (DESIGN §5.4).

"一人一档、一事一记": every duty record belongs to a deputy (the person, so the archive follows
them across stations and terms — 档随人走) and to the congress in which it was done. Records
are captured automatically from their source (keyed by ``source_key`` so capturing twice
makes one record) or self-reported and verified by staff.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from renda.core.models import Congress, User
from renda.deputies.models import Delegation, Deputy


class RecordKind(models.TextChoices):
    SESSION = "session", "出席代表大会会议"
    SPEECH = "speech", "审议发言"
    BILL = "bill", "提出议案"
    SUGGESTION = "suggestion", "领衔提出建议"
    COSIGN = "cosign", "附议建议"
    STANDING = "standing", "列席常委会会议"
    INSPECTION = "inspection", "参加视察"
    RESEARCH = "research", "参加调研"
    LAW_CHECK = "law_check", "参加执法检查"
    INQUIRY = "inquiry", "参加专题询问"
    TRAINING = "training", "参加学习培训"
    RECEPTION = "reception", "联络站接待群众"
    CONTACT = "contact", "联系选民、反映群众意见"
    REPORT = "report", "向选民述职"
    GROUP = "group", "代表小组活动"
    VOTING = "voting", "民生实事项目票决与监督"
    PRACTICAL = "practical", "为民办实事"
    LEGAL = "legal", "法治宣传"
    OTHER = "other", "其他履职活动"
    ABSENCE = "absence", "无故缺席代表大会会议"


class ActivityKind(models.TextChoices):
    INSPECTION = "inspection", "视察"
    RESEARCH = "research", "调研"
    LAW_CHECK = "law_check", "执法检查"
    INQUIRY = "inquiry", "专题询问"
    TRAINING = "training", "培训"
    STANDING = "standing", "列席常委会"
    GROUP = "group", "代表小组活动"
    REPORT = "report", "向选民述职"
    MEETING = "meeting", "会议"
    OTHER = "other", "其他"


# The record an attended activity makes.
ACTIVITY_RECORD_KIND: dict[str, str] = {
    ActivityKind.INSPECTION: RecordKind.INSPECTION,
    ActivityKind.RESEARCH: RecordKind.RESEARCH,
    ActivityKind.LAW_CHECK: RecordKind.LAW_CHECK,
    ActivityKind.INQUIRY: RecordKind.INQUIRY,
    ActivityKind.TRAINING: RecordKind.TRAINING,
    ActivityKind.STANDING: RecordKind.STANDING,
    ActivityKind.GROUP: RecordKind.GROUP,
    ActivityKind.REPORT: RecordKind.REPORT,
    ActivityKind.MEETING: RecordKind.SESSION,
    ActivityKind.OTHER: RecordKind.OTHER,
}

# Kinds a deputy may report: not the ones only the platform itself knows.
SELF_REPORT_KINDS = [k for k in RecordKind if k not in (
    RecordKind.SUGGESTION, RecordKind.COSIGN, RecordKind.ABSENCE, RecordKind.VOTING)]
# Kinds a station keeper verifies (the station's own work: "本人填写与联络站记录相结合").
STATION_KINDS = {RecordKind.RECEPTION, RecordKind.CONTACT, RecordKind.REPORT}


def new_secret() -> str:
    return secrets.token_urlsafe(9)


class Activity(models.Model):
    """A duty activity (视察、调研、培训…) with a time window, a place and invited deputies."""

    # PROTECT: activities are part of the congress's record.
    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类别", max_length=12, choices=ActivityKind.choices)
    title = models.CharField("名称", max_length=100)
    organiser = models.CharField("组织单位", max_length=100)
    place = models.CharField("地点", max_length=200)
    starts_at = models.DateTimeField("开始时间", db_index=True)
    ends_at = models.DateTimeField("结束时间")
    description = models.TextField("内容", max_length=2000, blank=True)
    checkin_secret = models.CharField(max_length=32, default=new_secret,
                                      help_text="签到码的一部分；更换后旧签到码失效。")
    # PROTECT: who created it is part of the record.
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "履职活动"
        ordering = ["-starts_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                              name="activity_ends_after_start")]

    def __str__(self) -> str:
        return self.title

    # Check-in opens a little before the start, so that people arriving early can sign in.
    CHECKIN_EARLY = timedelta(minutes=60)

    @property
    def checkin_opens_at(self) -> Any:
        return self.starts_at - self.CHECKIN_EARLY

    def is_checkin_open(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return self.checkin_opens_at <= now <= self.ends_at


class Attendance(models.TextChoices):
    INVITED = "invited", "已邀请"
    ATTENDED = "attended", "已出席"
    LEAVE_REQUESTED = "leave_requested", "请假待批"
    LEAVE_APPROVED = "leave_approved", "已准假"
    ABSENT = "absent", "缺席"


class Invitation(models.Model):
    """A deputy invited to an activity, with their attendance and leave request (请假)."""

    # CASCADE never happens (activities are PROTECTed history); the row belongs to it.
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="invitations")
    # PROTECT: attendance is the deputy's record.
    deputy = models.ForeignKey(Deputy, on_delete=models.PROTECT, related_name="+")
    status = models.CharField("出席情况", max_length=16, choices=Attendance.choices,
                              default=Attendance.INVITED)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checkin_way = models.CharField(max_length=8, blank=True,
                                   help_text="qr：扫码签到；staff：工作人员登记。")
    leave_reason = models.CharField("请假事由", max_length=300, blank=True)
    leave_requested_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "活动邀请"
        ordering = ["activity_id", "id"]
        constraints = [models.UniqueConstraint(fields=["activity", "deputy"],
                                               name="invitation_unique")]

    def __str__(self) -> str:
        return f"{self.deputy_id}@{self.activity_id}: {self.status}"


class RecordStatus(models.TextChoices):
    CONFIRMED = "confirmed", "已确认"
    PENDING = "pending", "待核实"
    REJECTED = "rejected", "未通过"


class RecordQuerySet(models.QuerySet["DutyRecord"]):
    def counted(self) -> RecordQuerySet:
        """Records that count for points: confirmed and not voided."""
        return self.filter(status=RecordStatus.CONFIRMED, voided_at__isnull=True)


class DutyRecord(models.Model):
    """One thing a deputy did (一事一记)."""

    # PROTECT: records are the deputy's history.
    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="+")
    deputy = models.ForeignKey(Deputy, on_delete=models.PROTECT, related_name="duty_records")
    kind = models.CharField("类别", max_length=12, choices=RecordKind.choices)
    day = models.DateField("日期")
    year = models.PositiveSmallIntegerField("年度", help_text="由日期得出，便于按年统计。")
    title = models.CharField("事项", max_length=200)
    detail = models.TextField("情况说明", max_length=2000, blank=True)
    source = models.CharField("来源", max_length=60, blank=True, db_index=True,
                              help_text="如 suggestion:12、activity:3；本人填报为空。")
    source_key = models.CharField(max_length=120, unique=True, null=True, blank=True,
                                  help_text="同一来源只记一次。")
    self_reported = models.BooleanField("本人填报", default=False)
    status = models.CharField("状态", max_length=10, choices=RecordStatus.choices,
                              default=RecordStatus.CONFIRMED)
    verified_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    verified_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.CharField("未通过原因", max_length=300, blank=True)
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)
    void_reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "履职记录"
        ordering = ["-day", "-id"]
        indexes = [
            # Covers the yearly GROUP BY deputy, kind over counted records (scoring.py).
            models.Index(fields=["congress", "year", "deputy", "kind"],
                         condition=Q(status="confirmed", voided_at__isnull=True),
                         name="record_counted_idx"),
            models.Index(fields=["deputy", "year"]),
            models.Index(fields=["congress", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.year = self.day.year
        super().save(*args, **kwargs)

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None

    @property
    def counts(self) -> bool:
        return self.status == RecordStatus.CONFIRMED and self.voided_at is None


class Evidence(models.Model):
    """A photo or file backing a self-reported record."""

    # CASCADE: evidence has no meaning without its record (records are never deleted).
    record = models.ForeignKey(DutyRecord, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="archive/%Y/%m/")
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "佐证材料"

    def __str__(self) -> str:
        return self.name


def default_bands() -> list[dict[str, Any]]:
    return [{"min": 80, "label": "好"}, {"min": 60, "label": "较好"}, {"min": None, "label": "差"}]


class RuleSet(models.Model):
    """The point rules of one congress for one year. Each year has its own rows, so changing
    next year's rules never changes a past year's scores."""

    # CASCADE never happens (congresses are PROTECTed); rules belong to their congress.
    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    bands = models.JSONField("等次", default=default_bands,
                             help_text="从高到低：[{min: 80, label: 好}, …, {min: null, label: 差}]")
    summary_date = models.DateField("年度汇总日", help_text="默认 11 月 30 日。")
    remind_days = models.PositiveSmallIntegerField("提前提醒（天）", default=15)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "积分规则"
        ordering = ["congress_id", "-year"]
        constraints = [models.UniqueConstraint(fields=["congress", "year"],
                                               name="ruleset_unique_year")]

    def __str__(self) -> str:
        return f"{self.congress} {self.year} 年积分规则"

    @staticmethod
    def default_summary_date(year: int) -> date:
        return date(year, 11, 30)


class PointRule(models.Model):
    """Points per record of a kind, and the most (or, for negative points, the most
    deducted) the kind can make in the year; no cap when empty."""

    # CASCADE: a rule has no meaning without its rule set.
    ruleset = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField("类别", max_length=12, choices=RecordKind.choices)
    points = models.DecimalField("每次分值", max_digits=5, decimal_places=1)
    cap = models.DecimalField("年度上限", max_digits=6, decimal_places=1, null=True, blank=True,
                              help_text="该类别一年最多计多少分（扣分类为最多扣多少分）。")

    class Meta:
        verbose_name = verbose_name_plural = "积分规则项"
        ordering = ["ruleset_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ruleset", "kind"], name="pointrule_unique_kind"),
            models.CheckConstraint(condition=Q(cap__isnull=True) | Q(cap__gte=0),
                                   name="pointrule_cap_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.points}"


# The defaults a congress starts with (points, cap).
DEFAULT_RULES: dict[str, tuple[Decimal, Decimal | None]] = {
    RecordKind.SESSION: (Decimal(10), Decimal(20)),
    RecordKind.SPEECH: (Decimal(2), Decimal(10)),
    RecordKind.BILL: (Decimal(5), Decimal(15)),
    RecordKind.SUGGESTION: (Decimal(3), Decimal(15)),
    RecordKind.COSIGN: (Decimal(1), Decimal(5)),
    RecordKind.STANDING: (Decimal(3), Decimal(9)),
    RecordKind.INSPECTION: (Decimal(3), Decimal(12)),
    RecordKind.RESEARCH: (Decimal(3), Decimal(12)),
    RecordKind.LAW_CHECK: (Decimal(3), Decimal(9)),
    RecordKind.INQUIRY: (Decimal(3), Decimal(6)),
    RecordKind.TRAINING: (Decimal(4), Decimal(8)),
    RecordKind.RECEPTION: (Decimal(3), Decimal(15)),
    RecordKind.CONTACT: (Decimal(1), Decimal(10)),
    RecordKind.REPORT: (Decimal(5), Decimal(5)),
    RecordKind.GROUP: (Decimal(2), Decimal(10)),
    RecordKind.VOTING: (Decimal(2), Decimal(4)),
    RecordKind.PRACTICAL: (Decimal(3), Decimal(9)),
    RecordKind.LEGAL: (Decimal(2), Decimal(6)),
    RecordKind.OTHER: (Decimal(1), Decimal(5)),
    RecordKind.ABSENCE: (Decimal(-10), Decimal(30)),
}


class YearScore(models.Model):
    """A deputy's computed score, grade and rankings for one congress and year."""

    # CASCADE never happens; scores are recomputed from records and rules at any time.
    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    deputy = models.ForeignKey(Deputy, on_delete=models.CASCADE, related_name="+")
    delegation = models.ForeignKey(Delegation, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    score = models.DecimalField(max_digits=7, decimal_places=1)
    grade = models.CharField(max_length=20)
    rank = models.PositiveIntegerField("全体排名")
    delegation_rank = models.PositiveIntegerField("代表团内排名", null=True, blank=True)
    records = models.PositiveIntegerField("计分记录数", default=0)
    breakdown = models.JSONField(default=dict, help_text="类别 → [次数, 得分]")
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "年度积分"
        ordering = ["congress_id", "year", "rank"]
        constraints = [models.UniqueConstraint(fields=["congress", "year", "deputy"],
                                               name="yearscore_unique")]
        indexes = [models.Index(fields=["congress", "year", "rank"])]

    def __str__(self) -> str:
        return f"{self.deputy_id} {self.year}: {self.score}"


class ReportDraft(models.Model):
    """The deputy's report to voters (述职报告), drafted from the year's records, editable."""

    # CASCADE never happens (deputies are PROTECTed).
    deputy = models.ForeignKey(Deputy, on_delete=models.CASCADE, related_name="+")
    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    text = models.TextField("述职报告", max_length=20000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "述职报告稿"
        constraints = [models.UniqueConstraint(fields=["deputy", "congress", "year"],
                                               name="reportdraft_unique")]

    def __str__(self) -> str:
        return f"{self.deputy_id} {self.year}"


class SummaryReminder(models.Model):
    """A summary-date reminder claimed before it is sent (unique key: sent once)."""

    key = models.CharField(max_length=60, unique=True)
    claimed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.key
