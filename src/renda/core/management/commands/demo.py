"""`renda demo`: a throw-away platform with realistic data, one command away.

Migrates the database, loads the demo data once (示例市人大, its counties, ~300 deputies and
one account per role), prints the accounts, then serves the site and runs the background
task worker and the reminder sweep (every few minutes) in the same process. ``--no-serve``
stops after loading (tests, CI).
"""

from __future__ import annotations

import logging
import os
import threading
import unicodedata
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connections

from renda.core.models import Role
from renda.demo import data
from renda.demo.build import load_demo

logger = logging.getLogger("renda.demo")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def accounts_table() -> list[str]:
    rows = [("账号", "角色", "密码", "可以看到")] + [
        (username, Role(role).label + (f"（{org}）" if org else ""), data.DEMO_PASSWORD, what)
        for username, _name, role, org, what in data.DEMO_ACCOUNTS
    ]
    widths = [max(_width(r[i]) for r in rows) + 2 for i in range(3)]
    return ["  " + "".join(_pad(cell, widths[i]) for i, cell in enumerate(r[:3])) + r[3]
            for r in rows]


class TaskWorkerThread(threading.Thread):
    """django-tasks-db's worker loop in a daemon thread, beside the web server.

    ``Worker.run`` itself installs no signal handlers (only the ``db_worker`` command
    does), so it runs fine outside the main thread; Ctrl-C stops the server, then this.
    """

    def __init__(self, interval: float = 1.0) -> None:
        super().__init__(name="renda-demo-worker", daemon=True)
        from django.utils.crypto import get_random_string
        from django_tasks_db.management.commands.db_worker import Worker

        self.worker = Worker(queue_names=["*"], interval=interval, batch=False,
                             backend_name="default", startup_delay=False, max_tasks=None,
                             worker_id=f"demo-{get_random_string(12)}",
                             excluded_queue_names=[])
        self._stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self._stopped.is_set():
                try:
                    self.worker.run()
                except Exception:
                    logger.exception("后台任务处理出错，5 秒后重试。")
                    connections.close_all()
                    self._stopped.wait(5)
        finally:
            connections.close_all()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopped.set()
        self.worker.running = False
        self.join(timeout)


class ReminderThread(threading.Thread):
    """The reminder sweep (what cron runs in production as `renda remind`), once at start
    and then every ``interval`` seconds, in a daemon thread."""

    def __init__(self, interval: float = 300.0) -> None:
        super().__init__(name="renda-demo-reminders", daemon=True)
        self.interval = interval
        self._stopped = threading.Event()

    def run(self) -> None:
        from renda.suggestions.reminders import sweep

        while not self._stopped.is_set():
            try:
                sweep()
            except Exception:
                logger.exception("发送提醒出错，稍后重试。")
            finally:
                connections.close_all()
            self._stopped.wait(self.interval)

    def stop(self, timeout: float = 5.0) -> None:
        self._stopped.set()
        self.join(timeout)


def database_worker_available() -> bool:
    from django.tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    try:
        return isinstance(task_backends["default"], DatabaseBackend)
    except Exception:
        return False


class Command(BaseCommand):
    help = "启动演示平台：迁移数据库、导入演示数据（只导入一次），然后运行网站和后台任务。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
        parser.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
        parser.add_argument("--no-serve", action="store_true",
                            help="只迁移数据库并导入演示数据，不启动网站")

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = options["host"], options["port"]
        self.stdout.write("正在准备数据库……")
        call_command("migrate", verbosity=0, interactive=False)
        loaded = load_demo(stdout=self.stdout)
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host  # noqa: S104
        url = f"http://{shown_host}:{port}/"
        if "RENDA_SITE_URL" not in os.environ:
            settings.RENDA_SITE_URL = url.rstrip("/")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("演示数据" + ("已导入。" if loaded else "已就绪。")))
        db = connections["default"].settings_dict
        where = db["NAME"] if db["ENGINE"].endswith("sqlite3") else \
            f"{db['ENGINE'].rsplit('.', 1)[-1]} {db.get('HOST') or 'localhost'}/{db['NAME']}"
        self.stdout.write(f"数据库：{where}")
        self.stdout.write(f"演示账号（密码均为 {data.DEMO_PASSWORD}）：")
        for line in accounts_table():
            self.stdout.write(line)
        self.stdout.write("")
        if options["no_serve"]:
            return
        self.stdout.write(self.style.SUCCESS(f"打开 {url} 登录。按 Ctrl-C 停止。"))
        self.stdout.write(self.style.WARNING(
            "这是演示环境：内置密钥、明文 HTTP、开发服务器，请勿用于生产或录入真实数据。"))
        if host not in ("127.0.0.1", "localhost") and not os.environ.get("ALLOWED_HOSTS"):
            self.stdout.write(self.style.WARNING(
                "从其他电脑访问时，请设置环境变量 ALLOWED_HOSTS（如本机 IP）后重新启动。"))
        worker = None
        if database_worker_available():
            worker = TaskWorkerThread()
            worker.start()
        else:
            self.stdout.write("后台任务未使用数据库队列，不启动后台任务进程。")
        reminders = ReminderThread()
        reminders.start()
        os.environ.setdefault("DJANGO_RUNSERVER_HIDE_WARNING", "true")
        try:
            addrport = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
            call_command("runserver", addrport, use_reloader=False)
        finally:
            reminders.stop()
            if worker is not None:
                worker.stop()
