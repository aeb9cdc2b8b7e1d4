"""Benchmark: `strascico attribute` vs merely loading and hashing the same files, same run.

Files (written once under --work): 100,000 staff, 10 candidate datasets (30,000 people each,
a different share of staff in each, numbers spelt the ways people type them) and 20,000 victims
as ingested report events (keyed hashes). Load+hash = csv.reader over the population and every
dataset with each number normalized (libphonenumber, the same cached normalizer) and HMAC-hashed,
plus parsing every report line: what any attribution must pay before it can count. Ours = the
whole attribution through the library the command uses (load, hash, resolve, 10 exact tests,
Holm, the pairwise comparisons, the verdict). Goal: ours ≤ 3× load+hash.

    python scripts/bench/bench_attribute.py [--work /var/tmp/strascico-bench-attribute]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from pathlib import Path

import orjson

from strascico.attribute import Hasher, Victims, attribute, load_dataset, load_population, verdict
from strascico.attribute.sources import add_reports
from strascico.ingest.phones import PhoneNormalizer
from strascico.watchlist import number_hash

KEY = b"strascico-bench-attribute-key-not-secret"
STAFF, DATASETS, PEOPLE, VICTIMS = 100_000, 10, 30_000, 20_000
PREFIXES = ("320", "328", "333", "335", "338", "339", "340", "345", "347", "348", "349", "366", "380", "393")
GOAL = 3.0


def number(index: int) -> str:
    return f"+39{PREFIXES[index % len(PREFIXES)]}{5_000_000 + index // len(PREFIXES):07d}"


def spelt(e164: str, rng: random.Random) -> str:
    nat = e164[3:]
    return rng.choice((nat, f"+39 {nat[:3]} {nat[3:6]} {nat[6:]}", f"0039{nat}", f"{nat[:3]}-{nat[3:]}", e164))


def write_files(work: Path) -> tuple[Path, list[tuple[str, Path]], Path]:
    """Population, datasets (dataset 0 leaked: victims mostly come from it), reports."""
    population, reports = work / "staff.csv", work / "reports.ndjson"
    datasets = [(f"list-{k}", work / f"list-{k}.csv") for k in range(DATASETS)]
    if reports.exists():
        return population, datasets, reports
    work.mkdir(parents=True, exist_ok=True)
    rng = random.Random(1)
    with population.open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["employee_id", "email", "mobile"])
        for i in range(STAFF):
            out.writerow([f"E{i:06d}", f"person{i}@example.org", spelt(number(i), rng)])
    members: list[list[int]] = []
    for k, (_, path) in enumerate(datasets):
        share = 0.05 + 0.06 * k  # 5 % to 59 % of each list are staff
        staff = rng.sample(range(STAFF), round(PEOPLE * share))
        outsiders = rng.sample(range(STAFF, 3 * STAFF), PEOPLE - len(staff))
        members.append(staff)
        with path.open("w", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(["nome", "email", "telefono"])
            for i in rng.sample(staff + outsiders, PEOPLE):
                out.writerow([f"P{i}", f"p{i}@example.net", spelt(number(i), rng)])
    leaked = members[0]
    victims = rng.sample(leaked, min(len(leaked), VICTIMS // 10)) + rng.sample(range(STAFF), VICTIMS)
    with reports.open("wb") as handle:
        for n, i in enumerate(dict.fromkeys(victims)):
            if n == VICTIMS:
                break
            event = {"@timestamp": f"2025-02-{1 + n % 28:02d}T10:00:00Z", "event.action": "contact-reported",
                     "telephony.caller.country_iso": "NG", "report.reporter.number_hash": number_hash(KEY, number(i))}
            handle.write(orjson.dumps(event) + b"\n")
    return population, datasets, reports


def load_and_hash(population: Path, datasets: list[tuple[str, Path]], reports: Path) -> int:
    """The floor: read every row, normalize and hash every number, parse every report."""
    hasher = Hasher(KEY)
    hashed = 0
    for path in [population, *(p for _, p in datasets)]:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = csv.reader(handle)
            header = next(rows)
            column = next(i for i, h in enumerate(header) if h in ("mobile", "telefono"))
            hashed += sum(hasher.number(row[column]) is not None for row in rows)
    with reports.open("rb") as handle:
        hashed += sum(1 for line in handle if orjson.loads(line).get("report.reporter.number_hash"))
    return hashed


def ours(population: Path, datasets: list[tuple[str, Path]], reports: Path) -> str:
    hasher = Hasher(KEY)
    staff = load_population(population, hasher)
    victims = Victims()
    add_reports(victims, reports, staff, "IT", all_reports=False)
    result = attribute(staff.size, victims, [load_dataset(name, path, hasher, staff) for name, path in datasets])
    return verdict(result)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/var/tmp/strascico-bench-attribute"))
    parser.add_argument("--repeat", type=int, default=2, help="best of N for each side")
    args = parser.parse_args()
    files = write_files(args.work)
    PhoneNormalizer("IT").normalize("+393335550000")  # import and metadata load outside the timings
    base = best = float("inf")
    for _ in range(args.repeat):
        started = time.perf_counter()
        hashed = load_and_hash(*files)
        base = min(base, time.perf_counter() - started)
        started = time.perf_counter()
        text = ours(*files)
        best = min(best, time.perf_counter() - started)
    ratio = best / base
    print(f"attribution: {STAFF:,} staff, {DATASETS} datasets of {PEOPLE:,}, {VICTIMS:,} victims")
    print(f"load+hash: {base:.2f} s ({hashed:,} numbers and reports)")
    print(f"ours:      {best:.2f} s   ratio {ratio:.2f}x (goal <= {GOAL:g}x)")
    print(f"verdict:   {text[:160]}...")
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
