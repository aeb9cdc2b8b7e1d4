"""Benchmark: `strascico ingest` vs a bare parse of the same simulated files, same run.

Bare parse = what reading the files costs with no normalization: csv.reader for CSV formats,
json.loads per line / ijson for JSON, a split per line for plain logs. Ours = the real ingest
(normalize, phone numbers, watchlist-free) writing NDJSON. Prints records/s for both and the
ratio (goal: ours ≥ 0.5× bare), and the peak RSS of an ingest of a medium (~200k) and a large
(≥ 2M) simulation, each in its own process, to show memory stays flat.

    python scripts/bench/bench_ingest.py [--size large] [--work /var/tmp/strascico-bench]
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import ijson

from strascico.simulate import SimulationOptions, simulate

CSV_FORMATS = {"asterisk-cdr-csv", "freeswitch-cdr-csv", "cisco-cucm-cdr", "mariadb-audit"}


def ensure_simulation(work: Path, size: str) -> Path:
    out = work / f"sim-{size}"
    if not (out / "manifest.json").exists():
        started = time.perf_counter()
        summary = simulate(SimulationOptions(seed=1, size=size), out)
        print(f"simulated {size}: {summary.events} events in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return out


def bare_parse(path: Path, fmt: str) -> int:
    count = 0
    with path.open("rb") as handle:
        if fmt in CSV_FORMATS:
            for _ in csv.reader(line.decode("utf-8", "replace") for line in handle):
                count += 1
        elif handle.read(1) == b"[" or path.suffix == ".json":
            handle.seek(0)
            head = handle.read(4096)
            handle.seek(0)
            prefix = "item" if head.lstrip().startswith(b"[") else "messages.item"
            count = sum(1 for _ in ijson.items(handle, prefix))
        elif path.suffix == ".ndjson":
            handle.seek(0)
            count = sum(1 for line in handle if line.strip() and json.loads(line) is not None)
        else:
            handle.seek(0)
            count = sum(1 for line in handle if line.split(b" "))
    return count


def ingest_child(sim: Path) -> tuple[float, int, float]:
    """(seconds, records, peak RSS MB) of ingesting every manifest file in a fresh process."""
    code = (
        "import json,sys,time,resource\n"
        "from pathlib import Path\n"
        "from strascico.ingest import IngestContext, format_class\n"
        "from strascico.ingest.runner import RejectWriter, Sources, normalized_events, write_ndjson\n"
        f"sim=Path({str(sim)!r}); m=json.loads((sim/'manifest.json').read_text()); total=0; t=time.perf_counter()\n"
        "for e in m['files']:\n"
        "    ctx=IngestContext(); f=format_class(e['format'])(ctx); r=RejectWriter(Path('/dev/null'))\n"
        "    ev=normalized_events(f, Sources([str(sim/e['path'])]), r, lambda c: c, ctx.stats)\n"
        "    total+=write_ndjson(ev, Path('/dev/null'))\n"
        "print(json.dumps([time.perf_counter()-t, total, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    seconds, records, rss = json.loads(out)
    return seconds, records, rss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large", help="simulation for the throughput figure (default large)")
    parser.add_argument("--work", type=Path, default=Path("/var/tmp/strascico-bench"))
    args = parser.parse_args()
    big = ensure_simulation(args.work, args.size)
    manifest = json.loads((big / "manifest.json").read_text())
    started = time.perf_counter()
    bare_records = sum(bare_parse(big / e["path"], e["format"]) for e in manifest["files"])
    bare_s = time.perf_counter() - started
    ours_s, ours_records, big_rss = ingest_child(big)
    print(f"files        : {len(manifest['files'])} ({args.size} simulation, {ours_records} records ingested)")
    print(f"bare parse   : {bare_s:7.1f} s  {bare_records / bare_s:9.0f} rec/s")
    print(f"strascico    : {ours_s:7.1f} s  {ours_records / ours_s:9.0f} rec/s")
    print(f"throughput   : {(ours_records / ours_s) / (bare_records / bare_s):7.2f}x of bare  (goal >= 0.5x)")
    if args.size != "medium":
        medium = ensure_simulation(args.work, "medium")
        _, medium_records, medium_rss = ingest_child(medium)
        print(f"peak RSS     : {medium_rss:.0f} MB at {medium_records} records, {big_rss:.0f} MB at {ours_records}")
    print(f"(this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")


if __name__ == "__main__":
    main()
