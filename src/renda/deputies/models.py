"""Deputies the Popolo way: a Deputy is a person, a Mandate is their seat in a congress term.

One person may hold mandates at several levels at once (e.g. a city and a county deputy);
delegations (代表团) and deputy groups (代表小组) are per congress.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from renda.core.models import PHONE_VALIDATOR, Congress, Term, User


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Party(models.TextChoices):
    CPC = "中共党员", "中共党员"
    CPC_PROBATION = "中共预备党员", "中共预备党员"
    RCCK = "民革", "民革党员"
    CDL = "民盟", "民盟盟员"
    CNDCA = "民建", "民建会员"
    CAPD = "民进", "民进会员"
    CPWDP = "农工党", "农工党党员"
    CZGD = "致公党", "致公党党员"
    JS = "九三学社", "九三学社社员"
    TDSGL = "台盟", "台盟盟员"
    NONE = "群众", "群众"
    NON_PARTY = "无党派人士", "无党派人士"


class Education(models.TextChoices):
    DOCTOR = "博士研究生", "博士研究生"
    MASTER = "硕士研究生", "硕士研究生"
    BACHELOR = "大学本科", "大学本科"
    COLLEGE = "大学专科", "大学专科"
    HIGH = "高中（中专）", "高中（中专）"
    MIDDLE = "初中及以下", "初中及以下"


class DeputyQuerySet(models.QuerySet["Deputy"]):
    def visible_to(self, user: Any) -> DeputyQuerySet:
        """Deputies holding a mandate in a congress where the user has a role."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(
            id__in=Mandate.objects.filter(congress_id__in=user.congress_ids()).values(
                "deputy_id"
            )
        )


class Deputy(models.Model):
    """A person who is (or was) a deputy at one or more levels."""

    name = models.CharField("姓名", max_length=50, db_index=True)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=20, default="汉族")
    birth_date = models.DateField("出生日期", null=True, blank=True)
    party = models.CharField("党派", max_length=20, choices=Party.choices, default=Party.NONE)
    education = models.CharField("学历", max_length=20, choices=Education.choices, blank=True)
    work_unit = models.CharField("工作单位", max_length=100, blank=True, db_index=True)
    title = models.CharField("职务", max_length=100, blank=True)
    phone = models.CharField(
        "手机号", max_length=11, unique=True, validators=[PHONE_VALIDATOR],
        help_text="用于识别同一人、登录和接收通知。",
    )
    photo = models.ImageField("照片", upload_to="deputies/photos/", blank=True)
    bio = models.TextField("简介", blank=True, max_length=2000)
    # SET_NULL: the person stays a deputy when an account is removed.
    user = models.OneToOneField(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="deputy",
        verbose_name="登录账号",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DeputyQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "代表"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def age_on(self, day: date | None = None) -> int | None:
        if not self.birth_date:
            return None
        day = day or timezone.localdate()
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


class Delegation(models.Model):
    """A delegation (代表团) or electoral unit of a congress term."""

    # PROTECT: delegations are part of a term's record.
    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="delegations")
    name = models.CharField("名称", max_length=60)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "代表团"
        ordering = ["congress_id", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "name"], name="delegation_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class MandateStatus(models.TextChoices):
    ACTIVE = "active", "在任"
    ENDED = "ended", "终止"


class EndReason(models.TextChoices):
    TERM_END = "term_end", "届满"
    RESIGNED = "resigned", "辞职"
    RECALLED = "recalled", "罢免"
    TERMINATED = "terminated", "资格终止"
    TRANSFERRED = "transferred", "调离"
    DECEASED = "deceased", "去世"


class MandateQuerySet(models.QuerySet["Mandate"]):
    def visible_to(self, user: Any) -> MandateQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(congress_id__in=user.congress_ids())

    def current(self) -> MandateQuerySet:
        return self.filter(status=MandateStatus.ACTIVE)


class Mandate(models.Model):
    """A deputy's seat in one congress for one term (代表资格)."""

    # PROTECT: a mandate is history of both the person and the congress.
    deputy = models.ForeignKey(Deputy, on_delete=models.PROTECT, related_name="mandates")
    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="mandates")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="mandates")
    delegation = models.ForeignKey(
        Delegation, on_delete=models.PROTECT, null=True, blank=True, related_name="mandates",
        verbose_name="代表团",
    )
    constituency = models.CharField("选区/选举单位", max_length=100, blank=True)
    start_date = models.DateField("开始日期")
    end_date = models.DateField("终止日期", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=MandateStatus.choices,
                              default=MandateStatus.ACTIVE)
    end_reason = models.CharField("终止原因", max_length=12, choices=EndReason.choices,
                                  blank=True)
    end_note = models.CharField("终止说明", max_length=200, blank=True)

    objects = MandateQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "代表资格"
        ordering = ["congress_id", "term_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["deputy", "term"], name="mandate_one_per_term"),
            models.CheckConstraint(
                condition=Q(status="active", end_reason="")
                | Q(status="ended", end_date__isnull=False) & ~Q(end_reason=""),
                name="mandate_end_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["congress", "status"])]

    def __str__(self) -> str:
        return f"{self.deputy} · {self.term}"


class GroupKind(models.TextChoices):
    REGIONAL = "regional", "区域代表小组"
    INDUSTRY = "industry", "行业代表小组"
    TOPIC = "topic", "专业代表小组"


class DeputyGroup(models.Model):
    """A deputy group (代表小组): regional or by industry, for activities and stations."""

    # PROTECT: groups are part of a term's record.
    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="deputy_groups")
    name = models.CharField("名称", max_length=60)
    kind = models.CharField("类别", max_length=10, choices=GroupKind.choices)
    members = models.ManyToManyField(Mandate, through="GroupMembership", related_name="groups")

    class Meta:
        verbose_name = verbose_name_plural = "代表小组"
        ordering = ["congress_id", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "name"], name="group_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class GroupRole(models.TextChoices):
    LEADER = "leader", "组长"
    DEPUTY_LEADER = "deputy_leader", "副组长"
    MEMBER = "member", "成员"


class GroupMembership(models.Model):
    # CASCADE: a membership has no meaning without its group or mandate.
    group = models.ForeignKey(DeputyGroup, on_delete=models.CASCADE)
    mandate = models.ForeignKey(Mandate, on_delete=models.CASCADE)
    role = models.CharField("职务", max_length=15, choices=GroupRole.choices,
                            default=GroupRole.MEMBER)

    class Meta:
        verbose_name = verbose_name_plural = "小组成员"
        constraints = [
            models.UniqueConstraint(fields=["group", "mandate"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.group_id}:{self.mandate_id}"


def mask_phone(phone: str | None) -> str:
    """138****1234 — the form every role without a need to call sees."""
    if not phone:
        return ""
    if len(phone) != 11:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[7:]}"


class ImportStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    RUNNING = "running", "导入中"
    DONE = "done", "已完成"
    FAILED = "failed", "未导入（有错误）"


class RosterImport(models.Model):
    """One upload of a roster file; the background task reports progress here."""

    # PROTECT: imports are history of the congress.
    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="+")
    # PROTECT: who imported is part of the record.
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to="imports/%Y/%m/")
    filename = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=ImportStatus.choices,
                              default=ImportStatus.PENDING)
    allow_partial = models.BooleanField("只导入无误的行", default=False)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "名册导入"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename

    @property
    def percent(self) -> int:
        if not self.total:
            return 0 if self.status in (ImportStatus.PENDING, ImportStatus.RUNNING) else 100
        return min(100, round(self.processed * 100 / self.total))

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)
