"""The suggestion as PDF: real Chinese text, scoped to the viewer, a clear message without
a Chinese font."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from django.utils import timezone
from pypdf import PdfReader

from renda.core.models import AuditEvent
from renda.suggestions import actions, documents
from renda.suggestions.documents import NO_CJK_FONT, suggestion_pdf
from tests.conftest import client_for

from .conftest import co_assignment, lead_assignment

pytestmark = pytest.mark.django_db

REPLY = "经研究，我局已将老旧小区加装电梯纳入年度民生实事，今年完成加装120台。"
CO_VIEW = "我局同意主办单位意见，将配合做好施工期间的交通组织和临时占道审批。"
CONTACT = "与王代表当面沟通加装电梯的资金补贴办法。"


def text_of(pdf: bytes) -> str:
    reader = PdfReader(BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in reader.pages))


def url(s) -> str:
    return f"/documents/suggestions/{s.pk}.pdf"


@pytest.fixture
def handled(handling, unit_user, unit2_user):
    """The co-unit sent its view, the lead unit recorded a contact and replied."""
    actions.send_co_view(unit2_user, co_assignment(handling), CO_VIEW)
    lead = lead_assignment(handling)
    actions.record_contact(unit_user, lead, stage="before", way="meeting",
                           contact_date=timezone.localdate(), summary=CONTACT)
    actions.reply(unit_user, lead, reply_class="A", text=REPLY)
    return handling.__class__.objects.get(pk=handling.pk)


def test_staff_gets_a_real_pdf_with_number_title_and_reply(handled, staff):
    response = client_for(staff).get(url(handled))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = text_of(response.content)
    assert handled.number in text
    assert "关于加快老旧小区加装电梯的建议" in text
    assert REPLY in text
    assert "A类（已解决或基本解决）" in text
    assert "王建国" in text  # the lead deputy
    assert CO_VIEW in text and CONTACT in text
    assert "已答复" in text  # the transition history
    assert AuditEvent.objects.filter(action="suggestion.pdf_exported",
                                     object_id=str(handled.pk)).exists()


def test_lead_deputy_sees_every_units_record(handled, deputy_user):
    text = text_of(suggestion_pdf(handled, deputy_user))
    assert REPLY in text and CO_VIEW in text


def test_lead_unit_does_not_get_the_co_units_view(handled, unit_user):
    response = client_for(unit_user).get(url(handled))
    assert response.status_code == 200
    text = text_of(response.content)
    assert REPLY in text and CONTACT in text
    assert CO_VIEW not in text
    assert "市交通运输局" not in text


def test_co_unit_gets_neither_the_lead_units_reply_nor_its_contacts(handled, unit2_user):
    text = text_of(client_for(unit2_user).get(url(handled)).content)
    assert CO_VIEW in text
    assert REPLY not in text and CONTACT not in text
    assert "市住房和城乡建设局" not in text


def test_other_congress_and_unrelated_units_get_404(handled, outsider, unit3_org, city):
    from tests.conftest import make_user

    assert client_for(outsider).get(url(handled)).status_code == 404
    stranger = make_user("unit3", city, "unit", unit3_org)
    assert client_for(stranger).get(url(handled)).status_code == 404


def test_anonymous_is_sent_to_login(handled, client):
    response = client.get(url(handled))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_without_a_chinese_font_the_view_says_so(handled, staff, monkeypatch):
    monkeypatch.setattr(documents, "cjk_font_available", lambda: False)
    response = client_for(staff).get(url(handled))
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert NO_CJK_FONT in response.content.decode()
    assert not AuditEvent.objects.filter(action="suggestion.pdf_exported").exists()


def test_the_font_check_finds_the_installed_font():
    assert documents.cjk_font_available() is True
    assert documents._weasyprint_fontconfig_has_cjk() is True


def test_a_draft_pdf_works_for_its_deputy(draft, deputy_user):
    pdf = suggestion_pdf(draft, deputy_user)
    assert "（未编号）" in text_of(pdf)
