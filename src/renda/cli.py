"""The ``renda`` command: Django's manage.py plus the project's own verbs.

Verbs may be written with hyphens (``renda import-deputies``); they map to the
management command with underscores.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renda.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
        if argv[1] == "demo":
            os.environ.setdefault("RENDA_DEMO", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
