"""Benchmark: our bulk path vs a bare `_bulk` loop, same 200,000 events, same node, same run.

Ours = `strascico.es.bulk.bulk_index` (serializes dicts, checks every item, retries 429/503).
Baseline = the same events pre-serialized to NDJSON and POSTed to `_bulk` in equal batches
through the client's transport, checking nothing. Goal: ours ≥ 0.8× the baseline's docs/s.
Also times a full `strascico test` of the shipped pack against the same node.

    strascico es up && python scripts/bench/bench_bulk.py [--docs 200000] [--es-url URL]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time

from strascico.es.bulk import BATCH_DOCS, bulk_index
from strascico.es.connection import ClusterSettings
from strascico.es.node import LocalNode
from strascico.replay.runner import ScratchPrefix

PREFIX = "strascico-bench"
CODES = ["234", "880", "92", "91", "62", "39"]


def events(count: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(count):
        code = rng.choice(CODES)
        out.append({
            "@timestamp": f"2025-01-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00Z",
            "event.id": f"e{i}",
            "event.action": rng.choice(["call-missed", "call-answered", "call-cancelled"]),
            "telephony.channel": "voice",
            "telephony.caller.number": f"+{code}{rng.randrange(10**9, 10**10)}",
            "telephony.caller.country_code": code,
            "telephony.callee.number": f"+39{rng.randrange(10**9, 10**10)}",
            "telephony.call.ring_duration": round(rng.uniform(0, 30), 1),
            "telephony.call.disposition": rng.choice(["answered", "no_answer", "cancelled"]),
        })
    return out


def bare_bulk(client, index: str, docs: list[dict]) -> float:  # type: ignore[no-untyped-def]
    header = json.dumps({"create": {"_index": index}}).encode()
    bodies = [b"\n".join(b for d in docs[i:i + BATCH_DOCS] for b in (header, json.dumps(d).encode())) + b"\n"
              for i in range(0, len(docs), BATCH_DOCS)]
    started = time.perf_counter()
    for body in bodies:
        client.transport.perform_request("POST", "/_bulk", body=body,
                                         headers={"content-type": "application/x-ndjson",
                                                  "accept": "application/json"})
    return time.perf_counter() - started


def ours_bulk(client, index: str, docs: list[dict]) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    report = bulk_index(client, ((index, d) for d in docs))
    elapsed = time.perf_counter() - started
    assert report.indexed == len(docs) and not report.failures, report.failures[:3]
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200_000)
    parser.add_argument("--es-url", help="default: the node of `strascico es up`")
    args = parser.parse_args()
    url = args.es_url or (LocalNode().status() or sys.exit("start a node: strascico es up")).url
    client = ClusterSettings(url, timeout=120).client()
    area = ScratchPrefix(client, PREFIX)
    area.install()
    docs = events(args.docs)
    bare_times, ours_times = [], []
    try:  # two rounds in alternating order, so JVM warm-up favours neither side
        for round_no, order in enumerate((("bare", "ours"), ("ours", "bare"))):
            for side in order:
                index = f"{PREFIX}-telephony-{side}-{round_no}"
                if side == "bare":
                    bare_times.append(bare_bulk(client, index, docs))
                else:
                    ours_times.append(ours_bulk(client, index, docs))
        client.indices.refresh(index=f"{PREFIX}-*")
        counts = {row["index"]: int(row["docs.count"]) for row in
                  client.cat.indices(index=f"{PREFIX}-*", format="json", h="index,docs.count")}
    finally:
        area.remove()
    bare_s, ours_s = sum(bare_times) / 2, sum(ours_times) / 2
    print(f"events       : {args.docs} per side per round, 2 rounds, batches of {BATCH_DOCS}")
    print(f"indexed      : {dict(sorted(counts.items()))}")
    print(f"bare _bulk   : {bare_s:7.2f} s  {args.docs / bare_s:9.0f} docs/s")
    print(f"strascico    : {ours_s:7.2f} s  {args.docs / ours_s:9.0f} docs/s")
    print(f"throughput   : {bare_s / ours_s:7.2f}x of bare  (goal >= 0.8x)")
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "strascico", "test", "--es-url", url, "--json"],
                            capture_output=True, text=True)
    summary = json.loads(result.stdout)["summary"] if result.stdout else {}
    print(f"strascico test (whole pack): {time.perf_counter() - started:.1f} s wall, exit {result.returncode}, {summary}")


if __name__ == "__main__":
    main()
