"""In-app notifications: one per user, read only by their owner, with an e-mail copy sent
once after the transaction commits."""

from __future__ import annotations

import pytest
from django.core import mail

from renda.core.models import Notification, Role
from renda.core.notify import notify
from renda.core.tasks import email_notifications
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(city):
    return make_user("reader", city, Role.STAFF, email="reader@example.org")


def test_notify_creates_one_unread_notification_per_user(staff, leader, city):
    created = notify([staff, leader], "新的代表建议待交办", body="请尽快处理。", congress=city)
    assert len(created) == 2
    for user in (staff, leader):
        note = Notification.objects.get(user=user)
        assert note.title == "新的代表建议待交办"
        assert note.congress == city
        assert note.read_at is None


def test_unread_count_shows_on_the_home_page(staff):
    notify([staff], "第一条")
    notify([staff], "第二条")
    html = client_for(staff).get("/").content.decode()
    assert 'aria-label="2 条未读"' in html
    assert "第一条" in html and "第二条" in html


def test_no_badge_without_unread_notifications(staff):
    html = client_for(staff).get("/").content.decode()
    assert "条未读" not in html
    assert "没有未读通知" in html


def test_owner_marks_a_notification_read(staff):
    [note] = notify([staff], "请阅")
    response = client_for(staff).post(f"/notifications/{note.pk}/read/")
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None
    assert "条未读" not in client_for(staff).get("/").content.decode()


def test_marking_read_follows_the_notification_link(staff):
    [note] = notify([staff], "请看名册", url="/deputies/")
    response = client_for(staff).post(f"/notifications/{note.pk}/read/")
    assert response.url == "/deputies/"


def test_link_to_another_site_is_not_followed(staff):
    [note] = notify([staff], "可疑链接", url="https://evil.example.com/")
    response = client_for(staff).post(f"/notifications/{note.pk}/read/")
    assert response.url == "/notifications/"


def test_another_users_notification_cannot_be_marked_read(staff, leader):
    [note] = notify([staff], "只给工作人员")
    response = client_for(leader).post(f"/notifications/{note.pk}/read/")
    assert response.status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_user_of_another_congress_cannot_mark_ours_read(staff, outsider):
    [note] = notify([staff], "本市通知")
    assert client_for(outsider).post(f"/notifications/{note.pk}/read/").status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_marking_read_needs_post(staff):
    [note] = notify([staff], "请阅")
    assert client_for(staff).get(f"/notifications/{note.pk}/read/").status_code == 405
    note.refresh_from_db()
    assert note.read_at is None


def test_read_all_marks_only_ones_own(staff, leader):
    notify([staff, leader], "全体通知")
    client_for(staff).post("/notifications/read-all/")
    assert not Notification.objects.filter(user=staff).unread().exists()
    assert Notification.objects.filter(user=leader).unread().count() == 1


def test_notifications_page_lists_only_ones_own(staff, leader):
    notify([staff], "给工作人员")
    notify([leader], "给主任会议成员")
    titles = [n.title for n in client_for(staff).get("/notifications/").context["page"]]
    assert titles == ["给工作人员"]


def test_email_copy_is_sent_after_commit(reader, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [note] = notify([reader], "建议已交办", body="请查看。", url="/deputies/")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reader@example.org"]
    assert message.subject == "【数字人大】建议已交办"
    assert "/deputies/" in message.body
    note.refresh_from_db()
    assert note.emailed_at is not None


def test_no_email_before_the_transaction_commits(reader, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify([reader], "尚未提交")
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_email_is_sent_only_once_even_if_the_task_runs_twice(
        reader, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [note] = notify([reader], "只发一次")
    assert email_notifications.call([note.pk]) == 0
    email_notifications.enqueue([note.pk])
    assert len(mail.outbox) == 1


def test_user_without_email_gets_no_mail(staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify([staff], "仅站内")
    assert callbacks == []
    assert mail.outbox == []
