"""Citizens' messages at scale: ``../shared/data/messages-unlabeled.csv`` loaded again and
again into 1,000,000 messages of one congress (PostgreSQL COPY; bulk_create in batches on
SQLite), then

- the public submit endpoint (POST /api/v1/stations/public/stations/<id>/messages) through
  Gunicorn on 127.0.0.1, beside the same server's /healthz in the same run (the floor), in
  alternating rounds (the figures are the rounds' means), with the per-IP/per-phone limits
  raised for the run (RENDA_STATIONS_IP_LIMIT…); each client sends 5 requests from one
  loopback address, then moves to the next (--per-address);
- the staff list (/stations/messages/, filtered, page 2) and the figures page
  (/stations/figures/, the latest year) as a signed-in staff member, median of --repeat.

    DATABASE_URL=postgres://renda:renda@127.0.0.1:55440/renda_stations \\
        uv run python bench/messages.py [--n 1000000] [--rounds 3] [--seconds 5] [--clients 8]

The server runs as docs/operations.md recommends (``--preload``, 2 × CPUs + 1 sync workers;
bench/_setup.py). The load comes from --clients threads of this process, on the same 2-core
machine.

Ends with: RESULT messages=<n> submit_rps=<n> floor_rps=<n> list_ms=<median> figures_ms=<median>
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import random
import statistics
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import free_port, server_label, setup, start_server

ROOT = Path(__file__).resolve().parent.parent
CSV = ROOT.parent / "shared" / "data" / "messages-unlabeled.csv"
STATUSES = [("closed", 45), ("answered", 15), ("transferred", 15), ("accepted", 8),
            ("received", 7), ("rejected", 10)]
CATEGORIES = ["urban", "traffic", "education", "health", "social", "environment", "market",
              "other"]
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _own_test_database() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(url)
        name = parts.path.lstrip("/") or "renda"
        if not name.endswith("_bench_messages"):
            os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}_bench_messages"))


def texts() -> list[tuple[str, str]]:
    with CSV.open(encoding="utf-8") as f:
        return [(r["subject"], r["detail"]) for r in csv.DictReader(f)]


def code_of(i: int) -> str:
    out = []
    for _ in range(10):
        i, r = divmod(i, len(ALPHABET))
        out.append(ALPHABET[r])
    return "X" + "".join(out[:9])  # bench codes start with X; real ones are random


def build(n: int) -> dict:
    from django.db import connection
    from django.utils import timezone

    from renda.core.models import Congress, Level, Organization, OrgKind, Role, RoleAssignment, Term, User
    from renda.stations.models import Station

    city = Congress.objects.create(name="基准市人民代表大会", short_name="基准市人大", level=Level.CITY,
                                   region_code="330100")
    Term.objects.create(congress=city, number=16, start_date=datetime(2022, 1, 10).date(),
                        is_current=True)
    staff = User.objects.create_user("bench-staff", password="x" * 12, congress=city)
    RoleAssignment.objects.create(user=staff, congress=city, role=Role.STAFF,
                                  start_date=datetime(2022, 1, 1).date())
    units = [Organization.objects.create(congress=city, name=f"单位{i}", kind=OrgKind.UNIT)
             for i in range(30)]
    stations = [Station.objects.create(congress=city, name=f"第{i}联络站", address=f"基准路{i}号",
                                       lat=30 + i / 100, lon=120 + i / 100) for i in range(15)]
    rows = texts()
    rng = random.Random(2026)
    statuses, weights = zip(*STATUSES, strict=True)
    now = timezone.now()
    span = 5 * 365 * 86400
    started = time.monotonic()

    def record(i: int) -> list:
        subject, detail = rows[i % len(rows)]
        status = rng.choices(statuses, weights)[0]
        created = now - timedelta(seconds=rng.randint(0, span))
        answered = created + timedelta(days=rng.randint(1, 30)) if status in ("answered", "closed") \
            else None
        transferred = status in ("transferred", "answered", "closed")
        return [city.pk, stations[i % 15].pk, code_of(i), CATEGORIES[i % 8],
                (subject + "\n" + detail)[:2000], "", "", "", "", "", status, created,
                created.date(), created if status != "received" else None,
                "unit" if transferred else "", units[i % 30].pk if transferred else None,
                (created + timedelta(days=21)).date() if transferred else None,
                created if transferred else None, "已办理，详见答复。" if answered else "",
                answered, units[i % 30].name if answered else "",
                "不属于受理范围。" if status == "rejected" else "",
                rng.choice(["satisfied", "unsatisfied"]) if status == "closed" else "", "",
                answered if status == "closed" else None, now, "online", True]

    cols = ["congress_id", "station_id", "code", "category", "content", "name", "phone", "photo",
            "ip_hash", "phone_hash", "status", "created_at", "accept_due", "accepted_at",
            "transfer_kind", "unit_id", "answer_due", "transferred_at", "answer", "answered_at",
            "answered_by", "reject_reason", "rating", "rating_comment", "closed_at", "updated_at",
            "source", "audited"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            raw = cur.cursor if hasattr(cur, "cursor") else cur
            with raw.copy(f"COPY stations_message ({', '.join(cols)}) FROM STDIN") as copy:
                for i in range(n):
                    copy.write_row(record(i))
    else:
        from renda.stations.models import Message

        batch = []
        for i in range(n):
            batch.append(Message(**dict(zip(cols, record(i), strict=True))))
            if len(batch) == 5000:
                Message.objects.bulk_create(batch)
                batch = []
        Message.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        # What autovacuum does to a table after a bulk load: statistics and the visibility
        # map (without it no index-only scan is possible).
        connection.ensure_connection()
        old_autocommit = connection.get_autocommit()
        connection.set_autocommit(True)
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE stations_message")
        connection.set_autocommit(old_autocommit)
    return {"city": city, "staff": staff, "station": stations[0],
            "load_s": time.monotonic() - started}


PER_ADDRESS = 5  # messages per citizen's address: the default limit per 10 minutes


def address(k: int, n: int) -> str:
    """The loopback address of client ``k``'s ``n``-th request: a new one every PER_ADDRESS
    requests (0: one address per client), never 127.0.0.1 (the trusted proxy)."""
    m = n // PER_ADDRESS if PER_ADDRESS else 0
    return f"127.{k + 1}.{m // 254 % 254 + 1}.{m % 254 + 1}"


def hammer(port: int, seconds: float, clients: int, make_request) -> float:
    """Requests per second from ``clients`` connections for ``seconds``."""
    done = [0] * clients
    errors: list[str] = []
    stop = time.monotonic() + seconds

    def run(k: int) -> None:
        # Citizens come from many addresses, each within its limit: a client moves to a new
        # loopback address every PER_ADDRESS requests. (Gunicorn's sync workers close the
        # connection after each response, so a new address costs nothing extra.) With one
        # address per client, each address would count hundreds of messages in its window,
        # which the limit never lets happen in production.
        conn = None
        while time.monotonic() < stop:
            if conn is None or (PER_ADDRESS and done[k] % PER_ADDRESS == 0):
                if conn is not None:
                    conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30,
                                                  source_address=(address(k, done[k]), 0))
            method, path, body, headers = make_request(k, done[k])
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            resp.read()
            if resp.status >= 300:
                errors.append(f"{resp.status} {path}")
                if len(errors) > 20:
                    return
            done[k] += 1
        if conn is not None:
            conn.close()

    threads = [threading.Thread(target=run, args=(k,)) for k in range(clients)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    if errors:
        raise SystemExit(f"requests failed: {errors[:5]}")
    return sum(done) / elapsed


def main() -> None:
    global PER_ADDRESS  # one setting for the whole run
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=5, help="per round and endpoint")
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternating rounds of /healthz and submit")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--per-address", type=int, default=PER_ADDRESS,
                        help="requests per client address before the next (0: one per client)")
    args = parser.parse_args()
    PER_ADDRESS = args.per_address
    _own_test_database()
    os.environ["RENDA_STATIONS_IP_LIMIT"] = "1000000000"
    os.environ["RENDA_STATIONS_PHONE_LIMIT"] = "1000000000"
    os.environ["RENDA_EMAIL_NOTIFICATIONS"] = "false"
    where = setup()
    from django.db import connection
    from django.test import Client

    built = build(args.n)
    print(f"loaded {args.n} messages in {built['load_s']:.1f} s ({where})", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_table_size('stations_message'), "
                           "pg_indexes_size('stations_message'), current_setting('shared_buffers'), "
                           "current_setting('server_version')")
            table, indexes, buffers, version = cursor.fetchone()
        print(f"messages table {table / 2**20:.0f} MB, its indexes {indexes / 2**20:.0f} MB; "
              f"PostgreSQL {version}, shared_buffers={buffers}", flush=True)

    # The production server on the same database.
    db = connection.settings_dict
    env = dict(os.environ)
    if connection.vendor == "postgresql":
        env["DATABASE_URL"] = (f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/"
                               f"{db['NAME']}")
    else:
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    env["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    env["PYTHONPATH"] = str(ROOT / "src")
    port = free_port()
    server = start_server(port, env)
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("GET", "/api/v1/stations/public/challenge")
        ch = json.loads(c.getresponse().read())
        a, rest = ch["question"].split(" 加 ")
        answer = str(int(a) + int(rest.split(" ")[0]))
        path = f"/api/v1/stations/public/stations/{built['station'].pk}/messages"

        def submit(k: int, i: int):
            body = json.dumps({"content": f"基准测试留言：第{k}号客户端第{i}条，小区路灯不亮，请修复。",
                               "category": "urban", "phone": f"139{k:02d}{i % 1000000:06d}",
                               "challenge_token": ch["token"], "challenge_answer": answer})
            return "POST", path, body.encode(), {"Content-Type": "application/json"}

        def health(k: int, i: int):
            return "GET", "/healthz", None, {}

        hammer(port, 2, args.clients, health)  # warm up both
        hammer(port, 2, args.clients, submit)
        # Alternating rounds: this machine's speed drifts by a third within minutes, and
        # the ratio is only meaningful between runs close in time.
        floors, submits = [], []
        for _ in range(args.rounds):
            floors.append(hammer(port, args.seconds, args.clients, health))
            submits.append(hammer(port, args.seconds, args.clients, submit))
        floor, submit_rps = statistics.mean(floors), statistics.mean(submits)
        print("rounds (floor, submit req/s): "
              + ", ".join(f"({f:.0f}, {s:.0f}) {s / f:.2f}" for f, s in zip(floors, submits, strict=True)),
              flush=True)
        print(f"/healthz {floor:.0f} req/s; submit {submit_rps:.0f} req/s "
              f"({submit_rps / floor:.2f} of the floor), {args.clients} clients, "
              f"{PER_ADDRESS or 'all'} requests per address, {server_label()}",
              flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(built["staff"])
    year = datetime.now(UTC).year

    def measure(url: str, cold: list[float] | None = None) -> float:
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            r = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, (url, r.status_code)
        if cold is not None:
            cold.append(times[0])
        return statistics.median(times)

    list_ms = measure("/stations/messages/?status=transferred&page=2")
    list_all_ms = measure("/stations/messages/")
    from django.core.cache import cache

    cache.clear()
    cold: list[float] = []
    figures_ms = measure(f"/stations/figures/?year={year}", cold)
    print(f"list (transferred, page 2) {list_ms:.1f} ms; list (all, page 1) {list_all_ms:.1f} ms; "
          f"figures {figures_ms:.1f} ms (median of {args.repeat}; counted, not cached: "
          f"{cold[0]:.1f} ms — the page keeps its counts for 5 minutes)")
    print("reproduce: DATABASE_URL=postgres://renda:renda@127.0.0.1:55440/renda_stations "
          f"uv run python bench/messages.py --n {args.n}")
    print(f"RESULT messages={args.n} submit_rps={submit_rps:.0f} floor_rps={floor:.0f} "
          f"list_ms={list_ms:.1f} figures_ms={figures_ms:.1f} figures_cold_ms={cold[0]:.1f}")


if __name__ == "__main__":
    main()
