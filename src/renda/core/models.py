"""Congresses, organizations, users and roles, audit events and notifications."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

PHONE_VALIDATOR = RegexValidator(r"^1[3-9]\d{9}$", "手机号应为11位数字，以1开头。")


# --- congresses -------------------------------------------------------------------------


class Level(models.TextChoices):
    NATIONAL = "national", "全国"
    PROVINCE = "province", "省级"
    CITY = "city", "设区的市级"
    COUNTY = "county", "县级"
    TOWNSHIP = "township", "乡镇级"


LEVEL_ORDER = {Level.NATIONAL: 0, Level.PROVINCE: 1, Level.CITY: 2, Level.COUNTY: 3,
               Level.TOWNSHIP: 4}


class CongressQuerySet(models.QuerySet["Congress"]):
    def visible_to(self, user: Any) -> CongressQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(id__in=user.congress_ids())


class Congress(models.Model):
    """A people's congress (人民代表大会) at one level: the tenant every row belongs to."""

    name = models.CharField("名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=40, blank=True)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    region_code = models.CharField(
        "行政区划代码", max_length=12, help_text="GB/T 2260 行政区划代码，如 320100。"
    )
    # PROTECT: a congress with congresses below it keeps its history.
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name="上级人大",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CongressQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "人大"
        ordering = ["region_code", "id"]

    def __str__(self) -> str:
        return self.name

    def current_term(self) -> Term | None:
        return self.terms.filter(is_current=True).first()


class Term(models.Model):
    """A term (届) of a congress, normally five years."""

    # PROTECT: terms are history.
    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="terms")
    number = models.PositiveSmallIntegerField("届次")
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期", null=True, blank=True)
    is_current = models.BooleanField("本届", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "届"
        ordering = ["congress_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "number"], name="term_unique_number"),
            models.UniqueConstraint(
                fields=["congress"], condition=Q(is_current=True), name="term_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.congress.short_name or self.congress.name}第{cn_number(self.number)}届"

    @property
    def label(self) -> str:
        return f"第{cn_number(self.number)}届"


class Session(models.Model):
    """A session (第N次会议) of a term."""

    # PROTECT: sessions are history.
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="sessions")
    number = models.PositiveSmallIntegerField("会次")
    start_date = models.DateField("开幕日期")
    end_date = models.DateField("闭幕日期")

    class Meta:
        verbose_name = verbose_name_plural = "会议"
        ordering = ["term_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["term", "number"], name="session_unique_number"),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="session_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.term}第{cn_number(self.number)}次会议"

    @property
    def label(self) -> str:
        return f"{self.term.label}第{cn_number(self.number)}次会议"

    def is_during(self, day: date) -> bool:
        return self.start_date <= day <= self.end_date


class OrgKind(models.TextChoices):
    STANDING_COMMITTEE = "standing", "常委会"
    SPECIAL_COMMITTEE = "special", "专门委员会"
    WORKING_COMMITTEE = "working", "工作委员会"
    OFFICE = "office", "办事机构"
    UNIT = "unit", "承办单位"


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def visible_to(self, user: Any) -> OrganizationQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(congress_id__in=user.congress_ids())

    def units(self) -> OrganizationQuerySet:
        return self.filter(kind=OrgKind.UNIT, is_active=True)


class Organization(models.Model):
    """A body of the congress or a handling unit (承办单位) that answers suggestions."""

    # PROTECT: organizations are referred to by history (assignments, roles).
    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="organizations")
    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=40, blank=True)
    kind = models.CharField("类别", max_length=10, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name="上级机构",
    )
    phone = models.CharField("联系电话", max_length=30, blank=True)
    is_active = models.BooleanField("在用", default=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "机构"
        ordering = ["congress_id", "kind", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "name"], name="org_unique_name"),
        ]
        indexes = [models.Index(fields=["congress", "kind"])]

    def __str__(self) -> str:
        return self.name


# --- users and roles --------------------------------------------------------------------


class Role(models.TextChoices):
    DEPUTY = "deputy", "代表"
    STAFF = "staff", "人大工作人员"
    COMMITTEE = "committee", "专委会/工委"
    LEADER = "leader", "主任会议成员"
    UNIT = "unit", "承办单位"
    STATION_KEEPER = "station_keeper", "联络站管理员"
    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全管理员"
    AUDITOR = "auditor", "安全审计员"


class RendaUserManager(UserManager):
    def get_by_login(self, login: str) -> User | None:
        """Find a user by username or phone number (case-insensitive username)."""
        login = (login or "").strip()
        if not login:
            return None
        query = Q(username__iexact=login)
        if PHONE_VALIDATOR.regex.match(login):
            query |= Q(phone=login)
        return self.filter(query).first()


class User(AbstractUser):
    """A person who signs in, with a username or a phone number."""

    full_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField(
        "手机号", max_length=11, null=True, blank=True, unique=True, validators=[PHONE_VALIDATOR]
    )
    must_change_password = models.BooleanField(
        "首次登录须修改密码", default=False,
        help_text="导入或重置的账号在首次登录后必须先修改密码。",
    )
    failed_logins = models.PositiveSmallIntegerField("连续登录失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    # PROTECT: accounts are history of the congress that manages them.
    congress = models.ForeignKey(
        "Congress", on_delete=models.PROTECT, null=True, blank=True, related_name="users",
        verbose_name="所属人大", help_text="管理该账号的人大；角色可以在多个人大。",
    )

    objects = RendaUserManager()

    class Meta:
        verbose_name = verbose_name_plural = "用户"
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def congress_ids(self) -> set[int]:
        """IDs of the congresses in which the user holds a current role (cached per object)."""
        return {ra.congress_id for ra in self.current_roles()}

    def current_roles(self) -> list[RoleAssignment]:
        cached = getattr(self, "_current_roles", None)
        if cached is None:
            # Every permission check of every request reads this. The SQL is written out
            # (the same rows as ``self.roles.current()``): building the query through the
            # ORM cost twice as much as running it. No joins; pages that show the names of
            # congresses and units load them themselves.
            day = timezone.localdate()
            cached = list(RoleAssignment.objects.raw(
                f"SELECT * FROM {RoleAssignment._meta.db_table} WHERE user_id = %s "  # noqa: S608
                "AND start_date <= %s AND (end_date IS NULL OR end_date >= %s)",
                [self.pk, day, day]))
            self._current_roles = cached
        return cached

    def is_locked(self, now: datetime | None = None) -> bool:
        return bool(self.locked_until and self.locked_until > (now or timezone.now()))


class RoleAssignmentQuerySet(models.QuerySet["RoleAssignment"]):
    def current(self, day: date | None = None) -> RoleAssignmentQuerySet:
        day = day or timezone.localdate()
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=day), start_date__lte=day)


class RoleAssignment(models.Model):
    """A user holds a role in a congress, for units and committees within an organization."""

    # CASCADE: a role is meaningless without its user; users are deactivated, not deleted.
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    # PROTECT: roles are history of a congress.
    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="roles")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    # PROTECT: an organization with users in it cannot vanish.
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="roles",
        verbose_name="所属机构", help_text="承办单位和专委会/工委角色必须指定机构。",
    )
    start_date = models.DateField("开始日期", default=timezone.localdate)
    end_date = models.DateField("结束日期", null=True, blank=True)
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="授权人",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "角色授权"
        ordering = ["congress_id", "role", "id"]
        indexes = [models.Index(fields=["user", "congress"])]

    def __str__(self) -> str:
        org = f"·{self.organization}" if self.organization_id else ""
        return f"{self.congress} {self.get_role_display()}{org}"


class SecurityPolicy(models.Model):
    """Run-time security settings of one congress's accounts, changed only by that congress's
    security administrator (安全管理员). Accounts without a congress use the defaults."""

    # CASCADE: a policy has no meaning without its congress.
    congress = models.OneToOneField(Congress, on_delete=models.CASCADE, null=True, blank=True,
                                    related_name="security_policy")
    max_failed_logins = models.PositiveSmallIntegerField("连续失败锁定次数", default=5)
    lockout_minutes = models.PositiveSmallIntegerField("锁定时长（分钟）", default=15)
    idle_minutes = models.PositiveSmallIntegerField("空闲超时（分钟）", default=0,
                                                    help_text="0 表示使用部署配置的默认值。")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "安全策略"

    def __str__(self) -> str:
        return f"锁定 {self.max_failed_logins} 次/{self.lockout_minutes} 分钟"

    @classmethod
    def for_congress(cls, congress_id: int | None) -> SecurityPolicy:
        """The congress's policy, or the defaults when it has none."""
        policy = cls.objects.filter(congress_id=congress_id).first() if congress_id else None
        return policy or cls(congress_id=congress_id)

    @property
    def effective_idle_minutes(self) -> int:
        return self.idle_minutes or settings.SESSION_IDLE_MINUTES


class RateCounter(models.Model):
    """One fixed-window counter of ``renda.core.ratelimit``, in the database so that a limit
    holds across every Gunicorn worker and app server without another service."""

    digest = models.CharField(max_length=32, unique=True, help_text="范围与来源的哈希（不存原始 IP）。")
    bucket = models.BigIntegerField(help_text="时间窗口编号。")
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "频率计数"

    def __str__(self) -> str:
        return f"{self.digest[:8]}…: {self.count}"


class ApiToken(models.Model):
    """A bearer token for the phone app: stored as a hash, expiring and revocable."""

    # CASCADE: a token dies with its user.
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="令牌前 8 位，便于辨认。")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"{self.prefix}…"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    def is_valid(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now and self.user.is_active


# --- audit --------------------------------------------------------------------------------


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("审计记录只能追加，不能修改。")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("审计记录只能追加，不能删除。")


class AuditEvent(models.Model):
    """An append-only, hash-chained record of a change (等保 2.0 安全审计).

    Each row's ``hash`` covers its own fields and the previous row's hash, so editing or
    deleting any row breaks the chain from that row on; ``renda audit verify`` finds it.
    """

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # SET_NULL would rewrite history; PROTECT keeps users with audit rows from deletion.
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    actor_label = models.CharField("操作人", max_length=150, blank=True)
    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    action = models.CharField("动作", max_length=60, db_index=True)
    object_type = models.CharField("对象类型", max_length=60, blank=True)
    object_id = models.CharField("对象", max_length=40, blank=True)
    summary = models.JSONField("摘要", default=dict, blank=True)
    ip = models.GenericIPAddressField("IP", null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "审计事件"
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action}"

    def compute_hash(self) -> str:
        payload = {
            "created_at": self.created_at.astimezone(UTC).isoformat(),
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "congress": self.congress_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "summary": self.summary,
            "ip": self.ip,
            "prev": self.prev_hash,
        }
        data = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(data.encode()).hexdigest()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise TypeError("审计记录只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("审计记录只能追加，不能删除。")


class AuditHead(models.Model):
    """The single row that serialises appends to the audit chain and remembers its end.

    Locking this row orders concurrent writers; its ``count`` and ``last_hash`` let
    verification notice that the newest rows were deleted.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    count = models.PositiveBigIntegerField(default=0)
    last_id = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit head #{self.last_id}"


# --- notifications ------------------------------------------------------------------------


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app message to one user; e-mailed too when the user has an address."""

    # CASCADE: notifications are the user's own inbox.
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="+")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title


# --- helpers --------------------------------------------------------------------------------

_CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 16 → 十六, 21 → 二十一 (enough for terms and sessions)."""
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    return str(n)
