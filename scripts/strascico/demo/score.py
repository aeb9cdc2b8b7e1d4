"""Scoring a hunt against the simulator's ground truth: which planted incidents were found,
by which of their expected rules, and which alerts explain nothing planted (false alerts).

An alert is matched to an incident through its evidence: the events it cites must carry the
incident's identifying field values (its `match`), so the score does not depend on how an
alert happens to summarize who was hit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..hunt import HuntAlert

MEDIUM_PLUS = frozenset({"medium", "high", "critical"})
SLACK_S = 60.0  # clock rounding between a planted event and the alert's first/last seen


def _t(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


Evidence = dict[str, dict[str, Any]]  # event.id → the event's fields (flat)


def explains(alert: HuntAlert, incident: dict[str, Any], evidence: Evidence) -> bool:
    """The alert is from one of the incident's rules, overlaps it in time, and one of its
    evidence events carries every field value the incident is identified by."""
    if alert.rule not in incident.get("detected_by", []):
        return False
    if _t(alert.last) < _t(incident["start"]) - SLACK_S or _t(alert.first) > _t(incident["end"]) + SLACK_S:
        return False
    wanted = incident.get("match") or {}
    events = [evidence[i] for i in alert.event_ids if i in evidence]
    return any(all(_matches(event.get(k), v) for k, v in wanted.items()) for event in events)


def on_campaign(alert: HuntAlert, incidents: list[dict[str, Any]], evidence: Evidence) -> bool:
    """Every evidence event of the alert belongs to some planted incident (in its window, with its
    match fields): a rule that fired across two waves at once, e.g. one employee reached by the
    SMS wave and the night calls on the same day. A true detection, just not a planted one."""
    events = [(i, evidence[i]) for i in alert.event_ids if i in evidence]
    return bool(events) and all(any(_in_incident(event, incident) for incident in incidents) for _, event in events)


def _in_incident(event: dict[str, Any], incident: dict[str, Any]) -> bool:
    stamp = event.get("@timestamp")
    if stamp is None or not _t(incident["start"]) - SLACK_S <= _t(str(stamp)) <= _t(incident["end"]) + SLACK_S:
        return False
    return all(_matches(event.get(k), v) for k, v in (incident.get("match") or {}).items())


def _matches(value: Any, wanted: Any) -> bool:
    """Equal as text; a list in the truth means any one of its values."""
    options = wanted if isinstance(wanted, list) else [wanted]
    return str(value) in {str(option) for option in options}


@dataclass
class Score:
    """Recall over planted incidents and their expected rules, and false alerts by rule."""

    incidents: list[dict[str, Any]] = field(default_factory=list)
    false_alerts: dict[str, int] = field(default_factory=dict)
    alerts: int = 0
    not_observable: list[dict[str, Any]] = field(default_factory=list)
    building_block_alerts: int = 0  # low-level feeder rules firing on benign contacts, by design
    cross_incident_alerts: int = 0  # fired on events of several planted incidents together: not false
    false_medium_plus: dict[str, int] = field(default_factory=dict)  # what a SOC would triage, by rule
    false_medium_plus_alerts: list[dict[str, Any]] = field(default_factory=list)  # each one, to explain it
    employees: int = 0
    weeks: float = 0.0

    @property
    def false_per_1k_employees_week(self) -> float:
        """False medium+ alerts per 1,000 employees per week: the rate a SOC judges a pack by."""
        if not self.employees or not self.weeks:
            return 0.0
        return sum(self.false_medium_plus.values()) / (self.employees / 1000) / self.weeks

    @property
    def recall(self) -> float:
        return sum(i["found"] for i in self.incidents) / len(self.incidents) if self.incidents else 0.0

    @property
    def rule_recall(self) -> float:
        expected = sum(len(i["expected_rules"]) for i in self.incidents)
        return sum(len(i["fired_rules"]) for i in self.incidents) / expected if expected else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"recall": round(self.recall, 3), "rule_recall": round(self.rule_recall, 3),
                "alerts": self.alerts, "false_alerts": sum(self.false_alerts.values()),
                "false_alerts_by_rule": dict(sorted(self.false_alerts.items())), "incidents": self.incidents,
                "building_block_alerts": self.building_block_alerts,
                "cross_incident_alerts": self.cross_incident_alerts,
                "false_medium_plus": sum(self.false_medium_plus.values()),
                "false_medium_plus_by_rule": dict(sorted(self.false_medium_plus.items())),
                "false_per_1k_employees_week": round(self.false_per_1k_employees_week, 3),
                "false_medium_plus_alerts": self.false_medium_plus_alerts,
                "not_observable": self.not_observable}


def score(alerts: list[HuntAlert], truth: dict[str, Any], evidence: Evidence, observed: set[str]) -> Score:
    """Score alerts; incidents whose logsources have no ingested data are 'not observable',
    reported apart and left out of recall (no rule can see what was never collected)."""
    result = Score(alerts=len(alerts), employees=int((truth.get("cohort") or {}).get("employees") or 0))
    period = truth.get("period") or {}
    if period.get("start") and period.get("end"):
        result.weeks = (_t(period["end"]) - _t(period["start"])) / (7 * 86400)
    explained: set[int] = set()
    for incident in truth.get("incidents", []):
        sources = set(incident.get("logsources") or [])
        if sources and not sources & observed:
            result.not_observable.append({"id": incident["id"], "logsources": sorted(sources)})
            continue
        matching = [i for i, alert in enumerate(alerts) if explains(alert, incident, evidence)]
        explained.update(matching)
        fired = sorted({alerts[i].rule for i in matching})
        result.incidents.append({"id": incident["id"], "stage": incident.get("stage"), "kind": incident.get("kind"),
                                 "start": incident["start"], "found": bool(fired), "fired_rules": fired,
                                 "expected_rules": sorted(incident.get("detected_by", [])),
                                 "missed_rules": sorted(set(incident.get("detected_by", [])) - set(fired))})
    building_blocks = set(truth.get("building_blocks", []))
    for index, alert in enumerate(alerts):
        if index in explained:
            continue
        if alert.rule in building_blocks:  # they match every foreign contact; correlations use them
            result.building_block_alerts += 1
        elif on_campaign(alert, truth.get("incidents", []), evidence):
            result.cross_incident_alerts += 1
        else:
            result.false_alerts[alert.rule] = result.false_alerts.get(alert.rule, 0) + 1
            if alert.level in MEDIUM_PLUS:
                result.false_medium_plus[alert.rule] = result.false_medium_plus.get(alert.rule, 0) + 1
                result.false_medium_plus_alerts.append(_described(alert, evidence))
    return result


def _described(alert: HuntAlert, evidence: Evidence) -> dict[str, Any]:
    """A false alert with what its evidence events say about who called whom, to explain it."""
    events = [evidence[i] for i in alert.event_ids if i in evidence]
    summary = {key: sorted({str(e[key]) for e in events if key in e})
               for key in ("telephony.caller.country_iso", "messaging.sender.country_iso", "telephony.callee.kind",
                           "telephony.call.disposition", "event.dataset")}
    return {"rule": alert.rule, "first": alert.first, "last": alert.last, "count": alert.count,
            "group": alert.group, **{k: v for k, v in summary.items() if v}}
