"""`renda assist train [--congress ID|REGION_CODE] [--target unit|category] [--no-eval]`:
train routing models from the congresses' own past assignments (all congresses by default)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from renda.core.errors import DomainError
from renda.core.models import Congress


class Command(BaseCommand):
    help = "智能辅助：训练分办模型（renda assist train）"

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        train = sub.add_parser("train", help="按历史交办训练分办模型")
        train.add_argument("--congress", help="人大的 ID 或行政区划代码；不填则逐个训练全部")
        train.add_argument("--target", choices=["unit", "category"], default="unit")
        train.add_argument("--no-eval", action="store_true", help="不做交叉验证（更快）")

    def handle(self, *args: Any, **options: Any) -> None:
        from renda.assist.actions import train

        congresses = Congress.objects.order_by("region_code", "id")
        if options["congress"]:
            value = options["congress"]
            congresses = congresses.filter(region_code=value) if not value.isdigit() or len(value) >= 6 \
                else congresses.filter(pk=int(value))
            if not congresses.exists():
                raise CommandError(f"没有这个人大：{value}")
        failures = 0
        for congress in congresses:
            try:
                model = train(congress, target=options["target"], reason="command",
                              evaluate=not options["no_eval"])
            except DomainError as err:
                failures += 1
                self.stdout.write(f"{congress.name}：未训练。{err.message}")
                continue
            q = model.quality
            figures = (f"，交叉验证 F1 {q['macro_f1']:.3f}、前三命中 {q['top3']:.3f}" if q else "")
            self.stdout.write(self.style.SUCCESS(
                f"{congress.name}：模型 v{model.version}，{model.n_train} 件，{model.n_labels} 类"
                f"{figures}，用时 {model.train_seconds:.1f} 秒"))
        if options["congress"] and failures:
            raise CommandError("训练未完成。")
