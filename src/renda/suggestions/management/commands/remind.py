"""`renda remind`: send the reminders that are due, once.

Meant for cron (e.g. every 10 minutes). Several machines may run it at the same time:
each reminder is claimed in the database before it is sent, so it goes out exactly once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from renda.suggestions.reminders import sweep


class Command(BaseCommand):
    help = "发送代表建议的到期、超期和待评价提醒（每条只发一次；可由多台服务器的 cron 同时运行）。"

    def handle(self, *args: Any, **options: Any) -> None:
        sent = sweep()
        self.stdout.write(f"已发送 {sent} 条提醒。")
