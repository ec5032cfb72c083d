"""A deputy on a 375-px phone checks in to an activity by its QR link → the record shows in
the archive → the deputy self-reports a record → staff verify it on a desktop → the
deputy's score changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from renda.archive import actions
from renda.core.models import Role
from tests.conftest import PASSWORD, make_congress, make_deputy, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def login(page, base, username):
    page.goto(f"{base}/login/")
    page.get_by_label("用户名或手机号").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="您好")).to_be_visible()


def watch(page):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
            if r.status >= 500 else None)
    return errors


def test_checkin_self_report_verify_changes_the_score(live_server, browser, shot):
    city = make_congress("示例市人民代表大会", "330100")
    staff = make_user("staff", city, Role.STAFF, full_name="周晓")
    user = make_user("deputy", city, Role.DEPUTY, phone="13900000001", full_name="王建国")
    deputy = make_deputy(city, "王建国", "13900000001", user=user)
    start = timezone.now() - timedelta(minutes=20)
    activity = actions.create_activity(staff, city, actions.ActivityData(
        kind="inspection", title="城市更新项目视察", organiser="市人大常委会代表工作委员会",
        place="示例市城市规划展览馆", starts_at=start, ends_at=start + timedelta(hours=2)),
        [deputy.pk])

    # Staff open the activity and put up its QR code.
    desk = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    sp = desk.new_page()
    staff_errors = watch(sp)
    login(sp, live_server.url, "staff")
    sp.goto(f"{live_server.url}/archive/activities/{activity.pk}/")
    expect(sp.get_by_role("heading", name="现场签到二维码")).to_be_visible()
    expect(sp.locator(".ar-qr-img svg")).to_be_visible()
    shot(sp, "archive-desktop-activity-qr")
    qr_url = sp.get_by_test_id("qr-link").get_attribute("href")
    assert "/archive/checkin/?code=" in qr_url

    # The deputy's phone opens the QR link and checks in.
    phone = browser.new_context(viewport=PHONE, locale="zh-CN")
    pp = phone.new_page()
    phone_errors = watch(pp)
    login(pp, live_server.url, "deputy")
    shot(pp, "archive-phone-home")
    pp.goto(qr_url)
    expect(pp.get_by_text("城市更新项目视察")).to_be_visible()
    shot(pp, "archive-phone-checkin")
    pp.get_by_role("button", name="确认签到").click()
    expect(pp.get_by_text("签到成功：城市更新项目视察")).to_be_visible()
    expect(pp.get_by_role("heading", name="我的履职档案")).to_be_visible()
    expect(pp.locator(".ar-record").filter(has_text="视察：城市更新项目视察")).to_be_visible()
    expect(pp.get_by_test_id("score")).to_have_text("3")
    shot(pp, "archive-phone-archive-after-checkin")

    # The deputy reports a duty of their own.
    pp.get_by_role("link", name="＋ 填报履职").click()
    pp.get_by_label("类别").select_option(label="法治宣传")
    pp.get_by_label("事项").fill("在东城社区开展民法典宣传讲座")
    pp.get_by_label("情况说明").fill("听众约60人。")
    shot(pp, "archive-phone-self-report")
    pp.get_by_role("button", name="提交核实").click()
    expect(pp.get_by_text("已提交，工作人员核实后计入积分。")).to_be_visible()
    expect(pp.get_by_text("另有 1 条填报待核实")).to_be_visible()
    expect(pp.get_by_test_id("score")).to_have_text("3")
    assert pp.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Staff verify it.
    sp.goto(f"{live_server.url}/")
    sp.get_by_role("link", name="待核实履职记录").click()
    card = sp.locator(".ar-record").filter(has_text="民法典宣传讲座")
    expect(card).to_be_visible()
    shot(sp, "archive-desktop-verify")
    card.get_by_role("button", name="核实通过").click()
    expect(sp.get_by_text("已核实")).to_be_visible()

    # The score changed on the phone.
    pp.reload()
    expect(pp.get_by_test_id("score")).to_have_text("5")
    expect(pp.locator(".ar-record").filter(has_text="民法典宣传讲座")).to_contain_text("已核实")
    shot(pp, "archive-phone-archive-after-verify")
    assert pp.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert staff_errors == [] and phone_errors == []
    desk.close()
    phone.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_staff_archive_pages_fit_the_screen(live_server, browser, shot, size):
    from datetime import date

    from renda.archive import capture
    from renda.archive.models import RecordKind
    from renda.deputies.models import Delegation

    city = make_congress("示例市人民代表大会", "330100")
    make_user("staff", city, Role.STAFF, full_name="周晓")
    delegation = Delegation.objects.create(congress=city, name="东城区代表团")
    year = timezone.localdate().year
    for i, name in enumerate(["王建国", "李秀英", "欧阳明远", "张伟"]):
        d = make_deputy(city, name, f"1390000001{i}", delegation)
        for k, kind in enumerate([RecordKind.SESSION, RecordKind.RECEPTION, RecordKind.TRAINING]
                                 [: i + 1]):
            capture.record(d, kind, f"e2e:{i}:{k}", date(year, 3, 1), congress=city)
    viewport = DESKTOP if size == "desktop" else PHONE
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    errors = watch(page)
    login(page, live_server.url, "staff")
    for path, heading in [("/archive/table/", f"{year} 年度履职统计"),
                          ("/archive/figures/", f"{year} 年履职统计图表"),
                          ("/archive/rules/", f"{year} 年积分规则"),
                          ("/archive/activities/new/", "新建活动")]:
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        shot(page, f"archive-{size}-{path.strip('/').replace('/', '-')}")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], path
    expect(page.get_by_label("活动名称")).to_be_visible()
    assert errors == []
    context.close()
