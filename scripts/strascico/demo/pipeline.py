"""The demo's steps as a library: each returns data; the CLI prints and the report renders."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from elasticsearch import Elasticsearch

from ..deploy.templates import apply_templates, plan_templates
from ..es.bulk import bulk_index
from ..hunt import Hunter, HuntResult
from ..hunt.evidence import evidence_events
from ..ingest import IngestContext, format_class
from ..ingest.context import blocked_ranges
from ..ingest.formats.reports import ReportFormat, ReportOptions
from ..ingest.phones import PhoneNormalizer
from ..ingest.report_mapping import load_mapping
from ..ingest.runner import RejectWriter, Sources, normalized_events
from ..pack import load_pack
from ..watchlist import build_watchlist
from .score import Score, score


@dataclass
class IngestReport:
    """One manifest file's ingest counts."""

    format: str
    path: str
    read: int
    indexed: int
    rejected: int
    skipped: int
    refused: int
    logsources: list[str] = field(default_factory=list)


@dataclass
class DemoRun:
    """Everything the report shows."""

    manifest: dict[str, Any]
    truth: dict[str, Any]
    ingest: list[IngestReport] = field(default_factory=list)
    hunt: HuntResult | None = None
    score: Score | None = None
    watchlist_size: int = 0


def ingest_manifest(client: Elasticsearch, sim_dir: Path, prefix: str, watchlist_key: bytes | None = None,
                    tick: Callable[[int], None] = lambda n: None) -> tuple[list[IngestReport], int]:
    """Build the exposed-cohort watchlist from the applicant archive, then ingest every file."""
    manifest = json.loads((sim_dir / "manifest.json").read_text())
    key = watchlist_key or secrets.token_bytes(32)  # the demo's key lives only in memory
    applicants = (sim_dir / manifest["applicants"]).read_text(encoding="utf-8")
    built = build_watchlist(applicants, key, PhoneNormalizer("IT").normalize)
    # The demo owns its prefix: start from empty indices so runs never mix.
    client.indices.delete(index=f"{prefix}-*", allow_no_indices=True, expand_wildcards="all")
    blocklist = sim_dir / manifest.get("blocklist", "blocklist.csv")
    ranges = blocked_ranges(blocklist.read_text(), PhoneNormalizer("IT"))[0] if blocklist.exists() else frozenset()
    apply_templates(client, plan_templates(client, prefix))
    reports = []
    for entry in manifest["files"]:
        ctx = IngestContext(watchlist=built.watchlist, tz=manifest.get("timezone", "Europe/Rome"),
                            blocked_ranges=ranges)
        fmt_class = format_class(entry["format"])
        fmt = (fmt_class(ctx, ReportOptions(load_mapping(entry["mapping"], sim_dir), key))  # reporters: same key
               if issubclass(fmt_class, ReportFormat) else fmt_class(ctx))
        rejects = RejectWriter(sim_dir / "rejects" / f"{Path(entry['path']).name}.ndjson")
        events = normalized_events(fmt, Sources([str(sim_dir / entry["path"])]), rejects,
                                   lambda category, name=entry["format"]: f"{prefix}-{category}-{name}", ctx.stats,
                                   tick)
        report = bulk_index(client, events, id_field="event.id")
        rejects.close()
        reports.append(IngestReport(entry["format"], entry["path"], ctx.stats.read, report.indexed,
                                    ctx.stats.rejected, sum(ctx.stats.skipped.values()), len(report.failures),
                                    sorted(ctx.stats.by_category)))
    client.indices.refresh(index=f"{prefix}-*")
    return reports, len(built.watchlist.hashes)


def hunt_and_score(client: Elasticsearch, rules: Path, prefix: str, truth: dict[str, Any], observed: set[str],
                   progress: Callable = lambda items, total: items) -> tuple[HuntResult, Score]:
    """Hunt over the truth's period and score; `observed` = logsources that have ingested data."""
    period = truth.get("period", {})
    hunter = Hunter(client, load_pack([rules]), prefix)
    result = hunter.run(period.get("start"), period.get("end"), progress=progress)
    evidence = evidence_events(client, prefix, {i for alert in result.alerts for i in alert.event_ids})
    return result, score(result.alerts, truth, evidence, observed)
