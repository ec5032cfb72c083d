"""Printable documents: the candidate list (with descriptions, budgets and responsible
units) and the tally report (计票报告), A4 PDFs rendered with WeasyPrint."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from renda.core.errors import DomainError
from renda.suggestions.documents import NO_CJK_FONT, cjk_font_available

from .access import NO_RESULTS_YET
from .models import Round


def _pdf(template: str, ctx: dict[str, Any]) -> bytes:
    if not cjk_font_available():
        raise DomainError(NO_CJK_FONT)
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(template, {**ctx, "generated_at": timezone.localtime()})
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()


def tally_pdf(r: Round) -> bytes:
    if not r.has_results:
        raise DomainError(NO_RESULTS_YET)
    candidates = sorted(r.candidates.select_related("unit"),
                        key=lambda c: (-(c.yes or 0), c.sort_order))
    return _pdf("voting/pdf_tally.html", {"r": r, "candidates": candidates,
                                          "elected": [c for c in candidates if c.elected]})


def candidates_pdf(r: Round) -> bytes:
    return _pdf("voting/pdf_candidates.html",
                {"r": r, "candidates": list(r.candidates.select_related("unit"))})
