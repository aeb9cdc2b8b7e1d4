"""The demo's steps as a library: each returns data; the CLI prints and the report renders."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from elasticsearch import Elasticsearch

from ..contacts import KnownContacts, find_relations
from ..deploy.templates import apply_templates, plan_templates
from ..es.bulk import bulk_index_encoded
from ..hunt import Hunter, HuntResult
from ..hunt.evidence import evidence_events
from ..ingest import IngestContext, format_class
from ..ingest.base import Format
from ..ingest.context import blocked_ranges
from ..ingest.formats.reports import ReportFormat, ReportOptions
from ..ingest.phones import PhoneNormalizer
from ..ingest.report_mapping import load_mapping
from ..ingest.parallel import default_jobs, encoded_events
from ..ingest.runner import RejectWriter, Sources
from ..pack import load_pack
from ..watchlist import build_watchlist
from .score import Score, score


CONTACT_LOGSOURCES = {"telephony", "messaging"}  # where known contacts mark events


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
    known_contacts: dict[str, Any] = field(default_factory=dict)  # what was learnt, and before when


def ingest_manifest(client: Elasticsearch, sim_dir: Path, prefix: str, watchlist_key: bytes | None = None,
                    tick: Callable[[int], None] = lambda n: None, known: KnownContacts | None = None,
                    redo: list[IngestReport] | None = None, jobs: int = 0) -> tuple[list[IngestReport], int]:
    """Build the exposed-cohort watchlist from the applicant archive, then ingest every file.

    With `known` and `redo` (the reports of a first pass), only the files that wrote telephony or
    messaging events are ingested again, into emptied indices, marked with the known contacts.
    `jobs` worker processes normalize large files while this one sends (0: one per CPU)."""
    manifest = json.loads((sim_dir / "manifest.json").read_text())
    key = watchlist_key or secrets.token_bytes(32)  # the demo's key lives only in memory
    entries = manifest["files"]
    if redo is None:  # the demo owns its prefix: start from empty indices so runs never mix
        client.indices.delete(index=f"{prefix}-*", allow_no_indices=True, expand_wildcards="all")
    else:
        again = {r.path: r for r in redo if set(r.logsources) & CONTACT_LOGSOURCES}
        entries = [e for e in entries if e["path"] in again]
        for entry in entries:
            for category in again[entry["path"]].logsources:
                client.indices.delete(index=f"{prefix}-{category}-{entry['format']}", ignore_unavailable=True)
    apply_templates(client, plan_templates(client, prefix))
    jobs = jobs or default_jobs()
    reports = []
    watchlist_size, formats = manifest_formats(sim_dir, manifest, entries, key, known)
    for entry, fmt in formats:
        ctx = fmt.ctx
        rejects = RejectWriter(sim_dir / "rejects" / f"{Path(entry['path']).name}.ndjson")
        events = encoded_events(fmt, Sources([str(sim_dir / entry["path"])]), rejects,
                                lambda category, name=entry["format"]: f"{prefix}-{category}-{name}", jobs, tick)
        report = bulk_index_encoded(client, events)
        rejects.close()
        reports.append(IngestReport(entry["format"], entry["path"], ctx.stats.read, report.indexed,
                                    ctx.stats.rejected, sum(ctx.stats.skipped.values()), len(report.failures),
                                    sorted(ctx.stats.by_category)))
    client.indices.refresh(index=f"{prefix}-*")
    if redo is not None:  # the other files' reports stand as they were
        replaced = {r.path: r for r in reports}
        reports = [replaced.get(r.path, r) for r in redo]
    return reports, watchlist_size


def manifest_formats(sim_dir: Path, manifest: dict, entries: list[dict], key: bytes,
                     known: KnownContacts | None = None) -> tuple[int, Iterator[tuple[dict, Format]]]:
    """The exposed-cohort watchlist's size, and each entry with the reader the demo ingests it
    with (watchlist, block list, time zone, known contacts; reporters hashed with `key`)."""
    applicants = (sim_dir / manifest["applicants"]).read_text(encoding="utf-8")
    built = build_watchlist(applicants, key, PhoneNormalizer("IT").normalize)
    blocklist = sim_dir / manifest.get("blocklist", "blocklist.csv")
    ranges = blocked_ranges(blocklist.read_text(), PhoneNormalizer("IT"))[0] if blocklist.exists() else frozenset()

    def formats() -> Iterator[tuple[dict, Format]]:
        for entry in entries:  # a fresh context per file: its counts are that file's
            ctx = IngestContext(watchlist=built.watchlist, tz=manifest.get("timezone", "Europe/Rome"),
                                blocked_ranges=ranges, known_contacts=known)
            fmt_class = format_class(entry["format"])
            yield entry, (fmt_class(ctx, ReportOptions(load_mapping(entry["mapping"], sim_dir), key))
                          if issubclass(fmt_class, ReportFormat) else fmt_class(ctx))

    return len(built.watchlist.hashes), formats()


def learn_known_contacts(client: Elasticsearch, prefix: str, key: bytes, cutoff: str) -> tuple[KnownContacts, dict]:
    """`strascico watchlist contacts --before CUTOFF` on the demo's indices: who knew whom."""
    known, kinds = KnownContacts.learn(key, cutoff, find_relations(client, prefix, cutoff))
    return known, dict(sorted(kinds.items()))


def learnt_of(known: KnownContacts, truth: dict[str, Any]) -> dict[str, int]:
    """How many of the relationships the simulation planted the builder learnt (a missed one is
    a relative whose calls the flood rules still see)."""
    pairs = truth.get("known_contacts", [])
    return {"truth_pairs": len(pairs), "truth_learnt": sum(known.known_to([p["employee"]], p["contact"]) for p in pairs)}


def hunt_and_score(client: Elasticsearch, rules: Path, prefix: str, truth: dict[str, Any], observed: set[str],
                   progress: Callable = lambda items, total: items) -> tuple[HuntResult, Score]:
    """Hunt over the truth's period and score; `observed` = logsources that have ingested data."""
    period = truth.get("period", {})
    hunter = Hunter(client, load_pack([rules]), prefix)
    result = hunter.run(period.get("start"), period.get("end"), progress=progress)
    evidence = evidence_events(client, prefix, {i for alert in result.alerts for i in alert.event_ids})
    return result, score(list(result.alerts), truth, evidence, observed)  # scoring indexes them
