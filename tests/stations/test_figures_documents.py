"""Figures (with Excel opened back), the A4 poster (PDF opened back), list query counts."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from renda.stations import actions
from renda.stations.figures import compute
from renda.suggestions.documents import cjk_font_available
from tests.conftest import client_for

from .conftest import message_data

pytestmark = pytest.mark.django_db


def test_figures_count_states_and_rates(answered, station, staff, city):
    actions.rate(answered.code, "satisfied")
    actions.submit_message(station=station, data=message_data(phone=""), ip="10.0.0.77")
    fig = compute(city.pk, timezone.localdate().year)
    assert fig.total == 2
    assert dict(fig.by_status)["已办结"] == 1 and dict(fig.by_status)["已收到"] == 1
    assert fig.answer_rate == 0.5 and fig.satisfaction == 1.0
    assert fig.median_days is not None and fig.median_days >= 0
    assert fig.by_station[0][1:] == (2, 1)


def test_figures_page_and_excel(answered, staff, leader, unit_user, outsider):
    year = timezone.localdate().year
    html = client_for(leader).get(f"/stations/figures/?year={year}").content.decode()
    assert "<svg" in html and "100.0%" in html  # one message, answered
    r = client_for(staff).get(f"/stations/figures/export.xlsx?year={year}")
    wb = load_workbook(io.BytesIO(r.content))
    assert wb["概况"]["B2"].value == 1
    assert [row for row in wb["按联络站"].iter_rows(values_only=True)][1] == ("湖滨街道代表联络站", 1, 1)
    assert client_for(unit_user).get("/stations/figures/").status_code == 403
    assert client_for(outsider).get(f"/stations/figures/?congress={answered.congress_id}").status_code == 404


def test_list_query_count_bounded(station, staff, django_assert_max_num_queries):
    for i in range(40):
        actions.submit_message(station=station, data=message_data(phone=""), ip=f"10.0.{i}.1")
    c = client_for(staff)
    c.get("/stations/messages/")
    with django_assert_max_num_queries(15):
        r = c.get("/stations/messages/?page=2")
    assert r.status_code == 200 and "上一页" in r.content.decode()


@pytest.mark.skipif(not cjk_font_available(), reason="no Chinese font installed")
def test_poster_pdf_has_name_hours_deputies_and_qr(station, staff, keeper):
    from pypdf import PdfReader

    r = client_for(keeper).get(f"/stations/{station.pk}/poster.pdf")
    assert r["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(r.content))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for words in ("湖滨街道代表联络站", "工作日", "王建国", f"/s/{station.pk}/"):
        assert words in text
    images = list(reader.pages[0].images)
    assert images, "the QR code is drawn as an image"
    import zxingcpp

    decoded = [r.text for img in images for r in zxingcpp.read_barcodes(img.image)]
    assert decoded == [f"http://testserver/s/{station.pk}/"]


def test_poster_refused_to_unit(station, unit_user):
    assert client_for(unit_user).get(f"/stations/{station.pk}/poster.pdf").status_code == 404


def test_figures_are_kept_in_the_database_for_every_worker(answered, city):
    """The figures are counted once per expiry for all workers: they are stored in the
    shared cache's table (created by migrate), not in the process."""
    from django.conf import settings
    from django.db import connection

    from renda.stations import figures

    year = answered.created_at.year
    first = figures.cached(city.pk, year)
    with connection.cursor() as cur:
        cur.execute(f"SELECT cache_key FROM {settings.CACHE_TABLE}")  # noqa: S608
        keys = [row[0] for row in cur.fetchall()]
    assert any(k.endswith(f"stations:figures:{city.pk}:{year}") for k in keys), keys
    # Moved to another year behind the actions' back: the cache answers, not a count.
    answered.__class__.objects.filter(pk=answered.pk).update(
        created_at=answered.created_at.replace(year=year - 2))
    assert figures.cached(city.pk, year).total == first.total == 1  # read back, not recounted
    assert figures.compute(city.pk, year).total == 0
