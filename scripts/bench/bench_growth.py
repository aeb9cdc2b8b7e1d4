"""Benchmark: how ingest and hunt grow from 2M to 20M events, each against its own baseline.

For each size (default `large` ≈ 2M events and `xl` ≈ 20M), in one run against one running
cluster (`strascico es up --nodes 3`):

  ingest to file   every manifest file through `ingest --out` (write_events, one worker per
                   CPU) with the readers the cluster side uses (watchlist, block list, same key):
                   records/s and peak RSS of the ingest process and of its largest worker.
  bare _bulk       the events that file ingest wrote, posted as they are (`create` with the
                   event id, batches of BATCH_DOCS, one request at a time, nothing checked) into
                   indices of their own under the same templates. `--bare-share` below 1 posts
                   only the first part of each file: smaller indices, which favours the baseline.
  ingest to cluster  the demo's own path (ingest_manifest: watchlist, normalization in workers
                   overlapping the bulk requests, every item checked) in a fresh process:
                   records/s against bare _bulk's (goal >= 0.9x) and peak RSS.
  hunt             `strascico hunt` over the whole period in a fresh process: seconds per
                   million events (goal: at 20M no more than at 2M), peak RSS (goal <= 400 MB),
                   and its floor — the prefilter and one read of the hits exact windows need,
                   nothing evaluated (goal: hunt <= 1.5x the floor). Both run --rounds times,
                   alternately; the best of each is compared (the rounds are in --json).

The bare indices are deleted before ours are written; ours stay for the hunt and are removed
at the end unless --keep. Disk: about 3x the simulation's size per side at 20M.

    strascico es up --nodes 3 --heap 1g && python scripts/bench/bench_growth.py [--sizes large,xl]
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import orjson
from bench_hunt import correlation_read_alone  # type: ignore[import-not-found]
from bench_ingest import ensure_simulation  # type: ignore[import-not-found]
from elasticsearch import Elasticsearch

from strascico.deploy.templates import apply_templates, plan_templates
from strascico.es.bulk import BATCH_DOCS
from strascico.es.cluster import LocalCluster
from strascico.es.connection import ClusterSettings
from strascico.es.node import LocalNode, group_pids

ROOT = Path(__file__).resolve().parents[2]
OURS, BARE = "strascico-growth", "strascico-growth-bare"

FILE_CHILD = """
import json, resource, sys, time
from pathlib import Path
from strascico.demo.pipeline import manifest_formats
from strascico.ingest.parallel import default_jobs, write_events
from strascico.ingest.runner import RejectWriter, Sources
sim, out, key = Path(sys.argv[1]), Path(sys.argv[2]), bytes.fromhex(sys.argv[3])
out.mkdir(parents=True, exist_ok=True)
records, started = 0, time.perf_counter()
manifest = json.loads((sim / "manifest.json").read_text())
_, formats = manifest_formats(sim, manifest, manifest["files"], key)
for number, (entry, fmt) in enumerate(formats):  # the readers ingest_manifest uses: the same documents
    with open(out / f"{number}.ndjson", "wb") as handle:
        records += write_events(fmt, Sources([str(sim / entry["path"])]), handle,
                                RejectWriter(out / f"{number}.rejects"), default_jobs())
rss = [resource.getrusage(who).ru_maxrss / 1024 for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
print(json.dumps({"records": records, "seconds": time.perf_counter() - started, "rss": rss}))
"""

CLUSTER_CHILD = """
import json, resource, sys, time
from pathlib import Path
from strascico.demo.pipeline import ingest_manifest
from strascico.es.connection import ClusterSettings
client = ClusterSettings(sys.argv[1], timeout=300).client()
started = time.perf_counter()
reports, _ = ingest_manifest(client, Path(sys.argv[2]), sys.argv[3], watchlist_key=bytes.fromhex(sys.argv[4]))
rss = [resource.getrusage(who).ru_maxrss / 1024 for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
print(json.dumps({"records": sum(r.indexed for r in reports), "read": sum(r.read for r in reports),
                  "seconds": time.perf_counter() - started, "rss": rss}))
"""


@dataclass
class Child:
    """What a fresh process printed, and its own peak RSS (os.wait4: this child only)."""

    result: dict
    seconds: float
    peak_rss_mb: float


def run_child(argv: list[str]) -> Child:
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(argv, stdout=out, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)  # reaped here, so its own rusage is ours to read
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if process.returncode:
        sys.exit(f"{' '.join(argv[:4])} failed (exit {process.returncode}): {stderr[-800:]}")
    lines = stdout.splitlines()
    result = json.loads(lines[-1]) if lines and lines[-1].startswith("{") else {}
    return Child(result, seconds, usage.ru_maxrss / 1024)


def bare_bulk(client: Elasticsearch, sim: Path, ndjson: Path, share: float) -> tuple[int, float]:
    """Post the file ingest's events as they are; (documents, seconds). Checks nothing."""
    manifest = json.loads((sim / "manifest.json").read_text())
    headers = {"content-type": "application/x-ndjson", "accept": "application/json"}
    sent, seconds = 0, 0.0
    for number, entry in enumerate(manifest["files"]):
        path = ndjson / f"{number}.ndjson"
        if not path.exists():
            continue
        index = f"{BARE}-{entry['logsource']}-{entry['format']}".encode()
        limit = int(entry["records"] * share) if share < 1 else None
        started = time.perf_counter()
        with path.open("rb") as handle:
            batch: list[bytes] = []
            for count, line in enumerate(handle):
                if limit is not None and count >= limit:
                    break
                batch.append(b'{"create":{"_index":"%s","_id":"%s"}}\n' % (index, orjson.loads(line)["event.id"].encode()))
                batch.append(line)
                sent += 1
                if len(batch) == 2 * BATCH_DOCS:
                    client.transport.perform_request("POST", "/_bulk", body=b"".join(batch), headers=headers)
                    batch = []
            if batch:
                client.transport.perform_request("POST", "/_bulk", body=b"".join(batch), headers=headers)
        seconds += time.perf_counter() - started
    started = time.perf_counter()
    client.indices.refresh(index=f"{BARE}-*")  # searchable at the end, as ingest_manifest leaves it
    return sent, seconds + time.perf_counter() - started


def settle(client: Elasticsearch, timeout: float = 600.0) -> float:
    """Wait until the cluster has no merges running (they follow every large ingest and take
    CPU from whatever runs next): the hunt and its floor then start from the same state."""
    started = time.monotonic()
    client.indices.refresh(index=f"{OURS}-*")
    while time.monotonic() - started < timeout:
        stats = client.nodes.stats(metric="indices", index_metric="merge")["nodes"].values()
        if not sum(node["indices"]["merges"]["current"] for node in stats):
            break
        time.sleep(2)
    return time.monotonic() - started


def hunt(url: str, period: dict) -> Child:
    return run_child([sys.executable, "-m", "strascico", "hunt", "--es-url", url, "--index-prefix", OURS,
                      "--since", period["start"], "--until", period["end"], "--json", "--rules", str(ROOT / "rules")])


def measure(client: Elasticsearch, url: str, work: Path, size: str, share: float, rounds: int) -> dict:
    sim = ensure_simulation(work, size)
    ndjson = work / f"ndjson-{size}"
    print(f"[{size}] ingest to file ...", file=sys.stderr)
    key = secrets.token_bytes(32)  # one key for both sides: the same hashed numbers, the same documents
    to_file = run_child([sys.executable, "-c", FILE_CHILD, str(sim), str(ndjson), key.hex()])
    for prefix in (BARE, OURS):
        client.indices.delete(index=f"{prefix}-*", allow_no_indices=True, expand_wildcards="all")
    apply_templates(client, plan_templates(client, BARE))
    print(f"[{size}] bare _bulk ...", file=sys.stderr)
    bare_docs, bare_s = bare_bulk(client, sim, ndjson, share)
    bare_indexed = client.count(index=f"{BARE}-*")["count"]
    client.indices.delete(index=f"{BARE}-*", expand_wildcards="all")
    print(f"[{size}] ingest to the cluster ...", file=sys.stderr)
    ours = run_child([sys.executable, "-c", CLUSTER_CHILD, url, str(sim), OURS, key.hex()])
    for path in ndjson.glob("*"):
        path.unlink()
    return {"size": size,
            "file": {"records": to_file.result["records"], "seconds": to_file.result["seconds"],
                     "rss": to_file.peak_rss_mb, "worker_rss": to_file.result["rss"][1]},
            "bare": {"docs": bare_docs, "indexed": bare_indexed, "seconds": bare_s, "share": share},
            "ours": {"records": ours.result["records"], "seconds": ours.result["seconds"], "rss": ours.peak_rss_mb,
                     "worker_rss": ours.result["rss"][1]},
            **measure_hunt(client, url, sim, size, rounds)}


def measure_hunt(client: Elasticsearch, url: str, sim: Path, size: str, rounds: int) -> dict:
    """The hunt and its floor over the indices under OURS, `rounds` times each."""
    truth = json.loads((sim / "ground-truth.json").read_text())
    indexed = client.count(index=f"{OURS}-*")["count"]
    hunts, floors = [], []
    for round_number in range(1, rounds + 1):  # alternated: both see the cluster as warm as the other
        print(f"[{size}] hunt {round_number}/{rounds} (after {settle(client):.0f} s of merges settling) ...",
              file=sys.stderr)
        client.indices.clear_cache(index=f"{OURS}-*")
        hunts.append(hunt(url, truth["period"]))
        settle(client)
        client.indices.clear_cache(index=f"{OURS}-*")
        floors.append(correlation_read_alone(client, truth["period"]["start"], truth["period"]["end"], OURS))
    hunted = min(hunts, key=lambda child: child.seconds)
    floor_s, floor_hits = min(floors)
    return {"size": size, "events": indexed,
            "hunt": {"seconds": hunted.seconds, "rss": max(child.peak_rss_mb for child in hunts),
                     "alerts": hunted.result.get("alerts"), "rules": hunted.result.get("rules_run"),
                     "rounds": [child.seconds for child in hunts]},
            "floor": {"seconds": floor_s, "hits": floor_hits, "rounds": [seconds for seconds, _ in floors]}}


def print_table(rows: list[dict]) -> None:
    def rate(part: dict, key: str) -> float:
        return part[key] / part["seconds"]

    print(f"{'':34}" + "".join(f"{row['size'] + ' (' + format(row['events'], ',') + ')':>26}" for row in rows))
    lines = [
        ("ingest to file, records/s", lambda r: f"{rate(r['file'], 'records'):,.0f}"),
        ("  peak RSS (largest worker) MB", lambda r: f"{r['file']['rss']:.0f} ({r['file']['worker_rss']:.0f})"),
        ("bare _bulk, docs/s", lambda r: f"{rate(r['bare'], 'docs'):,.0f}" + (
            f" ({r['bare']['share']:.0%} sample)" if r["bare"]["share"] < 1 else "")),
        ("ingest to cluster, records/s", lambda r: f"{rate(r['ours'], 'records'):,.0f}"),
        ("  x bare _bulk (goal >= 0.9)", lambda r: f"{rate(r['ours'], 'records') / rate(r['bare'], 'docs'):.2f}x"),
        ("  peak RSS (largest worker) MB", lambda r: f"{r['ours']['rss']:.0f} ({r['ours']['worker_rss']:.0f})"),
        ("hunt, s (best of rounds)", lambda r: f"{r['hunt']['seconds']:.1f} ({r['hunt']['alerts']} alerts)"),
        ("  s per million events", lambda r: f"{r['hunt']['seconds'] / (r['events'] / 1e6):.2f}"),
        ("  peak RSS MB (goal <= 400)", lambda r: f"{r['hunt']['rss']:.0f}"),
        ("  floor s, best (hits read)", lambda r: f"{r['floor']['seconds']:.1f} ({r['floor']['hits']:,})"),
        ("  x floor (goal <= 1.5)", lambda r: f"{r['hunt']['seconds'] / r['floor']['seconds']:.2f}x"),
    ]

    def shown(cell, row: dict) -> str:  # type: ignore[no-untyped-def]
        try:
            return cell(row)
        except KeyError:  # --hunt-only: no ingest figures
            return "-"

    for label, cell in lines:
        print(f"{label:34}" + "".join(f"{shown(cell, row):>26}" for row in rows))
    if len(rows) > 1:
        per_million = [r["hunt"]["seconds"] / (r["events"] / 1e6) for r in rows]
        print(f"hunt s per million, {rows[-1]['size']} / {rows[0]['size']}: {per_million[-1] / per_million[0]:.2f} "
              "(goal <= 1.0)")


def pin(state) -> tuple[list[int], set[int], set[int]] | None:  # type: ignore[no-untyped-def]
    """Cluster processes (every thread) on all CPUs but the last, this process and its children
    on the last. On one shared machine the ingest's normalizing takes CPU from the nodes; a
    cluster of its own would not give it up. Returns (pids, cluster CPUs, client CPUs)."""
    cpus = sorted(os.sched_getaffinity(0))
    if state is None or len(cpus) < 2:
        sys.exit("--pin-cluster needs the local cluster of `strascico es up --nodes N` and 2 CPUs or more")
    pids = [pid for member in state.members for pid in group_pids(member.pid)]
    cluster_cpus, client_cpus = set(cpus[:-1]), {cpus[-1]}
    _set_affinity(pids, cluster_cpus)
    os.sched_setaffinity(0, client_cpus)
    print(f"pinned: cluster ({len(pids)} processes) on CPUs {sorted(cluster_cpus)}, benchmark on {sorted(client_cpus)}",
          file=sys.stderr)
    return pids, cluster_cpus, client_cpus


def _set_affinity(pids: list[int], cpus: set[int]) -> None:
    for pid in pids:  # every thread: a thread keeps the affinity it had
        for task in Path(f"/proc/{pid}/task").glob("*"):
            try:
                os.sched_setaffinity(int(task.name), cpus)
            except OSError:
                pass  # exited meanwhile


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="large,xl", help="simulation sizes, smallest first (default large,xl)")
    parser.add_argument("--work", type=Path, default=Path("/var/tmp/strascico-bench"))
    parser.add_argument("--es-url", help="default: the cluster (or node) of `strascico es up`")
    parser.add_argument("--bare-share", type=float, default=1.0,
                        help="part of each file the bare baseline posts (default 1: all of it)")
    parser.add_argument("--keep", action="store_true", help="leave the last size's indices for another look")
    parser.add_argument("--pin-cluster", action="store_true",
                        help="run the local cluster on all CPUs but the last and this benchmark (both sides) on "
                             "the last: as when the cluster has machines of its own")
    parser.add_argument("--hunt-only", action="store_true",
                        help="no ingest: hunt the indices an earlier --keep left (one size)")
    parser.add_argument("--rounds", type=int, default=2,
                        help="hunt and floor each run this many times, alternately; the best of each is shown "
                             "(default 2: a fresh cluster's first hunt took twice as long as its second)")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args()
    if args.es_url:
        url = args.es_url
    else:
        cluster, node = LocalCluster().status(), LocalNode().status()
        url = ",".join(cluster.urls) if cluster else node.url if node else sys.exit(
            "start a cluster: strascico es up --nodes 3")
    client = ClusterSettings(url, timeout=600).client()
    nodes = client.cluster.health()["number_of_nodes"]
    print(f"cluster: {nodes} node(s) at {url}", file=sys.stderr)
    rows = []
    pinned = pin(LocalCluster().recorded()) if args.pin_cluster else None
    try:
        for size in args.sizes.split(","):
            rows.append(measure_hunt(client, url, ensure_simulation(args.work, size), size, args.rounds) if args.hunt_only
                        else measure(client, url, args.work, size, args.bare_share, args.rounds))
            print_table(rows)
    finally:
        if not (args.keep or args.hunt_only):
            client.indices.delete(index=f"{OURS}-*,{BARE}-*", allow_no_indices=True, expand_wildcards="all")
        if pinned:
            _set_affinity(pinned[0], pinned[1] | pinned[2])
    if args.json:
        print(json.dumps({"nodes": nodes, "pinned": bool(pinned), "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
