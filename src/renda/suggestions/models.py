"""代表建议: suggestions, their assignments to handling units, replies, evaluations,
supervision, the commitment ledger and the transition log (DESIGN §5.1)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from renda.core.models import Congress, Organization, Session, Term, User
from renda.deputies.models import Deputy


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    UNDER_REVIEW = "under_review", "审核中"
    RETURNED = "returned", "退回修改"
    NOT_REGISTERED = "not_registered", "不予立案"
    REGISTERED = "registered", "已立案"
    ASSIGNED = "assigned", "已交办"
    REASSIGNED = "reassigned", "待重新交办"
    HANDLING = "handling", "办理中"
    REPLIED = "replied", "已答复"
    REHANDLING = "rehandling", "重新办理"
    EVALUATED = "evaluated", "已评价"
    TRACKING = "tracking", "跟踪落实"
    CLOSED = "closed", "已办结"
    MERGED = "merged", "已并案"


class Period(models.TextChoices):
    DURING = "during", "大会期间"
    BETWEEN = "between", "闭会期间"


class NotRegisteredKind(models.TextChoices):
    LETTER = "letter", "转作来信处理"
    REJECTED = "rejected", "不予立案"


class Category(models.Model):
    """A field (领域) of suggestions, e.g. 城乡建设; linked to the committee that follows it."""

    # PROTECT: categories are referred to by suggestions.
    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("名称", max_length=40)
    committee = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="对口委员会", help_text="该委员会可以看到并联合督办本领域的建议。",
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "建议领域"
        ordering = ["congress_id", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "name"], name="category_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class SuggestionConfig(models.Model):
    """Deadlines of one congress (defaults: the national practice)."""

    # CASCADE: configuration belongs to its congress.
    congress = models.OneToOneField(Congress, on_delete=models.CASCADE,
                                    related_name="suggestion_config")
    reply_months = models.PositiveSmallIntegerField("答复期限（月）", default=3)
    extension_max_months = models.PositiveSmallIntegerField("最长延期（月）", default=3)
    co_view_days = models.PositiveSmallIntegerField("会办意见期限（天）", default=30)
    adjust_workdays = models.PositiveSmallIntegerField("申请调整期限（工作日）", default=5)
    rehandle_months = models.PositiveSmallIntegerField("重新办理期限（月）", default=1)
    evaluate_workdays = models.PositiveSmallIntegerField("代表评价期限（工作日）", default=20)
    remind_days = models.CharField("到期前提醒（天，逗号分隔）", max_length=30, default="15,3")
    max_rehandles = models.PositiveSmallIntegerField("最多重新办理次数", default=1)

    class Meta:
        verbose_name = verbose_name_plural = "建议办理配置"

    def __str__(self) -> str:
        return f"{self.congress} 建议办理配置"

    @classmethod
    def for_congress(cls, congress_id: int) -> SuggestionConfig:
        return cls.objects.filter(congress_id=congress_id).first() or cls(congress_id=congress_id)

    @property
    def remind_before(self) -> list[int]:
        return sorted({int(x) for x in self.remind_days.split(",") if x.strip().isdigit()},
                      reverse=True)


class ReplyClass(models.Model):
    """An answer class (答复类别), configurable per congress; defaults A/B/C/D."""

    # CASCADE: configuration belongs to its congress.
    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="+")
    code = models.CharField("代码", max_length=4)
    label = models.CharField("名称", max_length=60)
    needs_commitments = models.BooleanField(
        "须填写承诺事项", default=False,
        help_text="如 B 类：正在解决或列入计划，承诺事项进入台账跟踪。")
    solved = models.BooleanField("计为已解决", default=False)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "答复类别"
        ordering = ["congress_id", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "code"], name="replyclass_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code}类（{self.label}）"


DEFAULT_REPLY_CLASSES = [
    ("A", "已解决或基本解决", False, True),
    ("B", "正在解决或列入计划解决", True, False),
    ("C", "因条件限制需以后解决", False, False),
    ("D", "留作参考", False, False),
]


class SuggestionQuerySet(models.QuerySet["Suggestion"]):
    def visible_to(self, user: Any) -> SuggestionQuerySet:
        from .access import visible_filter

        return self.filter(visible_filter(user)).distinct()

    def registered(self) -> SuggestionQuerySet:
        return self.exclude(status__in=[Status.DRAFT, Status.SUBMITTED, Status.UNDER_REVIEW,
                                        Status.RETURNED, Status.NOT_REGISTERED])


class Suggestion(models.Model):
    """A deputy's suggestion, criticism or opinion (代表建议、批评和意见)."""

    # PROTECT on every FK: suggestions are part of the congress's record.
    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="+")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(Session, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name="届次会议")
    period = models.CharField("提出时间", max_length=8, choices=Period.choices,
                              default=Period.BETWEEN)
    lead_deputy = models.ForeignKey(Deputy, on_delete=models.PROTECT, related_name="suggestions",
                                    verbose_name="领衔代表")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    title = models.CharField("标题", max_length=100)
    problem = models.TextField("问题", max_length=5000)
    analysis = models.TextField("分析", max_length=5000, blank=True)
    measures = models.TextField("对策", max_length=5000, blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="suggestions", verbose_name="领域")
    status = models.CharField("状态", max_length=16, choices=Status.choices,
                              default=Status.DRAFT, db_index=True)
    number = models.CharField("编号", max_length=40, blank=True)
    seq = models.PositiveIntegerField("序号", null=True, blank=True)
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="merged", verbose_name="并入")
    review_note = models.CharField("审核意见", max_length=500, blank=True)
    not_registered_kind = models.CharField(max_length=10, choices=NotRegisteredKind.choices,
                                           blank=True)
    rehandle_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    registered_at = models.DateTimeField(null=True, blank=True, db_index=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "代表建议"
        ordering = ["-registered_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "number"], condition=~Q(number=""),
                                    name="suggestion_unique_number"),
        ]
        indexes = [
            models.Index(fields=["congress", "status"]),
            models.Index(fields=["congress", "session", "seq"]),
            models.Index(fields=["congress", "category"]),
            # the staff list and the API list: newest submission first
            models.Index(fields=["congress", "-submitted_at", "-id"]),
        ]

    def __str__(self) -> str:
        return f"{self.number or '（未编号）'} {self.title}"

    @property
    def body_text(self) -> str:
        return "\n".join(p for p in (self.problem, self.analysis, self.measures) if p)


class CoSignerStatus(models.TextChoices):
    INVITED = "invited", "待确认"
    CONFIRMED = "confirmed", "已附议"
    DECLINED = "declined", "已谢绝"
    EXPIRED = "expired", "未确认"


class CoSigner(models.Model):
    """A deputy who joins the suggestion (附议) by confirming in the app."""

    # CASCADE: a co-signature has no meaning without its suggestion (drafts may be deleted).
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="cosigners")
    deputy = models.ForeignKey(Deputy, on_delete=models.PROTECT, related_name="cosigned")
    status = models.CharField(max_length=10, choices=CoSignerStatus.choices,
                              default=CoSignerStatus.INVITED)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "附议代表"
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "deputy"], name="cosigner_unique")
        ]

    def __str__(self) -> str:
        return f"{self.deputy} ({self.get_status_display()})"


class AssignmentKind(models.TextChoices):
    LEAD = "lead", "主办"
    CO = "co", "会办"
    SEPARATE = "separate", "分办"


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", "待签收"
    HANDLING = "handling", "办理中"
    ADJUST_REQUESTED = "adjust_requested", "申请调整"
    WITHDRAWN = "withdrawn", "已调整出"
    VIEW_SENT = "view_sent", "已送会办意见"
    REPLIED = "replied", "已答复"
    REHANDLING = "rehandling", "重新办理"
    CLOSED = "closed", "会办结束"  # a co-unit that sent no view when the reply went out


OPEN_ASSIGNMENT = [AssignmentStatus.PENDING, AssignmentStatus.HANDLING,
                   AssignmentStatus.ADJUST_REQUESTED, AssignmentStatus.REHANDLING]


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def open(self) -> AssignmentQuerySet:
        return self.filter(status__in=OPEN_ASSIGNMENT)

    def overdue(self, today: date | None = None) -> AssignmentQuerySet:
        return self.open().filter(due_date__lt=today or timezone.localdate())

    def due_soon(self, days: int = 15, today: date | None = None) -> AssignmentQuerySet:
        from datetime import timedelta

        today = today or timezone.localdate()
        return self.open().filter(due_date__gte=today, due_date__lte=today + timedelta(days))


class Assignment(models.Model):
    """A suggestion handed to one unit (交办): lead 主办, co 会办 or separate 分办."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.PROTECT, related_name="assignments")
    unit = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="assignments",
                             verbose_name="承办单位")
    kind = models.CharField("方式", max_length=10, choices=AssignmentKind.choices)
    status = models.CharField("状态", max_length=20, choices=AssignmentStatus.choices,
                              default=AssignmentStatus.PENDING, db_index=True)
    assigned_at = models.DateTimeField(default=timezone.now)
    assigned_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField("答复期限", db_index=True)
    original_due_date = models.DateField("原定期限")
    adjust_until = models.DateField("可申请调整至")
    accepted_at = models.DateTimeField(null=True, blank=True)
    co_view = models.TextField("会办意见", blank=True, max_length=5000)
    co_view_at = models.DateTimeField(null=True, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "交办"
        ordering = ["suggestion_id", "kind", "id"]
        indexes = [models.Index(fields=["unit", "status", "due_date"])]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ASSIGNMENT

    def is_overdue(self, today: date | None = None) -> bool:
        return self.is_open and self.due_date < (today or timezone.localdate())

    def days_left(self, today: date | None = None) -> int:
        return (self.due_date - (today or timezone.localdate())).days


class ContactStage(models.TextChoices):
    BEFORE = "before", "办前"
    DURING = "during", "办中"
    AFTER = "after", "办后"


class ContactWay(models.TextChoices):
    MEETING = "meeting", "当面沟通"
    PHONE = "phone", "电话"
    VISIT = "visit", "走访/实地察看"
    FORUM = "forum", "座谈会"
    LETTER = "letter", "信函"
    ONLINE = "online", "网络/微信"


class ContactRecord(models.Model):
    """A contact with the deputy before, during or after handling (办前、办中、办后沟通)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="contacts")
    stage = models.CharField("阶段", max_length=8, choices=ContactStage.choices)
    way = models.CharField("方式", max_length=10, choices=ContactWay.choices)
    contact_date = models.DateField("日期")
    summary = models.TextField("情况", max_length=2000)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "沟通记录"
        ordering = ["contact_date", "id"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.contact_date}"


class Reply(models.Model):
    """A unit's written answer with its class; round 2 after 不满意."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="replies")
    round = models.PositiveSmallIntegerField("轮次", default=1)
    reply_class = models.CharField("答复类别", max_length=4)
    text = models.TextField("答复内容", max_length=20000)
    replied_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    replied_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "答复"
        ordering = ["assignment_id", "round"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "round"], name="reply_one_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.assignment} 第{self.round}次答复 {self.reply_class}类"


class CommitmentStatus(models.TextChoices):
    OPEN = "open", "落实中"
    DONE = "done", "已落实"


class Commitment(models.Model):
    """A promise made in a B-class reply (承诺事项), tracked on the ledger until done."""

    reply = models.ForeignKey(Reply, on_delete=models.PROTECT, related_name="commitments")
    suggestion = models.ForeignKey(Suggestion, on_delete=models.PROTECT,
                                   related_name="commitments")
    unit = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    content = models.CharField("承诺事项", max_length=500)
    due_date = models.DateField("承诺完成时间")
    status = models.CharField(max_length=6, choices=CommitmentStatus.choices,
                              default=CommitmentStatus.OPEN, db_index=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "承诺事项"
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.content


class CommitmentUpdate(models.Model):
    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="updates")
    text = models.TextField("进展", max_length=2000)
    done = models.BooleanField("已落实", default=False)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.text[:30]


class EvaluationResult(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class Evaluation(models.Model):
    """The deputy's rating of the answer (满意度测评); one per deputy per round."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.PROTECT,
                                   related_name="evaluations")
    deputy = models.ForeignKey(Deputy, on_delete=models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField(default=1)
    result = models.CharField("评价", max_length=12, choices=EvaluationResult.choices)
    comment = models.TextField("意见", max_length=2000, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "代表评价"
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "deputy", "round"],
                                    name="evaluation_one_per_round")
        ]

    def __str__(self) -> str:
        return self.get_result_display()


class RequestStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已同意"
    REFUSED = "refused", "不同意"


class Extension(models.Model):
    """A unit's request to extend its due date (延期), decided by staff."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="extensions")
    new_due_date = models.DateField("申请延至")
    reason = models.TextField("理由", max_length=1000)
    status = models.CharField(max_length=10, choices=RequestStatus.choices,
                              default=RequestStatus.PENDING)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "延期申请"
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"延至 {self.new_due_date}"


class AdjustmentRequest(models.Model):
    """A unit asks, within the window, to hand back a suggestion outside its remit (申请调整)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT,
                                   related_name="adjustments")
    reason = models.TextField("理由", max_length=1000)
    suggested_unit = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True,
                                       blank=True, related_name="+", verbose_name="建议承办单位")
    status = models.CharField(max_length=10, choices=RequestStatus.choices,
                              default=RequestStatus.PENDING)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "调整申请"
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return self.reason[:30]


class SupervisionKind(models.TextChoices):
    KEY = "key", "重点督办"
    JOINT = "joint", "联合督办"


class Supervision(models.Model):
    """Key supervision (重点督办) led by a leader with a committee, or joint supervision."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.PROTECT,
                                   related_name="supervisions")
    kind = models.CharField(max_length=6, choices=SupervisionKind.choices)
    leader = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name="领衔督办领导")
    committee = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name="督办委员会")
    note = models.CharField("督办说明", max_length=500, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "督办"
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "kind", "committee"],
                                    name="supervision_unique"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class AttachmentKind(models.TextChoices):
    MATERIAL = "material", "附件材料"
    SIGNED_REPLY = "signed_reply", "盖章答复件"


class Attachment(models.Model):
    # CASCADE: only drafts can be deleted, and their files go with them.
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE,
                                   related_name="attachments")
    reply = models.ForeignKey(Reply, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="attachments")
    kind = models.CharField(max_length=14, choices=AttachmentKind.choices)
    file = models.FileField(upload_to="suggestions/%Y/%m/")
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "附件"

    def __str__(self) -> str:
        return self.name


class Transition(models.Model):
    """The log of every state change: who moved it, from what, to what, why, when."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.PROTECT,
                                   related_name="transitions")
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    reason = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "状态变更"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status}→{self.to_status}"


class Counter(models.Model):
    """Gap-free registration numbers per congress and session, taken under a row lock."""

    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="+")
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["congress", "session"], name="counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.session}: {self.last}"


class Reminder(models.Model):
    """A reminder claimed before it is sent: the unique key makes each one go out once,
    however many sweeps run at the same time."""

    key = models.CharField(max_length=100, unique=True)
    # PROTECT: a suggestion with reminders is registered and is never deleted.
    suggestion = models.ForeignKey(Suggestion, on_delete=models.PROTECT, related_name="+")
    claimed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "已发提醒"

    def __str__(self) -> str:
        return self.key
