"""Check-in by the venue's QR code: valid only for this activity, only during its window,
only for invited deputies; refused clearly otherwise, with nothing recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from renda.archive import actions
from renda.archive.models import Attendance, DutyRecord, Invitation
from renda.core.errors import DomainError
from tests.archive.conftest import new_activity
from tests.conftest import make_deputy, make_user


def refused(user, code, activity_id=None, match="", **kw):
    with pytest.raises(DomainError, match=match) as info:
        actions.check_in(user, code, activity_id, **kw)
    assert not DutyRecord.objects.exists()
    return info.value


def test_check_in_during_the_activity_records_attendance(deputy_user, deputy, activity):
    inv = actions.check_in(deputy_user, actions.checkin_code(activity), activity.pk)
    assert inv.status == Attendance.ATTENDED and inv.checkin_way == "qr"
    rec = DutyRecord.objects.get()
    assert (rec.deputy, rec.kind, rec.counts) == (deputy, "inspection", True)
    with pytest.raises(DomainError, match="已签到"):
        actions.check_in(deputy_user, actions.checkin_code(activity), activity.pk)
    assert DutyRecord.objects.count() == 1


def test_expired_code_is_refused(deputy_user, staff, city, deputy):
    past = new_activity(staff, city, [deputy], start=timezone.now() - timedelta(hours=5))
    e = refused(deputy_user, actions.checkin_code(past), past.pk, match="活动已结束，签到码已过期")
    assert e.field == "code"
    assert Invitation.objects.get(activity=past).status == Attendance.INVITED


def test_code_of_another_activity_is_refused(deputy_user, staff, city, deputy, activity):
    other = new_activity(staff, city, [deputy], title="食品安全执法检查", kind="law_check")
    refused(deputy_user, actions.checkin_code(other), activity.pk,
            match="这是另一个活动（食品安全执法检查）的签到码")


def test_too_early_is_refused_with_the_opening_time(deputy_user, staff, city, deputy):
    later = new_activity(staff, city, [deputy], start=timezone.now() + timedelta(hours=3))
    refused(deputy_user, actions.checkin_code(later), later.pk, match="签到尚未开始")
    # An hour before the start it opens.
    inv = actions.check_in(deputy_user, actions.checkin_code(later), later.pk,
                           now=later.starts_at - timedelta(minutes=59))
    assert inv.status == Attendance.ATTENDED


def test_forged_and_renewed_codes_are_refused(deputy_user, staff, activity):
    refused(deputy_user, "not-a-code", activity.pk, match="签到码无效")
    code = actions.checkin_code(activity)
    refused(deputy_user, code[:-2] + ("AA" if not code.endswith("AA") else "BB"), activity.pk,
            match="签到码无效")
    actions.renew_checkin_code(staff, activity)
    refused(deputy_user, code, activity.pk, match="已失效")


def test_uninvited_deputy_is_refused(city, staff, activity):
    user = make_user("uninvited", city, "deputy", phone="13900000005")
    make_deputy(city, "未邀请", "13900000005", user=user)
    refused(user, actions.checkin_code(activity), activity.pk, match="不在本次活动的邀请名单")


def test_staff_cannot_check_in_for_a_deputy(staff, activity):
    refused(staff, actions.checkin_code(activity), activity.pk, match="只有代表本人")
