"""`strascico hunt`: every base and correlation rule over existing data, deduplicated."""

from __future__ import annotations

import gc
import re
import threading
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Iterator

from elasticsearch import Elasticsearch
from sigma.correlations import SigmaCorrelationRule
from sigma.pipelines.strascico.pipeline import DEFAULT_INDEX_PREFIX, index_pattern

from ..correlate import Alert, run_plans
from ..correlate.plans import CorrelationNotSupported, CorrelationPlan, PlanBuilder
from ..correlate.search import iso_of_epoch
from ..es.health import require_primaries
from ..pack import AnyRule, RuleFile
from .base_rules import HuntAlert, hunt_base_rule
from .entities import CONTACT_CATEGORIES
from .signals import SIGNAL_LEVELS, note_first
from .store import AlertStore
from .victims import Victim, flood_victims

_RELATIVE = re.compile(r"^(\d+)([smhdwMy])$")
WORKERS = 4  # requests in flight: Elasticsearch works on some while Python reads others
GC_THRESHOLD = 100_000  # allocations between young-generation collections (default 700)


def date_bound(value: str | None) -> str | None:
    """`120d` → `now-120d`; ISO dates and date math pass through."""
    if value and _RELATIVE.match(value):
        return f"now-{value}"
    return value


def stage_of(rule: AnyRule) -> str:
    for tag in rule.tags:
        if tag.namespace == "strascico" and tag.name.startswith("stage."):
            return tag.name.split(".", 1)[1]
    return "other"


@dataclass
class HuntResult:
    """Alerts, rules that could not run (with why), and the per-stage summary."""

    alerts: AlertStore = field(default_factory=AlertStore)  # in hunt_order, iterated from disk when many
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (rule file, reason)
    rules_run: int = 0
    victims: dict[str, Victim] = field(default_factory=dict)  # people inbound flood signals reached

    def summary(self) -> dict[str, Any]:
        """One pass over the alerts: at 20M events they are read back from disk, and a list of
        the flood signals alone took 450 MB."""
        stages: dict[str, dict[str, Any]] = {}
        # From the first breach signal: later breach-stage alerts (a routine dump flagged in
        # February) must not make the flood look as if it came first.
        firsts: dict[str, str] = {}
        for alert in self.alerts:
            stage = stages.setdefault(alert.stage, {"alerts": 0, "rules": set(), "first": None, "last": None})
            stage["alerts"] += 1
            stage["rules"].add(alert.rule)
            stage["first"] = min(filter(None, (stage["first"], alert.first)))
            stage["last"] = max(filter(None, (stage["last"], alert.last)))
            note_first(firsts, alert)
        for stage in stages.values():
            stage["rules"] = sorted(stage["rules"])
        people = {number: victim.exposed for number, victim in self.victims.items()}
        breach_first, flood_first = firsts.get("breach"), firsts.get("flood")
        onset = None
        if breach_first and flood_first:
            onset = round((_epoch(flood_first) - _epoch(breach_first)) / 86400, 1)
        return {
            "type": "summary", "rules_run": self.rules_run, "alerts": len(self.alerts), "stages": stages,
            "link": {"flood_victims": len(people), "in_exposed_cohort": sum(v is True for v in people.values()),
                     "not_in_cohort": sum(v is False for v in people.values()),
                     "exposure_unknown": sum(v is None for v in people.values()),
                     "flood_began_days_after_first_breach_signal": onset},
            "skipped_rules": [{"rule": r, "reason": why} for r, why in self.skipped],
        }


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


class Hunter:
    """Runs a pack over a cluster's `<prefix>-<logsource>-*` indices."""

    def __init__(self, client: Elasticsearch, files: list[RuleFile], index_prefix: str = DEFAULT_INDEX_PREFIX):
        self.client = client
        self.files = files
        self.prefix = index_prefix
        self.plans = PlanBuilder(files)
        self._metas: dict[tuple[int, str], dict[str, Any]] = {}

    def index_for(self, category: str) -> str:
        return index_pattern(category, self.prefix)

    def run(self, since: str | None, until: str | None,
            progress: Callable[[Iterable, int], Iterable] = lambda items, total: items) -> HuntResult:
        """Base rules run side by side (Elasticsearch counts while Python reads another answer);
        correlations run together, so base queries they share are read once."""
        require_primaries(self.client, f"{self.prefix}-*", "hunt")  # one line, not a partial hunt
        result = HuntResult()
        # One end for every query: with `now` worked out per request, a correlation's read
        # could see events that arrived after its prefilter counted.
        until = until or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        rules = [(f, r) for f in self.files for r in f.rules]
        outcome: dict[int, list[HuntAlert] | CorrelationNotSupported] = {}
        plans = self._plans(rules, outcome)
        stop = threading.Event()  # set on an error or Ctrl-C: the correlation job stops reading
        with _fewer_gc_passes(), ThreadPoolExecutor(max_workers=WORKERS) as pool:
            jobs: dict[Future, list[int]] = {}
            try:
                if plans:  # the longest job starts first; base rules share the other workers
                    jobs[pool.submit(self._correlations, rules, plans, since, until, stop.is_set,
                                     result.alerts.append)] = list(plans)
                # the victims too, beside the correlations: after them, they were 2 s of a 2M-event hunt
                jobs[pool.submit(self._victims, result, self._flood_queries(), since, until)] = []
                for i, (_, rule) in enumerate(rules):
                    if i not in outcome and i not in plans:
                        # converted here, one at a time: a pySigma backend keeps per-conversion state
                        jobs[pool.submit(self._base, rule, self.plans.lucene(rule), since, until,
                                         result.alerts.append)] = [i]
                for _ in progress(self._finished(jobs, outcome), len(rules)):
                    pass
            except BaseException:
                stop.set()
                pool.shutdown(wait=True, cancel_futures=True)
                raise
        for i, (rule_file, _) in enumerate(rules):
            found = outcome[i]
            if isinstance(found, CorrelationNotSupported):
                result.skipped.append((str(rule_file.path), str(found)))
                continue
            result.rules_run += 1  # its alerts are in the store already
        return result

    def _victims(self, result: HuntResult, queries: dict[str, dict[str, str]], since: str | None,
                 until: str | None) -> None:
        result.victims = flood_victims(self.client, self.prefix, queries, since, until)

    @staticmethod
    def _finished(jobs: dict[Future, list[int]], outcome: dict[int, Any]) -> Iterator[int]:
        """Each rule's number as its job completes (for the progress bar; its alerts are in the
        store already); errors propagate."""
        yield from (i for i in outcome)  # rules already settled (not supported)
        for job in as_completed(jobs):
            job.result()
            for i in jobs[job]:
                outcome[i] = []
                yield i

    def _plans(self, rules: list[tuple[RuleFile, AnyRule]], outcome: dict[int, Any]) -> dict[int, CorrelationPlan]:
        """Correlation plans by rule number; rules that cannot run exactly go to `outcome`."""
        plans = {}
        for i, (_, rule) in enumerate(rules):
            if isinstance(rule, SigmaCorrelationRule):
                try:
                    plans[i] = self.plans.plan(rule)
                except CorrelationNotSupported as exc:
                    outcome[i] = exc
        return plans

    def _correlations(self, rules: list[tuple[RuleFile, AnyRule]], plans: dict[int, CorrelationPlan],
                      since: str | None, until: str | None, stopped: Callable[[], bool],
                      keep: Callable[[HuntAlert], None]) -> None:
        """Every plan's alerts to `keep` as their episodes close; no list is held."""
        numbers = list(plans)

        def closed(plan_number: int, alert: Alert) -> None:
            keep(self._correlation_alert(rules[numbers[plan_number]][1], alert))

        run_plans(self.client, list(plans.values()), self.index_for, since, until, stopped=stopped, on_alert=closed)

    def _flood_queries(self) -> dict[str, dict[str, str]]:
        """Lucene of every flood signal base rule on a contact logsource, by logsource and rule."""
        queries: dict[str, dict[str, str]] = {}
        for rule_file in self.files:
            for rule in rule_file.rules:
                category = getattr(getattr(rule, "logsource", None), "category", None)
                level = rule.level.name.lower() if rule.level else "medium"
                if category in CONTACT_CATEGORIES and stage_of(rule) == "flood" and level in SIGNAL_LEVELS:
                    queries.setdefault(category, {})[rule.name or str(rule.id)] = self.plans.lucene(rule)
        return queries

    def _meta(self, rule: AnyRule, kind: str) -> dict[str, Any]:
        """The rule's part of each of its alerts, made once: the same strings for all of them."""
        key = (id(rule), kind)
        meta = self._metas.get(key)
        if meta is None:
            meta = self._metas[key] = {
                "rule_id": str(rule.id), "rule": rule.name or str(rule.id), "title": rule.title,
                "level": rule.level.name.lower() if rule.level else "medium", "stage": stage_of(rule), "kind": kind}
        return meta

    def _base(self, rule: AnyRule, lucene: str, since: str | None, until: str | None,
              keep: Callable[[HuntAlert], None]) -> None:
        """The rule's alerts to `keep` a page at a time, not as a list per rule."""
        category = rule.logsource.category or ""
        meta = self._meta(rule, "rule")
        for b in hunt_base_rule(self.client, self.index_for(category), category, lucene, since, until, meta["rule"]):
            keep(HuntAlert(**meta, first=b["first"], last=b["last"], count=b["count"], victim=b["victim"],
                           actor=b["actor"], people=b["people"], exposed_people=b["exposed_people"],
                           direction=b["direction"], event_ids=b["event_ids"]))

    def _correlation_alert(self, rule: AnyRule, alert: Alert) -> HuntAlert:
        return HuntAlert(**self._meta(rule, "correlation"), first=iso_of_epoch(alert.first),
                         last=iso_of_epoch(alert.last), count=alert.value,
                         victim=None, actor=", ".join(f"{k}={v}" for k, v in alert.group.items()),
                         group=alert.group, event_ids=alert.event_ids[:10])


@contextmanager
def _fewer_gc_passes() -> Iterator[None]:
    """A hunt makes millions of short-lived objects that hold no cycles (hits, events); with the
    default thresholds the cycle collector kept rescanning the live windows (2 s of 9 in one
    profile). It runs less often during the hunt."""
    thresholds = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
