"""Outputs: the archive card PDF, the yearly Excel table, the report draft, the figures,
and the reminder before the summary date."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from renda.archive import capture, documents, exports, figures
from renda.archive.models import RecordKind, SummaryReminder, YearScore
from renda.archive.reminders import sweep
from renda.archive.tasks import remind_summary
from renda.core.models import Notification
from tests.conftest import client_for, make_deputy

SHANGHAI = ZoneInfo("Asia/Shanghai")


def fill(deputy, city, plan, year=2026):
    for kind, n in plan.items():
        for i in range(n):
            capture.record(deputy, kind, f"t:{deputy.pk}:{kind}:{i}", date(year, 4, 1 + i),
                           congress=city, title=f"{RecordKind(kind).label}第{i + 1}次")


@pytest.fixture
def people(city, delegation, deputy_user):
    a = deputy_user.deputy
    b = make_deputy(city, "欧阳明远", "13900000007", delegation)
    fill(a, city, {RecordKind.SESSION: 2, RecordKind.TRAINING: 3, RecordKind.RECEPTION: 2})
    fill(b, city, {RecordKind.SUGGESTION: 6, RecordKind.ABSENCE: 1})
    return a, b


def test_card_pdf_holds_the_name_and_totals(people, city):
    a, _ = people
    data = documents.card_pdf(a, city, 2026)
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)
    compact = text.replace(" ", "").replace("\n", "")
    assert "王建国" in compact
    assert "年度积分：34分" in compact  # 20 + 8 (training capped) + 6
    assert "等次：差" in compact
    assert "参加学习培训" in compact and "8（上限）" in compact


def test_card_pdf_through_the_page_for_staff_and_self_only(people, city, staff, deputy_user,
                                                           outsider, cosigner_user):
    a, _ = people
    for user in (staff, deputy_user):
        r = client_for(user).get(f"/archive/cards/{a.pk}.pdf?year=2026")
        assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
        assert r.content.startswith(b"%PDF")
    # Another deputy may not print this one's card; another congress sees nothing.
    assert client_for(cosigner_user).get(f"/archive/cards/{a.pk}.pdf").status_code in (403, 404)
    assert client_for(outsider).get(f"/archive/cards/{a.pk}.pdf").status_code in (403, 404)


def test_year_table_excel_matches_the_database(people, city, staff):
    a, b = people
    r = client_for(staff).get(f"/archive/table/?congress={city.pk}&year=2026&format=xlsx")
    assert r.status_code == 200
    ws = load_workbook(BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    header = rows[1]
    assert header[:3] == ("序号", "姓名", "代表团")
    assert header[-5:] == ("计分记录数", "积分", "等次", "全体排名", "代表团内排名")
    body = {row[1]: dict(zip(header, row, strict=True)) for row in rows[2:]}
    assert set(body) == {"王建国", "欧阳明远"}
    for deputy in (a, b):
        ys = YearScore.objects.get(deputy=deputy, year=2026)
        row = body[deputy.name]
        assert Decimal(str(row["积分"])) == ys.score
        assert (row["等次"], row["全体排名"], row["代表团内排名"]) == (
            ys.grade, ys.rank, ys.delegation_rank)
        for kind in RecordKind.values:
            expected = deputy.duty_records.counted().filter(year=2026, kind=kind).count()
            assert row[RecordKind(kind).label] == expected, kind
    assert body["欧阳明远"]["积分"] == 5  # 6 × 3 capped 15, one absence −10
    # No phone numbers in the file.
    flat = " ".join(str(v) for row in rows for v in row if v is not None)
    assert "139" not in flat


def test_excel_follows_a_verified_record_without_manual_recompute(people, city, staff):
    a, _ = people
    before = exports.year_rows(city.pk, 2026)
    capture.record(a, RecordKind.REPORT, "t:report", date(2026, 6, 1), congress=city)
    after = exports.year_rows(city.pk, 2026)
    score_col = 3 + len(RecordKind.values) + 1
    row_before = next(r for r in before if r[1] == "王建国")
    row_after = next(r for r in after if r[1] == "王建国")
    assert row_after[score_col] == row_before[score_col] + 5


def test_report_draft_is_assembled_from_the_years_records(people, city):
    a, _ = people
    text = documents.draft_report(a, city, 2026)
    assert "王建国" in text and "2026年度履职情况报告" in text
    assert "出席代表大会会议（2次）" in text and "联络站接待群众（2次）" in text
    assert "履职积分34分" in text
    data = documents.report_pdf(a, city, 2026)
    assert "王建国" in PdfReader(BytesIO(data)).pages[0].extract_text().replace(" ", "")


def test_figures_count_coverage_and_distribution(people, city, staff):
    f = figures.year_figures(city.pk, 2026)
    assert f.deputies == 2
    assert f.coverage["reception"] == {"n": 1, "pct": 50.0}
    assert f.coverage["training"]["n"] == 1
    assert dict(f.distribution)["20–39"] == 1 and dict(f.distribution)["0–19"] == 1
    assert dict(f.grades) == {"差": 2}
    svg = f.charts()["coverage"]
    assert "<svg" in svg and "接待群众" in svg
    r = client_for(staff).get(f"/archive/figures/?congress={city.pk}&year=2026&format=xlsx")
    wb = load_workbook(BytesIO(r.content))
    assert wb.sheetnames == ["覆盖率", "积分分布", "排名", "代表团"]
    assert next(wb["覆盖率"].iter_rows(min_row=3, max_row=3, values_only=True)) == (
        "接待群众", 1, 0.5)


def test_summary_reminder_goes_to_staff_once_in_the_window(city, staff, time_machine):
    time_machine.move_to(datetime(2026, 11, 1, 9, tzinfo=SHANGHAI), tick=False)
    assert sweep() == 0  # 29 days before: not yet
    time_machine.move_to(datetime(2026, 11, 20, 9, tzinfo=SHANGHAI), tick=False)
    assert remind_summary.enqueue().return_value == 1
    assert sweep() == 0  # claimed: never twice
    note = Notification.objects.get(user=staff)
    assert "11月30日" in note.title
    assert SummaryReminder.objects.get().key == f"summary:{city.pk}:2026"
    time_machine.move_to(datetime(2026, 12, 2, 9, tzinfo=SHANGHAI), tick=False)
    assert sweep() == 0
