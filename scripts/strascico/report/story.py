"""What happened and who is affected, from a hunt's alerts and the events they cite."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from ..hunt import HuntAlert, HuntResult
from ..hunt.signals import first_signals, signals
from ..hunt.victims import Victim
from ..pack import AnyRule, RuleFile
from .phases import PHASES, phase_of



def rule_index(files: list[RuleFile]) -> dict[str, tuple[AnyRule, str]]:
    """Rule name → (rule, file path)."""
    return {(r.name or str(r.id)): (r, f.path.as_posix()) for f in files for r in f.rules}


def what_happened(alerts: list[HuntAlert], rules: dict[str, tuple[AnyRule, str]],
                  evidence: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Breach signals per phase with the accounts, addresses and hosts their evidence names."""
    breach = signals(alerts, "breach")
    phases: dict[str, dict[str, Any]] = {}
    for alert in breach:
        rule, path = rules[alert.rule]
        category = getattr(getattr(rule, "logsource", None), "category", None)
        phase = phases.setdefault(phase_of(rule, category), {"first": alert.first, "last": alert.last, "alerts": 0,
                                                             "rules": {}, "accounts": set(), "source_ips": set(),
                                                             "hosts": set()})
        phase["first"], phase["last"] = min(phase["first"], alert.first), max(phase["last"], alert.last)
        phase["alerts"] += 1
        entry = phase["rules"].setdefault(alert.rule, {"rule": alert.rule, "title": alert.title, "id": alert.rule_id,
                                                       "file": path, "level": alert.level, "alerts": 0})
        entry["alerts"] += 1
        for event in (evidence.get(i, {}) for i in alert.event_ids):
            for field, bucket in (("user.name", "accounts"), ("source.ip", "source_ips"), ("host.name", "hosts")):
                if event.get(field):
                    phase[bucket].add(str(event[field]))
    ordered = []
    for name in [*PHASES, "other"]:
        if name in phases:
            phase = phases[name]
            ordered.append({"phase": name, "first": phase["first"], "last": phase["last"], "alerts": phase["alerts"],
                            "rules": sorted(phase["rules"].values(), key=lambda r: r["rule"]),
                            "accounts": sorted(phase["accounts"]), "source_ips": sorted(phase["source_ips"]),
                            "hosts": sorted(phase["hosts"])})
    return {"found": bool(breach), "first_signal": min((a.first for a in breach), default=None),
            "last_signal": max((a.last for a in breach), default=None), "phases": ordered}


def victims_over_time(victims: dict[str, Victim]) -> dict[str, Any]:
    """Cumulative flood victims per day (by first contact), in and outside the exposed cohort."""
    if not victims:
        return {"days": [], "in_cohort": [], "not_in_cohort": []}
    firsts = [v.first[:10] for v in victims.values()]
    start, end = min(firsts), max(firsts)
    days = [str(date.fromordinal(o)) for o in range(date.fromisoformat(start).toordinal(),
                                                     date.fromisoformat(end).toordinal() + 1)]
    new = defaultdict(lambda: [0, 0])
    for victim in victims.values():
        new[victim.first[:10]][0 if victim.exposed else 1] += 1
    inside, outside, total_in, total_out = [], [], 0, 0
    for day in days:
        total_in, total_out = total_in + new[day][0], total_out + new[day][1]
        inside.append(total_in)
        outside.append(total_out)
    return {"days": days, "in_cohort": inside, "not_in_cohort": outside}


def who_is_affected(result: HuntResult, exposed_cohort: int | None) -> dict[str, Any]:
    people = {number: victim.exposed for number, victim in result.victims.items()}
    firsts = first_signals(result.alerts)  # one pass: at 20M events the alerts come back from disk
    onset, first_breach = firsts.get("flood"), firsts.get("breach")
    days_after = None
    if onset and first_breach:
        days_after = round((date.fromisoformat(onset[:10]) - date.fromisoformat(first_breach[:10])).days, 0)
    return {"exposed_cohort": exposed_cohort, "flood_found": onset is not None, "flood_victims": len(people),
            "in_cohort": sum(v is True for v in people.values()), "not_in_cohort": sum(v is False for v in people.values()),
            "exposure_unknown": sum(v is None for v in people.values()), "flood_onset": onset,
            "onset_days_after_first_breach_signal": days_after, "victims_over_time": victims_over_time(result.victims)}
