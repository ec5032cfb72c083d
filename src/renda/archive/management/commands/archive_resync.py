from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "按代表建议的现状补记或作废履职记录（重复运行不会重复记录）。"

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        from renda.archive.signals import resync_suggestions

        made, voided = resync_suggestions()
        self.stdout.write(f"补记 {made} 条，作废 {voided} 条。")
