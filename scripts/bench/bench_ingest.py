"""Benchmark: `strascico ingest` vs a bare parse of the same simulated files, same run.

Bare parse = what reading the files costs with no normalization, in one process: csv.reader
for CSV formats, json.loads per line / ijson for JSON, and for the plain-text logs (Kannel
access log, nginx combined) one match of each line against the format's own line pattern
(kannel._LINE, nginx._LINE): the minimal tokenization of that grammar into its fields, with
nothing converted. Ours = what `strascico ingest --out` runs (parallel.write_events: normalize,
phone numbers, event ids, NDJSON), watchlist-free, in a fresh process per run: once with
--jobs 1 and once with --jobs N (N = the CPUs this process may use; only formats that opt in
are cut into pieces, see ingest/parallel.py). Prints per format and in total the records/s of
both and the ratio (for scale: the 0.5x goal was withdrawn in #16, the cluster is the limit of
an end-to-end ingest and bench_growth.py compares with bare _bulk), and the peak RSS of the ingest process and of
its largest worker for a medium (~200k) and a large (>= 2M) simulation, to show memory stays
flat. The machine is shared: repeat with --repeat and compare ratios of the same run.

    python scripts/bench/bench_ingest.py [--size large] [--work /var/tmp/strascico-bench] [--repeat 1]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import ijson
import orjson
from strascico.ingest.formats.kannel import _LINE as KANNEL_LINE
from strascico.ingest.formats.nginx import _LINE as NGINX_LINE
from strascico.ingest.parallel import default_jobs
from strascico.simulate import SimulationOptions, simulate

CSV_FORMATS = {"asterisk-cdr-csv", "freeswitch-cdr-csv", "cisco-cucm-cdr", "mariadb-audit"}
LINE_PATTERNS: dict[str, re.Pattern[str]] = {"kannel-access": KANNEL_LINE, "nginx-combined": NGINX_LINE}


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
        elif fmt in LINE_PATTERNS:
            match = LINE_PATTERNS[fmt].match
            for line in handle:
                match(line.decode("utf-8", "replace").rstrip("\r\n"))
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


INGEST_CHILD = """
import json, resource, sys, time
from pathlib import Path
from strascico.ingest import IngestContext, format_class
from strascico.ingest.parallel import write_events
from strascico.ingest.runner import RejectWriter, Sources
sim, jobs = Path(sys.argv[1]), int(sys.argv[2])
files = []
for entry in json.loads((sim / "manifest.json").read_text())["files"]:
    if not entry.get("format"):
        continue
    ctx = IngestContext()
    fmt = format_class(entry["format"])(ctx)
    started = time.perf_counter()
    with open("/dev/null", "wb") as out:
        written = write_events(fmt, Sources([str(sim / entry["path"])]), out, RejectWriter(Path("/dev/null")), jobs)
    files.append([entry["format"], entry["path"], written, time.perf_counter() - started])
rss = [resource.getrusage(who).ru_maxrss / 1024 for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
print(json.dumps({"files": files, "rss": rss}))
"""


def ingest_child(sim: Path, jobs: int) -> dict:
    """Per file [format, path, records, seconds] and peak RSS MB [ingest process, largest worker]
    of ingesting every manifest file in a fresh process."""
    out = subprocess.run([sys.executable, "-c", INGEST_CHILD, str(sim), str(jobs)], capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out)


def bare_files(sim: Path, manifest: dict) -> dict[str, tuple[int, float]]:
    timings = {}
    for entry in manifest["files"]:
        if entry.get("format"):
            started = time.perf_counter()
            records = bare_parse(sim / entry["path"], entry["format"])
            timings[entry["path"]] = (records, time.perf_counter() - started)
    return timings


def report(bare: dict[str, tuple[int, float]], ours: dict, label: str) -> float:
    print(f"  {'format':22} {'file':30} {'records':>9} {'bare rec/s':>11} {'ours rec/s':>11} {'ratio':>6}")
    for fmt, path, records, seconds in ours["files"]:
        bare_records, bare_s = bare[path]
        print(f"  {fmt:22} {path:30} {records:9d} {bare_records / bare_s:11.0f} {records / seconds:11.0f} "
              f"{(records / seconds) / (bare_records / bare_s):6.2f}")
    bare_total = sum(r for r, _ in bare.values()) / sum(s for _, s in bare.values())
    ours_records = sum(f[2] for f in ours["files"])
    ours_total = ours_records / sum(f[3] for f in ours["files"])
    ratio = ours_total / bare_total
    print(f"  total {label}: bare {bare_total:9.0f} rec/s (1 process), ours {ours_total:9.0f} rec/s, "
          f"{ratio:.2f}x of bare")
    return ratio


FLOOR_LINES = 200_000


def floor_of_csv(path: Path) -> tuple[float, float]:
    """(bare, floor) µs a record over a CSV file's first lines. The floor is what any ingest that
    writes one NDJSON event with a deterministic id per record does besides normalizing: parse
    the record, hash its line, build a dict of its fields, serialize it — nothing normalized."""
    with path.open("rb") as handle:
        lines = [line.decode("utf-8", "replace") for _, line in zip(range(FLOOR_LINES), handle)]
    started = time.perf_counter()
    for _ in csv.reader(lines):
        pass
    bare = time.perf_counter() - started
    names = [f"column{i}" for i in range(64)]
    started = time.perf_counter()
    for line, row in zip(lines, csv.reader(lines)):
        event = dict(zip(names, row))
        event["event.id"] = hashlib.sha256(line.encode()).hexdigest()[:24]
        orjson.dumps(event)
    floor = time.perf_counter() - started
    return bare / len(lines) * 1e6, floor / len(lines) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large", help="simulation for the throughput figure (default large)")
    parser.add_argument("--work", type=Path, default=Path("/var/tmp/strascico-bench"))
    parser.add_argument("--repeat", type=int, default=1, help="measure this many times (the machine may be busy)")
    args = parser.parse_args()
    big = ensure_simulation(args.work, args.size)
    manifest = json.loads((big / "manifest.json").read_text())
    jobs = default_jobs()
    runs: dict[int, dict] = {}  # --jobs → the last run's result, for the RSS line
    for run in range(1, args.repeat + 1):
        print(f"run {run}/{args.repeat}: {args.size} simulation, {len(manifest['files'])} files")
        bare = bare_files(big, manifest)
        runs[1] = ingest_child(big, 1)
        report(bare, runs[1], "--jobs 1")
        if jobs > 1:
            runs[jobs] = ingest_child(big, jobs)
            report(bare, runs[jobs], f"--jobs {jobs} (bare parse stays 1 process)")
    biggest = max((e for e in manifest["files"] if e.get("format") in CSV_FORMATS), key=lambda e: e["records"])
    bare_us, floor_us = floor_of_csv(big / biggest["path"])
    print(f"floor ({biggest['path']}): csv.reader {bare_us:.2f} µs a record; parse + hash + dict + orjson with "
          f"nothing normalized {floor_us:.2f} µs = {bare_us / floor_us:.2f}x of bare in one process")
    if args.size != "medium":
        medium = ensure_simulation(args.work, "medium")
        for run_jobs, large in runs.items():
            small = ingest_child(medium, run_jobs)
            print(f"peak RSS --jobs {run_jobs}: ingest process {small['rss'][0]:.0f} MB (largest worker "
                  f"{small['rss'][1]:.0f} MB) at {sum(f[2] for f in small['files'])} records, "
                  f"{large['rss'][0]:.0f} MB (largest worker {large['rss'][1]:.0f} MB) at "
                  f"{sum(f[2] for f in large['files'])}")
    print(f"(this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")


if __name__ == "__main__":
    main()
