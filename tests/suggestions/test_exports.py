"""Excel exports of suggestions: the figures (one sheet per table) and the staff list, opened
back with openpyxl and read cell by cell; who may export; every export is audited."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from renda.core.models import AuditEvent
from renda.deputies.models import Deputy
from renda.suggestions import actions
from renda.suggestions.exports import LIST_HEADERS, mask_text, suggestions_workbook
from renda.suggestions.models import Suggestion
from renda.suggestions.queries import SuggestionFilter, staff_list
from tests.conftest import client_for

from . import test_figures as scenario
from .conftest import write
from .test_figures import REPORT_DAY, T0, at, fresh

# The history of eight suggestions counted by hand in test_figures.
history, education, unit3_user = scenario.history, scenario.education, scenario.unit3_user

pytestmark = pytest.mark.django_db

FIGURES = "/figures/suggestions/export.xlsx"
LIST = "/figures/suggestions/list.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def book(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    return load_workbook(BytesIO(response.content))


def values(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def row_named(ws, name: str) -> list:
    for r in ws.iter_rows():
        if r[0].value == name:
            return list(r)
    raise AssertionError(f"no row {name!r}")


# --- figures -------------------------------------------------------------------------------------


def test_figures_workbook_has_one_sheet_per_table(city, history, staff):
    with at(REPORT_DAY):
        wb = book(client_for(staff).get(FIGURES))
    assert wb.sheetnames == ["统计说明", "总体情况", "按会议", "按领域", "按立案月份", "承办单位办理情况"]
    info = wb["统计说明"]
    assert info["A1"].value == "示例市人民代表大会 代表建议办理统计"
    assert info["B2"].value.date() == date(2026, 6, 15) and info["B3"].value == "全部"


def test_overview_sheet_holds_numbers_and_percentages(city, history, staff):
    with at(REPORT_DAY):
        ws = book(client_for(staff).get(FIGURES))["总体情况"]
    assert [c.value for c in ws[1]] == ["指标", "数值"]
    expected = {"立案数": 7, "其中并案": 0, "已交办": 6, "已办结（含跟踪落实）": 3, "办结率": 0.5,
                "已答复": 5, "已评价": 4, "满意": 2, "基本满意": 1, "不满意": 1, "满意率": 0.75,
                "未评价": 1, "逾期未答复（件）": 1, "重点督办": 1, "答复（份）": 6,
                "A类（已解决或基本解决）": 4, "B类（正在解决或列入计划解决）": 1,
                "C类（因条件限制需以后解决）": 0, "D类（留作参考）": 1}
    for name, value in expected.items():
        _, cell = row_named(ws, name)
        assert cell.value == value, name
        assert isinstance(cell.value, int | float)
    for name in ("办结率", "满意率", "A类占比", "C类占比"):
        assert row_named(ws, name)[1].number_format == "0.0%"
    assert row_named(ws, "A类占比")[1].value == pytest.approx(4 / 6)
    assert row_named(ws, "已交办")[1].number_format == "General"


def test_category_sheet_row_by_row(city, history, staff):
    with at(REPORT_DAY):
        ws = book(client_for(staff).get(FIGURES))["按领域"]
    assert [c.value for c in ws[1]] == ["领域", "立案", "已交办", "已办结", "办结率", "已评价",
                                        "满意及基本满意", "满意率", "未评价", "逾期", "重点督办",
                                        "A类", "B类", "C类", "D类"]
    rows = values(ws)
    assert rows[1] == ["城乡建设", 4, 3, 2, pytest.approx(2 / 3), 3, 2, pytest.approx(2 / 3),
                       0, 0, 1, 2, 1, 0, 0]
    assert rows[2] == ["教育", 3, 3, 1, pytest.approx(1 / 3), 1, 1, 1.0, 1, 1, 0, 2, 0, 0, 1]
    assert rows[3] == ["合计", 7, 6, 3, 0.5, 4, 3, 0.75, 1, 1, 1, 4, 1, 0, 1]
    assert ws["E2"].number_format == "0.0%" and ws["H4"].number_format == "0.0%"
    assert ws["B2"].number_format == "General"


def test_month_sheet_fills_empty_months_and_leaves_rates_blank(city, history, staff):
    with at(REPORT_DAY):
        ws = book(client_for(staff).get(FIGURES))["按立案月份"]
    rows = values(ws)
    assert [r[0] for r in rows[1:7]] == ["2025年11月", "2025年12月", "2026年1月", "2026年2月",
                                         "2026年3月", "合计"]
    assert rows[2][:5] == ["2025年12月", 0, 0, 0, None]  # no suggestion: no rate, not 0%


def test_units_sheet_for_the_yearly_review(city, history, staff):
    with at(REPORT_DAY):
        ws = book(client_for(staff).get(FIGURES, {"table": "units"}))["承办单位办理情况"]
    assert [c.value for c in ws[1]] == [
        "承办单位", "主办", "会办", "分办", "合计", "已答复", "按期答复", "逾期答复", "当前逾期",
        "按期率", "A类", "B类", "C类", "D类", "满意", "基本满意", "不满意", "满意率", "沟通次数",
        "每件沟通次数"]
    rows = values(ws)
    assert rows[1] == ["市住房和城乡建设局", 3, 0, 0, 3, 3, 3, 0, 0, 1.0, 2, 1, 0, 0, 1, 1, 1,
                       pytest.approx(2 / 3), 3, 1.0]
    assert rows[2] == ["市交通运输局", 1, 1, 1, 3, 3, 2, 1, 0, pytest.approx(2 / 3), 1, 0, 0, 1,
                       1, 0, 0, 1.0, 0, 0.0]
    assert rows[3] == ["市教育局", 1, 0, 1, 2, 1, 1, 0, 1, 1.0, 1, 0, 0, 0, 0, 0, 0, None, 0, 0.0]
    assert ws["J2"].number_format == "0.0%" and ws["R2"].number_format == "0.0%"
    assert ws["T2"].number_format == "0.00"


def test_one_table_only_and_the_filter_applies(city, history, staff):
    with at(REPORT_DAY):
        wb = book(client_for(staff).get(FIGURES, {"table": "category",
                                                  "category": history.education.pk}))
    assert wb.sheetnames == ["统计说明", "按领域"]
    assert wb["统计说明"]["B3"].value == "教育"
    assert values(wb["按领域"])[1][:4] == ["教育", 3, 3, 1]
    with at(REPORT_DAY):
        wb = book(client_for(staff).get(FIGURES, {"table": "nonsense"}))
    assert len(wb.sheetnames) == 6


def test_figures_export_is_audited(city, history, staff):
    with at(REPORT_DAY):
        client_for(staff).get(FIGURES, {"table": "units", "session": history.session2.pk})
    event = AuditEvent.objects.get(action="suggestions.figures_exported")
    assert event.actor == staff and event.congress_id == city.pk
    assert event.summary == {"filters": {"session": str(history.session2.pk)}, "table": "units",
                             "committees": []}


def test_committee_exports_only_its_fields(city, history, committee_user, committee_org):
    with at(REPORT_DAY):
        ws = book(client_for(committee_user).get(FIGURES))["总体情况"]
    assert row_named(ws, "立案数")[1].value == 4
    assert AuditEvent.objects.get(action="suggestions.figures_exported").summary["committees"] \
        == [committee_org.pk]


# --- the staff list ------------------------------------------------------------------------------


@pytest.fixture
def cosigned(city, history, deputy_user, cosigner_user, staff, category):
    """A ninth suggestion with one confirmed co-signer and a phone number in its title."""
    cosigner = Deputy.objects.get(user=cosigner_user)
    with at(T0):
        s = write(deputy_user, city, category, title="关于小区停车难的建议（联系人13812345678）",
                  cosigner_ids=[cosigner.pk])
        actions.answer_cosign(cosigner_user, s, True)
        actions.submit(deputy_user, fresh(s))
        actions.register(staff, fresh(s))
    return fresh(s)


def list_rows(response) -> dict[str, list]:
    ws = book(response)["代表建议"]
    rows = values(ws)
    assert rows[0] == LIST_HEADERS
    return {r[1]: r for r in rows[1:]}


def test_list_export_row_by_row(city, history, staff, cosigned):
    s = history.s
    with at(REPORT_DAY):
        rows = list_rows(client_for(staff).get(LIST))
    assert len(rows) == 9  # s1–s8 and the co-signed one; drafts never
    assert rows[s["s1"].title] == [
        s["s1"].number, s["s1"].title, "王建国", 0, "城乡建设", "已办结", "大会期间",
        "市住房和城乡建设局（主办）；市交通运输局（会办）", rows[s["s1"].title][8], "A", "满意", "是"]
    assert rows[s["s1"].title][8].date() == date(2026, 6, 2)
    assert rows[s["s3"].title][9:11] == ["A", "不满意"]  # latest reply and latest rating
    assert rows[s["s4"].title][7] == "市交通运输局（分办）；市教育局（分办）"
    assert rows[s["s4"].title][9:12] == ["D、A", None, "否"]  # empty cells stay empty
    assert rows[s["s6"].title][5:10] == ["已立案", "大会期间", None, None, None]
    assert rows[s["s7"].title][0] is None and rows[s["s7"].title][5] == "已提交"
    assert rows[s["s8"].title][5:7] == ["已办结", "闭会期间"]
    masked = "关于小区停车难的建议（联系人138****5678）"
    assert rows[masked][2:4] == ["王建国", 1]


def test_list_export_has_no_phone_numbers(city, history, staff, cosigned):
    with at(REPORT_DAY):
        response = client_for(staff).get(LIST)
    ws = book(response)["代表建议"]
    text = " ".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v)
    for phone in ("13900000001", "13900000002", "13812345678"):
        assert phone not in text
    assert "手机" not in " ".join(LIST_HEADERS) and "电话" not in " ".join(LIST_HEADERS)


def test_list_export_date_cells_are_dates(city, history, staff):
    with at(REPORT_DAY):
        ws = book(client_for(staff).get(LIST))["代表建议"]
    dated = [r[8] for r in ws.iter_rows(min_row=2) if r[8].value is not None]
    assert dated and all(c.number_format == "yyyy-mm-dd" for c in dated)


def test_list_export_uses_the_list_filters(city, history, staff):
    with at(REPORT_DAY):
        rows = list_rows(client_for(staff).get(LIST, {"category": history.education.pk}))
    assert sorted(rows) == sorted(history.s[k].title for k in ("s4", "s5", "s7", "s8"))
    with at(REPORT_DAY):
        rows = list_rows(client_for(staff).get(LIST, {"overdue": "1"}))
    assert list(rows) == [history.s["s5"].title]
    event = AuditEvent.objects.filter(action="suggestions.list_exported").latest("id")
    assert event.summary == {"filters": "overdue=1", "masked": True}


def test_list_workbook_unmasked_keeps_the_title(city, cosigned):
    qs = staff_list(city, SuggestionFilter())
    ws = load_workbook(BytesIO(suggestions_workbook(qs, mask=False)))["代表建议"]
    titles = [r[1] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert cosigned.title in titles


def test_mask_text_masks_only_mobile_numbers():
    assert mask_text("电话13812345678，座机0571-87654321") == "电话138****5678，座机0571-87654321"
    assert mask_text("编号2026013812345678") == "编号2026013812345678"


def test_list_export_queries_do_not_grow_with_rows(city, history, staff, deputy_user, category,
                                                   unit_org, django_assert_max_num_queries):
    client = client_for(staff)
    client.get(LIST)
    with at(REPORT_DAY), django_assert_max_num_queries(16) as before:
        client.get(LIST)
    with at(T0):
        for i in range(6):
            s = write(deputy_user, city, category, title=f"关于又一件第{i}号事项的建议")
            actions.submit(deputy_user, s)
            actions.register(staff, fresh(s))
            actions.assign(staff, fresh(s), lead=unit_org)
    with at(REPORT_DAY), django_assert_max_num_queries(len(before.captured_queries)):
        rows = list_rows(client.get(LIST))
    assert len(rows) == 14


def test_leader_may_export_the_list_committee_may_not(city, history, leader, committee_user):
    assert client_for(leader).get(LIST).status_code == 200
    assert client_for(committee_user).get(LIST).status_code == 403


@pytest.mark.parametrize("persona", ["unit_user", "deputy_user", "auditor"])
def test_roles_without_export_rights_are_refused(request, city, history, persona):
    user = request.getfixturevalue(persona)
    for url in (FIGURES, LIST):
        assert client_for(user).get(url).status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="suggestions.").filter(
        action__endswith="_exported").exists()


def test_another_congress_is_404_for_exports(city, other_congress, history, staff, outsider):
    for url in (FIGURES, LIST):
        assert client_for(staff).get(url, {"congress": other_congress.pk}).status_code == 404
        assert client_for(outsider).get(url, {"congress": city.pk}).status_code == 404


def test_outsider_exports_only_its_own_congress(city, history, outsider):
    ws = book(client_for(outsider).get(LIST))["代表建议"]
    assert ws.max_row == 1
    assert Suggestion.objects.filter(congress=city).count() == 8
