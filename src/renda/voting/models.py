"""民生实事项目票决 (DESIGN §5.3): a yearly round of livelihood projects — proposals, the
candidate list, the deputies' secret ballot, implementation and the year-end rating.

Secrecy: the system records *that* a deputy voted (``Receipt``, one per deputy per vote,
unique in the database) and, separately, *what* was voted (``Ballot``). A ballot has no
deputy, no user, no timestamp and no sequential key: its primary key is a random UUID and
ballots are always listed by that key. The voter's tracker is stored only as a hash. When
a vote closes, the round's ballots are rewritten in the order of their random keys, so
that the physical row order (SQLite rowid, PostgreSQL ctid/xmin) no longer follows the
order in which they were cast (see docs/voting.md for what remains).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from renda.core.models import Congress, Organization, User
from renda.deputies.models import Deputy


class RoundStatus(models.TextChoices):
    COLLECTING = "collecting", "征集项目"
    SCREENING = "screening", "筛选项目"
    CANDIDATES_FIXED = "candidates_fixed", "候选项目已确定"
    VOTING = "voting", "投票中"
    TALLIED = "tallied", "已计票"
    ANNOUNCED = "announced", "已公布"
    IMPLEMENTING = "implementing", "实施中"
    EVALUATING = "evaluating", "满意度测评中"
    CLOSED = "closed", "已结束"


# States after the vote closed: the results exist and may be shown.
RESULT_STATES = {RoundStatus.TALLIED, RoundStatus.ANNOUNCED, RoundStatus.IMPLEMENTING,
                 RoundStatus.EVALUATING, RoundStatus.CLOSED}
# States whose results the public and the deputies may see.
PUBLIC_STATES = {RoundStatus.ANNOUNCED, RoundStatus.IMPLEMENTING, RoundStatus.EVALUATING,
                 RoundStatus.CLOSED}


class Method(models.TextChoices):
    ELECTRONIC = "electronic", "电子表决（手机、会场终端）"
    PAPER = "paper", "纸质选票（计票人录入）"


class Kind(models.TextChoices):
    VOTE = "vote", "项目票决"
    RATING = "rating", "年末满意度测评"


class Choice(models.TextChoices):
    YES = "yes", "赞成"
    NO = "no", "反对"
    ABSTAIN = "abstain", "弃权"


class Rating(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class Round(models.Model):
    """One year's round of 民生实事项目 of a congress."""

    # PROTECT: a round is history of its congress.
    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("名称", max_length=120)
    seats = models.PositiveSmallIntegerField("应选项目数", default=10)
    threshold_percent = models.PositiveSmallIntegerField(
        "当选门槛（%）", default=50,
        help_text="赞成票须超过有效票的这一比例，默认过半数（50）。")
    method = models.CharField("表决方式", max_length=12, choices=Method.choices,
                              default=Method.ELECTRONIC)
    rating_satisfied_percent = models.PositiveSmallIntegerField(
        "满意门槛（%）", default=50, help_text="满意票超过有效票的这一比例为“满意”。")
    rating_basic_percent = models.PositiveSmallIntegerField(
        "基本满意门槛（%）", default=50,
        help_text="满意与基本满意合计超过有效票的这一比例为“基本满意”，否则为“不满意”。")
    status = models.CharField("状态", max_length=20, choices=RoundStatus.choices,
                              default=RoundStatus.COLLECTING)
    opened_at = models.DateTimeField("开始投票", null=True, blank=True)
    closed_at = models.DateTimeField("结束投票", null=True, blank=True)
    # The tally, written once when the vote closes.
    entitled_count = models.PositiveIntegerField("应到代表", default=0)
    voted_count = models.PositiveIntegerField("投票代表", default=0)
    ballots_total = models.PositiveIntegerField("收回选票", default=0)
    ballots_valid = models.PositiveIntegerField("有效票", default=0)
    ballots_invalid = models.PositiveIntegerField("无效票", default=0)
    quorum_met = models.BooleanField("达到法定人数", default=False)
    tie_note = models.CharField("同票说明", max_length=300, blank=True)
    rating_opened_at = models.DateTimeField("开始测评", null=True, blank=True)
    rating_closed_at = models.DateTimeField("结束测评", null=True, blank=True)
    rating_entitled = models.PositiveIntegerField("测评应到", default=0)
    rating_voted = models.PositiveIntegerField("测评参加", default=0)
    proposals_open = models.BooleanField("接受群众提议", default=True)
    # PROTECT: the creator is history.
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "票决轮次"
        ordering = ["-year", "-id"]
        indexes = [models.Index(fields=["congress", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(seats__gte=1), name="voting_round_seats_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def has_results(self) -> bool:
        return self.status in RESULT_STATES

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATES


class ProposalSource(models.TextChoices):
    PUBLIC = "public", "群众"
    DEPUTY = "deputy", "代表"
    DEPARTMENT = "department", "部门"


class ProposalStatus(models.TextChoices):
    PENDING = "pending", "待筛选"
    ACCEPTED = "accepted", "列为候选项目"
    REJECTED = "rejected", "未采纳"


class Proposal(models.Model):
    """A project proposed by the public (QR form), a deputy or a department."""

    # PROTECT: proposals are the record of the collection.
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="proposals")
    source = models.CharField("来源", max_length=12, choices=ProposalSource.choices)
    title = models.CharField("项目名称", max_length=100)
    description = models.TextField("内容和理由", max_length=2000)
    submitter_name = models.CharField("提议人", max_length=50)
    submitter_phone = models.CharField("联系电话", max_length=11, blank=True)
    # SET_NULL: an account may go; the proposal stays.
    submitted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    status = models.CharField("筛选结果", max_length=10, choices=ProposalStatus.choices,
                              default=ProposalStatus.PENDING)
    screening_reason = models.CharField("筛选理由", max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "项目提议"
        ordering = ["round_id", "-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def masked_phone(self) -> str:
        p = self.submitter_phone
        return f"{p[:3]}****{p[-4:]}" if len(p) == 11 else ""


class Candidate(models.Model):
    """A candidate project on the ballot; after the vote, its counts and whether elected."""

    # PROTECT: candidates are the ballot's content.
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="candidates")
    title = models.CharField("项目名称", max_length=100)
    description = models.TextField("项目内容", max_length=2000)
    budget = models.DecimalField("预算（万元）", max_digits=10, decimal_places=1, default=0)
    # PROTECT: the responsible unit is part of the record.
    unit = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name="责任单位")
    # SET_NULL: the proposal it came from is context only.
    proposal = models.ForeignKey(Proposal, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    sort_order = models.PositiveSmallIntegerField("序号", default=0)
    yes = models.PositiveIntegerField("赞成", null=True, blank=True)
    no = models.PositiveIntegerField("反对", null=True, blank=True)
    abstain = models.PositiveIntegerField("弃权", null=True, blank=True)
    elected = models.BooleanField("当选", default=False)
    tied = models.BooleanField("同票待决", default=False)
    rated_satisfied = models.PositiveIntegerField("满意", null=True, blank=True)
    rated_basic = models.PositiveIntegerField("基本满意", null=True, blank=True)
    rated_unsatisfied = models.PositiveIntegerField("不满意", null=True, blank=True)
    rating = models.CharField("测评结果", max_length=12, choices=Rating.choices, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "候选项目"
        ordering = ["round_id", "sort_order", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def progress(self) -> int:
        """Weighted progress of the milestones, 0–100."""
        items = list(self.milestones.all())
        weight = sum(m.weight for m in items)
        if not weight:
            return 0
        return round(sum(m.weight * m.progress for m in items) / weight)


class Attendance(models.TextChoices):
    PRESENT = "present", "出席"
    LEAVE = "leave", "请假"
    ABSENT = "absent", "缺席"


class Entitlement(models.Model):
    """The snapshot, taken when a vote opens, of the deputies entitled to vote in it."""

    # CASCADE would erase history; PROTECT keeps rounds and deputies with snapshots.
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="entitlements")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.VOTE)
    deputy = models.ForeignKey(Deputy, on_delete=models.PROTECT, related_name="+")
    attendance = models.CharField("出席情况", max_length=8, choices=Attendance.choices,
                                  default=Attendance.PRESENT)

    class Meta:
        verbose_name = verbose_name_plural = "有表决权的代表"
        constraints = [models.UniqueConstraint(fields=["round", "kind", "deputy"],
                                               name="voting_entitlement_unique")]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.deputy_id}"


def _random_uuid() -> uuid.UUID:
    return uuid.uuid4()


class Receipt(models.Model):
    """That a deputy voted — and nothing about how. No timestamp, a random key."""

    id = models.UUIDField(primary_key=True, default=_random_uuid, editable=False)
    # PROTECT: receipts are the record of who voted.
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="receipts")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.VOTE)
    deputy = models.ForeignKey(Deputy, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "投票回执"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["round", "kind", "deputy"],
                                               name="voting_one_receipt_per_deputy")]

    def __str__(self) -> str:
        return "投票回执"


class Ballot(models.Model):
    """What was voted, with no deputy, no time and no order: a random key, listed by it.

    ``choices`` maps candidate ids (as strings) to a ``Choice`` (vote) or ``Rating``.
    """

    id = models.UUIDField(primary_key=True, default=_random_uuid, editable=False)
    # PROTECT: ballots are the record of the vote.
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="ballots")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.VOTE)
    choices = models.JSONField(default=dict)
    valid = models.BooleanField(default=True)
    tracker_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = verbose_name_plural = "选票"
        ordering = ["id"]

    def __str__(self) -> str:
        return "选票"


class PaperEntry(models.Model):
    """One teller's entry of the paper ballot counts; two entries that agree are accepted.

    ``counts`` = {"total": n, "valid": n, "invalid": n,
    "candidates": {"<id>": {"yes": n, "no": n, "abstain": n}}}.
    """

    # PROTECT: entries are the record of the count.
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="paper_entries")
    teller = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+",
                               verbose_name="计票人")
    counts = models.JSONField(default=dict)
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "纸质计票录入"
        constraints = [models.UniqueConstraint(fields=["round", "teller"],
                                               name="voting_paper_one_per_teller")]

    def __str__(self) -> str:
        return f"计票录入 {self.round_id}"


class Transition(models.Model):
    """The log of every state change of a round."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=RoundStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=RoundStatus.choices)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    reason = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "票决状态变更"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status}→{self.to_status}"


class Milestone(models.Model):
    """A step of an elected project, with its weight in the overall progress."""

    # PROTECT: the implementation record stays with its project.
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="milestones")
    title = models.CharField("节点", max_length=100)
    weight = models.PositiveSmallIntegerField("权重", default=1)
    progress = models.PositiveSmallIntegerField("完成度（%）", default=0)
    due_date = models.DateField("计划完成", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "实施节点"
        ordering = ["candidate_id", "due_date", "id"]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100),
                                              name="voting_milestone_progress_max")]

    def __str__(self) -> str:
        return self.title


class ReportKind(models.TextChoices):
    PROGRESS = "progress", "进展报告"
    INSPECTION = "inspection", "年中视察询问"


class ProgressReport(models.Model):
    """A progress report by the responsible unit, or the record of the mid-year inspection."""

    # PROTECT: reports are the implementation record.
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField("类别", max_length=12, choices=ReportKind.choices,
                            default=ReportKind.PROGRESS)
    text = models.TextField("内容", max_length=4000)
    photo = models.ImageField("照片", upload_to="voting/photos/", blank=True)
    deputies = models.ManyToManyField(Deputy, blank=True, related_name="+",
                                      verbose_name="参加的代表")
    author = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "实施进展"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return self.text[:30]
