"""Benchmark: `strascico convert` (all targets) vs bare pySigma on the same rules and pipeline.

Prints both medians and the ratio (goal: ours ≤ 1.25× bare). Baseline = what a sigma-cli
user does per target: load the rule files with pySigma and convert them with the same
backend class, pipeline and output format. Both sides convert the base rules (correlations
are reported as skipped by ours and refused by upstream Lucene).

    python scripts/bench/bench_convert.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from sigma.collection import SigmaCollection
from sigma.correlations import SigmaCorrelationRule
from sigma.pipelines.strascico import strascico_pipeline

from strascico.convert import Converter, resolve_targets
from strascico.pack import load_pack

RULES = Path(__file__).resolve().parents[2] / "rules"


def base_rule_files() -> list[Path]:
    return [f.path for f in load_pack([RULES]) if f.rules and not isinstance(f.rules[0], SigmaCorrelationRule)]


def ours(files: list[Path]) -> int:
    pack = load_pack(files)
    results = Converter(resolve_targets(["all"])).convert(pack)
    return sum(r.output is not None for r in results)


def bare(files: list[Path]) -> int:
    produced = 0
    for target in resolve_targets(["all"]):
        collection = SigmaCollection.load_ruleset([str(f) for f in files])
        backend = target.backend(processing_pipeline=strascico_pipeline())
        produced += len(backend.convert(collection, target.output_format))
    return produced


def timed(func, files: list[Path], repeat: int) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    times, produced = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        produced = func(files)
        times.append(time.perf_counter() - started)
    return statistics.median(times), produced


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    files = base_rule_files()
    ours(files), bare(files)  # warm imports and caches on both sides
    base_s, base_n = timed(bare, files, args.repeat)
    ours_s, ours_n = timed(ours, files, args.repeat)
    print(f"rules: {len(files)} base rules x 6 targets (median of {args.repeat})")
    print(f"bare pySigma : {base_s * 1000:8.1f} ms  ({base_n} outputs)")
    print(f"strascico    : {ours_s * 1000:8.1f} ms  ({ours_n} outputs)")
    print(f"ratio        : {ours_s / base_s:8.2f}x  (goal <= 1.25x)")


if __name__ == "__main__":
    main()
