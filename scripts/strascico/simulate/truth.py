"""The ground truth: counts what was written per incident and hard negative, then describes it."""

from __future__ import annotations

from typing import Any

from . import infra
from .clock import TZ_NAME, iso_z
from .datasets import LEAKED
from .flood_state import FloodState
from .incidents import (BUILDING_BLOCKS, NEEDS_BLOCKLIST, NEEDS_HELPDESK, NEEDS_WATCHLIST, Incident,
                        breach_incidents, flood_incidents, negatives)
from .numbering import FLOOD_BLOCKS
from .options import SimulationOptions
from .records import NEGATIVE, Record
from .tables import STAFF
from .world import World

NOTES = (
    "An event belongs to an incident when it has every `match` field (a list: any of its values) and its "
    "@timestamp lies in [start, end]; to a hard negative when it has every `match` field.",
    "detected_by lists the rules whose conditions the incident's own events meet by construction, correlation "
    "thresholds and timespans included. Flood waves overlap on the same employees, so flood correlations can also "
    "fire on events of several incidents together: those hits are true positives too.",
    "Hard negatives must fire no rule except their allowed_rules (building blocks that match every foreign "
    "contact or archive read by design and only feed correlations).",
)


class Truth:
    """Counts, first and last instant of every tagged record as it is written."""

    def __init__(self) -> None:
        self.seen: dict[str, list[int]] = {}  # tag → [events, first at, last at]

    def observe(self, record: Record) -> None:
        if not record.tag:
            return
        entry = self.seen.get(record.tag)
        if entry is None:
            self.seen[record.tag] = [1, record.at, record.at]
        else:
            entry[0] += 1
            entry[1] = min(entry[1], record.at)
            entry[2] = max(entry[2], record.at)

    def _incident(self, incident: Incident) -> dict[str, Any]:
        events, first, last = self.seen.get(incident.id, [0, 0, 0])
        return {"id": incident.id, "stage": incident.stage, "kind": incident.kind,
                "logsources": list(incident.logsources), "start": iso_z(first), "end": iso_z(last),
                "detected_by": list(incident.detected_by), "match": incident.match, "events": events,
                "description": incident.description,
                **({"context_logsources": list(incident.context)} if incident.context else {})}

    def document(self, options: SimulationOptions, world: World, flood: FloodState,
                 datasets: list[dict[str, Any]]) -> dict[str, Any]:
        """ground-truth.json as a dict (the file's contract: docs/simulate.md)."""
        staff = world.population
        breach = [self._incident(i) for i in breach_incidents()]
        waves = [self._incident(i) for i in flood_incidents(world, len(flood.outsiders))]
        reached = [e for e in staff.employees if e.index in flood.reached]
        exposed = sum(1 for e in reached if e.exposed)
        return {
            "scenario": options.scenario, "seed": options.seed, "size": options.size, "timezone": TZ_NAME,
            "period": {"start": iso_z(world.period.start_ts()), "end": iso_z(world.period.end_ts())},
            "breach": {"start": min(i["start"] for i in breach), "end": max(i["end"] for i in breach),
                       "principal": infra.STOLEN_ACCOUNT, "source_ip": infra.ATTACKER_IP, "host": infra.DB_HOST,
                       "shell_user": infra.ATTACKER_SHELL_USER, "exfiltration_to": infra.EXFIL_HOST,
                       "database": infra.ARCHIVE_SCHEMA, "tables": list(infra.ARCHIVE_TABLES)},
            "flood": {"start": min(i["start"] for i in waves), "end": max(i["end"] for i in waves),
                      "calling_codes": sorted({b.country_code for b in FLOOD_BLOCKS.values()}, key=int),
                      "ranges": {b.prefix: b.country_iso for b in FLOOD_BLOCKS.values()},
                      "targets": len(reached), "targets_exposed": exposed,
                      "targets_not_exposed": len(reached) - exposed},
            "cohort": {"employees": len(staff.employees), "exposed_employees": len(staff.exposed),
                       "applicants": staff.applicants},
            "attribution": _attribution(datasets),
            "building_blocks": list(BUILDING_BLOCKS),
            "prerequisites": _prerequisites(),
            "incidents": breach + waves,
            # what `watchlist contacts` should learn from the history before the flood
            "known_contacts": sorted([{"employee": e.mobile, "contact": e.relative} for e in world.families
                                      if e.relative] + [{"employee": person.mobile, "contact": number}
                                                         for number, _, person in world.suppliers],
                                     key=lambda pair: (pair["employee"], pair["contact"])),
            "benign_hard_negatives": [
                {"kind": n.kind, "logsources": list(n.logsources), "match": n.match,
                 "events": self.seen.get(NEGATIVE + n.kind, [0])[0], "allowed_rules": list(n.allowed),
                 "description": n.description} for n in negatives(world)],
            "notes": list(NOTES),
        }


def _prerequisites() -> dict[str, Any]:
    return {
        "watchlist": {"rules": list(NEEDS_WATCHLIST), "from": "applicants.csv", "column": "phone",
                      "how": "strascico watchlist build --from applicants.csv --out exposed.wl, then "
                             "strascico ingest --watchlist exposed.wl (sets telephony.callee.exposed)"},
        "range_blocklist": {"rules": list(NEEDS_BLOCKLIST), "from": "blocklist.csv",
                            "how": "strascico ingest --blocklist blocklist.csv (sets telephony.caller.range_blocked: "
                                   "the caller's range holds a number the organization blocked)"},
        "helpdesk_reports": {"rules": list(NEEDS_HELPDESK), "from": "helpdesk/tickets.csv, forms/segnalazioni.csv",
                             "how": "strascico ingest -f report-csv FILE --mapping <the file's manifest mapping> "
                                    "(key: STRASCICO_WATCHLIST_KEY or --key-file; reporters become keyed hashes)"},
    }


def _attribution(datasets: list[dict[str, Any]]) -> dict[str, Any]:
    """Which candidate list leaked, for scoring `strascico attribute`."""
    return {"population": STAFF, "leaked": LEAKED, "datasets": datasets,
            "how": "strascico attribute --population staff.csv --reports <ingested reports> "
                   + " ".join(f"--dataset {d['name']}={d['path']}" for d in datasets)}
