"""Benchmark: `strascico convert --target lucene` vs the bare pySigma loop, on a rule corpus.

Baseline = the loop a user would otherwise write: pySigma's LuceneBackend with the
`ecs_windows` pipeline, `SigmaCollection.from_yaml` per file, one output file per rule.
Ours = the real `strascico convert --target lucene --out DIR <corpus>` command. Each side runs
in its own child process (imports included, as a user pays them) so time and peak RSS
(os.wait4's rusage of that child) are per side; the sides alternate, and the best and median
of the repetitions are printed. Goal: time within 1.1x the bare loop, peak RSS <= 100 MB.

    python scripts/bench/bench_convert.py /work/corpus/sigma/rules [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STRASCICO = Path(sys.executable).with_name("strascico")

# The bare loop, run as `python -c BARE <corpus> <out>`.
BARE = """
import sys
from pathlib import Path
from sigma.backends.elasticsearch import LuceneBackend
from sigma.collection import SigmaCollection
from sigma.exceptions import SigmaError
from sigma.pipelines.elasticsearch.windows import ecs_windows

corpus, out = Path(sys.argv[1]), Path(sys.argv[2])
backend = LuceneBackend(processing_pipeline=ecs_windows())
for path in sorted(corpus.rglob("*.yml")):
    try:
        queries = backend.convert(SigmaCollection.from_yaml(path.read_text(encoding="utf-8")))
    except SigmaError as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        continue
    for query in queries:
        target = out / path.parent.name / (path.stem + ".lucene")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(str(query) + "\\n", encoding="utf-8")
"""


def run(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):  # 1: some rules failed to convert
        raise SystemExit(f"{command[0]} exited with {os.waitstatus_to_exitcode(status)}")
    return elapsed, usage.ru_maxrss / 1024  # ru_maxrss is KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="folder of Sigma rules, e.g. SigmaHQ's rules/")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    files = sum(1 for _ in args.corpus.rglob("*.yml"))
    work = Path(tempfile.mkdtemp(prefix="bench-convert-"))
    sides = {
        "bare pySigma": lambda: [sys.executable, "-c", BARE, str(args.corpus), str(work / "bare")],
        "strascico": lambda: [str(STRASCICO), "convert", "--target", "lucene", "--out", str(work / "ours"),
                              str(args.corpus)],
    }
    times: dict[str, list[float]] = {s: [] for s in sides}
    rss: dict[str, list[float]] = {s: [] for s in sides}
    try:
        for side in sides:  # warm the file cache and .pyc files on both sides
            run(sides[side]())
        for i in range(args.repeat):
            order = list(sides) if i % 2 == 0 else list(reversed(sides))
            for side in order:
                shutil.rmtree(work / "bare", ignore_errors=True)
                elapsed, peak = run(sides[side]())
                times[side].append(elapsed)
                rss[side].append(peak)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"corpus: {args.corpus} ({files} rule files), lucene target, {args.repeat} alternating runs per side")
    for side in sides:
        print(f"{side:13}: best {min(times[side]):6.2f} s  median {statistics.median(times[side]):6.2f} s  "
              f"peak RSS {max(rss[side]):6.1f} MB")
    best = min(times["strascico"]) / min(times["bare pySigma"])
    median = statistics.median(times["strascico"]) / statistics.median(times["bare pySigma"])
    print(f"ratio        : best {best:.2f}x  median {median:.2f}x  (goal <= 1.10x; RSS goal <= 100 MB)")


if __name__ == "__main__":
    main()
