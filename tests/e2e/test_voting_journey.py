"""The project vote in the browser: staff open the vote, a deputy votes on a 375-px phone
(vote → confirm → receipt with the tracker), staff close it, the results and hall pages
show the elected projects and the public tracker page confirms the ballot."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from renda.core.models import Role
from renda.deputies.models import Delegation
from renda.voting import actions
from renda.voting.models import Ballot, Receipt, Round
from tests.conftest import PASSWORD, make_congress, make_deputy, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 780}
DESKTOP = {"width": 1280, "height": 900}
TITLES = ["老旧小区加装电梯", "社区嵌入式养老服务中心", "中小学课后服务", "农贸市场改造提升",
          "城市口袋公园", "公交线网优化", "社区卫生服务站", "农村饮水安全", "背街小巷整治",
          "停车泊位增设", "残疾人无障碍改造", "智慧助餐点"]


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


def test_vote_from_opening_to_results(live_server, browser, shot):
    city = make_congress("示例市人民代表大会", "330100")
    delegation = Delegation.objects.create(congress=city, name="东湖区代表团")
    staff_user = make_user("staff", city, Role.STAFF, full_name="周晓")
    deputy_user = make_user("deputy", city, Role.DEPUTY, phone="13900000001", full_name="李明华")
    make_deputy(city, "李明华", "13900000001", delegation, user=deputy_user)
    others = []
    for i in range(2):
        u = make_user(f"dep{i}", city, Role.DEPUTY, phone=f"1390000010{i}")
        make_deputy(city, f"代表{i}", f"1390000010{i}", delegation, user=u)
        others.append(u)
    r = actions.create_round(staff_user, city, year=2026, title="2026年民生实事项目票决", seats=10)
    for i, t in enumerate(TITLES):
        actions.add_candidate(staff_user, r, title=t, description=f"{t}的实施内容和目标。",
                              budget=200 + 10 * i)
    actions.move(staff_user, r, "screening")
    actions.fix_candidates(staff_user, r)

    # Staff open the vote.
    staff = sign_in(browser, live_server, "staff", DESKTOP)
    staff.goto(f"{live_server.url}/voting/{r.pk}/")
    staff.get_by_role("button", name="开始投票").click()
    expect(staff.get_by_text("投票已开始。")).to_be_visible()
    expect(staff.get_by_text(re.compile(r"应到 3 人"))).to_be_visible()
    shot(staff, "voting-staff-open")

    # A deputy votes on the phone: the home card leads to the ballot.
    deputy = sign_in(browser, live_server, "deputy", PHONE)
    deputy.get_by_role("link", name=re.compile("去投票")).click()
    expect(deputy.get_by_text("赞成最多 10 个")).to_be_visible()
    legends = deputy.locator("fieldset.vt-cand")
    assert legends.count() == 12
    for i in range(12):
        label = "赞成" if i < 11 else "弃权"  # eleven 赞成: one too many
        legends.nth(i).get_by_text(label, exact=True).click()
    assert fits(deputy, PHONE)
    shot(deputy, "voting-phone-ballot")
    deputy.get_by_role("button", name="下一步：核对").click()
    expect(deputy.get_by_text("赞成票最多 10 个，您选了 11 个。")).to_be_visible()
    legends.nth(10).get_by_text("反对", exact=True).click()
    deputy.get_by_role("button", name="下一步：核对").click()
    expect(deputy.get_by_role("heading", name="请核对您的选票")).to_be_visible()
    expect(deputy.get_by_text("您选了 10 个赞成")).to_be_visible()
    assert fits(deputy, PHONE)
    shot(deputy, "voting-phone-confirm")
    assert not Receipt.objects.exists()
    deputy.get_by_role("button", name="确认投票").click()
    expect(deputy.get_by_role("heading", name="✓ 投票成功")).to_be_visible()
    tracker = deputy.locator("#tracker").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){3}", tracker)
    assert fits(deputy, PHONE)
    shot(deputy, "voting-phone-receipt")
    assert Receipt.objects.count() == 1 and Ballot.objects.count() == 1
    deputy.goto(f"{live_server.url}/voting/{r.pk}/vote/")
    expect(deputy.get_by_text("您已经投过票。")).to_be_visible()
    assert tracker not in deputy.content()

    # Results are refused while voting, for staff too.
    resp = staff.goto(f"{live_server.url}/voting/{r.pk}/results/")
    assert resp.status == 403
    staff.goto(f"{live_server.url}/voting/{r.pk}/hall/")
    expect(staff.get_by_text("投票进行中")).to_be_visible()
    expect(staff.locator("#voted")).to_have_text("1")

    # Two more deputies vote through the actions; staff close the vote.
    for u in others:
        actions.cast(u, r.pk, {str(c): "yes" if i < 10 else "no"
                               for i, c in enumerate(r.candidates.values_list("id", flat=True))})
    staff.goto(f"{live_server.url}/voting/{r.pk}/")
    staff.get_by_role("button", name="结束投票并计票").click()
    expect(staff.get_by_role("heading", name=re.compile("计票结果"))).to_be_visible()
    expect(staff.get_by_role("heading", name="当选项目（10 个）")).to_be_visible()
    expect(staff.locator(".vt-elected")).to_contain_text("老旧小区加装电梯")
    shot(staff, "voting-staff-results")
    assert Round.objects.get(pk=r.pk).status == "tallied"

    # The hall screen shows the elected projects (and refreshes by itself).
    staff.goto(f"{live_server.url}/voting/{r.pk}/hall/")
    expect(staff.locator("#elected li")).to_have_count(10)
    expect(staff.locator("#elected")).to_contain_text("老旧小区加装电梯")
    assert staff.locator('meta[http-equiv="refresh"]').count() == 1
    shot(staff, "voting-hall")

    # The public tracker page, on the phone, confirms the ballot without its content.
    deputy.goto(f"{live_server.url}/public/voting/tracker/")
    deputy.get_by_label("选票核对码").fill(tracker.lower())
    deputy.get_by_role("button", name="核对").click()
    expect(deputy.locator("#result")).to_contain_text("已计入")
    assert "赞成" not in deputy.locator("#result").inner_text()
    assert fits(deputy, PHONE)
    shot(deputy, "voting-phone-tracker")
