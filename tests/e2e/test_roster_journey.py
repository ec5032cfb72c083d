"""Staff signs in, imports a roster file, finds a deputy and opens the detail page —
at desktop size and on a 375-px phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from renda.core.models import Role
from renda.deputies.models import Delegation, DeputyGroup, GroupKind
from tests.conftest import PASSWORD, make_congress, make_user
from tests.deputies.helpers import people, roster_file

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_staff_imports_a_roster_and_opens_a_deputy(live_server, browser, tmp_path, shot, size):
    city = make_congress("示例市人民代表大会", "330100")
    Delegation.objects.create(congress=city, name="东城区代表团")
    DeputyGroup.objects.create(congress=city, name="医疗卫生行业代表小组",
                               kind=GroupKind.INDUSTRY)
    make_user("staff", city, Role.STAFF, full_name="周晓")
    rows = people(8)
    rows[4]["姓名"] = "欧阳明远"
    rows[4]["工作单位"] = "示例市港务集团有限公司"
    path = tmp_path / "名册.xlsx"
    path.write_bytes(roster_file(rows).getvalue())

    context = browser.new_context(viewport=VIEWPORTS[size], locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    page.goto(f"{live_server.url}/login/")
    shot(page, f"{size}-login")
    page.get_by_label("用户名或手机号").fill("staff")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="您好，周晓")).to_be_visible()
    shot(page, f"{size}-home")

    page.get_by_role("link", name="名册导入").click()
    page.get_by_label("名册文件（.xlsx）").set_input_files(str(path))
    page.get_by_role("button", name="开始导入").click()
    expect(page.get_by_text("导入完成：新增 8 名")).to_be_visible()
    expect(page.locator("progress")).to_have_attribute("value", "100")
    shot(page, f"{size}-import-done")

    page.get_by_role("link", name="查看代表名册").click()
    expect(page.get_by_text("共 8 名代表")).to_be_visible()
    page.get_by_label("姓名或单位").fill("港务")
    expect(page.get_by_text("共 1 名代表")).to_be_visible()
    assert "q=%E6%B8%AF%E5%8A%A1" in page.url  # the search is in the address, shareable
    shot(page, f"{size}-roster-search")

    page.get_by_role("link", name="欧阳明远").click()
    expect(page.get_by_role("heading", name="欧阳明远")).to_be_visible()
    expect(page.get_by_text("示例市人民代表大会第十六届代表")).to_be_visible()
    expect(page.get_by_text(rows[4]["手机号"])).to_be_visible()
    shot(page, f"{size}-deputy-detail")
    assert re.search(r"/deputies/\d+/$", page.url)
    # Nothing is wider than the screen on a phone.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS[size]["width"]
    assert errors == []
    context.close()
