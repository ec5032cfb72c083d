"""The project vote under load, through the real application server.

    DATABASE_URL=postgres://renda:renda@127.0.0.1:55440/renda_votebench uv run python bench/vote.py
    uv run python bench/vote.py --deputies 300      # a quick run (SQLite works, but is not the target)

Builds a fresh database (with PostgreSQL: ``test_<name>``, dropped at the end), 3,000
deputies with accounts and a round of 12 candidates for 10 seats, opens the vote, then
analyses the tables (on PostgreSQL) and starts Gunicorn as docs/operations.md recommends for
production (``--preload``, 2 × CPUs + 1 sync workers; bench/_setup.py) on 127.0.0.1. Then 30
concurrent clients act for the deputies: each fetches the round
(``GET /api/v1/voting/rounds/<id>``) and casts a ballot (``POST …/ballot``) with its own
bearer token. Staff then close the vote through the API and the published counts are
compared with the ground truth.

Tokens: each deputy's API token is issued directly in the database during setup
(``renda.api.auth.issue_token``), not through ``POST /api/v1/auth/token``, which hashes
the password (PBKDF2) and is rate-limited to 60 per address per 5 minutes — 3,000 sign-ins
from one address are exactly what that limit is there to stop.

Ends with: RESULT ballots=<n> errors=<n> tally_exact=<0|1> p50_ms=<n> p99_ms=<n> wall_s=<n>
(latencies are of the ballot POSTs; wall_s from the first request to the last ballot).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import sys
import threading
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._setup import free_port, server_label, setup, start_server


def build(n: int, seed: int = 2026) -> dict:
    from renda.api.auth import issue_token
    from renda.core.models import Congress, Level, Role, RoleAssignment, Term, User
    from renda.deputies.models import Deputy, Mandate
    from renda.voting import actions
    from renda.voting.models import Choice

    rng = random.Random(seed)
    congress = Congress.objects.create(name="基准市人民代表大会", level=Level.CITY,
                                       region_code="999900")
    term = Term.objects.create(congress=congress, number=16, start_date=date(2022, 1, 1),
                               is_current=True)
    staff = User.objects.create(username="bench-staff", congress=congress)
    RoleAssignment.objects.create(user=staff, congress=congress, role=Role.STAFF,
                                  start_date=date(2022, 1, 1))
    users = User.objects.bulk_create([User(username=f"d{i:05d}", congress=congress,
                                           full_name=f"代表{i}") for i in range(n)],
                                     batch_size=1000)
    RoleAssignment.objects.bulk_create([RoleAssignment(user=u, congress=congress, role=Role.DEPUTY,
                                                       start_date=date(2022, 1, 1)) for u in users],
                                       batch_size=1000)
    deputies = Deputy.objects.bulk_create([Deputy(name=f"代表{i}", gender="F" if i % 2 else "M",
                                                  phone=f"15{i:09d}", user=u)
                                           for i, u in enumerate(users)], batch_size=1000)
    Mandate.objects.bulk_create([Mandate(deputy=d, congress=congress, term=term,
                                         start_date=date(2022, 1, 1)) for d in deputies],
                                batch_size=1000)
    r = actions.create_round(staff, congress, year=2026, title="基准年度民生实事项目票决", seats=10)
    popularity = [0.9, 0.85, 0.8, 0.78, 0.75, 0.7, 0.68, 0.66, 0.64, 0.62, 0.4, 0.3]
    for i in range(12):
        actions.add_candidate(staff, r, title=f"候选项目{i + 1}", description="基准项目说明",
                              budget=100 + i)
    actions.move(staff, r, "screening")
    actions.fix_candidates(staff, r)
    actions.open_vote(staff, r)
    ids = list(r.candidates.values_list("id", flat=True))
    plans = []
    for _ in users:
        yes = [c for c, p in zip(ids, popularity, strict=True) if rng.random() < p][:10]
        plans.append({str(c): (Choice.YES if c in yes else rng.choice([Choice.NO, Choice.ABSTAIN]))
                      for c in ids})
    tokens = [issue_token(u)[0] for u in users]
    staff_token = issue_token(staff)[0]
    truth = {c: sum(1 for p in plans if p[str(c)] == Choice.YES) for c in ids}
    return {"round": r.pk, "tokens": tokens, "plans": plans, "staff": staff_token,
            "truth": truth}


def server_env() -> dict[str, str]:
    from django.db import connection

    env = dict(os.environ)
    url = os.environ.get("DATABASE_URL", "")
    if url:  # the server must use the benchmark's own database, not the named one
        parts = urlsplit(url)
        env["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))
    else:
        env["DATABASE_URL"] = "sqlite:///" + connection.settings_dict["NAME"]
    env.setdefault("DEBUG", "false")
    env["ALLOWED_HOSTS"] = "127.0.0.1"
    env["LOG_LEVEL"] = "WARNING"
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--deputies", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=30)
    args = parser.parse_args()
    where = setup()
    from django.db import connections

    t0 = time.perf_counter()
    data = build(args.deputies)
    print(f"setup: {args.deputies} deputies, round #{data['round']} opened in "
          f"{time.perf_counter() - t0:.1f} s ({where})", flush=True)
    if connections["default"].vendor == "postgresql":
        # As after any roster import, days before a vote: autovacuum has analysed the new
        # tables. Without this it does so during the run, on the same two CPUs.
        with connections["default"].cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    connections.close_all()
    port = free_port()
    server = start_server(port, server_env())
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    queue = list(range(args.deputies))
    rid = data["round"]

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                if not queue:
                    break
                i = queue.pop()
            headers = {"Authorization": f"Bearer {data['tokens'][i]}",
                       "Content-Type": "application/json"}
            try:
                conn.request("GET", f"/api/v1/voting/rounds/{rid}", headers=headers)
                resp = conn.getresponse()
                body = json.loads(resp.read())
                if resp.status != 200 or not body.get("can_vote"):
                    raise RuntimeError(f"round {resp.status}")
                payload = json.dumps({"choices": data["plans"][i]})
                started = time.perf_counter()
                conn.request("POST", f"/api/v1/voting/rounds/{rid}/ballot", body=payload,
                             headers=headers)
                resp = conn.getresponse()
                out = resp.read()
                took = (time.perf_counter() - started) * 1000
                if resp.status != 200 or "tracker" not in json.loads(out):
                    raise RuntimeError(f"ballot {resp.status} {out[:80]!r}")
                with lock:
                    latencies.append(took)
            except Exception as exc:  # counted and reported
                with lock:
                    errors.append(str(exc))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.close()

    try:
        started = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.request("POST", f"/api/v1/voting/rounds/{rid}/close",
                     headers={"Authorization": f"Bearer {data['staff']}"})
        resp = conn.getresponse()
        result = json.loads(resp.read())
        if resp.status != 200:
            raise SystemExit(f"close failed: {resp.status} {result}")
    finally:
        server.terminate()
        server.wait(timeout=30)
    got = {c["id"]: c["yes"] for c in result["candidates"]}
    exact = int(got == data["truth"] and result["ballots_valid"] == len(latencies)
                and result["voted"] == len(latencies))
    latencies.sort()
    p50 = statistics.median(latencies) if latencies else 0
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else 0
    if errors:
        print("first errors:", errors[:3])
    print("machine load average (1, 5, 15 min) at the end: "
          + ", ".join(f"{x:.1f}" for x in os.getloadavg()) + f" on {os.cpu_count()} CPUs")
    elected = sum(c["elected"] for c in result["candidates"])
    print(f"{len(latencies)} ballots by {args.clients} clients through {server_label()}; "
          f"elected {elected}")
    print("reproduce: DATABASE_URL=postgres://renda:renda@127.0.0.1:55440/renda_votebench "
          f"uv run python bench/vote.py --deputies {args.deputies} --clients {args.clients}")
    print(f"RESULT ballots={len(latencies)} errors={len(errors)} tally_exact={exact} "
          f"p50_ms={p50:.0f} p99_ms={p99:.0f} wall_s={wall:.1f}")


if __name__ == "__main__":
    main()
