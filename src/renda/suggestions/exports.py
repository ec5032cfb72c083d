"""Excel files of suggestions: the figures (one sheet per table) and the staff list.

Headers are Chinese; counts are numbers, rates are numbers formatted as percentages (0.5
shows as 50.0% and still sums and charts in Excel); dates are real dates. Neither file holds
a phone number: the list names the lead deputy (a public office, not contact data) and,
when masked, hides any mobile number a deputy typed into a title.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from io import BytesIO
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .figures import Cell, Figures, Table
from .figures import tables as figure_tables
from .models import (
    Assignment,
    AssignmentKind,
    AssignmentStatus,
    CoSigner,
    CoSignerStatus,
    Evaluation,
    EvaluationResult,
    Reply,
    Suggestion,
    Supervision,
    SupervisionKind,
)

PCT = "0.0%"
DEC = "0.00"
DAY = "yyyy-mm-dd"
HEAD_FONT = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="F0F2F5")
TITLE_FONT = Font(bold=True, size=14)
MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def _save(wb: Workbook) -> bytes:
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _width(text: str) -> float:
    return sum(2 if ord(ch) > 0x2E80 else 1.1 for ch in text) + 2


# --- figures -------------------------------------------------------------------------------------


def _write_table(ws: Any, table: Table) -> None:
    ws.append(table.headers)
    for cell in ws[1]:
        cell.font, cell.fill = HEAD_FONT, HEAD_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    rows: list[list[Cell]] = [*table.rows, *([table.foot] if table.foot else [])]
    for cells in rows:
        ws.append([c.value for c in cells])
        for target, c in zip(ws[ws.max_row], cells, strict=True):
            if c.kind == "pct":
                target.number_format = PCT
            elif c.kind == "dec":
                target.number_format = DEC
    if table.foot:
        for cell in ws[ws.max_row]:
            cell.font = HEAD_FONT
    widths = [_width(h) for h in table.headers]
    for cells in rows:
        for i, c in enumerate(cells):
            widths[i] = max(widths[i], _width(c.display))
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(max(w, 8), 40)
    ws.freeze_panes = "B2"
    if table.note:
        ws.append([])
        ws.append([f"说明：{table.note}"])


def figures_workbook(fig: Figures, *, tables: Sequence[str] | None = None) -> bytes:
    """One sheet per table (总体情况, 按会议, 按领域, 按立案月份, 承办单位办理情况) after a
    sheet saying what was counted; ``tables`` keeps only the named ones (keys of
    ``figures.TABLE_KEYS``)."""
    wb = Workbook()
    info = wb.active
    info.title = "统计说明"
    info.append([f"{fig.congress.name} 代表建议办理统计"])
    info["A1"].font = TITLE_FONT
    info.append(["统计日期", fig.today])
    info["B2"].number_format = DAY
    info.append(["统计范围", fig.filter.describe(fig.labels)])
    info.append(["导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    info.append([])
    for line in (
        "立案数：已立案（编号）的建议，含其后并案的。",
        "已办结：状态为已办结或跟踪落实（B类承诺事项在台账中继续跟踪）的建议。办结率 = 已办结 ÷ 已交办。",
        "满意率 =（满意 + 基本满意）÷ 已评价，以领衔代表最近一次评价为准；未评价的不计为满意。",
        "答复类别：每个主办、分办单位最近一次答复的类别。",
        "逾期：有交办单位超过答复期限仍未答复的建议；承办单位表中为该单位超期未办的交办件。",
    ):
        info.append([line])
    info.column_dimensions["A"].width = 14
    info.column_dimensions["B"].width = 60
    for table in figure_tables(fig):
        if tables is not None and table.key not in tables:
            continue
        ws = wb.create_sheet(table.title[:31])
        _write_table(ws, table)
    return _save(wb)


# --- the staff list --------------------------------------------------------------------------------

LIST_HEADERS = ["编号", "标题", "领衔代表", "附议人数", "领域", "状态", "提出时间",
                "交办单位（主办/会办/分办）", "答复期限", "答复类别", "评价", "是否重点督办"]
LIST_WIDTHS = [30, 44, 10, 8, 12, 10, 10, 40, 12, 10, 10, 12]
_KIND_ORDER = {AssignmentKind.LEAD: 0, AssignmentKind.SEPARATE: 1, AssignmentKind.CO: 2}


def mask_text(text: str) -> str:
    """Mobile numbers written into free text become 138****1234."""
    return MOBILE.sub(r"\1****\2", text)


def _list_rows(queryset: QuerySet[Suggestion]) -> QuerySet[Suggestion]:
    confirmed = (CoSigner.objects.filter(suggestion_id=OuterRef("pk"),
                                         status=CoSignerStatus.CONFIRMED)
                 .order_by().values("suggestion_id").annotate(n=Count("id")).values("n"))
    rating = (Evaluation.objects.filter(suggestion_id=OuterRef("pk"),
                                        deputy_id=OuterRef("lead_deputy_id"))
              .order_by("-round").values("result")[:1])
    qs = queryset.annotate(
        cosigner_count=Coalesce(Subquery(confirmed, output_field=IntegerField()), Value(0)),
        rating=Subquery(rating))
    if "is_key" not in qs.query.annotations:
        qs = qs.annotate(is_key=Exists(Supervision.objects.filter(
            suggestion_id=OuterRef("pk"), kind=SupervisionKind.KEY)))
    if not any(getattr(p, "prefetch_to", p) == "assignments" for p in qs._prefetch_related_lookups):
        qs = qs.prefetch_related(Prefetch(
            "assignments", queryset=Assignment.objects.exclude(status=AssignmentStatus.WITHDRAWN)
            .select_related("unit")))
    return qs.select_related("lead_deputy", "category").prefetch_related(Prefetch(
        "assignments__replies", queryset=Reply.objects.only("id", "assignment_id", "round",
                                                            "reply_class")))


def _list_row(s: Suggestion, mask: bool) -> list[Any]:
    assignments = sorted((a for a in s.assignments.all()
                          if a.status != AssignmentStatus.WITHDRAWN),
                         key=lambda a: (_KIND_ORDER.get(a.kind, 9), a.pk))
    units = "；".join(f"{a.unit.name}（{a.get_kind_display()}）" for a in assignments)
    answering = [a for a in assignments if a.kind != AssignmentKind.CO]
    due: date | None = min((a.due_date for a in answering if a.is_open), default=None) or min(
        (a.due_date for a in answering), default=None)
    classes = []
    for a in answering:
        replies = list(a.replies.all())
        if replies:
            classes.append(max(replies, key=lambda r: r.round).reply_class)
    title = mask_text(s.title) if mask else s.title
    rating = EvaluationResult(s.rating).label if s.rating else ""
    return [s.number, title, s.lead_deputy.name, s.cosigner_count,
            s.category.name if s.category else "", s.get_status_display(),
            s.get_period_display(), units, due, "、".join(classes), rating,
            "是" if s.is_key else "否"]


def suggestions_workbook(queryset: QuerySet[Suggestion], *, mask: bool = True) -> bytes:
    """The staff list as Excel, in the queryset's order, streamed in chunks (a congress's
    100,000 suggestions fit in memory as rows, not as model objects).

    编号、标题、领衔代表、附议人数、领域、状态、提出时间、交办单位（主办/会办/分办）、答复期限
    （主办或分办单位的期限，未办结的取最早一个）、答复类别（各答复单位最近一次）、评价（领衔
    代表最近一次）、是否重点督办. No phone numbers; with ``mask`` (the default) mobile numbers
    typed into titles are masked too."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("代表建议")
    for i, w in enumerate(LIST_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    header = []
    for text in LIST_HEADERS:
        cell = WriteOnlyCell(ws, value=text)
        cell.font, cell.fill = HEAD_FONT, HEAD_FILL
        header.append(cell)
    ws.append(header)
    due_col = LIST_HEADERS.index("答复期限")
    for s in _list_rows(queryset).iterator(chunk_size=1000):
        values = _list_row(s, mask)
        row: list[Any] = list(values)
        if values[due_col] is not None:
            cell = WriteOnlyCell(ws, value=values[due_col])
            cell.number_format = DAY
            row[due_col] = cell
        ws.append(row)
    return _save(wb)
