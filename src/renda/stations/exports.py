"""The message list as Excel. Phone numbers are masked unless the user handles the message
(staff handling messages, or the unit it was transferred to)."""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO
from typing import Any

from django.utils import timezone
from openpyxl import Workbook

from .access import shown_phone
from .models import Message

MAX_ROWS = 50_000
HEADER = ["查询码", "留言时间", "联络站", "类别", "内容", "留言人", "手机号", "状态", "承办单位",
          "答复期限", "答复时间", "评价"]


def messages_xlsx(user: Any, messages: Iterable[Message]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("群众留言")
    ws.append(HEADER)
    for m in messages:
        ws.append([
            m.code, timezone.localtime(m.created_at).strftime("%Y-%m-%d %H:%M"),
            m.station.name if m.station_id else "代表个人页面", m.get_category_display(),
            m.content, m.masked_name, shown_phone(user, m), m.get_status_display(),
            m.unit.name if m.unit_id else "", m.answer_due.isoformat() if m.answer_due else "",
            timezone.localtime(m.answered_at).strftime("%Y-%m-%d") if m.answered_at else "",
            m.get_rating_display() if m.rating else "",
        ])
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()
