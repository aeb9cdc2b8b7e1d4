"""Assembling report.json — the source of truth report.md and report.html are rendered from."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch

from .. import __version__
from ..hunt import Hunter
from ..hunt.evidence import evidence_events
from ..pack import RuleFile
from .article33 import article33, open_questions
from .coverage import coverage
from .datamap import DataMap
from .story import rule_index, signals, what_happened, who_is_affected
from .taken import endpoints_read, estimate, tables_read
from .volumes import foreign_contacts_per_day


def watchlist_size(path: Path | None) -> int | None:
    """Number of keyed hashes in a watchlist file (counts only; the hashes are not read further)."""
    if path is None:
        return None
    return sum(1 for line in path.read_text(encoding="ascii").splitlines()[1:] if line.strip())


def build_report(client: Elasticsearch, files: list[RuleFile], prefix: str, since: str | None, until: str | None,
                 lang: str, data_map: DataMap, exposed_cohort: int | None = None,
                 attribution: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every figure of the evidence pack, from the indexed events and a hunt over them."""
    hunt = Hunter(client, files, prefix).run(since, until)
    breach = signals(hunt.alerts, "breach")
    evidence = evidence_events(client, prefix, {i for alert in breach for i in alert.event_ids})
    happened = what_happened(hunt.alerts, rule_index(files), evidence)
    principals = sorted({acc for phase in happened["phases"] for acc in phase["accounts"]})
    sources = sorted({ip for phase in happened["phases"] for ip in phase["source_ips"]})
    start, end = happened["first_signal"], happened["last_signal"]
    tables = tables_read(client, prefix, principals, start, end, data_map) if start else []
    endpoints = endpoints_read(client, prefix, sources, start, end, data_map) if start else []
    days, series = foreign_contacts_per_day(client, prefix)
    affected = who_is_affected(hunt, exposed_cohort)
    affected["per_day"] = {"days": days, "series": series}
    affected["attribution"] = attribution
    data: dict[str, Any] = {
        "meta": {"tool": f"strascico {__version__}", "generated_at": datetime.now(timezone.utc).strftime(
            "%Y-%m-%dT%H:%M:%SZ"), "since": since, "until": until, "lang": lang, "index_prefix": prefix,
                 "signals": "alerts of rules at level medium or above (low-level building blocks excluded)"},
        "what_happened": happened,
        "what_was_taken": {"tables": tables, "endpoints": endpoints, **estimate(tables, endpoints, data_map)},
        "who_is_affected": affected,
        "coverage": coverage(client, prefix, since, until),
    }
    data["open_questions"] = open_questions(data, lang)
    data["article33"] = article33(data, lang)
    return data
