"""Sliding-window evaluation of one correlation plan over a time-ordered event stream.

Sigma's meaning: a group alerts when some window of `timespan` satisfies the condition. We
evaluate the window that ends at each arriving event and reaches back `timespan` seconds,
both edges included (an event exactly `timespan` before another is in its window). For
gte/gt this finds the maximum over all sliding windows, so no burst is missed at a clock
boundary; for lt/lte/eq/neq it evaluates those same event-anchored windows (documented).
Consecutive satisfying windows of a group form one alert (an episode).

Memory is bounded by the events inside one window per active group; groups whose window
empties are dropped.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, NamedTuple

from sigma.backends.strascico.correlation import CorrelationPlan

from .search import iso_of_epoch

MAX_EVIDENCE_IDS = 100


class CorrelatedEvent(NamedTuple):
    """What the evaluator needs of one base-rule match (a tuple: hunts build millions)."""

    time: float  # epoch seconds
    base: int  # index of the base rule in plan.bases
    group: tuple[Any, ...]
    value: Any
    event_id: str


@dataclass
class Alert:
    """A group that satisfied the correlation, with its evidence."""

    rule_id: str
    rule_name: str
    title: str
    level: str
    group: dict[str, Any]
    first: float
    last: float
    value: int  # event count, distinct count or number of rules, at the strongest window
    event_ids: list[str] = field(default_factory=list)
    evidence: dict[int, list[str]] = field(default_factory=dict, repr=False)  # base rule → ids

    def to_dict(self) -> dict[str, Any]:
        return {"rule_id": self.rule_id, "rule": self.rule_name, "title": self.title, "level": self.level,
                "group": self.group, "first": iso_of_epoch(self.first), "last": iso_of_epoch(self.last),
                "value": self.value,
                "event_ids": self.event_ids}


@dataclass
class _GroupState:
    window: deque[CorrelatedEvent] = field(default_factory=deque)
    # multisets as plain dicts: Counter's += on a new key goes through Python-level __missing__
    values: dict[Any, int] = field(default_factory=dict)
    per_base: dict[int, int] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    episode: Alert | None = None


class WindowEvaluator:
    """Feed events in time order; collect alerts."""

    def __init__(self, plan: CorrelationPlan):
        self.plan = plan
        self.groups: dict[tuple[Any, ...], _GroupState] = {}
        self.alerts: list[Alert] = []
        # Only what this plan's measure needs is kept up to date: a hunt feeds millions of events.
        # An event id seen twice in a window (matched by two referenced rules, or indexed twice)
        # is one event: it counts once, and only its first value counts for value_count.
        self._dedupe = plan.type in ("event_count", "value_count")
        self._count_values = plan.type == "value_count"
        self._count_bases = plan.type == "temporal"

    def feed(self, event: CorrelatedEvent) -> None:
        state = self.groups.get(event.group)
        if state is None:  # not setdefault: building a state per event cost more than the rest of feed()
            state = self.groups[event.group] = _GroupState()
        self._expire(state, event.time)
        if self._dedupe:
            if event.event_id in state.ids:
                return  # one event matched by two referenced rules (or indexed twice) counts once
            state.ids[event.event_id] = 1
        state.window.append(event)
        if self._count_values:
            state.values[event.value] = state.values.get(event.value, 0) + 1
        if self._count_bases:
            state.per_base[event.base] = state.per_base.get(event.base, 0) + 1
        measure = self._measure(state, event)
        if measure is None:
            return  # temporal_ordered decides only at events of its last rule
        if self.plan.satisfied(measure):
            self._extend(state, event, measure)
        elif state.episode is not None:
            self.alerts.append(state.episode)
            state.episode = None

    def _expire(self, state: _GroupState, now: float) -> None:
        horizon = now - self.plan.timespan_s
        window = state.window
        while window and window[0].time < horizon:
            old = window.popleft()
            if self._dedupe:
                _decrement(state.ids, old.event_id)
            if self._count_values:
                _decrement(state.values, old.value)
            if self._count_bases:
                _decrement(state.per_base, old.base)

    def _measure(self, state: _GroupState, event: CorrelatedEvent) -> int | None:
        kind = self.plan.type
        if kind == "event_count":
            return len(state.window)
        if kind == "value_count":
            return len(state.values)
        if kind == "temporal":
            return len(state.per_base)
        return self._ordered_chain(state, event)

    def _ordered_chain(self, state: _GroupState, event: CorrelatedEvent) -> int | None:
        """temporal_ordered: rules in listed order, each no earlier than the previous, all in
        the window ending at an event of the last rule. Returns how many rules the chain has."""
        last = len(self.plan.bases) - 1
        if event.base != last:
            return None
        bound = event.time
        for base in range(last - 1, -1, -1):  # latest-first is optimal for existence
            times = [e.time for e in state.window if e.base == base and e.time <= bound]
            if not times:
                return last - base  # the rules after this one form the chain (was base + 1: wrong from 3 rules)
            bound = max(times)
        return len(self.plan.bases)

    def _extend(self, state: _GroupState, event: CorrelatedEvent, measure: int) -> None:
        if state.episode is not None and event.time - state.episode.last > self.plan.timespan_s:
            self.alerts.append(state.episode)  # a quiet gap longer than the window: a new episode
            state.episode = None
        if state.episode is None:
            state.episode = Alert(self.plan.rule_id, self.plan.name, self.plan.title, self.plan.level,
                                  dict(zip(self.plan.group_by, event.group)), state.window[0].time, event.time,
                                  measure)
        episode = state.episode
        episode.last = event.time
        episode.value = max(episode.value, measure)
        # A new episode's evidence starts with the window that opened it; later windows add only
        # the arriving event (no rescan: windows can hold thousands).
        items = list(state.window) if not episode.evidence else [event]
        changed = False
        for item in items:
            ids = episode.evidence.setdefault(item.base, [])
            if len(ids) < MAX_EVIDENCE_IDS and item.event_id not in ids:
                ids.append(item.event_id)
                changed = True
        if changed:
            episode.event_ids = _round_robin(episode.evidence)

    def finish(self) -> list[Alert]:
        """Close open episodes; alerts ordered by first time, then group."""
        for state in self.groups.values():
            if state.episode is not None:
                self.alerts.append(state.episode)
                state.episode = None
        return sorted(self.alerts, key=alert_order)

    def prune(self, now: float) -> None:
        """Forget groups with nothing left in their window (bounded memory on long hunts)."""
        for key in [k for k, s in self.groups.items() if s.episode is None and
                    (not s.window or s.window[-1].time < now - self.plan.timespan_s)]:
            del self.groups[key]


def _decrement(counts: dict[Any, int], key: Any) -> None:
    left = counts[key] - 1
    if left:
        counts[key] = left
    else:
        del counts[key]


def alert_order(alert: Alert) -> tuple[Any, ...]:
    """Alerts by first time, then group."""
    return alert.first, sorted(alert.group.items())


def _round_robin(evidence: dict[int, list[str]]) -> list[str]:
    """Ids taken in turn from each base rule, so any prefix of the list cites every rule
    (a temporal alert's first ids must show both the report and the call)."""
    merged: list[str] = []
    lists = [evidence[base] for base in sorted(evidence)]
    for row in range(max((len(ids) for ids in lists), default=0)):
        for ids in lists:
            if row < len(ids) and ids[row] not in merged:
                merged.append(ids[row])
    return merged[:MAX_EVIDENCE_IDS]


def evaluate(plan: CorrelationPlan, events: Iterable[CorrelatedEvent]) -> list[Alert]:
    """Alerts of `plan` over time-ordered `events`."""
    evaluator = WindowEvaluator(plan)
    for count, event in enumerate(events, start=1):
        evaluator.feed(event)
        if count % 50_000 == 0:
            evaluator.prune(event.time)
    return evaluator.finish()


def ordered(streams: list[Iterator[CorrelatedEvent]]) -> Iterator[CorrelatedEvent]:
    """Merge per-base-rule streams (each time-ordered) into one time-ordered stream."""
    import heapq

    return heapq.merge(*streams, key=lambda e: (e.time, e.base, e.event_id))
