from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "年度履职汇总日前提醒工作人员（可由 cron 每日运行；也可入队由 renda worker 执行）。"

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--enqueue", action="store_true", help="交给任务队列执行")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if options["enqueue"]:
            from renda.archive.tasks import remind_summary

            result = remind_summary.enqueue()
            self.stdout.write(f"已入队：{result.id}")
            return
        from renda.archive.reminders import sweep

        self.stdout.write(f"已提醒 {sweep()} 个人大的工作人员。")
