"""The rules of DESIGN §5.1 beyond single moves: gap-free numbers, co-signers, merged
suggestions, 分办 and 会办, adjustments and extensions, a second reply only once, closing
unevaluated ones, key supervision, and who sees what (DESIGN §4 scoping)."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from django.db import connection
from django.http import Http404
from django.utils import timezone

from renda.core.models import Notification, Organization, OrgKind, Role, Session, User
from renda.suggestions import access, actions
from renda.suggestions.deadlines import add_months, add_workdays
from renda.suggestions.models import (
    AssignmentKind,
    AssignmentStatus,
    Category,
    CoSignerStatus,
    Counter,
    Evaluation,
    RequestStatus,
    Status,
    Suggestion,
    SuggestionConfig,
    Supervision,
    Transition,
)
from tests.conftest import make_user

from .test_actions_transitions import (
    ADJUST_REASON,
    EXTEND_REASON,
    REPLY_TEXT,
    TODAY,
    assert_refused,
    build_world,
    fresh,
    go,
    lead_of,
)

pytestmark = pytest.mark.django_db

S = Status


@pytest.fixture(autouse=True)
def frozen(time_machine):
    go(time_machine, TODAY)


@pytest.fixture
def w(request):
    """Every persona, and suggestions built through the actions (see test_actions_transitions)."""
    return build_world(request)


def visible(user) -> set[int]:
    return set(Suggestion.objects.visible_to(User.objects.get(pk=user.pk))
               .values_list("pk", flat=True))


def notes(user, contains: str) -> int:
    return Notification.objects.filter(user=user, title__contains=contains).count()


# --- numbering ----------------------------------------------------------------------------------


def test_numbers_are_gap_free_whatever_happens_between_registrations(w):
    first = w.registered()
    refused = w.submitted(title="关于另一件事情的建议")
    assert_refused(lambda: actions.register(w.leader, refused))           # not staff
    assert_refused(lambda: actions.register(w.staff, refused,
                                            category_id=w.other_category.pk))
    actions.not_register(w.staff, refused, "letter", "属于个人诉求，转作来信处理。")
    merged = w.submitted(title="关于加装电梯的重复建议")
    actions.merge(w.staff, merged, first)
    second = w.registered(title="关于第三件事情的建议")
    assert [first.number, second.number] == ["十六届二次〔2025〕第0001号",
                                             "十六届二次〔2025〕第0002号"]
    assert [first.seq, second.seq] == [1, 2]
    assert fresh(merged).number == "" and fresh(refused).number == ""
    assert Counter.objects.get(congress=w.city, session=w.session).last == 2


def test_each_session_starts_at_0001(w, time_machine):
    during_second = w.submitted(title="关于二次会议期间的建议")
    third = Session.objects.create(term=w.city.current_term(), number=3,
                                   start_date=date(2025, 7, 1), end_date=date(2025, 7, 4))
    go(time_machine, date(2025, 7, 2))
    a = w.submitted(title="关于三次会议期间第一件的建议")
    b = w.submitted(title="关于三次会议期间第二件的建议")
    numbers = [actions.register(w.staff, s).number for s in (a, during_second, b)]
    # the suggestion keeps the session it was submitted in
    assert numbers == ["十六届三次〔2025〕第0001号", "十六届二次〔2025〕第0001号",
                       "十六届三次〔2025〕第0002号"]
    assert fresh(a).session == third and fresh(during_second).session == w.session


def test_each_congress_numbers_on_its_own(w):
    ours = w.registered()
    theirs = actions.submit(w.other_deputy_user, actions.save_draft(
        w.other_deputy_user, w.other_congress, actions.DraftData(
            title="关于别处市背街小巷改造的建议", problem="背街小巷路面破损、排水不畅，群众出行不便。",
            measures="建议纳入年度改造计划，分批实施。", category_id=w.other_category.pk)))
    theirs = actions.register(w.outsider, theirs)
    assert ours.number == "十六届二次〔2025〕第0001号"
    # their only session is their first one: numbered on its own counter from 0001
    assert theirs.number.startswith("十六届一次〔") and theirs.number.endswith("第0001号")
    assert Counter.objects.get(congress=w.other_congress).last == 1


def _register_in_thread(user_pk: int, suggestion_pk: int, barrier: threading.Barrier,
                        numbers: list[str], errors: list[BaseException]) -> None:
    try:
        staff = User.objects.get(pk=user_pk)
        s = Suggestion.objects.get(pk=suggestion_pk)
        barrier.wait(timeout=10)
        numbers.append(actions.register(staff, s).number)
    except BaseException as exc:  # reported by the test
        errors.append(exc)
    finally:
        connection.close()


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="needs PostgreSQL: row locks across connections")
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_distinct_consecutive_numbers(w):
    count = 8
    pending = [w.submitted(title=f"关于第{i + 1}件民生实事的建议") for i in range(count)]
    barrier = threading.Barrier(count)
    numbers: list[str] = []
    errors: list[BaseException] = []
    threads = [threading.Thread(target=_register_in_thread,
                                args=(w.staff.pk, s.pk, barrier, numbers, errors))
               for s in pending]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(numbers) == [f"十六届二次〔2025〕第{i:04d}号" for i in range(1, count + 1)]
    assert sorted(Suggestion.objects.values_list("seq", flat=True)) == list(range(1, count + 1))
    assert Counter.objects.get(congress=w.city, session=w.session).last == count


# --- co-signers (附议) ---------------------------------------------------------------------------


def test_invited_co_signers_are_notified(w):
    w.draft(cosigner_ids=[w.cosigner.deputy.pk, w.peer.deputy.pk])
    assert notes(w.cosigner, "邀请您附议") == 1
    assert notes(w.peer, "邀请您附议") == 1
    assert notes(w.deputy, "邀请您附议") == 0


def test_saving_the_draft_again_does_not_invite_twice_and_drops_removed_invitees(w):
    s = w.draft(cosigner_ids=[w.cosigner.deputy.pk, w.peer.deputy.pk])
    w.draft(suggestion=s, cosigner_ids=[w.cosigner.deputy.pk])
    assert notes(w.cosigner, "邀请您附议") == 1
    assert list(s.cosigners.values_list("deputy_id", flat=True)) == [w.cosigner.deputy.pk]


@pytest.mark.parametrize("accept", [True, False], ids=["confirm", "decline"])
def test_a_co_signer_answers_once(w, accept):
    s = w.draft(cosigner_ids=[w.cosigner.deputy.pk])
    actions.answer_cosign(w.cosigner, s, accept)
    expected = CoSignerStatus.CONFIRMED if accept else CoSignerStatus.DECLINED
    assert s.cosigners.get().status == expected
    assert notes(w.deputy, "附议") == 1  # the lead deputy hears the answer
    assert_refused(lambda: actions.answer_cosign(w.cosigner, s, not accept))
    assert s.cosigners.get().status == expected


def test_unconfirmed_co_signers_drop_out_at_registration(w):
    s = w.submitted(cosigner_ids=[w.cosigner.deputy.pk, w.peer.deputy.pk])
    actions.answer_cosign(w.cosigner, s, True)
    actions.register(w.staff, s)
    statuses = dict(s.cosigners.values_list("deputy__name", "status"))
    assert statuses == {"李秀英": CoSignerStatus.CONFIRMED, "陈同届": CoSignerStatus.EXPIRED}
    assert s.cosigners.get(status=CoSignerStatus.EXPIRED).answered_at is not None


def test_a_co_signer_cannot_confirm_after_registration(w):
    s = w.registered(cosigner_ids=[w.peer.deputy.pk])
    assert_refused(lambda: actions.answer_cosign(w.peer, s, True))
    assert s.cosigners.get().status == CoSignerStatus.EXPIRED


def test_only_confirmed_co_signers_are_told_of_the_reply(w):
    s = w.submitted(cosigner_ids=[w.cosigner.deputy.pk, w.peer.deputy.pk])
    actions.answer_cosign(w.cosigner, s, True)
    actions.register(w.staff, s)
    actions.assign(w.staff, s, lead=w.unit_org)
    actions.accept(w.unit_user, lead_of(s))
    actions.reply(w.unit_user, lead_of(s), reply_class="A", text=REPLY_TEXT)
    assert notes(w.deputy, "已答复") == 1
    assert notes(w.cosigner, "已答复") == 1
    assert notes(w.peer, "已答复") == 0
    assert s.pk in visible(w.cosigner)


# --- merged suggestions (并案) ------------------------------------------------------------------


@pytest.fixture
def merged(w):
    """陈同届's duplicate merged into 王建国's suggestion, which is then replied."""
    main = w.registered()
    dup = w.registered(by=w.peer, title="关于既有住宅加装电梯的建议")
    actions.merge(w.staff, dup, main)
    actions.assign(w.staff, main, lead=w.unit_org)
    actions.accept(w.unit_user, lead_of(main))
    actions.reply(w.unit_user, lead_of(main), reply_class="A", text=REPLY_TEXT)
    return fresh(main), fresh(dup)


def test_the_merged_suggestions_lead_deputy_sees_the_main_one(w, merged):
    main, dup = merged
    assert dup.status == S.MERGED and dup.merged_into == main
    assert {main.pk, dup.pk} <= visible(w.peer)
    assert access.get_suggestion_for(w.peer, main.pk) == main
    assert notes(w.peer, "并案") == 1
    assert notes(w.peer, "已答复") == 1  # every lead deputy gets the answer


def test_the_merged_suggestions_lead_deputy_evaluates_without_moving_the_main_one(w, merged):
    main, _ = merged
    transitions = Transition.objects.filter(suggestion=main).count()
    actions.evaluate(w.peer, main, "unsatisfied", "希望进一步加快加装进度。")
    assert fresh(main).status == S.REPLIED
    assert Transition.objects.filter(suggestion=main).count() == transitions
    assert Evaluation.objects.get(suggestion=main, deputy=w.peer.deputy).result == "unsatisfied"
    assert_refused(lambda: actions.evaluate(w.peer, main, "satisfied"))  # once per round
    actions.evaluate(w.deputy, main, "satisfied")
    assert fresh(main).status == S.CLOSED


# --- 分办 and 会办 -------------------------------------------------------------------------------


def test_separate_assignment_needs_at_least_two_units(w):
    s = w.registered()
    assert_refused(lambda: actions.assign(w.staff, s, separate=[w.unit_org]), field="separate")
    made = actions.assign(w.staff, s, separate=[w.unit_org, w.unit2_org])
    assert sorted(a.kind for a in made) == [AssignmentKind.SEPARATE] * 2


def test_separate_suggestion_is_replied_only_when_every_unit_has_replied(w):
    s = w.registered()
    actions.assign(w.staff, s, separate=[w.unit_org, w.unit2_org])
    ours, theirs = (s.assignments.get(unit=w.unit_org), s.assignments.get(unit=w.unit2_org))
    actions.accept(w.unit_user, ours)
    actions.accept(w.unit2_user, theirs)
    actions.reply(w.unit_user, ours, reply_class="A", text=REPLY_TEXT)
    assert fresh(s).status == S.HANDLING
    assert notes(w.deputy, "已答复") == 0
    actions.reply(w.unit2_user, theirs, reply_class="C", text="因资金限制，我局将在明年统筹安排道路改造计划。")
    assert fresh(s).status == S.REPLIED
    assert notes(w.deputy, "已答复") == 1


def test_withdrawing_the_last_open_separate_unit_lets_staff_assign_it_again(w):
    s = w.registered()
    actions.assign(w.staff, s, separate=[w.unit_org, w.unit2_org])
    ours, theirs = (s.assignments.get(unit=w.unit_org), s.assignments.get(unit=w.unit2_org))
    actions.accept(w.unit_user, ours)
    actions.reply(w.unit_user, ours, reply_class="A", text=REPLY_TEXT)
    adj = actions.request_adjustment(w.unit2_user, theirs, ADJUST_REASON)
    actions.decide_adjustment(w.staff, adj, True)
    s = fresh(s)
    # nobody is left to reply: it waits for staff to assign the withdrawn part again
    assert s.status == S.REASSIGNED
    # the other separate unit stays, so one new separate unit is enough — but not a lead
    assert_refused(lambda: actions.assign(w.staff, s, lead=w.unit3_org), field="separate")
    assert_refused(lambda: actions.assign(w.staff, s, separate=[w.unit_org]), field="lead")
    [new] = actions.assign(w.staff, s, separate=[w.unit3_org])
    assert new.kind == AssignmentKind.SEPARATE and fresh(s).status == S.ASSIGNED
    third = make_user("unit3", w.city, Role.UNIT, w.unit3_org)
    actions.accept(third, new)
    assert fresh(s).status == S.HANDLING
    actions.reply(third, new, reply_class="C", text="因资金限制，我局将在明年统筹安排校园周边改造。")
    assert fresh(s).status == S.REPLIED


def test_an_adjustment_approved_while_already_reassigned_leaves_it_so(w):
    """Lead and co-unit both hand it back: the second approval does not move it again."""
    s = w.assigned(co=(w.unit2_org,))
    co = s.assignments.get(kind=AssignmentKind.CO)
    lead_adj = actions.request_adjustment(w.unit_user, lead_of(s), ADJUST_REASON)
    co_adj = actions.request_adjustment(w.unit2_user, co, ADJUST_REASON)
    actions.decide_adjustment(w.staff, lead_adj, True)
    assert fresh(s).status == S.REASSIGNED
    moves = Transition.objects.filter(suggestion=s).count()
    actions.decide_adjustment(w.staff, co_adj, True)
    co.refresh_from_db()
    assert co.status == AssignmentStatus.WITHDRAWN
    assert fresh(s).status == S.REASSIGNED
    assert Transition.objects.filter(suggestion=s).count() == moves
    actions.assign(w.staff, s, lead=w.unit3_org)
    assert fresh(s).status == S.ASSIGNED


def test_a_handling_suggestion_whose_lead_unit_hands_it_back_is_reassigned(w):
    s = w.handling(co=(w.unit2_org,))
    actions.send_co_view(w.unit2_user, s.assignments.get(kind=AssignmentKind.CO),
                         "我局同意主办单位意见，将配合做好施工期间交通组织。")
    adj = actions.request_adjustment(w.unit_user, lead_of(s), ADJUST_REASON)
    actions.decide_adjustment(w.staff, adj, True)
    assert fresh(s).status == S.REASSIGNED


def test_a_co_units_view_reaches_the_lead_unit(w):
    s = w.assigned(co=(w.unit2_org,))
    co = s.assignments.get(kind=AssignmentKind.CO)
    assert co.due_date == TODAY + timedelta(days=30)
    actions.send_co_view(w.unit2_user, co, "我局同意主办单位意见，将配合做好施工期间交通组织。")
    co.refresh_from_db()
    assert co.status == AssignmentStatus.VIEW_SENT and co.co_view_at is not None
    note = Notification.objects.get(user=w.unit_user, title__contains="会办意见")
    assert "配合做好施工期间交通组织" in note.body
    assert note.url == f"/suggestions/assignments/{lead_of(s).pk}/"


def test_a_co_unit_cannot_reply_to_the_deputy(w):
    s = w.assigned(co=(w.unit2_org,))
    co = s.assignments.get(kind=AssignmentKind.CO)
    actions.accept(w.unit2_user, co)
    err = assert_refused(lambda: actions.reply(w.unit2_user, co, reply_class="A",
                                               text=REPLY_TEXT))
    assert "会办" in err.message


# --- adjustment (申请调整) and extension (延期) ---------------------------------------------------


def test_approved_adjustment_withdraws_the_unit_and_staff_assign_it_again(w):
    s = w.handling()
    old = lead_of(s)
    adj = actions.request_adjustment(w.unit_user, old, ADJUST_REASON,
                                     suggested_unit=w.unit2_org)
    old.refresh_from_db()
    assert old.status == AssignmentStatus.ADJUST_REQUESTED
    assert notes(w.staff, "申请调整") == 1
    actions.decide_adjustment(w.staff, adj, True)
    old.refresh_from_db()
    assert old.status == AssignmentStatus.WITHDRAWN
    assert fresh(s).status == S.REASSIGNED
    assert notes(w.unit_user, "调整申请已同意") == 1
    actions.assign(w.staff, s, lead=w.unit2_org)
    s = fresh(s)
    assert s.status == S.ASSIGNED
    new = s.assignments.get(kind=AssignmentKind.LEAD, status=AssignmentStatus.PENDING)
    assert new.unit == w.unit2_org
    # the old unit can no longer act on it
    assert_refused(lambda: actions.reply(w.unit_user, old, reply_class="A", text=REPLY_TEXT))
    actions.accept(w.unit2_user, new)
    assert fresh(s).status == S.HANDLING


@pytest.mark.parametrize("accepted", [True, False], ids=["accepted", "not accepted"])
def test_refused_adjustment_sends_the_assignment_back(w, accepted):
    s = w.handling() if accepted else w.assigned()
    adj = actions.request_adjustment(w.unit_user, lead_of(s), ADJUST_REASON)
    assert_refused(lambda: actions.decide_adjustment(w.staff, adj, False), field="note")
    actions.decide_adjustment(w.staff, adj, False, "属于本单位职责，请继续办理。")
    adj.refresh_from_db()
    assert adj.status == RequestStatus.REFUSED and adj.decision_note
    assert lead_of(s).status == (AssignmentStatus.HANDLING if accepted
                                 else AssignmentStatus.PENDING)
    assert fresh(s).status == (S.HANDLING if accepted else S.ASSIGNED)


def test_a_co_units_approved_adjustment_leaves_the_suggestion_with_the_lead_unit(w):
    s = w.handling(co=(w.unit2_org,))
    co = s.assignments.get(kind=AssignmentKind.CO)
    adj = actions.request_adjustment(w.unit2_user, co, ADJUST_REASON)
    actions.decide_adjustment(w.staff, adj, True)
    co.refresh_from_db()
    assert co.status == AssignmentStatus.WITHDRAWN
    assert fresh(s).status == S.HANDLING


def test_approved_extension_moves_the_due_date(w):
    a = lead_of(w.handling())
    original = a.due_date
    ext = actions.request_extension(w.unit_user, a, original + timedelta(days=45), EXTEND_REASON)
    assert notes(w.staff, "申请延期") == 1
    actions.decide_extension(w.staff, ext, True)
    a.refresh_from_db()
    assert a.due_date == original + timedelta(days=45)
    assert a.original_due_date == original
    assert notes(w.unit_user, "延期申请已同意") == 1


def test_refused_extension_keeps_the_due_date(w):
    a = lead_of(w.handling())
    original = a.due_date
    ext = actions.request_extension(w.unit_user, a, original + timedelta(days=45), EXTEND_REASON)
    assert_refused(lambda: actions.decide_extension(w.staff, ext, False), field="note")
    actions.decide_extension(w.staff, ext, False, "办理时间充足，请按期答复。")
    a.refresh_from_db()
    ext.refresh_from_db()
    assert a.due_date == original and ext.status == RequestStatus.REFUSED


def test_a_second_extension_may_not_go_beyond_three_months_after_the_original_date(w):
    a = lead_of(w.handling())
    ext = actions.request_extension(w.unit_user, a, a.due_date + timedelta(days=30),
                                    EXTEND_REASON)
    actions.decide_extension(w.staff, ext, True)
    a.refresh_from_db()
    latest = add_months(a.original_due_date, 3)
    assert_refused(lambda: actions.request_extension(
        w.unit_user, a, latest + timedelta(days=1), EXTEND_REASON), field="new_due_date")
    actions.request_extension(w.unit_user, a, latest, EXTEND_REASON)


# --- rehandling (不满意) and closing ----------------------------------------------------------------


def test_unsatisfied_sends_it_back_with_a_second_reply_due_in_one_month(w):
    s = w.rehandling()
    a = lead_of(s)
    assert s.status == S.REHANDLING and s.rehandle_count == 1
    assert a.status == AssignmentStatus.REHANDLING
    assert a.due_date == add_months(TODAY, 1)
    assert notes(w.unit_user, "不满意") == 1
    actions.reply(w.unit_user, a, reply_class="A", text=REPLY_TEXT + "（重新办理）")
    assert list(a.replies.values_list("round", flat=True)) == [1, 2]
    assert fresh(s).status == S.REPLIED


def test_rehandling_happens_only_once_by_default(w):
    s = w.rehandling()
    actions.reply(w.unit_user, lead_of(s), reply_class="A", text=REPLY_TEXT + "（重新办理）")
    actions.evaluate(w.deputy, s, "unsatisfied", "仍不满意，问题没有解决。")
    s = fresh(s)
    assert s.status == S.CLOSED and s.rehandle_count == 1
    # counted as not satisfied: both evaluations are on record
    assert list(s.evaluations.order_by("round").values_list("round", "result")) == [
        (1, "unsatisfied"), (2, "unsatisfied")]


def test_the_number_of_rehandlings_is_configurable(w):
    SuggestionConfig.objects.create(congress=w.city, max_rehandles=2)
    s = w.rehandling()
    actions.reply(w.unit_user, lead_of(s), reply_class="A", text=REPLY_TEXT + "（重新办理）")
    actions.evaluate(w.deputy, s, "unsatisfied", "仍不满意，问题没有解决。")
    assert fresh(s).status == S.REHANDLING and fresh(s).rehandle_count == 2


def test_unevaluated_suggestion_is_closed_only_after_twenty_working_days(w, time_machine):
    s = w.replied()
    deadline = add_workdays(TODAY, 20)
    go(time_machine, deadline)
    err = assert_refused(lambda: actions.close_unevaluated(w.staff, s))
    assert f"{deadline:%Y年%m月%d日}" in err.message
    go(time_machine, deadline + timedelta(days=1))
    actions.close_unevaluated(w.staff, s)
    s = fresh(s)
    assert s.status == S.CLOSED and s.closed_at is not None
    assert not s.evaluations.exists()  # never counted as satisfied
    assert s.transitions.get(to_status=S.CLOSED).reason == "代表逾期未评价"


# --- supervision (督办) -----------------------------------------------------------------------------


@pytest.fixture
def another_committee(w):
    org = Organization.objects.create(congress=w.city, name="城乡建设环境保护委员会",
                                      kind=OrgKind.SPECIAL_COMMITTEE)
    from tests.conftest import make_user

    return org, make_user("envcommittee", w.city, Role.COMMITTEE, org)


def test_key_supervision_is_led_by_a_leader_with_a_committee(w, another_committee):
    org, member = another_committee
    s = w.assigned()
    assert_refused(lambda: actions.supervise(w.staff, s, "key", committee=org), field="leader")
    assert_refused(lambda: actions.supervise(w.staff, s, "key", leader=w.leader), field="committee")
    assert_refused(lambda: actions.supervise(w.staff, s, "key", leader=w.staff, committee=org),
                   field="leader")  # staff are not 主任会议成员
    assert_refused(lambda: actions.supervise(w.staff, s, "key", leader=w.leader,
                                             committee=w.unit_org), field="committee")
    assert s.pk not in visible(member)
    sup = actions.supervise(w.staff, s, "key", leader=w.leader, committee=org,
                            note="列为年度重点督办建议")
    assert (sup.kind, sup.leader, sup.committee) == ("key", w.leader, org)
    assert notes(w.leader, "重点督办") == 1 and notes(member, "重点督办") == 1
    assert s.pk in visible(member)  # the supervising committee follows it


def test_joint_supervision_needs_only_a_committee(w, another_committee):
    org, _ = another_committee
    s = w.assigned()
    actions.supervise(w.staff, s, "joint", committee=org)
    actions.supervise(w.staff, s, "joint", committee=w.committee_org)
    assert Supervision.objects.filter(suggestion=s, kind="joint").count() == 2


# --- who sees what -----------------------------------------------------------------------------


def test_a_unit_sees_only_suggestions_assigned_to_it(w):
    ours = w.assigned()
    theirs = w.registered(title="关于优化公交线路的建议")
    actions.assign(w.staff, theirs, lead=w.unit2_org)
    unassigned = w.registered(title="关于增加学位的建议")
    assert visible(w.unit2_user) == {theirs.pk}
    assert visible(w.unit_user) == {ours.pk}
    assert unassigned.pk not in visible(w.unit_user) | visible(w.unit2_user)


def test_a_unit_never_gets_another_units_assignment(w):
    s = w.assigned(co=(w.unit2_org,))
    lead = lead_of(s)
    with pytest.raises(Http404):
        access.get_assignment_for_unit(w.unit2_user, lead.pk)
    with pytest.raises(Http404):
        access.get_assignment_for_unit(w.other_unit_user, lead.pk)
    assert access.get_assignment_for_unit(w.unit_user, lead.pk) == lead
    co = s.assignments.get(kind=AssignmentKind.CO)
    assert access.get_assignment_for_unit(w.unit2_user, co.pk) == co


def test_a_committee_sees_registered_suggestions_of_its_field(w):
    education = Category.objects.create(congress=w.city, name="教育文化")
    ours = w.registered()
    not_ours = actions.register(w.staff, actions.submit(w.deputy, actions.save_draft(
        w.deputy, w.city, actions.DraftData(
            title="关于增加公办幼儿园学位的建议", problem="城区公办幼儿园学位紧张，入园难问题突出。",
            measures="建议新建改扩建一批公办幼儿园。", category_id=education.pk))))
    not_yet = w.submitted(title="关于还在审核的建议")
    draft = w.draft(title="关于还没提交的建议")
    seen = visible(w.committee_user)
    assert ours.pk in seen
    assert not_ours.pk not in seen
    assert not_yet.pk not in seen and draft.pk not in seen


def test_another_congress_sees_nothing(w):
    s = w.closed()
    w.registered(title="关于另一件事情的建议")
    assert visible(w.outsider) == set()
    assert visible(w.other_deputy_user) == set()
    assert visible(w.other_unit_user) == set()
    with pytest.raises(Http404):
        access.get_suggestion_for(w.outsider, s.pk)


def test_a_draft_is_visible_to_its_author_only(w):
    draft = w.draft()
    assert draft.pk in visible(w.deputy)
    for other in (w.staff, w.leader, w.committee_user, w.unit_user, w.peer, w.cosigner,
                  w.auditor, w.sysadmin, w.outsider):
        assert draft.pk not in visible(other), other.username


def test_an_invited_co_signer_sees_the_draft_to_answer_the_invitation(w):
    draft = w.draft(cosigner_ids=[w.cosigner.deputy.pk])
    assert draft.pk in visible(w.cosigner)
    assert draft.pk not in visible(w.peer)


def test_leaders_see_every_registered_suggestion_and_administrators_none(w):
    registered, submitted = w.registered(), w.submitted(title="关于刚提交的建议")
    assert {registered.pk, submitted.pk} <= visible(w.leader)
    assert visible(w.auditor) == set() and visible(w.sysadmin) == set()


def test_a_lost_role_loses_the_view(w):
    s = w.assigned()
    ra = w.unit_user.roles.get(role=Role.UNIT)
    ra.end_date = timezone.localdate() - timedelta(days=1)
    ra.save()
    assert s.pk not in visible(w.unit_user)
    assert_refused(lambda: actions.accept(User.objects.get(pk=w.unit_user.pk), lead_of(s)))
