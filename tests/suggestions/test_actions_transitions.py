"""Every move of the transition table goes through its action (DESIGN §4, §5.1): the allowed
ones land in the right state with a Transition row and an audit event; the illegal ones —
wrong state, wrong role, another unit, another congress — are refused in Chinese and change
nothing at all."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from renda.core.errors import DomainError
from renda.core.models import AuditEvent, Notification, Organization, OrgKind, Role
from renda.suggestions import actions, states
from renda.suggestions.models import (
    AdjustmentRequest,
    Assignment,
    Attachment,
    Category,
    Commitment,
    CommitmentUpdate,
    ContactRecord,
    CoSigner,
    Counter,
    Evaluation,
    Extension,
    Reply,
    Status,
    Suggestion,
    Supervision,
    Transition,
)
from tests.conftest import make_deputy, make_user

from .conftest import write

pytestmark = pytest.mark.django_db

S = Status
SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2025, 3, 3)  # a Monday in an ordinary working week
REPLY_TEXT = "经研究，我局已将老旧小区加装电梯纳入年度民生实事，今年完成加装120台。"
ADJUST_REASON = "该建议涉及的事项属于交通运输部门职责，不属于本单位职责范围。"
EXTEND_REASON = "需要多个部门联合调研并征求群众意见，需要延长办理时间。"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


# --- helpers shared by the action test modules ------------------------------------------------


def fresh(s: Suggestion) -> Suggestion:
    return Suggestion.objects.get(pk=s.pk)


def lead_of(s: Suggestion) -> Assignment:
    return s.assignments.get(kind="lead")


def snapshot() -> dict[str, Any]:
    """Everything an action could change: states, dates, and the count of every log row."""
    return {
        "suggestions": sorted(Suggestion.objects.values_list(
            "pk", "status", "number", "seq", "title", "problem", "measures", "category_id",
            "session_id", "merged_into_id", "rehandle_count", "published_at", "closed_at",
            "review_note")),
        "assignments": sorted(Assignment.objects.values_list(
            "pk", "status", "due_date", "accepted_at", "co_view")),
        "cosigners": sorted(CoSigner.objects.values_list("pk", "deputy_id", "status")),
        "extensions": sorted(Extension.objects.values_list("pk", "status")),
        "adjustments": sorted(AdjustmentRequest.objects.values_list("pk", "status")),
        "commitments": sorted(Commitment.objects.values_list("pk", "status")),
        "counters": sorted(Counter.objects.values_list("pk", "last")),
        **{model.__name__: model.objects.count() for model in (
            Transition, AuditEvent, Reply, Evaluation, Supervision, ContactRecord, Attachment,
            CommitmentUpdate, Notification)},
    }


def assert_refused(attempt: Callable[[], Any], *, field: str | None = "any") -> DomainError:
    """The attempt raises a DomainError in Chinese and leaves the database as it was."""
    before = snapshot()
    with pytest.raises(DomainError) as info:
        attempt()
    assert CHINESE.search(info.value.message), info.value.message
    if field != "any":
        assert info.value.field == field, (info.value.field, info.value.message)
    assert snapshot() == before
    return info.value


def go(time_machine: Any, day: date, hour: int = 9) -> None:
    time_machine.move_to(datetime.combine(day, time(hour), tzinfo=SHANGHAI), tick=False)


class World:
    """The city congress with every persona, and a way to build a suggestion in any state
    through the actions themselves."""

    def __init__(self, **people: Any) -> None:
        self.__dict__.update(people)

    # deputies' side
    def draft(self, by: Any = None, cosigned: bool = False, **kw: Any) -> Suggestion:
        """A draft; ``cosigned``: 李秀英 (``cosigner``) is invited and has confirmed."""
        if cosigned:
            kw["cosigner_ids"] = [self.cosigner.deputy.pk]
        s = write(by or self.deputy, self.city, self.category, **kw)
        if cosigned:
            actions.answer_cosign(self.cosigner, s, True)
        return s

    def submitted(self, by: Any = None, **kw: Any) -> Suggestion:
        return actions.submit(by or self.deputy, self.draft(by, **kw))

    # staff's side
    def under_review(self, **kw: Any) -> Suggestion:
        return actions.start_review(self.staff, self.submitted(**kw))

    def returned(self, **kw: Any) -> Suggestion:
        return actions.return_to_deputy(self.staff, self.submitted(**kw), "请补充具体对策和依据。")

    def registered(self, **kw: Any) -> Suggestion:
        return actions.register(self.staff, self.submitted(**kw))

    def assigned(self, co: tuple[Organization, ...] = (), **kw: Any) -> Suggestion:
        s = self.registered(**kw)
        actions.assign(self.staff, s, lead=self.unit_org, co=co)
        return fresh(s)

    def reassigned(self, **kw: Any) -> Suggestion:
        s = self.assigned(**kw)
        adj = actions.request_adjustment(self.unit_user, lead_of(s), ADJUST_REASON)
        actions.decide_adjustment(self.staff, adj, True)
        return fresh(s)

    # the unit's side
    def handling(self, **kw: Any) -> Suggestion:
        s = self.assigned(**kw)
        actions.accept(self.unit_user, lead_of(s))
        return fresh(s)

    def replied(self, reply_class: str = "A", commitments: tuple[Any, ...] = (),
                **kw: Any) -> Suggestion:
        s = self.handling(**kw)
        actions.reply(self.unit_user, lead_of(s), reply_class=reply_class, text=REPLY_TEXT,
                      commitments=commitments)
        return fresh(s)

    def replied_b(self, **kw: Any) -> Suggestion:
        due = timezone.localdate() + timedelta(days=90)
        return self.replied("B", (actions.CommitmentData("完成首批50台电梯加装", due),), **kw)

    def rehandling(self, **kw: Any) -> Suggestion:
        s = self.replied(**kw)
        actions.evaluate(self.deputy, s, "unsatisfied", "进度太慢，请加快推进。")
        return fresh(s)

    def tracking(self, **kw: Any) -> Suggestion:
        s = self.replied_b(**kw)
        actions.evaluate(self.deputy, s, "satisfied")
        return fresh(s)

    def closed(self, **kw: Any) -> Suggestion:
        s = self.replied(**kw)
        actions.evaluate(self.deputy, s, "satisfied")
        return fresh(s)

    def after_evaluation_window(self) -> None:
        go(self.time_machine, TODAY + timedelta(days=60))


@pytest.fixture(autouse=True)
def frozen(time_machine):
    go(time_machine, TODAY)


PERSONAS = ["city", "other_congress", "session", "category", "staff", "leader", "auditor",
            "sysadmin", "unit_org", "unit_user", "unit2_org", "unit2_user", "unit3_org",
            "committee_org", "committee_user", "outsider", "other_deputy_user", "time_machine"]


def build_world(request: Any) -> World:
    """The shared personas of tests/conftest.py and tests/suggestions/conftest.py, plus a
    third deputy of the city and a unit, a committee and a leader of the other congress.
    Uploaded files go to a temporary directory."""
    people = {name: request.getfixturevalue(name) for name in PERSONAS}
    request.getfixturevalue("settings").MEDIA_ROOT = request.getfixturevalue("tmp_path")
    city, other = people["city"], people["other_congress"]
    peer = make_user("peer", city, Role.DEPUTY, phone="13900000003")
    make_deputy(city, "陈同届", "13900000003", request.getfixturevalue("delegation"), user=peer)
    other_unit_org = Organization.objects.create(congress=other, name="别处市住建局",
                                                 kind=OrgKind.UNIT)
    return World(
        **people,
        deputy=request.getfixturevalue("deputy_user"),
        cosigner=request.getfixturevalue("cosigner_user"),
        peer=peer,
        other_category=Category.objects.create(congress=other, name="城乡建设"),
        other_unit_org=other_unit_org,
        other_unit_user=make_user("otherunit", other, Role.UNIT, other_unit_org),
        other_committee_org=Organization.objects.create(
            congress=other, name="别处市财经委", kind=OrgKind.SPECIAL_COMMITTEE),
        other_leader=make_user("otherleader", other, Role.LEADER),
    )


@pytest.fixture
def w(request):
    return build_world(request)


# --- 1. every allowed transition, through its action -----------------------------------------

# (from, to) -> (build the suggestion in "from", do the move; return the suggestion)
Move = Callable[[World], Suggestion]


def _merge_into_registered(build: Callable[[World], Suggestion]) -> Move:
    def move(w: World) -> Suggestion:
        main = w.registered(by=w.peer, title="关于推进既有住宅加装电梯的建议")
        s = build(w)
        return actions.merge(w.staff, s, main, reason="与主件内容相同，并案办理")
    return move


def _adjust_approved(build: Callable[[World], Suggestion]) -> Move:
    def move(w: World) -> Suggestion:
        s = build(w)
        adj = actions.request_adjustment(w.unit_user, lead_of(s), ADJUST_REASON)
        actions.decide_adjustment(w.staff, adj, True)
        return s
    return move


def _close_unevaluated(w: World) -> Suggestion:
    s = w.replied()
    w.after_evaluation_window()
    return actions.close_unevaluated(w.staff, s)


def _close_unevaluated_b(w: World) -> Suggestion:
    """Not rated in time, but a B-class reply with an open commitment: on the ledger."""
    s = w.replied_b()
    w.after_evaluation_window()
    return actions.close_unevaluated(w.staff, s)


def _tracking_closed_by(role: str) -> Move:
    def move(w: World) -> Suggestion:
        s = w.tracking()
        actor = w.unit_user if role == "unit" else w.staff
        for c in s.commitments.all():
            actions.update_commitment(actor, c, "首批50台电梯已全部加装完成。", done=True)
        return s
    return move


def _evaluate(result: str, build: Callable[[World], Suggestion]) -> Move:
    def move(w: World) -> Suggestion:
        s = build(w)
        actions.evaluate(w.deputy, s, result, "办理认真，感谢。" if result != "unsatisfied"
                         else "进度太慢，请加快推进。")
        return s
    return move


def _assign(w: World) -> Suggestion:
    s = w.registered()
    actions.assign(w.staff, s, lead=w.unit_org)
    return s


def _accept(w: World) -> Suggestion:
    s = w.assigned()
    actions.accept(w.unit_user, lead_of(s))
    return s


def _assign_again(w: World) -> Suggestion:
    s = w.reassigned()
    actions.assign(w.staff, s, lead=w.unit3_org)
    return s


def _reply(w: World) -> Suggestion:
    s = w.handling()
    actions.reply(w.unit_user, lead_of(s), reply_class="A", text=REPLY_TEXT)
    return s


def _reply_again(w: World) -> Suggestion:
    s = w.rehandling()
    actions.reply(w.unit_user, lead_of(s), reply_class="A", text=REPLY_TEXT + "（第二次答复）")
    return s


ALLOWED: dict[tuple[str, str], tuple[Move, str]] = {
    # (from, to): (move, the state the suggestion finally rests in)
    (S.DRAFT, S.SUBMITTED): (lambda w: actions.submit(w.deputy, w.draft()), S.SUBMITTED),
    (S.SUBMITTED, S.UNDER_REVIEW): (lambda w: actions.start_review(w.staff, w.submitted()),
                                    S.UNDER_REVIEW),
    (S.SUBMITTED, S.DRAFT): (lambda w: actions.recall(w.deputy, w.submitted()), S.DRAFT),
    (S.UNDER_REVIEW, S.RETURNED): (
        lambda w: actions.return_to_deputy(w.staff, w.under_review(), "请补充具体对策和依据。"),
        S.RETURNED),
    (S.UNDER_REVIEW, S.NOT_REGISTERED): (
        lambda w: actions.not_register(w.staff, w.under_review(), "letter",
                                       "属于个人诉求，转作来信处理。"), S.NOT_REGISTERED),
    (S.UNDER_REVIEW, S.REGISTERED): (lambda w: actions.register(w.staff, w.under_review()),
                                     S.REGISTERED),
    (S.UNDER_REVIEW, S.MERGED): (_merge_into_registered(World.under_review), S.MERGED),
    (S.RETURNED, S.SUBMITTED): (lambda w: actions.submit(w.deputy, w.returned()), S.SUBMITTED),
    (S.REGISTERED, S.ASSIGNED): (_assign, S.ASSIGNED),
    (S.REGISTERED, S.MERGED): (_merge_into_registered(World.registered), S.MERGED),
    (S.ASSIGNED, S.HANDLING): (_accept, S.HANDLING),
    (S.ASSIGNED, S.REASSIGNED): (_adjust_approved(World.assigned), S.REASSIGNED),
    (S.ASSIGNED, S.MERGED): (_merge_into_registered(World.assigned), S.MERGED),
    (S.REASSIGNED, S.ASSIGNED): (_assign_again, S.ASSIGNED),
    (S.HANDLING, S.REPLIED): (_reply, S.REPLIED),
    (S.HANDLING, S.REASSIGNED): (_adjust_approved(World.handling), S.REASSIGNED),
    (S.REPLIED, S.EVALUATED): (_evaluate("basic", World.replied), S.CLOSED),
    (S.REPLIED, S.REHANDLING): (_evaluate("unsatisfied", World.replied), S.REHANDLING),
    (S.REPLIED, S.CLOSED): (_close_unevaluated, S.CLOSED),
    (S.REPLIED, S.TRACKING): (_close_unevaluated_b, S.TRACKING),
    (S.REHANDLING, S.REPLIED): (_reply_again, S.REPLIED),
    (S.EVALUATED, S.CLOSED): (_evaluate("satisfied", World.replied), S.CLOSED),
    (S.EVALUATED, S.TRACKING): (_evaluate("satisfied", World.replied_b), S.TRACKING),
    (S.TRACKING, S.CLOSED): (_tracking_closed_by("unit"), S.CLOSED),
}

# Moves of the table that no action makes yet: (from, to) -> why (marked strict xfail).
BUGS: dict[tuple[str, str], str] = {}


def _allowed_params() -> list[Any]:
    params = []
    for (src, dst), (move, rests_in) in ALLOWED.items():
        marks = [pytest.mark.xfail(reason=BUGS[(src, dst)], strict=True)] \
            if (src, dst) in BUGS else []
        params.append(pytest.param(src, dst, move, rests_in, id=f"{src}->{dst}", marks=marks))
    return params


@pytest.mark.parametrize(("src", "dst", "move", "rests_in"), _allowed_params())
def test_allowed_transition_is_made_by_its_action_and_logged(w, src, dst, move, rests_in):
    s = move(w)
    s = fresh(s)
    assert s.status == rests_in
    step = Transition.objects.filter(suggestion=s, from_status=src, to_status=dst).last()
    assert step is not None, list(s.transitions.values_list("from_status", "to_status"))
    assert step.actor is not None
    events = AuditEvent.objects.filter(action=f"suggestion.{dst}", object_id=str(s.pk),
                                       object_type="suggestions.suggestion")
    assert any(e.summary.get("from") == src and e.summary.get("to") == dst for e in events)
    assert all(e.actor_id == step.actor_id for e in events
               if e.summary.get("from") == src and e.summary.get("to") == dst)


def test_staff_also_closes_a_tracked_suggestion_when_the_last_commitment_is_done(w):
    s = fresh(_tracking_closed_by("staff")(w))
    assert s.status == S.CLOSED
    assert s.transitions.filter(from_status=S.TRACKING, to_status=S.CLOSED,
                                actor=w.staff).exists()


def test_every_move_of_the_table_has_an_action():
    table = {(src, dst) for src, targets in states.TRANSITIONS.items() for dst in targets}
    reachable = set(ALLOWED) - set(BUGS)
    assert table == reachable


def test_the_table_knows_every_state():
    assert set(states.TRANSITIONS) == set(S.values)
    assert all(dst in S.values for targets in states.TRANSITIONS.values() for dst in targets)


# --- 2. illegal calls: refused in Chinese, nothing changes ----------------------------------

# Each case builds what it needs and returns the attempt.
Case = Callable[[World], Callable[[], Any]]


def ask_extension(w: World, s: Suggestion) -> Extension:
    a = lead_of(s)
    return actions.request_extension(w.unit_user, a, a.due_date + timedelta(days=30),
                                     EXTEND_REASON)


def ask_adjustment(w: World, s: Suggestion) -> AdjustmentRequest:
    return actions.request_adjustment(w.unit_user, lead_of(s), ADJUST_REASON)



# A refusal case builds what it needs and returns the attempt, which must fail.
Attempt = Callable[[], Any]
WRONG_STATE: list[Callable[[World], Attempt]] = []


def wrong_state(case: Callable[[World], Attempt]) -> Callable[[World], Attempt]:
    WRONG_STATE.append(case)
    return case


@wrong_state
def submit_a_submitted_one(w):
    s = w.submitted()
    return lambda: actions.submit(w.deputy, s)


@wrong_state
def submit_a_registered_one(w):
    s = w.registered()
    return lambda: actions.submit(w.deputy, s)


@wrong_state
def recall_one_under_review(w):
    s = w.under_review()
    return lambda: actions.recall(w.deputy, s)


@wrong_state
def recall_a_registered_one(w):
    s = w.registered()
    return lambda: actions.recall(w.deputy, s)


@wrong_state
def edit_a_submitted_one(w):
    s = w.submitted()
    return lambda: w.draft(suggestion=s, title="改过的标题：关于加装电梯的建议")


@wrong_state
def delete_a_submitted_one(w):
    s = w.submitted()
    return lambda: actions.delete_draft(w.deputy, s)


@wrong_state
def start_review_of_a_draft(w):
    s = w.draft()
    return lambda: actions.start_review(w.staff, s)


@wrong_state
def register_a_draft(w):
    s = w.draft()
    return lambda: actions.register(w.staff, s)


@wrong_state
def register_twice(w):
    s = w.registered()
    return lambda: actions.register(w.staff, s)


@wrong_state
def register_a_returned_one(w):
    s = w.returned()
    return lambda: actions.register(w.staff, s)


@wrong_state
def register_one_not_registered(w):
    s = actions.not_register(w.staff, w.submitted(), "rejected", "不属于建议的范围。")
    return lambda: actions.register(w.staff, s)


@wrong_state
def return_a_draft(w):
    s = w.draft()
    return lambda: actions.return_to_deputy(w.staff, s, "请补充具体对策和依据。")


@wrong_state
def return_a_registered_one(w):
    s = w.registered()
    return lambda: actions.return_to_deputy(w.staff, s, "请补充具体对策和依据。")


@wrong_state
def not_register_an_assigned_one(w):
    s = w.assigned()
    return lambda: actions.not_register(w.staff, s, "letter", "转作来信处理。")


@wrong_state
def assign_a_submitted_one(w):
    s = w.submitted()
    return lambda: actions.assign(w.staff, s, lead=w.unit_org)


@wrong_state
def assign_a_draft(w):
    s = w.draft()
    return lambda: actions.assign(w.staff, s, lead=w.unit_org)


@wrong_state
def assign_twice(w):
    s = w.assigned()
    return lambda: actions.assign(w.staff, s, lead=w.unit3_org)


@wrong_state
def assign_again_to_the_unit_handling_it(w):
    s = w.reassigned(co=(w.unit2_org,))
    return lambda: actions.assign(w.staff, s, lead=w.unit2_org)


@wrong_state
def assign_a_replied_one(w):
    s = w.replied()
    return lambda: actions.assign(w.staff, s, lead=w.unit3_org)


@wrong_state
def merge_into_a_draft(w):
    s, main = w.submitted(), w.draft(by=w.peer)
    return lambda: actions.merge(w.staff, s, main)


@wrong_state
def merge_into_one_under_review(w):
    s, main = w.submitted(), actions.start_review(w.staff, w.submitted(by=w.peer))
    return lambda: actions.merge(w.staff, s, main)


@wrong_state
def merge_into_a_closed_one(w):
    s, main = w.submitted(), w.closed()
    return lambda: actions.merge(w.staff, s, main)


@wrong_state
def merge_into_a_merged_one(w):
    s, main = w.submitted(), _merge_into_registered(World.registered)(w)
    return lambda: actions.merge(w.staff, s, main)


@wrong_state
def merge_a_replied_one(w):
    s, main = w.replied(), w.registered(by=w.peer)
    return lambda: actions.merge(w.staff, s, main)


@wrong_state
def merge_one_that_others_were_merged_into(w):
    main = _merge_into_registered(World.registered)(w).merged_into
    other = w.registered(by=w.peer, title="关于老旧小区改造的建议")
    return lambda: actions.merge(w.staff, main, other)


@wrong_state
def merge_into_itself(w):
    s = w.registered()
    return lambda: actions.merge(w.staff, s, s)


@wrong_state
def accept_twice(w):
    s = w.handling()
    return lambda: actions.accept(w.unit_user, lead_of(s))


@wrong_state
def accept_a_withdrawn_assignment(w):
    s = w.reassigned()
    return lambda: actions.accept(w.unit_user, lead_of(s))


@wrong_state
def reply_before_accept(w):
    s = w.assigned()
    return lambda: actions.reply(w.unit_user, lead_of(s), reply_class="A", text=REPLY_TEXT)


@wrong_state
def reply_twice(w):
    s = w.replied()
    return lambda: actions.reply(w.unit_user, lead_of(s), reply_class="A", text=REPLY_TEXT)


@wrong_state
def reply_while_the_adjustment_is_pending(w):
    s = w.handling()
    ask_adjustment(w, s)
    return lambda: actions.reply(w.unit_user, lead_of(s), reply_class="A", text=REPLY_TEXT)


@wrong_state
def record_a_contact_before_accepting(w):
    s = w.assigned()
    return lambda: actions.record_contact(
        w.unit_user, lead_of(s), stage="before", way="phone",
        contact_date=timezone.localdate(), summary="与代表电话沟通办理思路。")


@wrong_state
def ask_to_adjust_after_replying(w):
    s = w.replied()
    return lambda: actions.request_adjustment(w.unit_user, lead_of(s), ADJUST_REASON)


@wrong_state
def ask_to_adjust_twice(w):
    s = w.assigned()
    ask_adjustment(w, s)
    return lambda: actions.request_adjustment(w.unit_user, lead_of(s), ADJUST_REASON)


@wrong_state
def ask_to_extend_after_replying(w):
    s = w.replied()
    a = lead_of(s)
    return lambda: actions.request_extension(w.unit_user, a, a.due_date + timedelta(days=30),
                                             EXTEND_REASON)


@wrong_state
def ask_to_extend_while_a_request_is_pending(w):
    s = w.handling()
    ask_extension(w, s)
    a = lead_of(s)
    return lambda: actions.request_extension(w.unit_user, a, a.due_date + timedelta(days=40),
                                             EXTEND_REASON)


@wrong_state
def decide_an_extension_twice(w):
    ext = ask_extension(w, w.handling())
    actions.decide_extension(w.staff, ext, True)
    return lambda: actions.decide_extension(w.staff, ext, False, "不同意延期。")


@wrong_state
def decide_an_adjustment_twice(w):
    adj = ask_adjustment(w, w.assigned())
    actions.decide_adjustment(w.staff, adj, False, "属于本单位职责，请继续办理。")
    return lambda: actions.decide_adjustment(w.staff, adj, True)


@wrong_state
def send_a_co_view_twice(w):
    co = w.assigned(co=(w.unit2_org,)).assignments.get(kind="co")
    actions.send_co_view(w.unit2_user, co, "我局同意主办单位意见，将配合做好交通组织。")
    return lambda: actions.send_co_view(w.unit2_user, co, "我局补充会办意见，请主办单位参考。")


@wrong_state
def send_a_co_view_on_a_lead_assignment(w):
    s = w.handling()
    return lambda: actions.send_co_view(w.unit_user, lead_of(s), "我局的意见如下，请参考办理。")


@wrong_state
def evaluate_before_replied(w):
    s = w.handling()
    return lambda: actions.evaluate(w.deputy, s, "satisfied")


@wrong_state
def evaluate_a_closed_one(w):
    s = w.closed()
    return lambda: actions.evaluate(w.deputy, s, "satisfied")


@wrong_state
def evaluate_while_rehandling(w):
    s = w.rehandling()
    return lambda: actions.evaluate(w.deputy, s, "satisfied")


@wrong_state
def publish_a_handling_one(w):
    s = w.handling()
    return lambda: actions.publish(w.staff, s)


@wrong_state
def publish_a_registered_one(w):
    s = w.registered()
    return lambda: actions.publish(w.staff, s)


@wrong_state
def publish_a_draft(w):
    s = w.draft()
    return lambda: actions.publish(w.staff, s)


@wrong_state
def close_unevaluated_a_handling_one(w):
    s = w.handling()
    w.after_evaluation_window()
    return lambda: actions.close_unevaluated(w.staff, s)


@wrong_state
def close_unevaluated_a_closed_one(w):
    s = w.closed()
    w.after_evaluation_window()
    return lambda: actions.close_unevaluated(w.staff, s)


@wrong_state
def supervise_a_submitted_one(w):
    s = w.submitted()
    return lambda: actions.supervise(w.staff, s, "key", leader=w.leader,
                                     committee=w.committee_org)


@wrong_state
def supervise_twice_by_the_same_committee(w):
    s = w.registered()
    actions.supervise(w.staff, s, "joint", committee=w.committee_org)
    return lambda: actions.supervise(w.staff, s, "joint", committee=w.committee_org)


@wrong_state
def update_a_commitment_that_is_done(w):
    s = w.replied_b()
    c = s.commitments.get()
    actions.update_commitment(w.unit_user, c, "首批50台电梯已全部加装完成。", done=True)
    return lambda: actions.update_commitment(w.unit_user, c, "再次更新进展情况。")


@wrong_state
def confirm_a_co_signature_twice(w):
    s = w.draft(cosigner_ids=[w.cosigner.deputy.pk])
    actions.answer_cosign(w.cosigner, s, True)
    return lambda: actions.answer_cosign(w.cosigner, s, False)


@wrong_state
def confirm_a_co_signature_after_registration(w):
    s = w.registered(cosigner_ids=[w.cosigner.deputy.pk])
    return lambda: actions.answer_cosign(w.cosigner, s, True)


@pytest.mark.parametrize("case", WRONG_STATE, ids=lambda case: case.__name__)
def test_action_in_the_wrong_state_is_refused_and_changes_nothing(w, case):
    assert_refused(case(w))


def test_an_illegal_move_names_both_states(w):
    s = w.draft()
    err = assert_refused(lambda: actions.register(w.staff, s))
    assert "草稿" in err.message and "已立案" in err.message


# --- wrong role, another unit, another congress -------------------------------------------------

# name -> build the object in the right state; returns the attempt for a given actor
StaffAction = Callable[[World], Callable[[Any], Any]]


def _staff_start_review(w):
    s = w.submitted()
    return lambda actor: actions.start_review(actor, s)


def _staff_return(w):
    s = w.submitted()
    return lambda actor: actions.return_to_deputy(actor, s, "请补充具体对策和依据。")


def _staff_not_register(w):
    s = w.submitted()
    return lambda actor: actions.not_register(actor, s, "letter", "属于个人诉求，转作来信处理。")


def _staff_register(w):
    s = w.submitted()
    return lambda actor: actions.register(actor, s)


def _staff_merge(w):
    s, main = w.submitted(), w.registered(by=w.peer)
    return lambda actor: actions.merge(actor, s, main)


def _staff_assign(w):
    s = w.registered()
    return lambda actor: actions.assign(actor, s, lead=w.unit_org)


def _staff_assign_many(w):
    s = w.registered()
    return lambda actor: actions.assign_many(actor, [s], lead=w.unit_org)


def _staff_decide_extension(w):
    ext = ask_extension(w, w.handling())
    return lambda actor: actions.decide_extension(actor, ext, True)


def _staff_decide_adjustment(w):
    adj = ask_adjustment(w, w.assigned())
    return lambda actor: actions.decide_adjustment(actor, adj, True)


def _staff_supervise(w):
    s = w.registered()
    return lambda actor: actions.supervise(actor, s, "key", leader=w.leader,
                                           committee=w.committee_org, note="列为重点督办")


def _staff_publish(w):
    s = w.replied()
    return lambda actor: actions.publish(actor, s)


def _staff_close_unevaluated(w):
    s = w.replied()
    w.after_evaluation_window()
    return lambda actor: actions.close_unevaluated(actor, s)


STAFF_ACTIONS: dict[str, StaffAction] = {
    "start_review": _staff_start_review, "return": _staff_return,
    "not_register": _staff_not_register, "register": _staff_register, "merge": _staff_merge,
    "assign": _staff_assign, "assign_many": _staff_assign_many,
    "decide_extension": _staff_decide_extension, "decide_adjustment": _staff_decide_adjustment,
    "supervise": _staff_supervise, "publish": _staff_publish,
    "close_unevaluated": _staff_close_unevaluated,
}
NOT_STAFF = ["deputy", "unit_user", "leader", "committee_user", "auditor", "sysadmin",
             "outsider"]


@pytest.mark.parametrize("persona", NOT_STAFF)
@pytest.mark.parametrize("action", STAFF_ACTIONS)
def test_only_staff_of_the_congress_make_staff_moves(w, action, persona):
    """Leaders and committees read, 三员 administer, deputies and units have their own
    moves, and staff of another congress (``outsider``) never touch ours."""
    attempt = STAFF_ACTIONS[action](w)
    assert_refused(lambda: attempt(getattr(w, persona)))


@pytest.mark.parametrize("action", STAFF_ACTIONS)
def test_staff_may_make_each_staff_move(w, action):
    """The counterpart of the refusals above: the same call by staff is accepted."""
    STAFF_ACTIONS[action](w)(w.staff)


def _unit_accept(w):
    a = lead_of(w.assigned())
    return lambda actor: actions.accept(actor, a)


def _unit_reply(w):
    a = lead_of(w.handling())
    return lambda actor: actions.reply(actor, a, reply_class="A", text=REPLY_TEXT)


def _unit_request_adjustment(w):
    a = lead_of(w.assigned())
    return lambda actor: actions.request_adjustment(actor, a, ADJUST_REASON)


def _unit_request_extension(w):
    a = lead_of(w.handling())
    return lambda actor: actions.request_extension(actor, a, a.due_date + timedelta(days=30),
                                                   EXTEND_REASON)


def _unit_record_contact(w):
    a = lead_of(w.handling())
    return lambda actor: actions.record_contact(actor, a, stage="during", way="visit",
                                                contact_date=timezone.localdate(),
                                                summary="陪同代表实地察看小区。")


def _unit_update_commitment(w):
    c = w.replied_b().commitments.get()
    return lambda actor: actions.update_commitment(actor, c, "首批电梯已开工建设。")


UNIT_ACTIONS: dict[str, StaffAction] = {
    "accept": _unit_accept, "reply": _unit_reply,
    "request_adjustment": _unit_request_adjustment,
    "request_extension": _unit_request_extension, "record_contact": _unit_record_contact,
    "update_commitment": _unit_update_commitment,
}
NOT_THE_UNIT = ["unit2_user", "other_unit_user", "deputy", "staff", "leader",
                "committee_user"]


@pytest.mark.parametrize(("action", "persona"), [
    (action, persona) for action in UNIT_ACTIONS for persona in NOT_THE_UNIT
    # staff keep the commitment ledger, so they may update it (see the lifecycle tests)
    if (action, persona) != ("update_commitment", "staff")])
def test_only_the_assigned_unit_handles_its_assignment(w, action, persona):
    """Another unit (市交通运输局 on 市住建局's assignment), a unit of another congress, and
    everyone else are refused."""
    attempt = UNIT_ACTIONS[action](w)
    assert_refused(lambda: attempt(getattr(w, persona)))


@pytest.mark.parametrize("action", UNIT_ACTIONS)
def test_the_assigned_unit_may_make_each_unit_move(w, action):
    UNIT_ACTIONS[action](w)(w.unit_user)


@pytest.mark.parametrize("persona", ["unit_user", "other_unit_user", "staff", "deputy"])
def test_only_the_co_unit_sends_its_co_view(w, persona):
    co = w.assigned(co=(w.unit2_org,)).assignments.get(kind="co")
    assert_refused(lambda: actions.send_co_view(getattr(w, persona), co,
                                                "我局同意主办单位意见，将配合做好交通组织。"))


def _deputy_edit(w):
    s = w.draft(cosigned=True)
    return lambda actor: actions.save_draft(actor, w.city, actions.DraftData(
        title="别人改过的标题：关于加装电梯的建议", problem=s.problem, measures=s.measures,
        category_id=w.category.pk), suggestion=s)


def _deputy_submit(w):
    s = w.draft(cosigned=True)
    return lambda actor: actions.submit(actor, s)


def _deputy_recall(w):
    s = w.submitted(cosigned=True)
    return lambda actor: actions.recall(actor, s)


def _deputy_delete(w):
    s = w.draft(cosigned=True)
    return lambda actor: actions.delete_draft(actor, s)


def _deputy_evaluate(w):
    s = w.replied(cosigned=True)
    return lambda actor: actions.evaluate(actor, s, "satisfied")


DEPUTY_ACTIONS: dict[str, StaffAction] = {
    "edit": _deputy_edit, "submit": _deputy_submit, "recall": _deputy_recall,
    "delete": _deputy_delete, "evaluate": _deputy_evaluate,
}
NOT_THE_LEAD = ["peer", "cosigner", "other_deputy_user", "staff", "unit_user", "leader"]


@pytest.mark.parametrize("persona", NOT_THE_LEAD)
@pytest.mark.parametrize("action", DEPUTY_ACTIONS)
def test_only_the_lead_deputy_edits_submits_recalls_deletes_and_evaluates(w, action, persona):
    """Another deputy, a co-signer (附议 is not 领衔), a deputy of another congress, staff,
    units and leaders are all refused."""
    attempt = DEPUTY_ACTIONS[action](w)
    assert_refused(lambda: attempt(getattr(w, persona)))


@pytest.mark.parametrize("action", DEPUTY_ACTIONS)
def test_the_lead_deputy_may_make_each_deputy_move(w, action):
    DEPUTY_ACTIONS[action](w)(w.deputy)


@pytest.mark.parametrize("persona", ["peer", "other_deputy_user", "staff"])
def test_only_an_invited_deputy_answers_an_invitation(w, persona):
    s = w.draft(cosigner_ids=[w.cosigner.deputy.pk])
    assert_refused(lambda: actions.answer_cosign(getattr(w, persona), s, True))


# --- another congress, case by case ------------------------------------------------------------


def other_congress_suggestion(w: World) -> Suggestion:
    """A registered suggestion of 别处市人大, by its own deputy and staff."""
    s = write(w.other_deputy_user, w.other_congress, w.other_category)
    s = actions.submit(w.other_deputy_user, s)
    return actions.register(w.outsider, s)


CROSS: list[Callable[[World], Attempt]] = []


def cross(case: Callable[[World], Attempt]) -> Callable[[World], Attempt]:
    CROSS.append(case)
    return case


@cross
def assign_to_a_unit_of_another_congress(w):
    s = w.registered()
    return lambda: actions.assign(w.staff, s, lead=w.other_unit_org)


@cross
def assign_a_co_unit_of_another_congress(w):
    s = w.registered()
    return lambda: actions.assign(w.staff, s, lead=w.unit_org, co=[w.other_unit_org])


@cross
def assign_separately_to_a_unit_of_another_congress(w):
    s = w.registered()
    return lambda: actions.assign(w.staff, s, separate=[w.unit_org, w.other_unit_org])


@cross
def invite_a_co_signer_of_another_congress(w):
    return lambda: w.draft(cosigner_ids=[w.other_deputy_user.deputy.pk])


@cross
def add_a_co_signer_of_another_congress_to_a_draft(w):
    s = w.draft()
    return lambda: w.draft(suggestion=s, cosigner_ids=[w.other_deputy_user.deputy.pk])


@cross
def write_in_a_category_of_another_congress(w):
    return lambda: write(w.deputy, w.city, w.other_category)


@cross
def write_for_another_congress(w):
    return lambda: write(w.deputy, w.other_congress, w.other_category)


@cross
def register_into_a_category_of_another_congress(w):
    s = w.submitted()
    return lambda: actions.register(w.staff, s, category_id=w.other_category.pk)


@cross
def merge_into_a_suggestion_of_another_congress(w):
    s, theirs = w.submitted(), other_congress_suggestion(w)
    return lambda: actions.merge(w.staff, s, theirs)


@cross
def our_staff_register_another_congress_suggestion(w):
    s = actions.submit(w.other_deputy_user,
                       write(w.other_deputy_user, w.other_congress, w.other_category))
    return lambda: actions.register(w.staff, s)


@cross
def our_staff_assign_another_congress_suggestion(w):
    s = other_congress_suggestion(w)
    return lambda: actions.assign(w.staff, s, lead=w.other_unit_org)


@cross
def supervise_with_a_committee_of_another_congress(w):
    s = w.registered()
    return lambda: actions.supervise(w.staff, s, "key", leader=w.leader,
                                     committee=w.other_committee_org)


@cross
def supervise_led_by_a_leader_of_another_congress(w):
    s = w.registered()
    return lambda: actions.supervise(w.staff, s, "key", leader=w.other_leader,
                                     committee=w.committee_org)


@cross
def ask_to_hand_over_to_a_unit_of_another_congress(w):
    a = lead_of(w.assigned())
    return lambda: actions.request_adjustment(w.unit_user, a, ADJUST_REASON,
                                              suggested_unit=w.other_unit_org)


@cross
def deputy_of_another_congress_answers_our_invitation(w):
    s = w.draft(cosigner_ids=[w.cosigner.deputy.pk])
    return lambda: actions.answer_cosign(w.other_deputy_user, s, True)


@pytest.mark.parametrize("case", CROSS, ids=lambda case: case.__name__)
def test_another_congress_is_refused_and_nothing_changes(w, case):
    assert_refused(case(w))


def test_refusals_read_as_plain_chinese(w):
    s = w.submitted(cosigned=True)
    edit = assert_refused(lambda: w.draft(suggestion=s, title="改过的标题：关于加装电梯的建议"))
    again = assert_refused(lambda: actions.answer_cosign(w.cosigner, s, False))
    assert "已已" not in edit.message
    assert "已已" not in again.message
    assert edit.message == "建议当前为“已提交”，不能再修改。"
    assert again.message == "您的附议当前为“已附议”，不能再更改。"
