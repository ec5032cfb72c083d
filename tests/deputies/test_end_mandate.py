"""Ending a mandate (辞职、罢免、调离…): staff of the congress only, with a reason and a
plausible date, once; the person and their other mandates stay."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from renda.core.errors import DomainError
from renda.core.models import AuditEvent
from renda.deputies.actions import end_mandate
from renda.deputies.models import Mandate, MandateStatus
from tests.conftest import client_for, make_deputy

pytestmark = pytest.mark.django_db


@pytest.fixture
def mandate(city, delegation):
    return make_deputy(city, "孙立新", "13822223333", delegation).mandates.get()


def test_staff_ends_a_mandate_with_reason_and_audit(staff, mandate):
    end_mandate(staff, mandate, "resigned", date(2024, 6, 1), "因工作调动辞去代表职务")
    mandate.refresh_from_db()
    assert (mandate.status, mandate.end_reason, mandate.end_date) == (
        MandateStatus.ENDED, "resigned", date(2024, 6, 1))
    event = AuditEvent.objects.get(action="deputies.mandate_ended")
    assert event.summary["reason"] == "resigned" and event.actor == staff


def test_an_ended_mandate_cannot_end_again(staff, mandate):
    end_mandate(staff, mandate, "resigned", date(2024, 6, 1))
    with pytest.raises(DomainError, match="已于 2024-06-01 终止"):
        end_mandate(staff, mandate, "recalled", date(2024, 7, 1))
    mandate.refresh_from_db()
    assert mandate.end_reason == "resigned"


@pytest.mark.parametrize(("reason", "end", "field"), [
    ("", date(2024, 1, 1), "reason"),
    ("fired", date(2024, 1, 1), "reason"),
    ("resigned", date(2021, 1, 1), "end_date"),
    ("resigned", None, "end_date"),
])
def test_bad_reason_or_date_is_refused_and_nothing_changes(staff, mandate, reason, end, field):
    end = end or timezone.localdate() + timedelta(days=1)
    with pytest.raises(DomainError) as exc:
        end_mandate(staff, mandate, reason, end)
    assert exc.value.field == field
    mandate.refresh_from_db()
    assert mandate.status == MandateStatus.ACTIVE


def test_leader_and_outsider_cannot_end_a_mandate(leader, outsider, mandate):
    for user in (leader, outsider):
        with pytest.raises(DomainError):
            end_mandate(user, mandate, "resigned", date(2024, 6, 1))
    assert Mandate.objects.get(pk=mandate.pk).status == MandateStatus.ACTIVE


def test_the_page_form_ends_the_mandate(staff, mandate):
    client = client_for(staff)
    detail = client.get(f"/deputies/{mandate.deputy_id}/").content.decode()
    assert "终止代表资格" in detail
    response = client.post(f"/deputies/mandates/{mandate.pk}/end/", {
        "reason": "transferred", "end_date": "2025-03-01", "note": "调离本市"})
    assert response.status_code == 302
    mandate.refresh_from_db()
    assert mandate.end_reason == "transferred" and mandate.end_note == "调离本市"


def test_the_page_reports_a_missing_date_in_chinese(staff, mandate):
    client = client_for(staff)
    response = client.post(f"/deputies/mandates/{mandate.pk}/end/", {"reason": "resigned"},
                           follow=True)
    assert "终止日期：这个字段是必填项。" in response.content.decode()
    assert Mandate.objects.get(pk=mandate.pk).status == MandateStatus.ACTIVE


def test_another_congress_gets_404_on_the_end_form(outsider, mandate):
    response = client_for(outsider).post(f"/deputies/mandates/{mandate.pk}/end/", {
        "reason": "resigned", "end_date": "2024-01-01"})
    assert response.status_code == 404


def test_leader_sees_no_end_form(leader, mandate):
    assert "终止代表资格" not in client_for(leader).get(
        f"/deputies/{mandate.deputy_id}/").content.decode()
