"""Duty archive at scale: 20,000 deputies of one congress with 1,000,000 duty records in the
year, then the time to compute the year's scores, grades and rankings (``compute_year``:
one GROUP BY deputy, kind in the database, rules and caps applied in Python, all scores
written in bulk).

    uv run python bench/archive.py [--deputies 20000] [--records 1000000]
    DATABASE_URL=postgres://… uv run python bench/archive.py

The data are written with bulk_create (the benchmark builds its own data; capture and the
actions are tested elsewhere): 40 delegations, records of every kind spread over the year,
3% still pending verification and 2% voided (neither counts), plus 5% in the previous year.
On PostgreSQL the loaded tables are vacuumed and analysed before timing, as autovacuum
would do after a bulk load.

Ends with: RESULT deputies=<n> records=<n> seconds=<compute time>
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._setup import setup

YEAR = 2026
WEIGHTS = {"session": 6, "speech": 5, "bill": 1, "suggestion": 8, "cosign": 10, "standing": 3,
           "inspection": 6, "research": 6, "law_check": 3, "inquiry": 2, "training": 4,
           "reception": 12, "contact": 14, "report": 2, "group": 8, "voting": 2,
           "practical": 3, "legal": 3, "other": 2, "absence": 0.3}


def build(n_deputies: int, n_records: int, seed: int = 2026) -> int:
    from django.db import transaction
    from django.utils import timezone

    from renda.archive.models import DutyRecord, RecordStatus
    from renda.core.models import Congress, Level, Term
    from renda.deputies.models import Delegation, Deputy, Mandate

    rng = random.Random(seed)
    with transaction.atomic():
        congress = Congress.objects.create(name="基准市人民代表大会", short_name="基准市人大",
                                           level=Level.CITY, region_code="990100")
        term = Term.objects.create(congress=congress, number=16, start_date=date(2022, 1, 1),
                                   is_current=True)
        delegations = Delegation.objects.bulk_create(
            [Delegation(congress=congress, name=f"第{i + 1}代表团", sort_order=i)
             for i in range(40)])
        deputies = Deputy.objects.bulk_create(
            [Deputy(name=f"代表{i:05d}", gender="M" if i % 2 else "F", phone=f"1{i:010d}")
             for i in range(n_deputies)], batch_size=5000)
        Mandate.objects.bulk_create(
            [Mandate(deputy=d, congress=congress, term=term, start_date=date(2022, 1, 1),
                     delegation=delegations[i % len(delegations)])
             for i, d in enumerate(deputies)], batch_size=5000)
    ids = [d.pk for d in deputies]
    # Some deputies are far more active than others: a skewed share of the records.
    activity = [rng.paretovariate(1.5) for _ in ids]
    kinds = list(WEIGHTS)
    kind_w = list(WEIGHTS.values())
    start = date(YEAR, 1, 1)
    now = timezone.now()
    table = DutyRecord._meta.db_table
    columns = ["congress_id", "deputy_id", "kind", "day", "year", "title", "detail", "source",
               "self_reported", "status", "reject_reason", "void_reason", "voided_at",
               "created_at", "updated_at"]
    made = 0
    batch = 50000
    while made < n_records:
        size = min(batch, n_records - made)
        who = rng.choices(ids, weights=activity, k=size)
        what = rng.choices(kinds, weights=kind_w, k=size)
        rows = []
        for d, k in zip(who, what, strict=True):
            day = start + timedelta(days=rng.randrange(365))
            if rng.random() < 0.05:
                day = day.replace(year=YEAR - 1)
            r = rng.random()
            rows.append((congress.pk, d, k, day, day.year, "履职记录", "", "", r < 0.2,
                         RecordStatus.PENDING if r < 0.03 else RecordStatus.CONFIRMED, "", "",
                         now if 0.03 <= r < 0.05 else None, now, now))
        _insert(table, columns, rows)
        made += size
    return congress.pk


def _insert(table: str, columns: list[str], rows: list[tuple]) -> None:
    """Raw inserts (COPY on PostgreSQL): building a million rows through model instances
    would take longer than everything measured."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
                               rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deputies", type=int, default=20000)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    where = setup()
    from django.db import connection

    from renda.archive.models import YearScore
    from renda.archive.scoring import compute_year, ruleset_for

    t0 = time.monotonic()
    congress_id = build(args.deputies, args.records)
    if connection.vendor == "postgresql":
        # What autovacuum does after a bulk load: statistics, and the visibility map that
        # lets the yearly GROUP BY read the index alone.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    ruleset_for(congress_id, YEAR)
    print(f"built {args.deputies} deputies and {args.records} records in "
          f"{time.monotonic() - t0:.1f} s ({where})")
    times = []
    for _ in range(args.repeat):
        started = time.monotonic()
        result = compute_year(congress_id, YEAR)
        times.append(time.monotonic() - started)
    best, worst = min(times), max(times)
    top = YearScore.objects.filter(congress_id=congress_id, year=YEAR).order_by("rank").first()
    print(f"compute_year: deputies={result.deputies} counted records={result.records}; "
          f"runs {', '.join(f'{t:.2f}' for t in times)} s; top score {top.score} "
          f"({top.grade}), rank {top.rank}")
    cmd = "uv run python bench/archive.py"
    if connection.vendor == "postgresql":
        cmd = "DATABASE_URL=postgres://… " + cmd
    print(f"reproduce: {cmd} --deputies {args.deputies} --records {args.records}")
    print(f"RESULT deputies={args.deputies} records={args.records} seconds={worst:.2f} "
          f"best_seconds={best:.2f}")


if __name__ == "__main__":
    main()
