"""Benchmark: the whole hunt vs its floor, and vs one plain terms aggregation, same index.

Ingests a simulation (default large, ≥ 2M events) into a running node once (under the prefix
`strascico-bench`), then times `strascico hunt` (every base and correlation rule) in a child
process — reporting its peak RSS — and, in the same run, its floor: the correlations'
prefilter and one read of the hits exact windows need, nothing evaluated. Goal: the hunt
within 1.5x its floor. One terms aggregation over the same indices is shown for scale (cold
and warm). Everything is timed after clearing the indices' caches. bench_growth.py does the
same at 2M and 20M events, on a cluster, after the merges of the ingest have settled.

    strascico es up && python scripts/bench/bench_hunt.py [--size large]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from bench_ingest import ensure_simulation  # type: ignore[import-not-found]

from elasticsearch import Elasticsearch

from strascico.correlate import executor
from strascico.demo.pipeline import ingest_manifest
from strascico.es.connection import ClusterSettings
from strascico.es.node import LocalNode
from strascico.hunt import Hunter
from strascico.pack import load_pack

PREFIX = "strascico-bench"
ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large")
    parser.add_argument("--work", type=Path, default=Path("/var/tmp/strascico-bench"))
    parser.add_argument("--es-url")
    args = parser.parse_args()
    url = args.es_url or (LocalNode().status() or sys.exit("start a node: strascico es up")).url
    client = ClusterSettings(url, timeout=300).client()
    sim = ensure_simulation(args.work, args.size)
    truth = json.loads((sim / "ground-truth.json").read_text())
    indexed = client.count(index=f"{PREFIX}-*", ignore_unavailable=True, allow_no_indices=True)["count"]
    if indexed == 0:
        started = time.perf_counter()
        reports, _ = ingest_manifest(client, sim, PREFIX)
        indexed = sum(r.indexed for r in reports)
        print(f"ingested {indexed} events in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    period = truth["period"]
    aggregation = {"callers": {"terms": {"field": "telephony.caller.number", "size": 10000}}}

    def terms_aggregation() -> float:
        started = time.perf_counter()
        client.search(index=f"{PREFIX}-*", size=0, request_cache=False, aggs=aggregation)
        return time.perf_counter() - started

    # Both start from the same state: caches cleared (global ordinals, query and request
    # caches), the operating system's file cache warm from the ingest or an earlier run.
    client.indices.clear_cache(index=f"{PREFIX}-*")
    agg_cold = terms_aggregation()
    agg_warm = min(terms_aggregation() for _ in range(3))
    client.indices.clear_cache(index=f"{PREFIX}-*")
    started = time.perf_counter()
    hunt = subprocess.run([sys.executable, "-m", "strascico", "hunt", "--es-url", url, "--index-prefix", PREFIX,
                           "--since", period["start"], "--until", period["end"], "--json",
                           "--rules", str(ROOT / "rules")], capture_output=True, text=True, cwd=ROOT)
    hunt_s = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if hunt.returncode:
        print(hunt.stderr.strip()[-500:], file=sys.stderr)
    lines = hunt.stdout.splitlines()
    summary = json.loads(lines[-1]) if lines else {}
    print(f"index        : {indexed} events under {PREFIX}-*")
    print(f"terms agg    : {agg_cold:7.2f} s after a cache clear, {agg_warm:.2f} s warm (best of 3)")
    print(f"hunt (all)   : {hunt_s:7.2f} s after a cache clear, exit {hunt.returncode}, {summary.get('alerts')} alerts "
          f"from {summary.get('rules_run')} rules (process start, rule loading and conversion included)")
    print(f"for scale    : {hunt_s / agg_cold:7.1f}x the cleared-cache aggregation, {hunt_s / agg_warm:.1f}x the warm one")
    print(f"peak RSS of the hunter process: {rss:.0f} MB")
    client.indices.clear_cache(index=f"{PREFIX}-*")
    seconds, hits = correlation_read_alone(client, period["start"], period["end"])
    print(f"floor        : {seconds:7.2f} s to read the {hits} hits exact correlation windows need, with no "
          f"evaluation ({seconds / agg_cold:.1f}x the cleared-cache aggregation)")
    print(f"ratio        : {hunt_s / seconds:7.2f}x the floor  (goal <= 1.5x)")


def correlation_read_alone(client: Elasticsearch, since: str, until: str, prefix: str = PREFIX) -> tuple[float, int]:
    """What the hunt cannot do without: the prefilter and one read of each candidate hit
    (the executor's own steps, without the windows)."""
    hunter = Hunter(client, load_pack([ROOT / "rules"]), prefix)
    rules = [(f, r) for f in hunter.files for r in f.rules]
    plans = list(hunter._plans(rules, {}).values())
    started = time.perf_counter()
    consumers = [executor._Consumer(p, executor._candidates(client, p, hunter.index_for, since, until)) for p in plans]
    hits = sum(1 for number, source in enumerate(executor._sources(consumers, hunter.index_for))
               for _ in executor._rows(client, number, source, since, until))
    return time.perf_counter() - started, hits

if __name__ == "__main__":
    main()
