"""A suggestion's whole life in the browser: the deputy on a 375-px phone, staff and the
units at desktop size, until the figures page counts it as closed and satisfied."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from renda.core.models import Organization, OrgKind, Role, Session
from renda.deputies.models import Delegation
from renda.suggestions.models import Category, Status, Suggestion
from tests.conftest import PASSWORD, make_congress, make_deputy, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 780}
DESKTOP = {"width": 1280, "height": 900}


def sign_in(browser, live_server, username, viewport):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名或手机号").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="待我处理")).to_be_visible()
    return page


def fits(page, viewport) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def test_suggestion_from_phone_to_closed(live_server, browser, shot):
    city = make_congress("示例市人民代表大会", "330100")
    today = timezone.localdate()
    Session.objects.create(term=city.current_term(), number=2, start_date=today - timedelta(1),
                           end_date=today + timedelta(3))
    delegation = Delegation.objects.create(congress=city, name="东湖区代表团")
    committee = Organization.objects.create(congress=city, name="城乡建设环境保护委员会",
                                            kind=OrgKind.SPECIAL_COMMITTEE)
    Category.objects.create(congress=city, name="城乡建设", committee=committee)
    lead_unit = Organization.objects.create(congress=city, name="市住房和城乡建设局",
                                            kind=OrgKind.UNIT)
    co_unit = Organization.objects.create(congress=city, name="市交通运输局", kind=OrgKind.UNIT)
    deputy_user = make_user("deputy", city, Role.DEPUTY, phone="13900000001",
                            full_name="李明华")
    make_deputy(city, "李明华", "13900000001", delegation, user=deputy_user)
    make_user("staff", city, Role.STAFF, full_name="周晓")
    make_user("unit", city, Role.UNIT, lead_unit, full_name="住建局经办人")
    make_user("unit2", city, Role.UNIT, co_unit, full_name="交通局经办人")
    make_user("leader", city, Role.LEADER, full_name="主任")

    # The deputy writes on the phone.
    deputy = sign_in(browser, live_server, "deputy", PHONE)
    deputy.get_by_role("link", name="我的建议").click()
    deputy.get_by_role("link", name="＋ 写建议").click()
    deputy.get_by_label("标题").fill("关于老旧小区加装电梯的建议")
    deputy.get_by_label("领域").select_option(label="城乡建设")
    deputy.get_by_label("问题").fill("东湖区老旧小区多为六层住宅，老年人上下楼十分困难。")
    deputy.get_by_label("分析").fill("加装电梯涉及低层住户利益，协调难、资金难。")
    deputy.get_by_label("对策").fill("建议出台补贴办法，简化审批，建立低层住户补偿机制。")
    shot(deputy, "suggestion-phone-write")
    assert fits(deputy, PHONE)
    deputy.get_by_role("button", name="提交").click()
    expect(deputy.get_by_text("建议已提交")).to_be_visible()
    expect(deputy.locator(".s-meta").get_by_text("已提交")).to_be_visible()
    shot(deputy, "suggestion-phone-submitted")
    s = Suggestion.objects.get()

    # Staff register and assign to a lead unit and a co-unit.
    staff = sign_in(browser, live_server, "staff", DESKTOP)
    staff.goto(f"{live_server.url}/suggestions/review/")
    staff.get_by_role("link", name="关于老旧小区加装电梯的建议").click()
    staff.get_by_role("button", name="立案并编号").click()
    expect(staff.get_by_text("已立案。")).to_be_visible()
    staff.get_by_label("主办单位").select_option(label="市住房和城乡建设局")
    staff.get_by_label("会办单位").select_option(label="市交通运输局")
    staff.get_by_role("button", name="交办", exact=True).click()
    expect(staff.get_by_text("已交办。")).to_be_visible()
    shot(staff, "suggestion-staff-assigned")

    # The co-unit sends its view to the lead unit.
    unit2 = sign_in(browser, live_server, "unit2", DESKTOP)
    unit2.get_by_role("link", name="承办件").click()
    unit2.get_by_role("link", name="关于老旧小区加装电梯的建议").click()
    unit2.get_by_label("会办意见").fill("我局同意主办单位意见，施工期间配合做好交通组织。")
    unit2.get_by_role("button", name="送主办单位").click()
    expect(unit2.get_by_text("会办意见已送主办单位。")).to_be_visible()

    # The lead unit accepts, records three contacts and replies B with two commitments.
    unit = sign_in(browser, live_server, "unit", DESKTOP)
    unit.get_by_role("link", name="承办件").click()
    unit.get_by_role("link", name="关于老旧小区加装电梯的建议").click()
    unit.get_by_role("button", name="签收并开始办理").click()
    expect(unit.get_by_text("我局同意主办单位意见")).to_be_visible()
    for stage in ("办前", "办中", "办后"):
        unit.get_by_text("记录一次沟通").click()
        unit.get_by_label("阶段").select_option(label=stage)
        unit.get_by_label("方式").select_option(label="电话")
        unit.get_by_label("沟通情况").fill(f"{stage}与代表电话沟通，听取意见。")
        unit.get_by_role("button", name="保存").click()
        expect(unit.get_by_text("沟通记录已保存。")).to_be_visible()
    due = (timezone.localdate() + timedelta(days=120)).isoformat()
    unit.get_by_label("答复类别").select_option("B")
    unit.get_by_label("答复内容").fill("该建议已列入明年民生实事，我局将分两批推进加装电梯并出台补贴办法。")
    unit.get_by_label("承诺事项1").fill("完成首批50台电梯加装")
    unit.get_by_label("完成时间1").fill(due)
    unit.get_by_label("承诺事项2").fill("出台加装电梯补贴办法")
    unit.get_by_label("完成时间2").fill(due)
    unit.get_by_role("button", name="提交答复").click()
    expect(unit.get_by_text("答复已提交。")).to_be_visible()
    shot(unit, "suggestion-unit-replied")

    # The deputy is not satisfied.
    deputy.goto(f"{live_server.url}/suggestions/{s.pk}/")
    expect(deputy.get_by_role("heading", name="请评价办理结果")).to_be_visible()
    shot(deputy, "suggestion-phone-evaluate")
    assert fits(deputy, PHONE)
    deputy.get_by_label("意见（不满意时必填）").fill("进度太慢，希望今年就启动首批。")
    deputy.get_by_role("button", name="不满意", exact=True).click()
    expect(deputy.get_by_text("感谢您的评价。")).to_be_visible()
    assert Suggestion.objects.get().status == Status.REHANDLING

    # The lead unit handles it again and replies A.
    unit.reload()
    unit.get_by_label("答复类别").select_option("A")
    unit.get_by_label("答复内容").fill("经再次研究，首批50台电梯已于本月开工，补贴办法已印发实施。")
    unit.get_by_role("button", name="提交答复").click()
    expect(unit.get_by_text("答复已提交。")).to_be_visible()

    # The deputy is satisfied.
    deputy.reload()
    deputy.get_by_role("button", name="满意", exact=True).click()
    expect(deputy.get_by_text("感谢您的评价。")).to_be_visible()
    s.refresh_from_db()
    assert s.status in (Status.CLOSED, Status.TRACKING)
    shot(deputy, "suggestion-phone-done")

    # The figures page counts it.
    leader = sign_in(browser, live_server, "leader", DESKTOP)
    leader.goto(f"{live_server.url}/figures/suggestions/")
    rate = leader.locator(".stat").filter(has=leader.locator(".stat-title", has_text="满意率"))
    expect(rate.locator(".stat-value")).to_contain_text("100")
    shot(leader, "suggestion-figures")
    for page in (deputy, staff, unit, unit2, leader):
        page.context.close()
