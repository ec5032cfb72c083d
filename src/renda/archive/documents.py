"""The archive card (履职档案卡) and the report to voters (述职报告) as A4 PDFs, from HTML
templates with WeasyPrint; and the draft of the report, assembled from the year's records."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from renda.core.errors import DomainError
from renda.deputies.models import Deputy, Mandate
from renda.suggestions.documents import NO_CJK_FONT, cjk_font_available

from .models import RecordKind, ReportDraft
from .queries import records_of
from .scoring import deputy_breakdown, ruleset_for


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    if not cjk_font_available():
        raise DomainError(NO_CJK_FONT)
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(template, context)
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()


def card_context(deputy: Deputy, congress: Any, year: int) -> dict[str, Any]:
    mandate = (Mandate.objects.filter(deputy=deputy, congress=congress)
               .select_related("term", "delegation").order_by("-start_date").first())
    records = [r for r in records_of(deputy.pk, congress.pk, year) if r.counts]
    return {"deputy": deputy, "congress": congress, "year": year, "mandate": mandate,
            "breakdown": deputy_breakdown(deputy.pk, congress.pk, year),
            "records": records, "generated_at": timezone.localtime()}


def card_pdf(deputy: Deputy, congress: Any, year: int) -> bytes:
    return _pdf("archive/card_pdf.html", card_context(deputy, congress, year))


def draft_report(deputy: Deputy, congress: Any, year: int) -> str:
    """A first draft of the report to voters, from the year's counted records by kind."""
    records = [r for r in records_of(deputy.pk, congress.pk, year) if r.counts]
    by_kind: dict[str, list[Any]] = defaultdict(list)
    for r in records:
        by_kind[r.kind].append(r)
    lines = [f"{year}年度履职情况报告", "",
             "各位选民：", "",
             f"    我是{congress.name}代表{deputy.name}。按照“一人一档、一事一记”的要求，现将"
             f"{year}年履行代表职务的情况报告如下，请予评议。", ""]
    n = 0
    for kind in RecordKind.values:
        items = by_kind.get(kind)
        if not items or kind == RecordKind.ABSENCE:
            continue
        n += 1
        lines.append(f"{_cn(n)}、{RecordKind(kind).label}（{len(items)}次）")
        for r in sorted(items, key=lambda r: r.day):
            lines.append(f"    {r.day:%m月%d日}，{r.title}。")
        lines.append("")
    if n == 0:
        lines += ["    本年度暂无履职记录。", ""]
    b = deputy_breakdown(deputy.pk, congress.pk, year)
    lines += [f"    本年度履职积分{_num(b.total)}分，等次为“{b.grade}”。",
              "    今后，我将继续密切联系群众，认真履行代表职责，不辜负选民的信任。", "",
              f"代表：{deputy.name}", f"{timezone.localdate():%Y年%m月%d日}"]
    return "\n".join(lines)


def report_text(deputy: Deputy, congress: Any, year: int) -> tuple[str, bool]:
    """The saved draft if there is one (True), else a fresh draft (False)."""
    saved = ReportDraft.objects.filter(deputy=deputy, congress=congress, year=year).first()
    if saved is not None:
        return saved.text, True
    return draft_report(deputy, congress, year), False


def report_pdf(deputy: Deputy, congress: Any, year: int) -> bytes:
    text, _ = report_text(deputy, congress, year)
    return _pdf("archive/report_pdf.html", {"deputy": deputy, "congress": congress, "year": year,
                                            "text": text})


def _num(value: Any) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


_CN = "一二三四五六七八九十"


def _cn(n: int) -> str:
    return _CN[n - 1] if n <= 10 else ("十" + _CN[n - 11] if n <= 19 else "二十")


__all__ = ["card_pdf", "draft_report", "report_pdf", "report_text", "ruleset_for"]
