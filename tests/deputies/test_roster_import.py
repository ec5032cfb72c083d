"""Importing the roster: every bad row and cell is reported, nothing is saved half-way,
re-importing updates instead of duplicating, and imported accounts must change password."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from renda.core.models import AuditEvent, Role, RoleAssignment, User
from renda.deputies.models import Deputy, GroupMembership, Mandate
from renda.deputies.roster import RosterError, import_roster, template_workbook

from .helpers import people, person, roster_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster_setup(city, delegation, group, staff):
    return city


def test_good_file_imports_every_row_with_accounts_roles_and_groups(roster_setup, staff):
    result = import_roster(roster_file(people(5)), roster_setup, staff)
    assert result.imported and result.errors == []
    assert (result.created, result.updated) == (5, 0)
    assert Mandate.objects.filter(congress=roster_setup).count() == 5
    deputy = Deputy.objects.get(phone="13800000001")
    assert deputy.gender == "F" and deputy.birth_date == date(1978, 5, 6)
    mandate = deputy.mandates.get()
    assert mandate.delegation.name == "东城区代表团"
    assert mandate.start_date == roster_setup.current_term().start_date
    assert GroupMembership.objects.filter(mandate=mandate).count() == 1
    account = deputy.user
    assert account.username == "13800000001" and account.must_change_password
    assert not account.has_usable_password()
    assert RoleAssignment.objects.filter(user=account, congress=roster_setup,
                                         role=Role.DEPUTY).exists()
    event = AuditEvent.objects.get(action="deputies.roster_imported")
    assert event.summary["created"] == 5 and event.actor == staff


def test_file_with_three_bad_rows_lists_exactly_those_rows_and_imports_nothing(roster_setup):
    rows = people(10)
    rows[2]["手机号"] = "12345"                      # row 4
    rows[5]["性别"] = "未知"                         # row 7
    rows[8]["出生日期"] = "明年"                      # row 10
    result = import_roster(roster_file(rows), roster_setup, None)
    assert not result.imported
    assert sorted({e.row for e in result.errors}) == [4, 7, 10]
    by_row = {e.row: e for e in result.errors}
    assert by_row[4].column == "手机号" and "11位" in by_row[4].message
    assert by_row[7].column == "性别"
    assert by_row[10].column == "出生日期" and "不是日期" in by_row[10].message
    assert Deputy.objects.count() == 0 and User.objects.filter(
        username__startswith="1380000").count() == 0
    assert not AuditEvent.objects.filter(action="deputies.roster_imported").exists()


def test_partial_import_saves_good_rows_and_reports_bad_ones(roster_setup):
    rows = people(4)
    rows[1]["姓名"] = ""
    result = import_roster(roster_file(rows), roster_setup, None, allow_partial=True)
    assert result.imported and result.created == 3
    assert [(e.row, e.column, e.message) for e in result.errors] == [(3, "姓名", "必填")]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("姓名", "", "必填"),
    ("姓名", "<script>alert(1)</script>", "不像姓名"),
    ("性别", "", "必填"),
    ("民族", "火星", "不是民族名称"),
    ("出生日期", "2020-01-01", "年满18周岁"),
    ("出生日期", "1980-13-40", "不是日期"),
    ("党派", "共和党", "不是可选的党派"),
    ("学历", "幼儿园", "不是可选的学历"),
    ("手机号", "", "必填"),
    ("手机号", "1380000000", "不是11位手机号"),
    ("代表团", "不存在代表团", "本届没有"),
    ("代表小组", "不存在小组", "没有代表小组"),
    ("简介", "长" * 2001, "最长2000个字"),
])
def test_each_bad_cell_is_named_with_a_chinese_message(roster_setup, field, value, message):
    result = import_roster(roster_file([person(**{field: value})]), roster_setup, None)
    assert not result.imported
    assert len(result.errors) == 1
    error = result.errors[0]
    assert (error.row, error.column) == (2, field)
    assert message in error.message
    assert Deputy.objects.count() == 0


def test_duplicate_phone_within_file_names_both_rows(roster_setup):
    rows = people(3)
    rows[2]["手机号"] = rows[0]["手机号"]
    result = import_roster(roster_file(rows), roster_setup, None)
    assert not result.imported
    assert [(e.row, e.column) for e in result.errors] == [(4, "手机号")]
    assert "第2行" in result.errors[0].message


def test_phone_of_another_person_in_database_is_refused(roster_setup):
    import_roster(roster_file([person()]), roster_setup, None)
    result = import_roster(roster_file([person(姓名="李四")]), roster_setup, None)
    assert not result.imported
    assert "已登记为代表“陈晓梅”" in result.errors[0].message
    assert Deputy.objects.get().name == "陈晓梅"


def test_reimporting_the_same_people_updates_instead_of_duplicating(roster_setup):
    import_roster(roster_file(people(3)), roster_setup, None)
    rows = people(3)
    rows[0]["职务"] = "院长"
    rows[0]["选区"] = "第九选区"
    result = import_roster(roster_file(rows), roster_setup, None)
    assert result.imported and (result.created, result.updated) == (0, 3)
    assert Deputy.objects.count() == 3 and Mandate.objects.count() == 3
    assert User.objects.filter(username__startswith="1380000").count() == 3
    deputy = Deputy.objects.get(phone="13800000001")
    assert deputy.title == "院长" and deputy.mandates.get().constituency == "第九选区"
    assert GroupMembership.objects.count() == 3


def test_same_person_at_two_levels_gets_a_second_mandate(roster_setup):
    from tests.conftest import make_congress

    county = make_congress("示例市东湖区人民代表大会", "330102", level="county",
                           parent=roster_setup)
    import_roster(roster_file([person()]), roster_setup, None)
    result = import_roster(roster_file([person(代表团="", 代表小组="")]), county, None)
    assert result.imported and result.created == 1
    deputy = Deputy.objects.get()
    assert deputy.mandates.count() == 2
    assert User.objects.filter(phone=deputy.phone).count() == 1


def test_missing_required_column_rejects_the_file(roster_setup):
    headers = [h for h in HEADERS_WITHOUT("手机号")]
    with pytest.raises(RosterError, match="缺少必填列“手机号”"):
        import_roster(roster_file([person()], headers=headers), roster_setup, None)


def HEADERS_WITHOUT(name: str) -> list[str]:
    from renda.deputies.roster import HEADERS

    return [h for h in HEADERS if h != name]


def test_a_file_that_is_not_excel_is_rejected(roster_setup):
    from io import BytesIO

    with pytest.raises(RosterError, match="无法读取文件"):
        import_roster(BytesIO(b"name,phone\n"), roster_setup, None)


def test_excel_dates_and_numeric_phones_are_accepted(roster_setup):
    from datetime import datetime

    row = person(出生日期=datetime(1970, 1, 2), 手机号=13800000077, 当选日期="2023年3月")
    result = import_roster(roster_file([row]), roster_setup, None)
    assert result.imported
    deputy = Deputy.objects.get(phone="13800000077")
    assert deputy.birth_date == date(1970, 1, 2)
    assert deputy.mandates.get().start_date == date(2023, 3, 1)


def test_template_has_the_headers_and_the_congress_delegations(roster_setup):
    from io import BytesIO

    wb = load_workbook(BytesIO(template_workbook(roster_setup)))
    ws = wb["代表名册"]
    from renda.deputies.roster import HEADERS

    assert [c.value for c in ws[1]] == HEADERS
    assert "东城区代表团" in [c.value for c in wb["选项"]["D"]]


def test_cli_imports_and_writes_a_password_sheet(roster_setup, tmp_path):
    path = tmp_path / "r.xlsx"
    path.write_bytes(roster_file(people(2)).getvalue())
    out = tmp_path / "pw.xlsx"
    call_command("import_deputies", str(path), congress=roster_setup.pk, passwords=str(out),
                 no_progress=True)
    assert Deputy.objects.count() == 2
    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 2
    _name, login, password = rows[0][:3]
    user = User.objects.get(username=login)
    assert user.check_password(password) and user.must_change_password


def test_cli_refuses_a_bad_file_and_imports_nothing(roster_setup, tmp_path):
    rows = people(2)
    rows[1]["性别"] = "x"
    path = tmp_path / "r.xlsx"
    path.write_bytes(roster_file(rows).getvalue())
    with pytest.raises(CommandError, match="1 行有错误"):
        call_command("import_deputies", str(path), congress=roster_setup.pk, no_progress=True)
    assert Deputy.objects.count() == 0


def test_cli_unknown_congress(roster_setup, tmp_path):
    with pytest.raises(CommandError, match="没有 ID 为 999"):
        call_command("import_deputies", str(tmp_path / "x.xlsx"), congress=999)


def test_deputies_who_already_have_accounts_get_the_deputy_role_in_a_new_congress(
        roster_setup):
    from tests.conftest import make_congress

    county = make_congress("示例市北岭县人民代表大会", "330103", level="county",
                           parent=roster_setup)
    import_roster(roster_file([person()]), roster_setup, None)
    result = import_roster(roster_file([person(代表团="", 代表小组="")]), county, None)
    assert result.imported
    account = Deputy.objects.get().user
    assert RoleAssignment.objects.filter(user=account, congress=county,
                                         role=Role.DEPUTY).exists()


def test_the_deputy_role_starts_with_the_mandate_not_on_the_import_day(roster_setup,
                                                                       time_machine):
    time_machine.move_to(datetime_at(2025, 6, 10), tick=False)
    rows = [person(当选日期="2023-03-01"), person(手机号="13800000002", 姓名="李四")]
    assert import_roster(roster_file(rows), roster_setup, None).imported
    elected = RoleAssignment.objects.get(user__username="13800000001", role=Role.DEPUTY)
    default = RoleAssignment.objects.get(user__username="13800000002", role=Role.DEPUTY)
    assert elected.start_date == date(2023, 3, 1)
    assert default.start_date == roster_setup.current_term().start_date
    assert default.start_date < date(2025, 6, 10)


def test_reimporting_moves_a_late_role_back_to_the_mandate_start_without_duplicating(
        roster_setup):
    import_roster(roster_file([person(当选日期="2023-03-01")]), roster_setup, None)
    role = RoleAssignment.objects.get(user__username="13800000001", role=Role.DEPUTY)
    role.start_date = date.today()  # as granted by an earlier import on its own day
    role.save(update_fields=["start_date"])
    import_roster(roster_file([person(当选日期="2023-03-01")]), roster_setup, None)
    [role] = RoleAssignment.objects.filter(user__username="13800000001", role=Role.DEPUTY)
    assert role.start_date == date(2023, 3, 1)


def datetime_at(year: int, month: int, day: int) -> object:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime(year, month, day, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
