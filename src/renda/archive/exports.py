"""The yearly statistics table as Excel: one row per deputy, a column per kind (counted
records), the score, the grade and the rankings. No phone numbers."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from renda.deputies.models import Deputy

from .models import RecordKind, YearScore
from .scoring import compute_year, scores_stale

HEAD_FONT = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="F0F2F5")
HEADERS = ["序号", "姓名", "代表团", *[RecordKind(k).label for k in RecordKind.values],
           "计分记录数", "积分", "等次", "全体排名", "代表团内排名"]


def year_rows(congress_id: int, year: int) -> list[list[Any]]:
    if scores_stale(congress_id, year):
        compute_year(congress_id, year)
    scores = list(YearScore.objects.filter(congress_id=congress_id, year=year)
                  .select_related("delegation").order_by("rank", "deputy_id"))
    names = dict(Deputy.objects.filter(pk__in=[s.deputy_id for s in scores])
                 .values_list("pk", "name"))
    rows = []
    for i, s in enumerate(scores, start=1):
        counts = [int(s.breakdown.get(k, [0])[0]) if k in s.breakdown else 0
                  for k in RecordKind.values]
        rows.append([i, names.get(s.deputy_id, ""), s.delegation.name if s.delegation else "",
                     *counts, s.records, float(s.score), s.grade, s.rank, s.delegation_rank])
    return rows


def year_table_xlsx(congress: Any, year: int) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = f"{year}年度履职统计"
    ws.append([f"{congress.name} {year}年度代表履职统计表"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(HEADERS)
    for cell in ws[2]:
        cell.font, cell.fill = HEAD_FONT, HEAD_FILL
    for row in year_rows(congress.pk, year):
        ws.append(row)
    ws.freeze_panes = "D3"
    ws.column_dimensions["B"].width = 10
    ws.column_dimensions["C"].width = 16
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
