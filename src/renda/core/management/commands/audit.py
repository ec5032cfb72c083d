from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from renda.core.audit import verify


class Command(BaseCommand):
    help = "审计日志：verify 校验哈希链，发现被修改或删除的记录时以非零状态退出。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("verb", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify()
        if not result.ok:
            raise CommandError(
                f"审计日志校验失败：第一条有问题的记录 #{result.bad_id}：{result.reason}"
                f"（此前 {result.checked} 条完好）"
            )
        self.stdout.write(self.style.SUCCESS(f"审计日志完好：共 {result.checked} 条，哈希链连续。"))
