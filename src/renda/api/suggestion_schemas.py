"""Request and response bodies of the suggestions API (代表建议).

Requests only parse: types, required fields and lengths (a bad value is 422 naming the field).
Every rule of the workflow stays in ``renda.suggestions.actions`` (400 with the field).
"""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from .schemas import Page

# Labels for the 422 messages ("标题：必填"); added to api.FIELD_LABELS where not yet there.
FIELD_LABELS = {
    "congress": "人大", "mine": "我的建议", "q": "关键词", "status": "状态", "category": "领域",
    "unit": "承办单位", "session": "会议", "period": "提出时间", "overdue": "超期",
    "key": "重点督办", "published": "已公开", "state": "状态",
    "title": "标题", "problem": "问题", "analysis": "分析", "measures": "对策",
    "cosigners": "附议代表", "accept": "是否附议", "result": "评价", "comment": "意见",
    "reason": "理由", "kind": "方式", "into": "并入的建议", "lead": "主办单位",
    "co": "会办单位", "separate": "分办单位", "ids": "建议", "leader": "领衔督办领导",
    "committee": "督办委员会", "note": "意见", "publish": "是否公开", "approve": "是否同意",
    "suggested_unit": "建议承办单位", "new_due_date": "申请延至日期", "stage": "沟通阶段",
    "way": "沟通方式", "contact_date": "沟通日期", "summary": "沟通情况", "text": "内容",
    "reply_class": "答复类别", "commitments": "承诺事项", "content": "承诺事项",
    "due_date": "承诺完成时间", "done": "是否已落实",
}


# --- queries -------------------------------------------------------------------------------------


class SuggestionQuery(Schema):
    congress: int | None = Field(None, description="只看这个人大的建议")
    mine: bool = Field(False, description="代表本人领衔或附议的建议")
    q: str = Field("", description="标题、编号或领衔代表姓名")
    status: str = Field("", description="状态代码，或 open（交办未答复）")
    category: int | None = None
    unit: int | None = Field(None, description="承办单位（承办单位用户只能填本单位）")
    session: int | None = None
    period: str = Field("", description="during 大会期间 / between 闭会期间")
    overdue: bool = False
    key: bool = Field(False, description="只看重点督办")
    published: bool = False
    page: int = 1
    page_size: int = Field(30, description="1 到 200")


class InboxQuery(Schema):
    congress: int | None = None
    state: str = Field("open", description="open | overdue | soon | replied | all")
    q: str = ""
    page: int = 1
    page_size: int = Field(30, description="1 到 200")


# --- requests ------------------------------------------------------------------------------------


class DraftUpdateIn(Schema):
    title: str = Field(..., min_length=1, max_length=100)
    problem: str = Field("", max_length=5000)
    analysis: str = Field("", max_length=5000)
    measures: str = Field("", max_length=5000)
    category: int | None = Field(None, description="建议领域 ID")
    cosigners: list[int] = Field(default_factory=list, description="邀请附议的代表 ID")


class DraftIn(DraftUpdateIn):
    congress: int = Field(..., description="向哪个人大提出")


class CosignIn(Schema):
    accept: bool


class EvaluateIn(Schema):
    result: str = Field(..., description="satisfied 满意 / basic 基本满意 / unsatisfied 不满意")
    comment: str = Field("", max_length=2000, description="不满意时必填")


class ReasonIn(Schema):
    reason: str = Field(..., max_length=500)


class NotRegisterIn(Schema):
    kind: str = Field(..., description="letter 转作来信处理 / rejected 不予立案")
    reason: str = Field(..., max_length=500)


class RegisterIn(Schema):
    category: int | None = Field(None, description="立案时确定或更正领域")


class MergeIn(Schema):
    into: int = Field(..., description="并入的主建议 ID")
    reason: str = Field("", max_length=500)


class AssignIn(Schema):
    lead: int | None = Field(None, description="主办单位 ID")
    co: list[int] = Field(default_factory=list, description="会办单位 ID")
    separate: list[int] = Field(default_factory=list, description="分办单位 ID（至少两个）")


class BulkAssignIn(Schema):
    ids: list[int] = Field(..., min_length=1, max_length=200, description="建议 ID")
    lead: int = Field(..., description="主办单位 ID")
    co: list[int] = Field(default_factory=list)


class SuperviseIn(Schema):
    kind: str = Field(..., description="key 重点督办 / joint 联合督办")
    leader: int | None = Field(None, description="领衔督办领导的用户 ID（重点督办必填）")
    committee: int | None = Field(None, description="督办委员会 ID")
    note: str = Field("", max_length=500)


class PublishIn(Schema):
    publish: bool = True


class DecideIn(Schema):
    approve: bool
    note: str = Field("", max_length=500, description="不同意时必填")


class AdjustIn(Schema):
    reason: str = Field(..., max_length=1000)
    suggested_unit: int | None = Field(None, description="建议改由哪个承办单位办理")


class ExtendIn(Schema):
    new_due_date: date
    reason: str = Field(..., max_length=1000)


class ContactIn(Schema):
    stage: str = Field(..., description="before 办前 / during 办中 / after 办后")
    way: str = Field(..., description="meeting / phone / visit / forum / letter / online")
    contact_date: date
    summary: str = Field(..., max_length=2000)


class CoViewIn(Schema):
    text: str = Field(..., max_length=5000)


class CommitmentIn(Schema):
    content: str = Field(..., max_length=500)
    due_date: date


class ReplyIn(Schema):
    reply_class: str = Field(..., description="答复类别代码，默认 A/B/C/D")
    text: str = Field(..., max_length=20000)
    commitments: list[CommitmentIn] = Field(default_factory=list,
                                            description="B 类答复必填：承诺事项与完成时间")


class ProgressIn(Schema):
    text: str = Field(..., max_length=2000)
    done: bool = False


# --- responses -----------------------------------------------------------------------------------


class SuggestionSummary(Schema):
    id: int
    congress_id: int
    number: str
    title: str
    status: str
    status_label: str
    lead_deputy: str
    category_id: int | None
    category: str | None
    period: str
    period_label: str
    created_at: datetime
    submitted_at: datetime | None
    registered_at: datetime | None
    replied_at: datetime | None
    closed_at: datetime | None
    published_at: datetime | None


class SuggestionPage(Page):
    items: list[SuggestionSummary]


class RefOut(Schema):
    id: int
    number: str
    title: str
    lead_deputy: str


class InvitationOut(Schema):
    deputy: str
    status: str
    status_label: str


class AssignmentBrief(Schema):
    id: int
    unit_id: int
    unit: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    assigned_at: datetime
    due_date: date
    original_due_date: date
    adjust_until: date
    accepted_at: datetime | None
    replied_at: datetime | None
    is_overdue: bool
    days_left: int
    co_view: str = Field(..., description="会办意见：只给人大工作人员、领导、委员会和该单位本身")
    co_view_at: datetime | None


class AssignmentSummary(AssignmentBrief):
    suggestion_id: int
    number: str
    title: str
    suggestion_status: str
    suggestion_status_label: str
    lead_deputy: str
    category: str | None


class InboxPage(Page):
    items: list[AssignmentSummary]


class CoViewOut(Schema):
    unit: str
    text: str
    sent_at: datetime | None


class CommitmentUpdateOut(Schema):
    text: str
    done: bool
    at: datetime


class CommitmentOut(Schema):
    id: int
    reply_id: int
    unit: str
    content: str
    due_date: date
    status: str
    status_label: str
    done_at: datetime | None
    updates: list[CommitmentUpdateOut]


class ReplyOut(Schema):
    id: int
    assignment_id: int
    unit: str
    round: int
    reply_class: str
    reply_class_label: str
    text: str
    replied_at: datetime
    commitments: list[CommitmentOut]


class EvaluationOut(Schema):
    deputy: str
    round: int
    result: str
    result_label: str
    comment: str
    at: datetime


class SupervisionOut(Schema):
    id: int
    kind: str
    kind_label: str
    leader: str | None
    committee: str | None
    note: str
    created_at: datetime


class TransitionOut(Schema):
    from_status: str
    from_label: str
    to_status: str
    to_label: str
    actor: str | None
    reason: str
    at: datetime


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    kind: str


class ContactOut(Schema):
    id: int
    stage: str
    stage_label: str
    way: str
    way_label: str
    contact_date: date
    summary: str
    created_at: datetime


class ExtensionOut(Schema):
    id: int
    assignment_id: int
    new_due_date: date
    reason: str
    status: str
    status_label: str
    requested_at: datetime
    decided_at: datetime | None
    decision_note: str
    due_date: date = Field(..., description="交办当前的答复期限")


class AdjustmentOut(Schema):
    id: int
    assignment_id: int
    reason: str
    suggested_unit: str | None
    status: str
    status_label: str
    requested_at: datetime
    decided_at: datetime | None
    decision_note: str
    assignment_status: str


class SuggestionDetail(SuggestionSummary):
    problem: str
    analysis: str
    measures: str
    review_note: str
    not_registered_kind: str
    rehandle_count: int
    merged_into: RefOut | None
    merged: list[RefOut]
    cosigners: list[str] = Field(..., description="已确认附议的代表")
    invitations: list[InvitationOut] = Field(..., description="附议邀请（只给领衔代表）")
    my_cosign: str | None = Field(..., description="调用者被邀请附议时的状态")
    assignments: list[AssignmentBrief] = Field(
        ..., description="承办单位用户只看到本单位的交办")
    co_views: list[CoViewOut] = Field(..., description="送给主办单位的会办意见")
    replies: list[ReplyOut]
    evaluations: list[EvaluationOut]
    commitments: list[CommitmentOut]
    supervisions: list[SupervisionOut]
    timeline: list[TransitionOut]
    attachments: list[AttachmentOut]


class AssignmentDetail(AssignmentSummary):
    problem: str
    analysis: str
    measures: str
    cosigners: list[str]
    lead_units: list[str] = Field(..., description="会办单位：意见送给哪个主办单位")
    co_views: list[CoViewOut] = Field(..., description="主办单位：收到的会办意见")
    contacts: list[ContactOut]
    replies: list[ReplyOut]
    commitments: list[CommitmentOut]
    extensions: list[ExtensionOut]
    adjustments: list[AdjustmentOut]
    evaluations: list[EvaluationOut]
