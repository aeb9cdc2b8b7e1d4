"""Running the contact-centre scenario: day by day, every generator, every writer, then the truth."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Callable

from .background_messages import messages_day
from .background_ops import ops_day
from .background_voice import voice_day
from .background_web import web_day
from .breach import Breach
from .clock import TZ_NAME, Period
from .datasets import write_datasets
from .flood import BLOCKLIST, Flood
from .flood_reports import spam_reports_day
from .options import SimulationOptions
from .population import build_population
from .records import Record
from .tables import APPLICANTS, STAFF, write_applicants, write_staff
from .truth import Truth
from .world import World
from .writers import open_writers

MANIFEST, GROUND_TRUTH, MAPPINGS = "manifest.json", "ground-truth.json", "mappings"
Progress = Callable[[int, int], None]  # (days done, events written so far)


@dataclass
class SimulationSummary:
    """What a run wrote: per-file counts, totals, time and peak memory."""

    out: Path
    days: int
    events: int
    files: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    peak_rss_mb: float = 0.0

    def as_dict(self) -> dict:
        return {"out": str(self.out), "days": self.days, "events": self.events, "files": self.files,
                "seconds": round(self.seconds, 2), "peak_rss_mb": round(self.peak_rss_mb, 1)}


def simulate(options: SimulationOptions, out: Path, progress: Progress | None = None) -> SimulationSummary:
    """Write the scenario's files under `out` (created); deterministic for given options."""
    started = time.monotonic()
    options.validate()
    preset = options.preset
    out.mkdir(parents=True, exist_ok=True)
    population = build_population(options.seed, preset.employees)
    world = World(options.seed, preset, population, Period.of(preset.days))
    breach, flood, truth = Breach(world), Flood(world), Truth()
    writers = open_writers(out, options.seed)
    events = 0
    try:
        for done, day in enumerate(world.period.days(), start=1):
            records: list[Record] = [*voice_day(world, day), *messages_day(world, day), *web_day(world, day),
                                     *ops_day(world, day), *spam_reports_day(world, day), *breach.day(day),
                                     *flood.day(day)]
            records.sort(key=_at)  # stable: equal instants keep generation order
            for record in records:
                writers[record.sink].write(record)
                truth.observe(record)
            events += len(records)
            if progress:
                progress(done, events)
    finally:
        for writer in writers.values():
            writer.close()
    write_staff(population, out)
    write_applicants(population, out)
    datasets = write_datasets(population, out)
    flood.write_blocklist(out)
    _copy_mappings(out, writers)
    _dump(out / GROUND_TRUTH, truth.document(options, world, flood.state, datasets))
    _dump(out / MANIFEST, _manifest(options, writers, datasets))
    return SimulationSummary(out, world.period.length, events, {w.path: w.records for w in writers.values()},
                             time.monotonic() - started, _peak_rss_mb())


def _at(record: Record) -> int:
    return record.at


def _manifest(options: SimulationOptions, writers: dict, datasets: list[dict]) -> dict:
    parsed = [w for w in writers.values() if w.format]
    pending = [w for w in writers.values() if not w.format]
    return {
        "scenario": options.scenario, "seed": options.seed, "size": options.size, "timezone": TZ_NAME,
        "files": [{"format": w.format, "path": w.path, "records": w.records, "logsource": w.logsource,
                   **({"mapping": _mapping_path(w.mapping)} if w.mapping else {})} for w in parsed],
        "pending_files": [{"format": None, "path": w.path, "records": w.records, "logsource": w.logsource,
                           "why": "no ingest format reads this source yet"} for w in pending],
        "applicants": APPLICANTS, "staff": STAFF, "blocklist": BLOCKLIST, "ground_truth": GROUND_TRUTH,
        "datasets": [{"name": d["name"], "path": d["path"]} for d in datasets],
    }


def _mapping_path(name: str) -> str:
    return f"{MAPPINGS}/{name}.yml"


def _copy_mappings(out: Path, writers: dict) -> None:
    """The shipped column mappings the report files need, next to them (the manifest points there)."""
    folder = resources.files("strascico.ingest").joinpath("mappings")
    for name in sorted({w.mapping for w in writers.values() if w.mapping}):
        target = out / _mapping_path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(folder.joinpath(f"{name}.yml").read_text(encoding="utf-8"), encoding="utf-8")


def _dump(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _peak_rss_mb() -> float:
    """Peak resident memory of this process (ru_maxrss is KiB on Linux, bytes on macOS; 0 where unknown)."""
    try:
        import resource  # POSIX only
    except ImportError:
        return 0.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
