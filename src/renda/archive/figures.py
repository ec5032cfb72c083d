"""Figures of the year: coverage (share of deputies with at least one reception, one
activity, training), the score distribution, grades and rankings — as tables, SVG charts
(``core/charts.py``) and an Excel file."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.utils.safestring import SafeString
from openpyxl import Workbook
from openpyxl.styles import Font

from renda.core import charts
from renda.deputies.models import Delegation, Deputy

from .models import YearScore
from .queries import coverage
from .scoring import compute_year, ruleset_for, scores_stale

BINS = ["0 分及以下", "0–19", "20–39", "40–59", "60–79", "80–99", "100 及以上"]


def bin_of(value: Decimal) -> str:
    if value <= 0:
        return BINS[0]
    return BINS[min(int(value // 20) + 1, len(BINS) - 1)]


@dataclass
class YearFigures:
    year: int
    deputies: int
    coverage: dict[str, Any]
    distribution: list[tuple[str, int]]
    grades: list[tuple[str, int]]
    top: list[tuple[str, float]]
    delegations: list[tuple[str, float, int]]
    average: float

    def charts(self) -> dict[str, SafeString]:
        cov = self.coverage
        return {
            "coverage": charts.bar([("接待群众", cov["reception"]["pct"]),
                                    ("参加活动", cov["activity"]["pct"]),
                                    ("参加培训", cov["training"]["pct"]),
                                    ("有履职记录", cov["any"]["pct"])],
                                   title=f"{self.year}年履职覆盖率", unit="%"),
            "distribution": charts.bar(self.distribution, title="积分分布", unit="人"),
            "grades": charts.donut(self.grades, title="等次", unit="人"),
            "top": charts.bar(self.top, title="积分前十名", unit="分"),
            "delegations": charts.bar([(n, a) for n, a, _ in self.delegations],
                                      title="各代表团平均积分", unit="分"),
        }


def year_figures(congress_id: int, year: int) -> YearFigures:
    if scores_stale(congress_id, year):
        compute_year(congress_id, year)
    rs = ruleset_for(congress_id, year)
    assert rs is not None
    scores = list(YearScore.objects.filter(congress_id=congress_id, year=year)
                  .values_list("deputy_id", "delegation_id", "score", "grade"))
    ids = [s[0] for s in scores]
    dist: Counter[str] = Counter()
    for _, _, value, _ in scores:
        dist[bin_of(value)] += 1
    grades = Counter(g for *_, g in scores)
    order = [b["label"] for b in rs.bands]
    top_rows = sorted(scores, key=lambda s: s[2], reverse=True)[:10]
    names = dict(Deputy.objects.filter(pk__in=[s[0] for s in top_rows]).values_list("pk", "name"))
    by_delegation: dict[int, list[Decimal]] = defaultdict(list)
    for _, delegation_id, value, _ in scores:
        if delegation_id:
            by_delegation[delegation_id].append(value)
    dnames = dict(Delegation.objects.filter(pk__in=list(by_delegation)).values_list("pk", "name"))
    delegations = sorted(((dnames.get(d, ""), round(float(sum(v) / len(v)), 1), len(v))
                          for d, v in by_delegation.items()), key=lambda x: -x[1])
    total = len(scores)
    return YearFigures(
        year=year, deputies=total, coverage=coverage(congress_id, year, ids),
        distribution=[(label, dist.get(label, 0)) for label in BINS],
        grades=[(g, grades.get(g, 0)) for g in order if grades.get(g)]
        + [(g, n) for g, n in grades.items() if g not in order],
        top=[(names.get(d, ""), float(v)) for d, _, v, _ in top_rows],
        delegations=delegations,
        average=round(float(sum(s[2] for s in scores) / total), 1) if total else 0.0,
    )


def figures_xlsx(congress: Any, f: YearFigures) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "覆盖率"
    ws.append([f"{congress.name} {f.year}年 履职覆盖率"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["项目", "代表人数", "占比"])
    for key, label in (("reception", "接待群众"), ("activity", "参加活动"),
                       ("training", "参加培训"), ("any", "有履职记录")):
        ws.append([label, f.coverage[key]["n"], f.coverage[key]["pct"] / 100])
        ws.cell(ws.max_row, 3).number_format = "0.0%"
    ws.append(["代表总数", f.deputies, None])
    ws2 = wb.create_sheet("积分分布")
    ws2.append(["分段", "人数"])
    for row in f.distribution:
        ws2.append(list(row))
    ws2.append([])
    ws2.append(["等次", "人数"])
    for row in f.grades:
        ws2.append(list(row))
    ws3 = wb.create_sheet("排名")
    ws3.append(["名次", "姓名", "积分"])
    for i, (name, value) in enumerate(f.top, start=1):
        ws3.append([i, name, value])
    ws4 = wb.create_sheet("代表团")
    ws4.append(["代表团", "平均积分", "代表人数"])
    for row in f.delegations:
        ws4.append(list(row))
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
