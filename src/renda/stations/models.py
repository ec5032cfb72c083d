"""联络站 (DESIGN §5.2): stations and their reception calendars, citizens' messages from a
QR code to an answer, and receptions (接待) where deputies meet the people."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from renda.core.models import Congress, Organization, User
from renda.deputies.models import Deputy, mask_phone


class StationKind(models.TextChoices):
    HOME = "home", "代表之家"
    STATION = "station", "代表联络站"
    POINT = "point", "代表联络点"
    INDUSTRY = "industry", "行业代表联络站"


class Station(models.Model):
    """A place where deputies meet the people; its public page is what the QR code opens."""

    # PROTECT: a station is part of the congress's record (messages, receptions).
    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类别", max_length=10, choices=StationKind.choices,
                            default=StationKind.STATION)
    name = models.CharField("名称", max_length=60)
    address = models.CharField("地址", max_length=120)
    lat = models.FloatField("纬度", help_text="WGS-84 十进制度，如 30.2741。")
    lon = models.FloatField("经度", help_text="WGS-84 十进制度，如 120.1551。")
    phone = models.CharField("联系电话", max_length=30, blank=True)
    hours = models.CharField("开放时间", max_length=120, blank=True,
                             help_text="如：工作日 9:00–17:00")
    intro = models.TextField("简介", blank=True, max_length=1000)
    keepers = models.ManyToManyField(User, blank=True, related_name="kept_stations",
                                     verbose_name="管理员")
    deputies = models.ManyToManyField(Deputy, through="StationDeputy", related_name="stations")
    is_active = models.BooleanField("在用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "联络站"
        ordering = ["congress_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "name"], name="station_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        _OPEN_STATIONS.pop(self.pk, None)

    @classmethod
    def open_for_messages(cls, station_id: int) -> Station | None:
        """An open station's id and congress for the public message API, read once per
        process: a station never changes congress, and whether it is still open is checked
        again by the insert itself (``actions._insert_received``)."""
        station = _OPEN_STATIONS.get(station_id)
        if station is None:
            station = cls.objects.only("id", "congress_id", "is_active").filter(
                pk=station_id, is_active=True).first()
            if station is not None:
                _OPEN_STATIONS[station_id] = station
        return station

    @property
    def public_path(self) -> str:
        return f"/s/{self.pk}/"


_OPEN_STATIONS: dict[int, Station] = {}


class StationDeputy(models.Model):
    """A deputy assigned to a station; deputies of several levels share one (混合编组)."""

    # CASCADE: the assignment has no meaning without the station or the person.
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="assignments")
    deputy = models.ForeignKey(Deputy, on_delete=models.CASCADE, related_name="+")
    level_label = models.CharField("代表层级", max_length=20, blank=True,
                                   help_text="如：市人大代表、区人大代表。")
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "进站代表"
        ordering = ["station_id", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["station", "deputy"], name="station_deputy_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.station_id}:{self.deputy_id}"


class RuleKind(models.TextChoices):
    WEEKLY = "weekly", "每周"
    MONTHLY_DAY = "monthly_day", "每月固定日"
    MONTHLY_NTH = "monthly_nth", "每月第几个星期几"


class CalendarRule(models.Model):
    """A recurring reception day: every Wednesday; the 20th of each month (the last day in a
    shorter month); the 1st and 3rd Tuesday (``nths`` "1,3"; -1 is the last one)."""

    # CASCADE: a rule belongs to its station.
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField("规则", max_length=12, choices=RuleKind.choices)
    weekday = models.PositiveSmallIntegerField("星期", null=True, blank=True,
                                               help_text="0=星期一 … 6=星期日")
    day = models.PositiveSmallIntegerField("日", null=True, blank=True)
    nths = models.CharField("第几个", max_length=20, blank=True, help_text="如 1,3；-1 表示最后一个")
    start_date = models.DateField("起始日期")
    end_date = models.DateField("截止日期", null=True, blank=True)
    skip_holidays = models.BooleanField("法定节假日顺延取消", default=True)
    note = models.CharField("说明", max_length=100, blank=True)
    duty_deputies = models.ManyToManyField(Deputy, blank=True, related_name="+",
                                           verbose_name="值班代表")

    class Meta:
        verbose_name = verbose_name_plural = "接待日规则"
        ordering = ["station_id", "id"]

    def __str__(self) -> str:
        from .calendar import describe

        return describe(self)


class ExceptionKind(models.TextChoices):
    CANCEL = "cancel", "取消"
    EXTRA = "extra", "加开"


class CalendarException(models.Model):
    """One day off the rules: a cancelled reception, or an extra one."""

    # CASCADE: an exception belongs to its station.
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField("日期")
    kind = models.CharField("类别", max_length=8, choices=ExceptionKind.choices)
    note = models.CharField("说明", max_length=100, blank=True)
    duty_deputies = models.ManyToManyField(Deputy, blank=True, related_name="+",
                                           verbose_name="值班代表")

    class Meta:
        verbose_name = verbose_name_plural = "接待日调整"
        ordering = ["station_id", "date"]
        constraints = [
            models.UniqueConstraint(fields=["station", "date"], name="station_exception_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class StationConfig(models.Model):
    """Deadlines of one congress for citizens' messages, in working days."""

    # CASCADE: configuration belongs to its congress.
    congress = models.OneToOneField(Congress, on_delete=models.CASCADE, related_name="+")
    accept_workdays = models.PositiveSmallIntegerField("受理期限（工作日）", default=5)
    answer_workdays = models.PositiveSmallIntegerField("答复期限（工作日）", default=15)

    class Meta:
        verbose_name = verbose_name_plural = "群众留言办理配置"

    def __str__(self) -> str:
        return f"{self.congress} 留言办理配置"

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        _CONFIG_CACHE.pop(self.congress_id, None)

    @classmethod
    def for_congress(cls, congress_id: int) -> StationConfig:
        return cls.objects.filter(congress_id=congress_id).first() or cls(congress_id=congress_id)

    @classmethod
    def cached(cls, congress_id: int, ttl: float = 60.0) -> StationConfig:
        """The configuration, read at most once a minute per process (the public form
        needs it on every message; a change takes effect within a minute)."""
        import time

        hit = _CONFIG_CACHE.get(congress_id)
        if hit is not None and time.monotonic() - hit[0] < ttl:
            return hit[1]
        cfg = cls.for_congress(congress_id)
        _CONFIG_CACHE[congress_id] = (time.monotonic(), cfg)
        return cfg


_CONFIG_CACHE: dict[int, tuple[float, StationConfig]] = {}


class MessageStatus(models.TextChoices):
    RECEIVED = "received", "已收到"
    ACCEPTED = "accepted", "已受理"
    TRANSFERRED = "transferred", "已转办"
    ANSWERED = "answered", "已答复"
    CLOSED = "closed", "已办结"
    REJECTED = "rejected", "不予受理"


OPEN_STATUSES = (MessageStatus.RECEIVED, MessageStatus.ACCEPTED, MessageStatus.TRANSFERRED)


class MessageCategory(models.TextChoices):
    URBAN = "urban", "城乡建设"
    TRAFFIC = "traffic", "交通出行"
    EDUCATION = "education", "教育"
    HEALTH = "health", "医疗卫生"
    SOCIAL = "social", "社会保障"
    ENVIRONMENT = "environment", "生态环境"
    MARKET = "market", "市场监管"
    OTHER = "other", "其他"


class TransferKind(models.TextChoices):
    UNIT = "unit", "转承办单位"
    SUGGESTION = "suggestion", "转为代表建议"


class Rating(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    UNSATISFIED = "unsatisfied", "不满意"


class Source(models.TextChoices):
    ONLINE = "online", "扫码留言"
    RECEPTION = "reception", "接待日反映"


class MessageQuerySet(models.QuerySet["Message"]):
    def visible_to(self, user: Any) -> MessageQuerySet:
        from .access import visible_filter

        return self.filter(visible_filter(user))


class Message(models.Model):
    """A citizen's message (群众留言), left by QR code or raised at a reception."""

    # PROTECT on every FK: messages are part of the congress's record.
    # Every public message updates each index of this table, so the foreign keys get no
    # index of their own: congress, station and unit lead the composite indexes below, and
    # deputy, reception and suggestion have partial indexes that skip the (many) empty rows.
    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="+",
                                 db_index=False)
    station = models.ForeignKey(Station, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="messages", verbose_name="联络站", db_index=False)
    deputy = models.ForeignKey(Deputy, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name="留言给代表", db_index=False)
    reception = models.ForeignKey("Reception", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="messages", db_index=False)
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.ONLINE)
    code = models.CharField("查询码", max_length=12)  # unique: see Meta (no pattern index)
    category = models.CharField("类别", max_length=12, choices=MessageCategory.choices,
                                default=MessageCategory.OTHER)
    content = models.TextField("内容", max_length=2000)
    name = models.CharField("姓名", max_length=30, blank=True)
    phone = models.CharField("手机号", max_length=11, blank=True)
    photo = models.ImageField("照片", upload_to="stations/messages/", blank=True)
    ip_hash = models.CharField(max_length=32, blank=True,
                               help_text="来源 IP 的加盐哈希，只用于频率限制。")
    phone_hash = models.CharField(max_length=32, blank=True)
    status = models.CharField("状态", max_length=12, choices=MessageStatus.choices,
                              default=MessageStatus.RECEIVED)
    created_at = models.DateTimeField("留言时间", default=timezone.now)
    accept_due = models.DateField("受理期限", null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    transfer_kind = models.CharField(max_length=10, choices=TransferKind.choices, blank=True)
    unit = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name="承办单位", db_index=False)
    suggestion = models.ForeignKey("suggestions.Suggestion", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="station_messages",
                                   verbose_name="转成的代表建议", db_index=False)
    answer_due = models.DateField("答复期限", null=True, blank=True)
    transferred_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField("答复", blank=True, max_length=3000)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.CharField("答复单位", max_length=100, blank=True)
    reject_reason = models.CharField("不予受理理由", max_length=300, blank=True)
    rating = models.CharField("评价", max_length=12, choices=Rating.choices, blank=True)
    rating_comment = models.CharField("评价意见", max_length=300, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    audited = models.BooleanField(
        default=True, help_text="公开留言的审计事件由后台任务分批写入（见 actions.audit_received）。")

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "群众留言"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["congress", "status", "-created_at"]),
            # (congress, created_at) is migration 0001's "message_figures": on PostgreSQL a
            # covering index, so a year of figures is read from the index alone.
            # Partial where most new messages have no value: the public form does not
            # write these indexes (a unit's list, the answer deadlines' sweep).
            models.Index(fields=["unit", "status"], condition=models.Q(unit__isnull=False),
                         name="message_unit"),
            models.Index(fields=["station", "-created_at"]),
            models.Index(fields=["ip_hash", "created_at"]),
            models.Index(fields=["phone_hash", "created_at"]),
            models.Index(fields=["status", "accept_due"]),
            models.Index(fields=["status", "answer_due"],
                         condition=models.Q(answer_due__isnull=False), name="message_answer_due"),
            models.Index(fields=["id"], condition=models.Q(audited=False), name="message_unaudited"),
            models.Index(fields=["deputy"], condition=models.Q(deputy__isnull=False),
                         name="message_deputy"),
            models.Index(fields=["reception"], condition=models.Q(reception__isnull=False),
                         name="message_reception"),
            models.Index(fields=["suggestion"], condition=models.Q(suggestion__isnull=False),
                         name="message_suggestion"),
        ]
        # A constraint rather than unique=True: the tracking code is only ever looked up
        # whole, and unique=True adds a second, pattern-matching index on PostgreSQL.
        constraints = [models.UniqueConstraint(fields=["code"], name="message_code_unique")]

    def __str__(self) -> str:
        return self.code

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_name(self) -> str:
        return (self.name[0] + "**") if self.name else ""

    def photo_url(self) -> str:
        return f"/stations/messages/{self.pk}/photo" if self.photo else ""


class MessageTransition(models.Model):
    """The log of every state change of a message."""

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(max_length=12, choices=MessageStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=MessageStatus.choices)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", db_index=False)  # a citizen's step has none
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "留言状态变更"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["actor"], condition=models.Q(actor__isnull=False),
                                name="transition_actor")]

    def __str__(self) -> str:
        return f"{self.from_status}→{self.to_status}"


class Reception(models.Model):
    """A reception day at a station (接待): who received, how many people, what they raised."""

    # PROTECT: receptions are history of the station and of the deputies' duties.
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="receptions")
    date = models.DateField("接待日期")
    visitors = models.PositiveIntegerField("接待群众（人次）", default=0)
    notes = models.TextField("情况记录", blank=True, max_length=3000)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "接待活动"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["station", "-date"])]

    def __str__(self) -> str:
        return f"{self.station} {self.date}"


class ReceptionDeputy(models.Model):
    """A deputy present at a reception; ``checked_in_at`` is set when they check in."""

    # CASCADE: attendance has no meaning without its reception; PROTECT keeps the person.
    reception = models.ForeignKey(Reception, on_delete=models.CASCADE, related_name="attendance")
    deputy = models.ForeignKey(Deputy, on_delete=models.PROTECT, related_name="+")
    checked_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "接待代表"
        constraints = [
            models.UniqueConstraint(fields=["reception", "deputy"], name="reception_deputy_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.reception_id}:{self.deputy_id}"


class ReceptionPhoto(models.Model):
    # CASCADE: a photo belongs to its reception.
    reception = models.ForeignKey(Reception, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="stations/receptions/")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "接待照片"

    def __str__(self) -> str:
        return self.image.name


class Reminder(models.Model):
    """A deadline reminder that was sent, keyed so that each goes out exactly once."""

    key = models.CharField(max_length=80, unique=True)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "留言提醒"

    def __str__(self) -> str:
        return self.key


def public_url(path: str) -> str:
    return settings.RENDA_SITE_URL + path
