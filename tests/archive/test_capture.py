"""Automatic records: one event makes exactly one record, a repeat makes none, withdrawing
the source voids it — for suggestions (lead and co-signer) and activity attendance."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from renda.archive import actions, capture
from renda.archive.models import Attendance, DutyRecord, RecordKind
from renda.archive.signals import resync_suggestions
from renda.core.errors import DomainError
from renda.core.models import AuditEvent, Session
from renda.suggestions import actions as s_actions
from renda.suggestions.models import Category, Transition
from tests.archive.conftest import new_activity
from tests.suggestions.conftest import write


@pytest.fixture
def session(city):
    today = timezone.localdate()
    return Session.objects.create(term=city.current_term(), number=2,
                                  start_date=today - timedelta(days=1),
                                  end_date=today + timedelta(days=3))


@pytest.fixture
def category(city):
    return Category.objects.create(congress=city, name="城乡建设")


@pytest.fixture
def submitted(deputy_user, cosigner_user, city, category, session):
    s = write(deputy_user, city, category, cosigner_ids=[cosigner_user.deputy.pk])
    s_actions.answer_cosign(cosigner_user, s, True)
    return s_actions.submit(deputy_user, s)


def records(**kw):
    return DutyRecord.objects.filter(**kw)


def test_registration_records_the_lead_and_the_confirmed_cosigner_once(submitted, staff,
                                                                       deputy_user,
                                                                       cosigner_user):
    assert not records().exists()
    s_actions.register(staff, submitted)
    lead = records(deputy=deputy_user.deputy)
    co = records(deputy=cosigner_user.deputy)
    assert [r.kind for r in lead] == [RecordKind.SUGGESTION]
    assert [r.kind for r in co] == [RecordKind.COSIGN]
    assert lead.get().source_key == f"suggestion:{submitted.pk}:lead:{deputy_user.deputy.pk}"
    assert "加装电梯" in lead.get().title
    # A repeat of the same event (the log row saved again, or a resync) makes none.
    Transition.objects.filter(suggestion=submitted, to_status="registered").get().save()
    made, _ = resync_suggestions()
    assert made == 0
    assert records().count() == 2


def test_declined_or_unanswered_cosigners_get_no_record(deputy_user, cosigner_user, city,
                                                        category, session, staff):
    s = write(deputy_user, city, category, cosigner_ids=[cosigner_user.deputy.pk])
    s_actions.submit(deputy_user, s)
    s_actions.register(staff, s)
    assert records().count() == 1
    assert not records(deputy=cosigner_user.deputy).exists()


def test_merging_a_registered_suggestion_voids_its_records(submitted, staff, deputy_user,
                                                           city, category):
    s_actions.register(staff, submitted)
    other = s_actions.submit(deputy_user, write(deputy_user, city, category,
                                                title="关于老旧小区加装电梯补贴的建议"))
    main = s_actions.register(staff, other)
    s_actions.merge(staff, submitted, main)
    voided = records(source=f"suggestion:{submitted.pk}")
    assert voided.count() == 2
    assert all(r.voided_at is not None and r.void_reason == "建议已并案" for r in voided)
    assert not records(source=f"suggestion:{submitted.pk}").counted().exists()
    # The main suggestion's record stays.
    assert records(source=f"suggestion:{main.pk}").counted().count() == 1
    assert AuditEvent.objects.filter(action="archive.record_voided").count() == 2


def test_not_registered_suggestion_makes_no_record(submitted, staff):
    s_actions.not_register(staff, submitted, "letter", "属于个人诉求，转作来信处理。")
    assert not records().exists()


def test_a_refused_registration_leaves_no_record(submitted, staff, deputy_user):
    with pytest.raises(DomainError):
        s_actions.register(deputy_user, submitted)  # a deputy may not register
    assert not records().exists()


def test_capture_is_idempotent_and_restores_after_void(city, deputy):
    day = date(2026, 5, 4)
    rec, made = capture.record(deputy, RecordKind.RECEPTION, "reception:9:1", day, congress=city,
                               title="在东城联络站接待群众5人次")
    assert made
    again, made_again = capture.record(deputy, RecordKind.RECEPTION, "reception:9:1", day,
                                       congress=city)
    assert (again.pk, made_again) == (rec.pk, False)
    assert capture.void("reception:9:1", reason="接待记录已撤销") == 1
    assert capture.void("reception:9:1") == 0  # already void: nothing more
    restored, changed = capture.record(deputy, RecordKind.RECEPTION, "reception:9:1", day,
                                       congress=city)
    assert changed and restored.pk == rec.pk and restored.voided_at is None
    assert DutyRecord.objects.count() == 1
    assert rec.source == "reception:9"


def test_capture_refuses_unknown_kinds_and_empty_keys(city, deputy):
    with pytest.raises(DomainError):
        capture.record(deputy, "ballot_choice", "vote:1:1", date(2026, 5, 4), congress=city)
    with pytest.raises(DomainError):
        capture.record(deputy, RecordKind.VOTING, "", date(2026, 5, 4), congress=city)
    assert not DutyRecord.objects.exists()


def test_attendance_makes_one_record_and_absence_voids_it(staff, city, deputy, activity):
    actions.mark_attendance(staff, activity, deputy.pk, Attendance.ATTENDED)
    actions.mark_attendance(staff, activity, deputy.pk, Attendance.ATTENDED)
    rec = records(deputy=deputy).get()
    assert rec.kind == RecordKind.INSPECTION and rec.counts
    assert rec.source_key == f"activity:{activity.pk}:{deputy.pk}"
    actions.mark_attendance(staff, activity, deputy.pk, Attendance.ABSENT)
    rec.refresh_from_db()
    assert rec.voided_at is not None
    assert records(deputy=deputy).count() == 1  # an inspection absence costs no points


def test_unexcused_absence_from_a_meeting_records_negative_points(staff, city, deputy):
    meeting = new_activity(staff, city, [deputy], kind="meeting", title="市人大二次会议")
    actions.mark_attendance(staff, meeting, deputy.pk, Attendance.ABSENT)
    rec = records(deputy=deputy).get()
    assert rec.kind == RecordKind.ABSENCE and rec.counts
    # Corrected to attended: the absence is voided, the attendance recorded.
    actions.mark_attendance(staff, meeting, deputy.pk, Attendance.ATTENDED)
    kinds = {r.kind: r.counts for r in records(deputy=deputy)}
    assert kinds == {RecordKind.ABSENCE: False, RecordKind.SESSION: True}


def test_approved_leave_cannot_be_marked_absent(staff, city, deputy_user, deputy, activity):
    actions.request_leave(deputy_user, activity, "参加省里的培训")
    actions.decide_leave(staff, activity, deputy.pk, True)
    with pytest.raises(DomainError, match="已准假"):
        actions.mark_attendance(staff, activity, deputy.pk, Attendance.ABSENT)
    assert not records().exists()


def test_refusing_leave_needs_a_reason(staff, deputy_user, deputy, activity):
    actions.request_leave(deputy_user, activity, "出差")
    with pytest.raises(DomainError, match="说明"):
        actions.decide_leave(staff, activity, deputy.pk, False, "")
    inv = actions.decide_leave(staff, activity, deputy.pk, False, "本次视察须全员参加")
    assert inv.status == Attendance.INVITED


def test_staff_of_another_congress_cannot_mark_attendance(outsider, activity, deputy):
    with pytest.raises(DomainError):
        actions.mark_attendance(outsider, activity, deputy.pk, Attendance.ATTENDED)
    assert not records().exists()


def test_only_own_congress_deputies_can_be_invited(staff, city, other_deputy):
    with pytest.raises(DomainError, match="本人大"):
        new_activity(staff, city, [other_deputy])


def test_marking_everyone_present_makes_one_record_each_once(staff, city, deputy,
                                                             cosigner_user, deputy_user):
    from tests.conftest import make_deputy

    third = make_deputy(city, "张伟", "13900000003")
    a = new_activity(staff, city, [deputy, cosigner_user.deputy, third], kind="training")
    actions.request_leave(cosigner_user, a, "出差")
    actions.decide_leave(staff, a, cosigner_user.deputy.pk, True)
    actions.mark_attendance(staff, a, third.pk, Attendance.ABSENT)
    assert actions.mark_all_attended(staff, a) == 1  # leave and absence are left alone
    assert actions.mark_all_attended(staff, a) == 0
    assert list(records().values_list("deputy_id", "kind")) == [(deputy.pk, "training")]
    assert AuditEvent.objects.filter(action="archive.records_captured").count() == 1
    with pytest.raises(DomainError):
        actions.mark_all_attended(deputy_user, a)


def test_record_many_repeats_make_none_and_voided_are_restored(city, deputy, cosigner_user):
    day = date(2026, 6, 1)
    items = [{"deputy": d, "kind": RecordKind.VOTING, "source_key": f"vote:7:{d.pk}",
              "day": day} for d in (deputy, cosigner_user.deputy)]
    assert capture.record_many(items, congress=city, source="vote:7") == 2
    assert capture.record_many(items, congress=city, source="vote:7") == 0
    capture.void_source("vote:7")
    assert capture.record_many(items[:1], congress=city, source="vote:7") == 1
    assert records().counted().count() == 1 and records().count() == 2
    with pytest.raises(DomainError):
        capture.record_many([{**items[0], "kind": "ballot"}], congress=city, source="vote:7")
