"""The printable A4 station poster (PDF, WeasyPrint): name, address, hours, reception days,
the deputies, and the QR code that opens the station's page on a phone."""

from __future__ import annotations

from django.template.loader import render_to_string

from renda.core.errors import DomainError
from renda.suggestions.documents import NO_CJK_FONT, cjk_font_available

from . import qr, queries
from .models import Station


def poster_pdf(station: Station, base_url: str) -> bytes:
    if not cjk_font_available():
        raise DomainError(NO_CJK_FONT)
    from weasyprint import HTML

    url = base_url.rstrip("/") + qr.station_path(station.pk)
    html = render_to_string("stations/poster.html", {
        "station": station, "url": url, "qr": qr.qr_data_uri(url, scale=10),
        "deputies": queries.station_deputies(station), "rules": list(station.rules.all()),
        "days": queries.upcoming_days(station, days=60, limit=8)})
    return HTML(string=html, base_url=base_url).write_pdf()
