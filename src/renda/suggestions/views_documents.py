"""Documents of one suggestion: the PDF with its whole handling record."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.utils.http import content_disposition_header

from renda.core import audit
from renda.core.errors import DomainError

from .access import get_suggestion_for
from .documents import suggestion_pdf

# A page in the site's frame for when the PDF cannot be made (no Chinese font installed).
_UNAVAILABLE = """{% extends "base.html" %}
{% block title %}无法生成 PDF{% endblock %}
{% block content %}
<section class="card narrow">
  <h1>无法生成 PDF</h1>
  <p class="error-text" role="alert">{{ message }}</p>
  <p class="muted">请联系系统管理员安装中文字体后重试。</p>
  <p><a class="btn" href="/suggestions/{{ s.pk }}/">回到建议</a></p>
</section>
{% endblock %}"""


@login_required
def suggestion_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF as the user may see it; 404 for anyone who cannot see the suggestion, a
    unit user gets only its own assignment's records."""
    s = get_suggestion_for(request.user, pk)
    try:
        pdf = suggestion_pdf(s, request.user)
    except DomainError as err:
        page = engines["django"].from_string(_UNAVAILABLE)
        return HttpResponse(page.render({"message": err.message, "s": s}, request), status=503)
    audit.record("suggestion.pdf_exported", actor=request.user, congress=s.congress_id, obj=s,
                 request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"代表建议{s.number or s.pk}.pdf"
    response["Content-Disposition"] = content_disposition_header(False, name)
    response["Cache-Control"] = "private, no-store"
    return response
