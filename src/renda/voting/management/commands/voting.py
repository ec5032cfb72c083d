"""`renda voting recount ROUND`: recompute a round's tally from the stored ballots (or the
two tellers' paper entries) and say whether it matches the stored result.

Exit status 0 when it matches, 1 when it does not, 2 when the round cannot be recounted.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from renda.core.errors import DomainError
from renda.voting import actions
from renda.voting.models import Round


class Command(BaseCommand):
    help = "民生实事项目票决：recount ROUND 根据票箱中的选票重新计票并与已存结果比对。"

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        recount = sub.add_parser("recount", help="重新计票并比对")
        recount.add_argument("round", type=int, help="票决轮次编号")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            r = Round.objects.get(pk=options["round"])
        except Round.DoesNotExist:
            raise CommandError(f"没有编号为 {options['round']} 的票决。") from None
        try:
            result = actions.recount(r)
        except DomainError as exc:
            self.stderr.write(exc.message)
            sys.exit(2)
        t = result.tally
        self.stdout.write(f"{r.title}（#{r.pk}）重新计票：应到 {t.entitled}，投票 {t.voted}，"
                          f"收回 {t.total}，有效 {t.valid}，无效 {t.invalid}。")
        names = dict(r.candidates.values_list("id", "title"))
        for cid, n in sorted(t.counts.items(), key=lambda kv: -kv[1]["yes"]):
            mark = "当选" if cid in t.elected else ("同票待决" if cid in t.tied else "")
            self.stdout.write(f"  {names[cid]}：赞成 {n['yes']} 反对 {n['no']} 弃权 {n['abstain']} {mark}")
        if result.matches:
            self.stdout.write(self.style.SUCCESS("与已存结果一致。"))
            return
        self.stdout.write(self.style.ERROR("与已存结果不一致："))
        for d in result.differences:
            self.stdout.write(f"  {d}")
        sys.exit(1)
