"""Checking a simulated directory against its own ground truth, offline, through the real ingest code.

Every file is parsed by its ingest format (rejects are problems) with a watchlist built from
applicants.csv and the block list (as `ingest --watchlist --blocklist` would); helpdesk tickets,
which no ingest format reads yet, become user_report events the way docs/simulate.md describes.
Then the oracle says which rules fire on each incident's events, each hard negative, and the rest.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from ..ingest import IngestContext, Reject, format_class
from ..ingest.context import blocked_ranges
from ..watchlist import build_watchlist
from .oracle import Event, Oracle, epoch

VERIFY_KEY = b"strascico-simulate-verify-key"  # a throwaway HMAC key: the watchlist never leaves memory


def ingest_directory(out: Path) -> tuple[list[Event], list[str]]:
    """Normalized events of every manifest file (plus derived enrichments) and the rejects as text."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    probe = IngestContext()
    watchlist = build_watchlist((out / manifest["applicants"]).read_text(encoding="utf-8"), VERIFY_KEY,
                                probe.phones.normalize).watchlist
    ranges, _ = blocked_ranges((out / manifest["blocklist"]).read_text(encoding="utf-8"), probe.phones)
    events: list[Event] = []
    problems: list[str] = []
    for entry in manifest["files"]:
        ctx = IngestContext(tz=manifest["timezone"], watchlist=watchlist, blocked_ranges=ranges)
        path = out / entry["path"]
        count = 0
        with path.open("rb") as stream:
            for record in format_class(entry["format"])(ctx).records(stream, str(path)):
                if isinstance(record, Reject):
                    problems.append(f"{entry['path']}:{record.line}: rejected: {record.reason}")
                    continue
                events.append((record.category, record.fields))
                count += 1
        if count != entry["records"]:
            problems.append(f"{entry['path']}: manifest says {entry['records']} records, ingest read {count}")
    events += helpdesk_events(out / "helpdesk" / "tickets.csv", probe)
    return events, problems


def helpdesk_events(tickets: Path, ctx: IngestContext) -> list[Event]:
    """One user_report event per helpdesk ticket (what a helpdesk ingest format would produce)."""
    out: list[Event] = []
    with tickets.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            event: dict[str, Any] = {"@timestamp": row["opened_at"], "event.action": "contact-reported",
                                     "event.dataset": "helpdesk.tickets", "event.id": row["ticket_id"],
                                     "organization.name": row["organization"], "user.name": row["reporter"],
                                     "telephony.channel": row["channel"]}
            event.update(ctx.number_fields("telephony.caller", row["reported_number"]))
            out.append(("user_report", event))
    return out


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
        fired = oracle.fired([events[i] for i in chosen])
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
