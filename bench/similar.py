"""Similar-message search at scale: indexes 100,000 messages with
``renda.assist.similar.SimilarIndex`` (the index the platform uses), then queries it with
near-duplicates made by editing known messages.

    uv run python bench/similar.py [--docs 100000] [--queries 300]

The 4,326 messages of ../shared/data/messages-unlabeled.csv are repeated with variations
(districts and numbers replaced, sentences shuffled, one sentence borrowed from another
message) until there are --docs documents. A query is one indexed document edited the way
people re-send a message: characters deleted and replaced, a sentence dropped, a greeting
added. recall_at_10 is the share of queries whose source document is among the first 10.

Ends with: RESULT docs=<n> query_ms=<median> recall_at_10=<x>
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from renda.assist.similar import SimilarIndex  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "messages-unlabeled.csv"
DISTRICTS = [f"A{i}区" for i in range(1, 10)] + [f"K{i}县" for i in range(1, 10)] + ["B市", "C市", "A市"]
SENT = re.compile(r"(?<=[。！？!?；;])")
HAN = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都"
    "两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想"
    "已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质"
)


def load(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [f"{r['subject']}\n{r['detail']}" for r in csv.DictReader(f) if r.get("detail")]


def sentences(text: str) -> list[str]:
    return [s for s in SENT.split(text) if s.strip()]


def vary(text: str, donor: str, rng: random.Random) -> str:
    """Another citizen's message about much the same thing."""
    text = re.sub(r"[A-K]\d{1,2}[区县]", lambda _: rng.choice(DISTRICTS), text)
    text = re.sub(r"\d+", lambda m: str(rng.randint(1, 999)) if rng.random() < 0.7 else m.group(), text)
    parts = sentences(text)
    head, body = (parts[0], parts[1:]) if parts else (text, [])
    rng.shuffle(body)
    extra = sentences(donor)
    if extra:
        body.insert(rng.randint(0, len(body)), rng.choice(extra))
    return head + "".join(body)


def edit(text: str, rng: random.Random) -> str:
    """The same message sent again: small edits, a sentence dropped, a greeting added."""
    parts = sentences(text)
    if len(parts) > 3:
        del parts[rng.randrange(1, len(parts))]
    chars = list("".join(parts))
    for _ in range(max(1, len(chars) // 15)):
        i = rng.randrange(len(chars))
        if rng.random() < 0.5:
            del chars[i]
        else:
            chars[i] = rng.choice(HAN)
    greeting = rng.choice(["领导您好，", "您好！", "", "尊敬的领导："])
    return greeting + "".join(chars) + rng.choice(["谢谢！", "", "望回复。"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--data", default=str(DATA))
    args = parser.parse_args()
    rng = random.Random(7)
    base = load(Path(args.data))
    docs = list(base)
    while len(docs) < args.docs:
        i = len(docs)
        docs.append(vary(base[i % len(base)], base[rng.randrange(len(base))], rng))
    docs = docs[: args.docs]

    t0 = time.perf_counter()
    index = SimilarIndex(enumerate(docs))
    build_s = time.perf_counter() - t0

    targets = rng.sample(range(len(docs)), args.queries)
    times, cpu, hits = [], [], 0
    for doc_id in targets:
        query = edit(docs[doc_id], rng)
        t0, c0 = time.perf_counter(), time.process_time()
        found = index.query(query, k=10)
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        hits += any(m.key == doc_id for m in found)
    print(f"# Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs; "
          f"index built in {build_s:.1f} s, {index.columns.nnz:,} entries; load average "
          f"{os.getloadavg()[0]:.1f}; median CPU time per query {statistics.median(cpu):.2f} ms")
    print(f"# reproduce: uv run python bench/similar.py {' '.join(sys.argv[1:])}".rstrip())
    print(f"RESULT docs={len(docs)} query_ms={statistics.median(times):.2f} "
          f"recall_at_10={hits / len(targets):.3f}")


if __name__ == "__main__":
    main()
