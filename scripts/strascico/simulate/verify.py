"""Checking a simulated directory against its own ground truth, offline, through the real ingest code.

Every file is parsed by its ingest format (rejects are problems) with a watchlist built from
applicants.csv, the block list and the ground truth's known contacts (as `ingest --watchlist
--blocklist --known-contacts` would), report files with
the column mapping the manifest names. Then the oracle says which rules fire on each incident's
events (with the events of its context logsources that share a caller number, for the rules that
join reports to call and message records), each hard negative, and the rest.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..ingest import IngestContext, Reject, format_class
from ..ingest.formats.reports import ReportFormat, ReportOptions
from ..ingest.report_mapping import load_mapping
from ..contacts import KnownContacts
from ..ingest.context import blocked_ranges, enriched
from ..watchlist import build_watchlist, number_hash
from .oracle import Event, Oracle, epoch

VERIFY_KEY = b"strascico-simulate-verify-key"  # a throwaway HMAC key: the watchlist never leaves memory


def ingest_directory(out: Path) -> tuple[list[Event], list[str]]:
    """Normalized events of every manifest file (plus derived enrichments) and the rejects as text."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    probe = IngestContext()
    watchlist = build_watchlist((out / manifest["applicants"]).read_text(encoding="utf-8"), VERIFY_KEY,
                                probe.phones.normalize).watchlist
    ranges, _ = blocked_ranges((out / manifest["blocklist"]).read_text(encoding="utf-8"), probe.phones)
    known = KnownContacts(VERIFY_KEY, "truth")  # as `ingest --known-contacts` would mark them
    for pair in json.loads((out / "ground-truth.json").read_text(encoding="utf-8")).get("known_contacts", []):
        known.add({pair["employee"]}, pair["contact"])
        known.organisation.setdefault(number_hash(VERIFY_KEY, pair["contact"]), 1)
    events: list[Event] = []
    problems: list[str] = []
    for entry in manifest["files"]:
        ctx = IngestContext(tz=manifest["timezone"], watchlist=watchlist, blocked_ranges=ranges, known_contacts=known)
        path = out / entry["path"]
        count = 0
        fmt_class = format_class(entry["format"])
        fmt = (fmt_class(ctx, ReportOptions(load_mapping(entry["mapping"], out), VERIFY_KEY))
               if issubclass(fmt_class, ReportFormat) else fmt_class(ctx))
        with path.open("rb") as stream:
            for record in enriched(fmt.records(stream, str(path)), ctx):
                if isinstance(record, Reject):
                    problems.append(f"{entry['path']}:{record.line}: rejected: {record.reason}")
                    continue
                events.append((record.category, record.fields))
                count += 1
        if count != entry["records"]:
            problems.append(f"{entry['path']}: manifest says {entry['records']} records, ingest read {count}")
    return events, problems


def context_events(events: list[Event], chosen: list[Event], logsources: list[str]) -> list[Event]:
    """Events of `logsources` from a number one of the chosen events has as caller or callee
    (a callback's callee is the number whose one-ring call it returns)."""
    numbers = {e.get(f) for _, e in chosen for f in ("telephony.caller.number", "telephony.callee.number")} - {None}
    return [(c, e) for c, e in events if c in logsources and e.get("telephony.caller.number") in numbers]


def selects(spec: dict[str, Any], category: str, event: dict[str, Any], window: tuple[float, float] | None) -> bool:
    """Whether `event` belongs to an incident or hard negative of the ground truth."""
    if category not in spec["logsources"]:
        return False
    for field, wanted in spec["match"].items():
        value = event.get(field)
        if value not in (wanted if isinstance(wanted, list) else [wanted]):
            return False
    return window is None or window[0] <= epoch(event) <= window[1]


def verify(out: Path, rules_dir: Path) -> list[str]:
    """Problems found (empty when the files, the ground truth and the rules agree)."""
    truth = json.loads((out / "ground-truth.json").read_text(encoding="utf-8"))
    events, problems = ingest_directory(out)
    oracle = Oracle(rules_dir)
    claimed: set[str] = set()
    taken = [False] * len(events)
    for incident in truth["incidents"]:
        window = (epoch({"@timestamp": incident["start"]}), epoch({"@timestamp": incident["end"]}))
        chosen = [i for i, (c, e) in enumerate(events) if selects(incident, c, e, window)]
        for i in chosen:
            taken[i] = True
        if len(chosen) != incident["events"]:
            problems.append(f"{incident['id']}: ground truth says {incident['events']} events, match selects "
                            f"{len(chosen)}")
        context = context_events(events, [events[i] for i in chosen], incident.get("context_logsources", []))
        fired = oracle.fired([events[i] for i in chosen] + context)
        claimed |= set(incident["detected_by"])
        for name in sorted(set(incident["detected_by"]) - fired):
            problems.append(f"{incident['id']}: {name} does not fire on the incident's events")
    for negative in truth["benign_hard_negatives"]:
        chosen = [events[i] for i, (c, e) in enumerate(events) if not taken[i] and selects(negative, c, e, None)]
        if len(chosen) != negative["events"]:
            problems.append(f"hard negative {negative['kind']}: {negative['events']} events claimed, "
                            f"{len(chosen)} match")
        for name in sorted(oracle.fired(chosen) - set(negative["allowed_rules"])):
            problems.append(f"hard negative {negative['kind']}: {name} fires")
    rest = [events[i] for i in range(len(events)) if not taken[i]]
    for name in sorted(oracle.fired(rest) - set(truth["building_blocks"])):
        problems.append(f"background: {name} fires outside every incident")
    for name in sorted(oracle.names - claimed):
        problems.append(f"{name}: no incident expects it to fire")
    for name in sorted(claimed - oracle.names):
        problems.append(f"{name}: named in detected_by but not a rule of the pack")
    return problems
