"""The message workflow: each step, who may take it, and what is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from renda.core.errors import DomainError
from renda.core.models import AuditEvent, Organization, OrgKind, Role
from renda.stations import actions
from renda.stations.models import Message, MessageStatus, MessageTransition, TransferKind
from renda.suggestions.deadlines import add_workdays
from renda.suggestions.models import Status as SStatus
from tests.conftest import make_user

from .conftest import message_data

pytestmark = pytest.mark.django_db


def test_submit_sets_accept_deadline_in_working_days(received):
    assert received.status == MessageStatus.RECEIVED
    assert received.accept_due == add_workdays(timezone.localdate(), 5)
    assert len(received.code) == 10
    # the audit event is appended by the worker's sweep, once
    assert not AuditEvent.objects.filter(action="station_message.received").exists()
    assert actions.audit_received() == 1
    assert actions.audit_received() == 0
    assert AuditEvent.objects.filter(action="station_message.received",
                                     object_id=str(received.pk)).count() == 1
    assert received.ip_hash and "10.0.0.1" not in received.ip_hash


def test_whole_life_to_closed_with_rating(answered):
    m = actions.rate(answered.code.lower(), "satisfied", "修得很快")
    assert m.status == MessageStatus.CLOSED and m.rating == "satisfied"
    assert [t.to_status for t in MessageTransition.objects.filter(message=m)] == [
        "received", "accepted", "transferred", "answered", "closed"]
    actions.audit_received()
    assert AuditEvent.objects.filter(action__startswith="station_message.").count() == 5
    from renda.core.audit import verify

    assert verify().ok


def test_transfer_sets_answer_due_15_working_days(transferred, unit_org):
    assert transferred.unit_id == unit_org.pk
    assert transferred.answer_due == add_workdays(timezone.localdate(), 15)


def test_unit_cannot_accept(received, unit_user):
    with pytest.raises(DomainError):
        actions.accept(unit_user, received)
    assert Message.objects.get(pk=received.pk).status == MessageStatus.RECEIVED


def test_keeper_accepts_own_station_only(received, keeper, city, station):
    assert actions.accept(keeper, received).status == MessageStatus.ACCEPTED
    other_keeper = make_user("keeper2", city, Role.STATION_KEEPER)
    m2 = actions.submit_message(station=station, data=message_data(phone=""), ip="10.0.0.2")
    with pytest.raises(DomainError):
        actions.accept(other_keeper, m2)


def test_keeper_cannot_transfer(accepted, keeper, unit_org):
    with pytest.raises(DomainError):
        actions.transfer_to_unit(keeper, accepted, unit_org)


def test_staff_of_other_congress_cannot_act(received, outsider):
    with pytest.raises(DomainError):
        actions.accept(outsider, received)


def test_transfer_to_other_congress_unit_refused(accepted, staff, other_congress):
    foreign = Organization.objects.create(congress=other_congress, name="外地局", kind=OrgKind.UNIT)
    with pytest.raises(DomainError, match="承办单位"):
        actions.transfer_to_unit(staff, accepted, foreign)
    assert Message.objects.get(pk=accepted.pk).status == MessageStatus.ACCEPTED


def test_cannot_transfer_before_accepting(received, staff, unit_org):
    with pytest.raises(DomainError, match="已收到"):
        actions.transfer_to_unit(staff, received, unit_org)


def test_due_date_in_past_refused(accepted, staff, unit_org):
    with pytest.raises(DomainError, match="晚于今天"):
        actions.transfer_to_unit(staff, accepted, unit_org, due=timezone.localdate())


def test_other_unit_cannot_answer(transferred, city):
    other = Organization.objects.create(congress=city, name="市教育局", kind=OrgKind.UNIT)
    other_user = make_user("unit2", city, Role.UNIT, other)
    with pytest.raises(DomainError):
        actions.answer(other_user, transferred, "这是另一个单位的答复内容，不应被接受。")


def test_answer_too_short_refused(transferred, unit_user):
    with pytest.raises(DomainError, match="至少10个字"):
        actions.answer(unit_user, transferred, "好的")


def test_reject_needs_reason_and_is_final(received, staff):
    with pytest.raises(DomainError, match="理由"):
        actions.reject(staff, received, "")
    m = actions.reject(staff, received, "属于诉讼事项，请依法向人民法院起诉。")
    assert m.status == MessageStatus.REJECTED
    with pytest.raises(DomainError):
        actions.accept(staff, m)


def test_rate_before_answer_refused(transferred):
    with pytest.raises(DomainError, match="还不能评价"):
        actions.rate(transferred.code, "satisfied")


def test_rate_bad_value_and_bad_code(answered):
    with pytest.raises(DomainError):
        actions.rate(answered.code, "great")
    with pytest.raises(DomainError, match="查询码"):
        actions.rate("NOPE", "satisfied")


def test_transfer_to_suggestion_links_both_ways(accepted, staff, deputy_user):
    from renda.deputies.models import Deputy

    deputy = Deputy.objects.get(user=deputy_user)
    m = actions.transfer_to_suggestion(staff, accepted, deputy)
    assert m.transfer_kind == TransferKind.SUGGESTION
    s = m.suggestion
    assert s.status == SStatus.DRAFT and s.lead_deputy == deputy
    assert list(s.station_messages.all()) == [m]
    assert m.content in s.problem
    from renda.archive.models import DutyRecord, RecordKind

    assert list(DutyRecord.objects.values_list("kind", "deputy_id")) == [(RecordKind.CONTACT, deputy.pk)]
    # the staff answer the citizen once the suggestion is under way
    m = actions.answer(staff, m, "您的意见已由王建国代表作为代表建议提出，将按建议办理程序办理。")
    assert m.status == MessageStatus.ANSWERED


def test_transfer_to_deputy_of_other_congress_refused(accepted, staff, other_deputy):
    with pytest.raises(DomainError, match="在任的代表"):
        actions.transfer_to_suggestion(staff, accepted, other_deputy)


def test_configured_deadlines_apply(station, city):
    from renda.stations.models import StationConfig

    StationConfig.objects.create(congress=city, accept_workdays=2, answer_workdays=3)
    m = actions.submit_message(station=station, data=message_data(), ip="10.0.0.9")
    assert m.accept_due == add_workdays(timezone.localdate(), 2)
    assert m.accept_due <= timezone.localdate() + timedelta(days=14)
