"""Carry out a Kibana plan rule by rule and record exactly what was and was not applied.

Each rule is its own request, so one refused rule (400/403/404/409, with Kibana's message)
never hides the others. After a 401, a connection failure or retries exhausted on 429/5xx,
nothing else can succeed: the remaining rules are marked not attempted. Deletions happen only
with prune, last, and only after a complete backup of the rules to delete was written.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from ..errors import ConnectionProblem
from .backup import backup_rules
from .kibana_api import RETRYABLE, KibanaClient, KibanaError
from .kibana_plan import KibanaPlan, RulePlan

Outcome = Literal["applied", "failed", "not_attempted"]
STOPS_THE_BATCH = frozenset({401}) | RETRYABLE


@dataclass
class RuleOutcome:
    """What happened to one planned rule."""

    rule_id: str
    name: str
    action: str
    outcome: Outcome
    status: int | None = None
    message: str | None = None


@dataclass
class ApplyReport:
    """The record a deploy leaves behind, also when it fails half-way."""

    target: str
    started: str
    outcomes: list[RuleOutcome] = field(default_factory=list)
    unchanged: int = 0
    kept: list[str] = field(
        default_factory=list
    )  # tagged rules not in the pack, left alone (no prune)
    backup: str | None = None
    retries: int = 0

    def having(self, outcome: Outcome) -> list[RuleOutcome]:
        return [o for o in self.outcomes if o.outcome == outcome]

    def to_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "counts": {o: len(self.having(o)) for o in ("applied", "failed", "not_attempted")},
        }


def deployed_rules(
    client: KibanaClient, rule_ids: list[str], pack_tag: str
) -> dict[str, dict[str, Any]]:
    """What Kibana holds: every rule with the pack's tag, plus any pack rule_id found without it."""
    found = {rule["rule_id"]: rule for rule in client.find_tagged(pack_tag)}
    for rule_id in rule_ids:
        if rule_id not in found and (rule := client.read(rule_id)) is not None:
            found[rule_id] = rule
    return found


def _send(client: KibanaClient, item: RulePlan) -> None:
    if item.action == "add":
        client.create(item.body or {})
    elif item.action == "change":
        client.update(item.body or {})
    else:
        client.delete(item.rule_id)


def apply_plan(
    client: KibanaClient, plan: KibanaPlan, prune: bool, backup_dir: Path, now: datetime
) -> ApplyReport:
    """Create, update, then (with prune, after the backup) delete; one outcome per rule."""
    report = ApplyReport(
        client.settings.describe(), now.isoformat(), unchanged=len(plan.of("unchanged"))
    )
    removals = plan.of("remove")
    if not prune:
        report.kept = [item.rule_id for item in removals]
        removals = []
    elif removals:  # before any write: a failed export stops the deploy with nothing changed
        report.backup = str(backup_rules(client, [i.rule_id for i in removals], backup_dir, now))
    stopped: str | None = None
    for item in plan.of("add") + plan.of("change") + removals:
        if stopped:
            report.outcomes.append(
                RuleOutcome(
                    item.rule_id,
                    item.name,
                    item.action,
                    "not_attempted",
                    message=f"not attempted: {stopped}",
                )
            )
            continue
        try:
            _send(client, item)
        except KibanaError as exc:
            report.outcomes.append(
                RuleOutcome(
                    item.rule_id, item.name, item.action, "failed", exc.status, exc.kibana_message
                )
            )
            if exc.status in STOPS_THE_BATCH:
                stopped = f"stopped after {exc.status} on {item.rule_id}"
        except ConnectionProblem as exc:
            report.outcomes.append(
                RuleOutcome(item.rule_id, item.name, item.action, "failed", None, str(exc))
            )
            stopped = f"stopped after a connection failure on {item.rule_id}"
        else:
            report.outcomes.append(RuleOutcome(item.rule_id, item.name, item.action, "applied"))
    report.retries = client.retried
    return report


def write_report(report: ApplyReport, path: Path) -> Path:
    """The report as JSON (never any secret: the target is described without credentials)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report.to_dict(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path
