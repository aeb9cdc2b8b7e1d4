"""Would the recommended blocks have stopped the flood? A replay on the simulator.

Simulates (default --size large), ingests into a running node (`strascico es up`) under its own
prefix with the exposed-cohort watchlist, learns the known contacts from the history before the
flood and ingests the calls and messages again with them (as `strascico demo` does), hunts
once over the whole period, then replays the flood day by day (strascico.block.replay): each
evening `recommend` runs on the alerts complete by then, its prefixes apply from the next day.
Printed: the share of later flood contacts (calls and messages) stopped, the benign contacts
that would have been blocked (relatives, suppliers, citizens abroad, everyone else), the
prefixes chosen, and the same figures for blocking each number the day after it was seen
(what victims do today), measured in the same run.
Targets: >= 90 % of post-recommendation flood contacts stopped, 0 benign contacts blocked.

    strascico es up && python scripts/bench/bench_block_replay.py [--size large] [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Iterator

from bench_ingest import ensure_simulation  # type: ignore[import-not-found]
from elasticsearch import Elasticsearch

from strascico.block import Protected
from strascico.block.plan import Policy
from strascico.block.replay import Contact, replay
from strascico.demo.pipeline import hunt_and_score, ingest_manifest, learn_known_contacts
from strascico.es.connection import ClusterSettings
from strascico.es.node import LocalNode
from strascico.ingest.phones import PhoneNormalizer

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "strascico-bench-replay"


def contacts(client: Elasticsearch, flood_ranges: set[str]) -> Iterator[Contact]:
    """Inbound calls and messages per (caller, day), paged with a composite aggregation."""
    after = None
    while True:
        composite = {"size": 10000, "sources": [
            {"caller": {"terms": {"field": "telephony.caller.number"}}},
            {"day": {"date_histogram": {"field": "@timestamp", "calendar_interval": "day", "format": "yyyy-MM-dd"}}},
            {"range": {"terms": {"field": "telephony.caller.range", "missing_bucket": True}}}]}
        if after:
            composite["after"] = after
        answer = client.search(index=f"{PREFIX}-telephony-*,{PREFIX}-messaging-*", size=0,
                               query={"term": {"network.direction": "inbound"}}, aggs={"c": {"composite": composite}})
        buckets = answer["aggregations"]["c"]["buckets"]
        for b in buckets:
            key = b["key"]
            yield (date.fromisoformat(key["day"]), key["caller"], key["range"] in flood_ranges, b["doc_count"])
        after = answer["aggregations"]["c"].get("after_key")
        if not after or not buckets:
            return


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="large")
    parser.add_argument("--work", type=Path, default=ROOT / ".bench")
    parser.add_argument("--es-url")
    parser.add_argument("--min-length", type=int, default=8)
    parser.add_argument("--keep", action="store_true",
                        help="leave the indices in place, and reuse them on the next run with --keep")
    args = parser.parse_args()
    url = args.es_url or (LocalNode().status() or sys.exit("start a node: strascico es up")).url
    client = ClusterSettings(url, timeout=300).client()
    sim = ensure_simulation(args.work, args.size)
    truth = json.loads((sim / "ground-truth.json").read_text())
    kept = args.work / f"replay-{args.size}.json"  # what --keep needs to reuse the indices
    if args.keep and kept.exists() and client.indices.exists(index=f"{PREFIX}-*"):
        state = json.loads(kept.read_text())
        key, observed = bytes.fromhex(state["key"]), set(state["observed"])
        print(f"reusing the indices of {kept}", file=sys.stderr)
    else:
        key = secrets.token_bytes(32)
        started = time.perf_counter()
        reports, _ = ingest_manifest(client, sim, PREFIX, key)
        known, _ = learn_known_contacts(client, PREFIX, key, truth["flood"]["start"])
        reports, _ = ingest_manifest(client, sim, PREFIX, key, known=known, redo=reports)
        print(f"ingest       : {sum(r.indexed for r in reports)} events ({time.perf_counter() - started:.0f} s); "
              f"{len(known.organisation)} known contacts learnt before {truth['flood']['start']}", file=sys.stderr)
        observed = {c for r in reports for c in r.logsources}
        if args.keep:
            kept.write_text(json.dumps({"key": key.hex(), "observed": sorted(observed)}))
    known, _ = learn_known_contacts(client, PREFIX, key, truth["flood"]["start"])
    result, _ = hunt_and_score(client, ROOT / "rules", PREFIX, truth, observed)
    alerts = [a.to_dict() for a in result.alerts]
    flood = truth["flood"]
    first = datetime.fromisoformat(flood["start"].replace("Z", "+00:00")).date()
    last = datetime.fromisoformat(flood["end"].replace("Z", "+00:00")).date()
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    normalizer = PhoneNormalizer("IT")

    def e164(raw: str) -> str | None:
        info = normalizer.normalize(raw)
        return info.e164 if info is not None else None

    protected = Protected(hashes=set(known.organisation), key=key)
    started = time.perf_counter()
    outcome = replay(alerts, contacts(client, set(flood["ranges"])), days, protected, e164,
                     lambda day: Policy(min_length=args.min_length, as_of=day))
    seconds = time.perf_counter() - started
    p, n = outcome.prefixes, outcome.numbers
    print(f"size         : {args.size}, flood {first} .. {last} ({len(days)} evenings), {len(alerts)} alerts; "
          f"first block in force {outcome.first_block}")
    print(f"prefixes     : {p.stopped_share:6.1%} of {p.flood} later flood contacts stopped, "
          f"{p.benign_blocked} of {p.benign} benign contacts blocked   (goal >= 90 %, 0)")
    print(f"per number   : {n.stopped_share:6.1%} of {n.flood} later flood contacts stopped, "
          f"{n.benign_blocked} of {n.benign} benign contacts blocked   (baseline: block each number seen)")
    print(f"ratio        : prefixes stop {p.flood_stopped / max(n.flood_stopped, 1):.1f}x the contacts per-number "
          f"blocking stops; replay {seconds:.1f} s")
    print("chosen       : " + ", ".join(f"+{d} (from {since})" for d, since in outcome.chosen.items()))
    if p.blocked_benign_numbers:
        print("collateral   : " + ", ".join(sorted(p.blocked_benign_numbers)[:20]))
    if not args.keep:
        client.indices.delete(index=f"{PREFIX}-*", expand_wildcards="all", allow_no_indices=True)


if __name__ == "__main__":
    main()
