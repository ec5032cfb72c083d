"""智能辅助 in the browser: writing hints and similar suggestions in the deputy's form on a
375-px phone, and the routing proposal pre-selected in the staff's assign form."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from renda.assist.models import KeywordRule
from renda.core.models import Organization, OrgKind, Role
from renda.deputies.models import Delegation
from renda.suggestions.models import Status, Suggestion
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


def test_hints_and_similar_in_deputy_form_and_proposal_in_assign_form(live_server, browser, shot):
    city = make_congress("示例市人民代表大会", "330100")
    delegation = Delegation.objects.create(congress=city, name="东湖区代表团")
    transport = Organization.objects.create(congress=city, name="市交通运输局", kind=OrgKind.UNIT)
    Organization.objects.create(congress=city, name="市教育局", kind=OrgKind.UNIT)
    KeywordRule.objects.create(congress=city, unit=transport, keywords="公交 地铁 停车")
    deputy_user = make_user("deputy", city, Role.DEPUTY, phone="13900000001", full_name="李明华")
    me = make_deputy(city, "李明华", "13900000001", delegation, user=deputy_user)
    other = make_deputy(city, "王芳", "13900000002", delegation)
    staff = make_user("staff", city, Role.STAFF, full_name="周晓")
    now = timezone.now()
    Suggestion.objects.create(
        congress=city, term=city.current_term(), lead_deputy=other, created_by=staff,
        title="关于增开北山镇公交线路的建议", problem="北山镇居民出行不便，公交线路少，高峰期等车时间长。",
        status=Status.CLOSED, registered_at=now, published_at=now, number="十六届〔2026〕第0007号")

    # The deputy writes on the phone: hints and a similar published suggestion appear.
    page = sign_in(browser, live_server, "deputy", PHONE)
    page.goto(f"{live_server.url}/suggestions/new/")
    page.get_by_label("标题").fill("关于增开北山镇公交线路的建议")
    page.get_by_label("问题").fill("北山镇居民出行很不方便，公交线路太少，高峰期等车时间长。")
    panel = page.locator("#assist-panel")
    expect(panel.get_by_role("heading", name="写作提示")).to_be_visible()
    expect(panel.get_by_text("缺少“分析”")).to_be_visible()
    expect(panel.get_by_text("缺少“对策”")).to_be_visible()
    expect(panel.get_by_text("关于增开北山镇公交线路的建议（十六届〔2026〕第0007号）")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "assist-deputy-hints-375")

    # More writing updates the hints; the panel never stops saving.
    page.get_by_label("分析").fill("新建小区入住快，公交线网规划滞后，站点覆盖不足，财政补贴没有跟上。")
    page.get_by_label("对策").fill("建议市交通运输局年内新增1条连接地铁站的社区公交线路，并增设站点。")
    expect(panel.get_by_text("已写明分析。")).to_be_visible()
    expect(panel.get_by_text("缺少“分析”")).to_have_count(0)
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("草稿已保存。")).to_be_visible()
    draft = Suggestion.objects.get(lead_deputy=me)
    assert draft.status == Status.DRAFT

    # Staff: the routing proposal is pre-selected in the assign form; nothing is assigned.
    draft.status = Status.REGISTERED
    draft.registered_at = now
    draft.save()
    desk = sign_in(browser, live_server, "staff", DESKTOP)
    desk.goto(f"{live_server.url}/suggestions/{draft.pk}/")
    expect(desk.get_by_text("推荐承办单位")).to_be_visible()
    expect(desk.locator("#id_lead")).to_have_value(str(transport.pk))
    assert not draft.assignments.exists()
    shot(desk, "assist-staff-proposal-desktop")
    # staff overrides the proposal; the choice stays, and only the 交办 button assigns
    education = Organization.objects.get(name="市教育局")
    desk.get_by_label("主办单位").select_option(label="市教育局")
    desk.get_by_role("button", name="采用推荐：市交通运输局").click()
    expect(desk.locator("#id_lead")).to_have_value(str(transport.pk))
    desk.get_by_label("主办单位").select_option(label="市教育局")
    assert not draft.assignments.exists()
    desk.get_by_role("button", name="交办", exact=True).click()
    expect(desk.get_by_text("已交办。")).to_be_visible()
    assert [a.unit_id for a in draft.assignments.all()] == [education.pk]

    # Staff: the assist page with the cold-start rules; a rule edited in the browser.
    desk.get_by_role("link", name="智能辅助").click()
    expect(desk.get_by_role("heading", name="关键词规则（冷启动）")).to_be_visible()
    desk.get_by_label("市教育局").fill("学校 幼儿园 学位")
    desk.get_by_role("button", name="保存规则").click()
    expect(desk.get_by_text("已保存 1 个单位的关键词规则。")).to_be_visible()
    assert KeywordRule.objects.get(unit__name="市教育局").keywords == "学校 幼儿园 学位"
    shot(desk, "assist-staff-page-desktop")
