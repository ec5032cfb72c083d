"""码上找代表 in the browser: a citizen on a 375-px phone scans a station's QR code, leaves a
message and gets a code; staff accept and transfer it; the unit answers; the citizen sees
the answer by code and rates it. The keeper records a reception and two deputies check in."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from renda.core.models import Organization, OrgKind, Role
from renda.deputies.models import Delegation
from renda.stations.models import Message, MessageStatus, ReceptionDeputy, Station, StationDeputy
from tests.conftest import PASSWORD, make_congress, make_deputy, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 780}
DESKTOP = {"width": 1280, "height": 900}
# The machine is shared with other test runs: give slow first requests time.
TIMEOUT_MS = 90_000


@pytest.fixture(autouse=True)
def _patient_expect():
    expect.set_options(timeout=30_000)
    yield
    expect.set_options(timeout=5_000)  # Playwright's default, for the other journeys


def sign_in(browser, live_server, username, viewport):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名或手机号").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="待我处理")).to_be_visible()
    return page


def fits(page, viewport) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def solve(page) -> str:
    label = page.locator("label[for=id_answer]").inner_text()
    a, rest = label.split("：", 1)[1].split(" 加 ")
    return str(int(a) + int(rest.split(" ")[0]))


def test_citizen_message_from_qr_to_rated_answer(live_server, browser, shot):
    city = make_congress("示例市人民代表大会", "330100")
    delegation = Delegation.objects.create(congress=city, name="东湖区代表团")
    unit = Organization.objects.create(congress=city, name="市城市管理局", kind=OrgKind.UNIT)
    d1_user = make_user("deputy1", city, Role.DEPUTY, phone="13900000001", full_name="王建国")
    d1 = make_deputy(city, "王建国", "13900000001", delegation, user=d1_user)
    d2_user = make_user("deputy2", city, Role.DEPUTY, phone="13900000002", full_name="李秀英")
    d2 = make_deputy(city, "李秀英", "13900000002", delegation, user=d2_user)
    make_user("staff", city, Role.STAFF, full_name="周晓")
    make_user("unit", city, Role.UNIT, unit, full_name="城管局经办人")
    keeper = make_user("keeper", city, Role.STATION_KEEPER, full_name="站长陈")
    station = Station.objects.create(congress=city, name="湖滨街道代表联络站", address="湖滨路1号",
                                     lat=30.013, lon=120.605, hours="工作日 9:00–17:00")
    station.keepers.add(keeper)
    StationDeputy.objects.create(station=station, deputy=d1, level_label="市人大代表")
    StationDeputy.objects.create(station=station, deputy=d2, level_label="区人大代表")

    # The QR image (PNG and the SVG drawn by the browser) decodes to the station's address.
    ctx = browser.new_context(viewport=PHONE, locale="zh-CN")
    ctx.set_default_timeout(TIMEOUT_MS)
    citizen = ctx.new_page()
    png = citizen.request.get(f"{live_server.url}/s/{station.pk}/qr.png", timeout=TIMEOUT_MS).body()
    address = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))[0].text
    assert urlsplit(address).path == f"/s/{station.pk}/"
    citizen.goto(address)
    expect(citizen.get_by_role("heading", name="湖滨街道代表联络站")).to_be_visible()
    svg_shot = citizen.get_by_alt_text("湖滨街道代表联络站的二维码，扫码打开本页").screenshot()
    assert zxingcpp.read_barcodes(Image.open(io.BytesIO(svg_shot)))[0].text == address
    assert fits(citizen, PHONE)
    shot(citizen, "stations-public-375")

    # The citizen leaves a message and gets a code.
    citizen.get_by_label("类别").select_option(label="城乡建设")
    citizen.get_by_label("留言内容").fill("湖滨路12号门口的路灯坏了两个月，晚上出行很危险，请尽快修复。")
    citizen.get_by_label("手机号（选填）").fill("13812345678")
    citizen.get_by_label("验证：").fill(solve(citizen))
    citizen.get_by_role("button", name="提交留言").click()
    expect(citizen.get_by_role("heading", name="留言已提交")).to_be_visible()
    code = citizen.locator("#code").inner_text()
    assert Message.objects.get(code=code).status == MessageStatus.RECEIVED
    shot(citizen, "stations-submitted-375")

    # Staff accept it and transfer it to the unit.
    staff = sign_in(browser, live_server, "staff", DESKTOP)
    staff.get_by_role("link", name="群众留言").first.click()
    staff.get_by_role("link", name=code).click()
    expect(staff.locator("#phone")).to_have_text("13812345678")
    staff.get_by_role("button", name="受理").click()
    expect(staff.locator("#status")).to_have_text("已受理")
    staff.get_by_label("承办单位").select_option(label="市城市管理局")
    staff.get_by_role("button", name="转办").click()
    expect(staff.locator("#status")).to_have_text("已转办")
    shot(staff, "stations-staff-message")

    # The unit answers.
    unit_page = sign_in(browser, live_server, "unit", DESKTOP)
    unit_page.get_by_role("link", name="转办留言", exact=True).click()
    unit_page.get_by_role("link", name=code, exact=False).click()
    unit_page.get_by_label("答复内容").fill("已安排维修人员于3日内更换湖滨路12号门口的路灯，感谢您的反映。")
    unit_page.get_by_role("button", name="提交答复").click()
    expect(unit_page.locator("#status")).to_have_text("已答复")

    # The citizen opens the status page by code, sees the answer and rates it.
    citizen.goto(f"{live_server.url}/track/")
    citizen.get_by_label("查询码").fill(code.lower())
    citizen.get_by_role("button", name="查询").click()
    expect(citizen.locator("#answer")).to_contain_text("已安排维修人员")
    assert "13812345678" not in citizen.content()
    assert fits(citizen, PHONE)
    shot(citizen, "stations-track-375")
    citizen.get_by_role("button", name="满意", exact=True).click()
    expect(citizen.locator("#rating")).to_have_text("满意")
    assert Message.objects.get(code=code).status == MessageStatus.CLOSED

    # The keeper records a reception on the phone; two deputies check in on theirs.
    kp = sign_in(browser, live_server, "keeper", PHONE)
    kp.get_by_role("link", name="联络站", exact=True).click()
    kp.get_by_role("link", name="记录接待").click()
    kp.get_by_label("王建国").check()
    kp.get_by_label("李秀英").check()
    kp.get_by_label("接待群众（人次）").fill("12")
    kp.get_by_label("问题1", exact=True).fill("希望在社区增设老年食堂，方便独居老人用餐。")
    assert fits(kp, PHONE)
    shot(kp, "stations-reception-form-375")
    kp.get_by_role("button", name="保存接待记录").click()
    expect(kp.get_by_text("接待记录已保存")).to_be_visible()
    for username in ("deputy1", "deputy2"):
        dp = sign_in(browser, live_server, username, PHONE)
        dp.goto(kp.url)
        dp.get_by_role("button", name="签到").click()
        expect(dp.locator("#checked")).to_be_visible()
        assert fits(dp, PHONE)
    shot(dp, "stations-checkin-375")
    assert ReceptionDeputy.objects.filter(checked_in_at__isnull=False).count() == 2
    assert Message.objects.filter(source="reception").count() == 1


def test_demo_station_pages_at_phone_and_desktop_size(live_server, browser, shot):
    """The demo's stations, as the public, the keeper and staff see them: every page fits a
    375-px screen and renders the demo's figures."""
    from renda.demo.build import load_demo
    from renda.demo.data import DEMO_PASSWORD

    assert load_demo(suggestions=False)
    station = Station.objects.order_by("id").first()

    public_ctx = browser.new_context(viewport=PHONE, locale="zh-CN")
    public_ctx.set_default_timeout(TIMEOUT_MS)
    public = public_ctx.new_page()
    public.goto(f"{live_server.url}/find/?place=湖滨街道")
    expect(public.get_by_role("heading", name="离湖滨街道最近的联络站")).to_be_visible()
    first = public.locator(".st-near li").first
    expect(first).to_contain_text("湖滨街道")
    assert fits(public, PHONE)
    shot(public, "stations-find-375")
    public.goto(f"{live_server.url}/s/{station.pk}/")
    expect(public.get_by_role("heading", name="近期接待日")).to_be_visible()
    assert fits(public, PHONE)

    def login(username, viewport):
        ctx = browser.new_context(viewport=viewport, locale="zh-CN")
        ctx.set_default_timeout(TIMEOUT_MS)
        page = ctx.new_page()
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("用户名或手机号").fill(username)
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("heading", name="待我处理")).to_be_visible()
        return page

    staff = login("staff", DESKTOP)
    expect(staff.get_by_text("条待受理")).to_be_visible()
    staff.goto(f"{live_server.url}/stations/figures/")
    expect(staff.locator("#total")).not_to_have_text("0")
    shot(staff, "stations-figures-desktop")
    staff.goto(f"{live_server.url}/stations/messages/?status=transferred")
    expect(staff.locator("tbody tr").first).to_contain_text("已转办")
    shot(staff, "stations-list-desktop")
    staff.goto(f"{live_server.url}/stations/")
    shot(staff, "stations-stations-desktop")

    for username in ("staff", "keeper", "unit"):
        page = login(username, PHONE)
        path = {"staff": "/stations/figures/", "keeper": "/stations/keeper/",
                "unit": "/stations/inbox/"}[username]
        page.goto(f"{live_server.url}{path}")
        assert fits(page, PHONE), username
        shot(page, f"stations-{username}-375")
