"""Edges of the workflow (DESIGN §5.1): merging a duplicate just assigned, the mandate behind
a submission, which co-signers still see a suggestion, B-class replies nobody rated, merged
deputies rating later rounds, the second reply's own deadline, co-units left over when the
reply goes out, and refusals of the actor (403) apart from refusals of the rules (400)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.http import Http404

from renda.core.errors import DomainError, NotAllowed
from renda.core.models import AuditEvent, Notification, Role, Session, User
from renda.deputies.models import EndReason, Mandate, MandateStatus
from renda.suggestions import access, actions, queries, reminders
from renda.suggestions.deadlines import add_months
from renda.suggestions.models import (
    Assignment,
    AssignmentKind,
    AssignmentStatus,
    Evaluation,
    Period,
    Status,
    Suggestion,
    Transition,
)
from tests.conftest import client_for, make_user

from .test_actions_transitions import (
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
CO_VIEW = "我局同意主办单位意见，将配合做好施工期间交通组织。"


@pytest.fixture(autouse=True)
def frozen(time_machine):
    go(time_machine, TODAY)


@pytest.fixture
def w(request):
    return build_world(request)


def visible(user: User) -> set[int]:
    return set(Suggestion.objects.visible_to(User.objects.get(pk=user.pk))
               .values_list("pk", flat=True))


def notes(user: User, contains: str) -> int:
    return Notification.objects.filter(user=user, title__contains=contains).count()


def co_of(s: Suggestion) -> Assignment:
    return s.assignments.get(kind=AssignmentKind.CO)


# --- merging a duplicate that was just assigned ---------------------------------------------


def test_a_just_assigned_duplicate_is_merged_and_its_assignments_withdrawn(w):
    main = w.registered(by=w.peer, title="关于推进既有住宅加装电梯的建议")
    s = w.assigned(co=(w.unit2_org,))
    actions.merge(w.staff, s, main, reason="与主件内容相同，并案办理")
    s = fresh(s)
    assert s.status == S.MERGED and s.merged_into_id == main.pk
    assert set(s.assignments.values_list("status", flat=True)) == {AssignmentStatus.WITHDRAWN}
    assert notes(w.unit_user, "交办已撤回") == 1 and notes(w.unit2_user, "交办已撤回") == 1
    assert not queries.unit_inbox(w.unit_user, queries.InboxFilter()).exists()
    assert Transition.objects.filter(suggestion=s, from_status=S.ASSIGNED,
                                     to_status=S.MERGED).exists()


def test_staff_merge_an_assigned_duplicate_from_its_page(w):
    main = w.registered(by=w.peer, title="关于推进既有住宅加装电梯的建议")
    s = w.assigned()
    client = client_for(w.staff)
    assert "并入建议的编号" in client.get(f"/suggestions/{s.pk}/").content.decode()
    response = client.post(f"/suggestions/{s.pk}/act/merge/", {"into": main.number})
    assert response.status_code == 302 and fresh(s).status == S.MERGED
    handled = w.handling(title="关于加快推进老旧小区电梯加装的建议")
    assert "并入建议的编号" not in client.get(f"/suggestions/{handled.pk}/").content.decode()


def test_a_duplicate_a_unit_has_signed_for_is_not_merged(w):
    main = w.registered(by=w.peer, title="关于推进既有住宅加装电梯的建议")
    s = w.handling()
    err = assert_refused(lambda: actions.merge(w.staff, s, main))
    assert "签收" in err.message


def test_once_any_unit_has_signed_the_duplicate_is_no_longer_merged(w):
    """Even a co-unit at work makes it too late: the unit would lose what it started."""
    main = w.registered(by=w.peer, title="关于推进既有住宅加装电梯的建议")
    s = w.assigned(co=(w.unit2_org,))
    actions.accept(w.unit2_user, co_of(s))
    assert fresh(s).status == S.ASSIGNED
    err = assert_refused(lambda: actions.merge(w.staff, s, main))
    assert "签收" in err.message


# --- who acts first: the lead (or separate) unit ------------------------------------------------


def test_a_co_unit_signing_first_leaves_the_suggestion_assigned(w):
    s = w.assigned(co=(w.unit2_org,))
    co = co_of(s)
    actions.accept(w.unit2_user, co)
    co.refresh_from_db()
    assert co.status == AssignmentStatus.HANDLING
    assert fresh(s).status == S.ASSIGNED
    actions.accept(w.unit_user, lead_of(s))
    assert fresh(s).status == S.HANDLING


def test_the_lead_unit_may_still_hand_back_after_the_co_unit_signed(w):
    s = w.assigned(co=(w.unit2_org,))
    actions.accept(w.unit2_user, co_of(s))
    adj = actions.request_adjustment(w.unit_user, lead_of(s), "该建议属于交通运输部门职责，不属于本单位职责范围。")
    actions.decide_adjustment(w.staff, adj, True)
    assert fresh(s).status == S.REASSIGNED


# --- submitting: an active mandate, and the session fixed once --------------------------------


@pytest.mark.parametrize("build", ["draft", "returned"])
def test_a_deputy_whose_mandate_ended_cannot_submit(w, build):
    s = w.draft() if build == "draft" else w.returned()
    Mandate.objects.filter(deputy__user=w.deputy, congress=w.city).update(
        status=MandateStatus.ENDED, end_date=TODAY, end_reason=EndReason.RESIGNED)
    err = assert_refused(lambda: actions.submit(w.deputy, s))
    assert isinstance(err, NotAllowed) and "在任" in err.message


def test_a_mandate_in_another_congress_does_not_count(w):
    s = w.draft()
    Mandate.objects.filter(deputy__user=w.deputy, congress=w.city).update(
        congress=w.other_congress)
    assert_refused(lambda: actions.submit(w.deputy, s))


def test_a_resubmission_after_return_keeps_the_first_session_and_period(w, time_machine):
    s = fresh(w.returned())
    assert (s.session_id, s.period) == (w.session.pk, Period.DURING)
    later = TODAY + timedelta(days=40)
    Session.objects.create(term=w.city.current_term(), number=3,
                           start_date=TODAY + timedelta(days=30),
                           end_date=TODAY + timedelta(days=33))
    go(time_machine, later)
    actions.submit(w.deputy, s)
    again = fresh(s)
    assert again.status == S.SUBMITTED
    assert (again.session_id, again.period, again.submitted_at) == (
        s.session_id, s.period, s.submitted_at)
    # a first submission on that day would belong to the later session, between sessions
    new = fresh(w.submitted(title="关于增设社区老年食堂的建议"))
    assert new.session_id != s.session_id and new.period == Period.BETWEEN


# --- co-signers who no longer see it ---------------------------------------------------------------


def test_a_co_signer_who_declined_no_longer_sees_the_suggestion(w):
    s = w.submitted(cosigner_ids=[w.cosigner.deputy.pk])
    assert s.pk in visible(w.cosigner) and access.standing(w.cosigner, s).cosigner
    actions.answer_cosign(w.cosigner, s, False)
    assert s.pk not in visible(w.cosigner)
    assert not access.standing(w.cosigner, s).cosigner
    with pytest.raises(Http404):
        access.get_suggestion_for(w.cosigner, s.pk)
    assert s.pk not in {x.pk for x in queries.deputy_suggestions(w.cosigner.deputy.pk)}
    assert client_for(w.cosigner).get(f"/suggestions/{s.pk}/").status_code == 404


def test_an_invitation_that_expired_at_registration_no_longer_shows_it(w):
    s = w.submitted(cosigner_ids=[w.cosigner.deputy.pk, w.peer.deputy.pk])
    actions.answer_cosign(w.peer, s, True)
    actions.register(w.staff, s)
    assert s.pk not in visible(w.cosigner)  # expired
    assert s.pk in visible(w.peer)  # confirmed
    assert access.standing(w.peer, s).cosigner


# --- closing what the deputy did not rate -----------------------------------------------------------


def test_an_unrated_b_class_reply_stays_on_the_ledger_until_its_commitments_are_done(w):
    s = w.replied_b()
    w.after_evaluation_window()
    actions.close_unevaluated(w.staff, s)
    s = fresh(s)
    assert s.status == S.TRACKING and s.closed_at is None
    assert not Evaluation.objects.filter(suggestion=s).exists()  # never counted as satisfied
    for c in s.commitments.all():
        actions.update_commitment(w.unit_user, c, "首批50台电梯已全部加装完成。", done=True)
    s = fresh(s)
    assert s.status == S.CLOSED and s.closed_at is not None


# --- the deputy of a merged suggestion rates later rounds -------------------------------------------


@pytest.fixture
def merged(w):
    main = w.registered()
    dup = w.registered(by=w.peer, title="关于既有住宅加装电梯的建议")
    actions.merge(w.staff, dup, main)
    actions.assign(w.staff, main, lead=w.unit_org)
    actions.accept(w.unit_user, lead_of(main))
    actions.reply(w.unit_user, lead_of(main), reply_class="A", text=REPLY_TEXT)
    return fresh(main)


def test_the_merged_deputy_rates_after_the_lead_deputy_closed_it(w, merged):
    actions.evaluate(w.deputy, merged, "satisfied")
    assert fresh(merged).status == S.CLOSED
    moves = Transition.objects.filter(suggestion=merged).count()
    actions.evaluate(w.peer, merged, "basic", "基本解决，希望加快进度。")
    assert fresh(merged).status == S.CLOSED
    assert Transition.objects.filter(suggestion=merged).count() == moves
    assert Evaluation.objects.get(suggestion=merged, deputy=w.peer.deputy).round == 1
    assert_refused(lambda: actions.evaluate(w.peer, merged, "satisfied"))  # once per round
    page = client_for(w.peer).get(f"/suggestions/{merged.pk}/").content.decode()
    assert 'id="evaluate"' not in page


def test_the_merged_deputy_is_offered_the_rating_form_after_closing(w, merged):
    actions.evaluate(w.deputy, merged, "satisfied")
    page = client_for(w.peer).get(f"/suggestions/{merged.pk}/").content.decode()
    assert 'id="evaluate"' in page
    lead_page = client_for(w.deputy).get(f"/suggestions/{merged.pk}/").content.decode()
    assert 'id="evaluate"' not in lead_page


def test_the_merged_deputy_rates_the_second_reply_as_well(w, merged):
    actions.evaluate(w.deputy, merged, "unsatisfied", "进度太慢，请加快推进。")
    assert fresh(merged).status == S.REHANDLING
    err = assert_refused(lambda: actions.evaluate(w.peer, merged, "satisfied"))
    assert "重新办理" in err.message
    actions.reply(w.unit_user, lead_of(merged), reply_class="A", text=REPLY_TEXT + "（第二次答复）")
    actions.evaluate(w.deputy, merged, "satisfied")
    actions.evaluate(w.peer, merged, "satisfied")
    assert Evaluation.objects.get(suggestion=merged, deputy=w.peer.deputy).round == 2
    assert fresh(merged).status == S.CLOSED


def test_the_merged_deputy_cannot_rate_before_any_reply(w):
    main = w.registered()
    dup = w.registered(by=w.peer, title="关于既有住宅加装电梯的建议")
    actions.merge(w.staff, dup, main)
    assert_refused(lambda: actions.evaluate(w.peer, main, "satisfied"))


# --- the second reply has its own deadline -------------------------------------------------------


def test_an_extension_of_the_second_reply_counts_from_its_own_deadline(w, time_machine):
    s = w.replied()
    go(time_machine, TODAY + timedelta(days=120))  # the first deadline is long past
    actions.evaluate(w.deputy, s, "unsatisfied", "进度太慢，请加快推进。")
    a = lead_of(s)
    due = add_months(TODAY + timedelta(days=120), 1)
    assert (a.due_date, a.original_due_date) == (due, due)
    latest = add_months(due, 3)
    assert_refused(lambda: actions.request_extension(
        w.unit_user, a, latest + timedelta(days=1), EXTEND_REASON), field="new_due_date")
    ext = actions.request_extension(w.unit_user, a, latest, EXTEND_REASON)
    actions.decide_extension(w.staff, ext, True)
    a.refresh_from_db()
    assert a.due_date == latest and a.original_due_date == due


# --- co-units that never sent a view --------------------------------------------------------------


def test_a_silent_co_unit_is_done_when_the_lead_unit_replies(w, time_machine):
    s = w.handling(co=(w.unit2_org, w.unit3_org))
    silent = s.assignments.get(unit=w.unit2_org)
    spoke = s.assignments.get(unit=w.unit3_org)
    actions.send_co_view(make_user("unit3", w.city, Role.UNIT, w.unit3_org), spoke, CO_VIEW)
    actions.reply(w.unit_user, lead_of(s), reply_class="A", text=REPLY_TEXT)
    spoke.refresh_from_db()
    silent.refresh_from_db()
    assert spoke.status == AssignmentStatus.VIEW_SENT
    assert silent.status == AssignmentStatus.CLOSED and not silent.is_open
    assert fresh(s).status == S.REPLIED
    assert AuditEvent.objects.filter(action="suggestion.co_units_closed").count() == 1
    # never overdue and never reminded, long after its view was due
    go(time_machine, TODAY + timedelta(days=60))
    assert not Assignment.objects.overdue().filter(pk=silent.pk).exists()
    told = set(Notification.objects.filter(user=w.unit2_user).values_list("pk", flat=True))
    reminders.sweep()
    assert not Notification.objects.filter(user=w.unit2_user).exclude(pk__in=told).exists()
    overdue = queries.unit_inbox(w.unit2_user, queries.InboxFilter(state="overdue"))
    assert not overdue.exists()


def test_a_co_unit_still_silent_before_the_reply_is_reminded(w, time_machine):
    """The control: the same co-unit, while the lead unit has not replied, is overdue."""
    s = w.handling(co=(w.unit2_org,))
    go(time_machine, TODAY + timedelta(days=60))
    assert Assignment.objects.overdue().filter(pk=co_of(s).pk).exists()
    reminders.sweep()
    assert Notification.objects.filter(user=w.unit2_user,
                                       url=f"/suggestions/assignments/{co_of(s).pk}/").exists()


def test_a_silent_co_unit_cannot_send_its_view_once_the_reply_is_out(w):
    s = w.handling(co=(w.unit2_org,))
    actions.reply(w.unit_user, lead_of(s), reply_class="A", text=REPLY_TEXT)
    assert notes(w.unit2_user, "会办已结束") == 1
    assert_refused(lambda: actions.send_co_view(w.unit2_user, co_of(s), CO_VIEW))


# --- the actor refused (403) apart from the rules refused (400) -----------------------------------


def test_refusals_of_the_actor_are_not_allowed_and_of_the_rules_are_plain(w):
    s = w.submitted()
    by_role = assert_refused(lambda: actions.register(w.unit_user, s))
    assert isinstance(by_role, NotAllowed)
    by_deputy = assert_refused(lambda: actions.assign(w.deputy, s, lead=w.unit_org))
    assert isinstance(by_deputy, NotAllowed)
    draft = w.draft()
    not_lead = assert_refused(lambda: actions.submit(w.cosigner, draft))
    assert isinstance(not_lead, NotAllowed)
    by_state = assert_refused(lambda: actions.submit(w.deputy, s))
    assert isinstance(by_state, DomainError) and not isinstance(by_state, NotAllowed)
    assigned = w.assigned()
    other_unit = assert_refused(lambda: actions.accept(w.unit2_user, lead_of(assigned)))
    assert isinstance(other_unit, NotAllowed)


def test_pages_answer_403_when_the_actor_may_not_and_400_when_the_rules_refuse(w):
    s = w.submitted()
    leader = client_for(w.leader)  # reads every suggestion, may not register
    response = leader.post(f"/suggestions/{s.pk}/act/register/")
    assert response.status_code == 403
    assert fresh(s).status == S.SUBMITTED
    staff = client_for(w.staff)
    response = staff.post(f"/suggestions/{s.pk}/act/return/", {"reason": ""})
    assert response.status_code == 400
    assert "退回理由" in response.content.decode()


# --- the staff list is served by an index ----------------------------------------------------------


def test_the_staff_list_order_has_a_matching_index(w):
    qs = queries.staff_list(w.city, queries.SuggestionFilter())
    order = list(qs.query.order_by)
    assert order == ["-submitted_at", "-id"]
    assert ["congress", *order] in [list(i.fields) for i in Suggestion._meta.indexes]
