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
from typing import Any, Callable, Iterable, Iterator, NamedTuple

from sigma.backends.strascico.correlation import OPERATORS, CorrelationPlan

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
    # base rule → ids, as insertion-ordered sets: `in` on a list of 100 ran at every event of a long episode
    evidence: dict[int, dict[str, None]] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {"rule_id": self.rule_id, "rule": self.rule_name, "title": self.title, "level": self.level,
                "group": self.group, "first": iso_of_epoch(self.first), "last": iso_of_epoch(self.last),
                "value": self.value,
                "event_ids": self.event_ids}


class _GroupState:
    """One group's window and the counts its measure needs. Slots and a plain __init__: a hunt
    makes hundreds of thousands (a group per foreign number), a dataclass with default
    factories took three times as long to build."""

    __slots__ = ("window", "counts", "ids", "episode")

    def __init__(self) -> None:
        self.window: deque[CorrelatedEvent] = deque()
        # the window's values (value_count) or base rules (temporal), as a multiset in a plain
        # dict: Counter's += on a new key goes through Python-level __missing__
        self.counts: dict[Any, int] = {}
        self.ids: set[str] = set()  # of the window's events: each is in it once (dedupe)
        self.episode: Alert | None = None


class WindowEvaluator:
    """Feed events in time order; collect alerts, or hand each to `on_alert` as it closes
    (a hunt over 20M events has hundreds of thousands: the caller decides where they go)."""

    def __init__(self, plan: CorrelationPlan, on_alert: Callable[[Alert], None] | None = None):
        self.plan = plan
        self.groups: dict[tuple[Any, ...], _GroupState] = {}
        self.alerts: list[Alert] = []
        self._emit = on_alert or self.alerts.append
        # Only what this plan's measure needs is kept up to date: a hunt feeds millions of events.
        # An event id seen twice in a window (matched by two referenced rules, or indexed twice)
        # is one event: it counts once, and only its first value counts for value_count.
        self._dedupe = plan.type in ("event_count", "value_count")
        # the event field whose distinct values are the measure: 3 the value, 1 the base rule
        self._counted: int | None = {"value_count": 3, "temporal": 1}.get(plan.type)
        self._ordered = plan.type == "temporal_ordered"
        self._span = plan.timespan_s
        self._satisfied, self._threshold = OPERATORS[plan.op], plan.count

    def feed(self, event: CorrelatedEvent) -> None:
        # The hunt's innermost loop (a million calls on the 2M-event bench): expiry and the
        # measure are inlined, every lookup is a local, and event fields are read by position
        # (0 time, 1 base, 3 value, 4 event id: a NamedTuple's attribute costs more).
        state = self.groups.get(event.group)
        if state is None:  # not setdefault: building a state per event cost more than the rest of feed()
            state = self.groups[event.group] = _GroupState()
        window, dedupe, counted = state.window, self._dedupe, self._counted
        horizon = event[0] - self._span
        if window and window[0][0] < horizon:
            ids, counts = state.ids, state.counts
            while window and window[0][0] < horizon:
                old = window.popleft()
                if dedupe:
                    ids.remove(old[4])
                if counted is not None:
                    key = old[counted]
                    left = counts[key] - 1
                    if left:
                        counts[key] = left
                    else:
                        del counts[key]
        if dedupe:
            ids = state.ids
            if event[4] in ids:
                return  # one event matched by two referenced rules (or indexed twice) counts once
            ids.add(event[4])
        window.append(event)
        if counted is not None:
            counts = state.counts
            key = event[counted]
            counts[key] = counts.get(key, 0) + 1
            measure: int | None = len(counts)
        elif self._ordered:
            measure = self._ordered_chain(state, event)
            if measure is None:
                return  # temporal_ordered decides only at events of its last rule
        else:
            measure = len(window)
        if self._satisfied(measure, self._threshold):
            self._extend(state, event, measure)
        elif state.episode is not None:
            self._close(state)

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
        episode = state.episode
        if episode is not None and event.time - episode.last <= self._span:  # the episode goes on
            episode.last = event.time
            if measure > episode.value:
                episode.value = measure
            ids = episode.evidence.get(event.base)  # later windows add only the arriving event
            if ids is None:
                episode.evidence[event.base] = {event.event_id: None}
            elif len(ids) < MAX_EVIDENCE_IDS:
                ids[event.event_id] = None  # already there: stays where it was
            return
        if episode is not None:
            self._close(state)  # a quiet gap longer than the window: a new episode
        plan = self.plan
        episode = state.episode = Alert(plan.rule_id, plan.name, plan.title, plan.level,
                                        dict(zip(plan.group_by, event.group)), state.window[0].time, event.time,
                                        measure)
        for item in state.window:  # a new episode's evidence starts with the window that opened it
            ids = episode.evidence.setdefault(item.base, {})
            if len(ids) < MAX_EVIDENCE_IDS:
                ids[item.event_id] = None

    def _close(self, state: _GroupState) -> None:
        """The group's episode becomes an alert; its evidence list is merged once, here (merged
        at every event of a long episode, it was a third of a large hunt)."""
        episode = state.episode
        assert episode is not None
        episode.event_ids = _round_robin(episode.evidence)
        episode.evidence = {}  # up to MAX_EVIDENCE_IDS per rule: a hunt keeps many alerts
        state.episode = None
        self._emit(episode)

    def finish(self) -> list[Alert]:
        """Close open episodes; alerts ordered by first time, then group (none with on_alert)."""
        for state in self.groups.values():
            if state.episode is not None:
                self._close(state)
        return sorted(self.alerts, key=alert_order)

    def prune(self, now: float) -> None:
        """Forget groups with nothing left in their window (bounded memory on long hunts)."""
        for key in [k for k, s in self.groups.items() if s.episode is None and
                    (not s.window or s.window[-1].time < now - self.plan.timespan_s)]:
            del self.groups[key]


def alert_order(alert: Alert) -> tuple[Any, ...]:
    """Alerts by first time, then group."""
    return alert.first, sorted(alert.group.items())


def _round_robin(evidence: dict[int, dict[str, None]]) -> list[str]:
    """Ids taken in turn from each base rule, so any prefix of the list cites every rule
    (a temporal alert's first ids must show both the report and the call)."""
    merged: dict[str, None] = {}  # insertion-ordered set
    lists = [list(evidence[base]) for base in sorted(evidence)]
    for row in range(max((len(ids) for ids in lists), default=0)):
        for ids in lists:
            if row < len(ids):
                merged.setdefault(ids[row])
    return list(merged)[:MAX_EVIDENCE_IDS]


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
