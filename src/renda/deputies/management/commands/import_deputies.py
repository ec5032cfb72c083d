from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from openpyxl import Workbook

from renda.core.models import Congress, User
from renda.deputies.roster import RosterError, import_roster


class Command(BaseCommand):
    help = "从 Excel 名册导入代表：renda import-deputies FILE --congress ID"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--congress", type=int, required=True, help="人大的 ID")
        parser.add_argument("--partial", action="store_true",
                            help="只导入无误的行（默认有任何错误行则整份不导入）")
        parser.add_argument("--passwords", metavar="OUT.xlsx",
                            help="为新开通、尚未登录的代表账号生成初始密码单")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            congress = Congress.objects.get(pk=options["congress"])
        except Congress.DoesNotExist:
            raise CommandError(f"没有 ID 为 {options['congress']} 的人大。") from None
        show = not options["no_progress"] and sys.stderr.isatty()

        def progress(done: int, total: int) -> None:
            if not show:
                return
            width = 40
            filled = int(width * done / max(total, 1))
            pct = done * 100 // max(total, 1)
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {pct:3d}%")
            sys.stderr.flush()
            if done >= total:
                sys.stderr.write("\n")

        try:
            result = import_roster(options["file"], congress, None,
                                   allow_partial=options["partial"], progress=progress)
        except (RosterError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        for error in result.errors:
            self.stderr.write(str(error))
        if not result.imported:
            bad = len({e.row for e in result.errors})
            raise CommandError(f"{bad} 行有错误，整份文件没有导入。")
        self.stdout.write(self.style.SUCCESS(
            f"导入完成：{result.total} 行，新增 {result.created} 名，更新 {result.updated} 名"
            + (f"，{len(result.errors)} 处错误未导入" if result.errors else "") + "。"))
        if options["passwords"]:
            self._write_passwords(options["passwords"], congress, result.user_ids)

    def _write_passwords(self, path: str, congress: Congress, user_ids: list[int]) -> None:
        from django.contrib.auth.hashers import make_password

        from renda.core import audit
        from renda.core.actions import generate_initial_password

        wb = Workbook()
        ws = wb.active
        ws.title = "初始密码"
        ws.append(["姓名", "登录名（手机号）", "初始密码"])
        users = list(User.objects.filter(pk__in=user_ids, last_login__isnull=True))
        for user in users:
            password = generate_initial_password()
            user.password = make_password(password, hasher="pbkdf2_initial")
            ws.append([user.full_name, user.username, password])
        User.objects.bulk_update(users, ["password"], batch_size=500)
        audit.record("user.initial_passwords_issued", congress=congress,
                     object_type="core.user", summary={"count": len(users), "via": "cli"})
        wb.save(path)
        self.stdout.write(f"初始密码单已写入 {path}（{len(users)} 个账号）。")
