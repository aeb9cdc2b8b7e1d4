"""Running correlation plans on Elasticsearch: read each base rule's hits once, slide windows.

A pack's correlations often share a base rule (three flood correlations all count the same
foreign calls, grouped by caller, by employee, by range). Reading those hits once per base
query — not once per correlation — and handing each hit to every plan that wants it is what
keeps a hunt over millions of events within seconds. Groups that cannot reach a threshold are
ruled out from per-group counts first (prefilter.py), and the rest are read as rows of a
time-ordered composite aggregation (rows.py).
"""

from __future__ import annotations

import heapq
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable, Iterator

from elasticsearch import Elasticsearch
from sigma.backends.strascico.correlation import CorrelationPlan

from ..es.responses import IncompleteResults
from .prefilter import PrefilterUnavailable, candidate_groups
from .rows import read_rows
from .search import MAX_GROUP_TERMS, epoch_of_millis, group_terms, query_body
from .window import Alert, CorrelatedEvent, WindowEvaluator

_new_event = tuple.__new__
IndexFor = Callable[[str], str]  # logsource category → index pattern
STOP_CHECK_EVERY = 1000  # rows between looks at `stopped`
PREFILTERS_AT_ONCE = 3  # plans whose groups Elasticsearch counts side by side
PRUNE_EVERY = 50_000  # events per plan between forgetting groups with empty windows
FETCHERS = 3  # threads asking for the next pages of every base query (Elasticsearch has the CPUs)
NOTHING: dict[str, Any] = {"match_none": {}}


def run_plan(client: Elasticsearch, plan: CorrelationPlan, index_for: IndexFor, since: str | None = None,
             until: str | None = None, prefilter: bool = True) -> list[Alert]:
    """Alerts of one correlation over the indices `index_for` names, in [since, until].
    `prefilter=False` reads every group (the reference the prefilter is tested against)."""
    return run_plans(client, [plan], index_for, since, until, prefilter)[0]


def run_plans(client: Elasticsearch, plans: list[CorrelationPlan], index_for: IndexFor, since: str | None = None,
              until: str | None = None, prefilter: bool = True, stopped: Callable[[], bool] = lambda: False,
              on_alert: Callable[[int, Alert], None] | None = None) -> list[list[Alert]]:
    """Alerts of each plan (in the order given), every distinct base query read once.
    With `on_alert`, each alert goes there as (plan number, alert) when its episode closes,
    and the lists are empty. Raises Stopped soon after `stopped()` turns true (the caller
    failed or was interrupted)."""
    with ThreadPoolExecutor(max_workers=PREFILTERS_AT_ONCE) as pool:
        candidates = list(pool.map(lambda plan: _candidates(client, plan, index_for, since, until) if prefilter
                                   else None, plans))
    consumers = [_Consumer(plan, groups, None if on_alert is None else partial(on_alert, number))
                 for number, (plan, groups) in enumerate(zip(plans, candidates))]
    sources = _sources(consumers, index_for)
    with ThreadPoolExecutor(max_workers=FETCHERS, thread_name_prefix="pages") as fetchers:
        streams = [_rows(client, number, source, since, until, fetchers) for number, source in enumerate(sources)]
        for count, (_, source_index, row) in enumerate(heapq.merge(*streams, key=lambda item: item[0])):
            if count % STOP_CHECK_EVERY == 0 and stopped():
                raise Stopped("correlations stopped before the end of their matches")
            for consumer, base_index in sources[source_index].readers:
                consumer.take(row, base_index)
    return [consumer.finish() for consumer in consumers]


class Stopped(Exception):
    """run_plans gave up because its caller asked it to."""


def _candidates(client: Elasticsearch, plan: CorrelationPlan, index_for: IndexFor, since: str | None,
                until: str | None) -> set[tuple[Any, ...]] | None:
    try:
        candidates = candidate_groups(client, plan, index_for, since, until)
    except PrefilterUnavailable:
        return None
    if candidates is not None and len(candidates) > MAX_GROUP_TERMS:
        return None  # too many for a terms filter: reading every group is simpler and exact
    return candidates


@dataclass
class _Consumer:
    """One plan's evaluator, fed the hits of its base rules in (time, base rule, id) order."""

    plan: CorrelationPlan
    candidates: set[tuple[Any, ...]] | None  # None: every group
    on_alert: Callable[[Alert], None] | None = None
    evaluator: WindowEvaluator = field(init=False)
    ties: list[CorrelatedEvent] = field(default_factory=list)  # events at the current time
    fed: int = 0

    def __post_init__(self) -> None:
        self.evaluator = WindowEvaluator(self.plan, self.on_alert)
        self.single = len(self.plan.bases) == 1
        # per base rule, what take() reads of a row: looked up once, not per hit
        self._reads = [(_group_of(base.group_fields), base.value_field) for base in self.plan.bases]

    def take(self, row: dict[str, Any], base_index: int) -> None:
        # Once per hit and plan (a million times on the 2M-event bench): building the event and
        # feeding a one-rule plan are inlined.
        group_of, value_field = self._reads[base_index]
        group = group_of(row)
        candidates = self.candidates
        if candidates is not None:  # most hits of a shared read belong to another plan's groups
            try:
                if group not in candidates:
                    return
            except TypeError:
                return  # a multi-valued group field (a list): not a group, as below
        for v in group:
            if v is None or v.__class__ is list:
                return  # Sigma groups by the field's value; events without it do not count
        if not value_field:
            value = None
        else:
            value = row.get(value_field)
            if value is None:
                return
            if value.__class__ is list:
                value = tuple(value)
        event_id = row.get("event.id") or row["_id"]
        # tuple.__new__, not CorrelatedEvent(...): the generated __new__ is Python code, run per hit
        event = _new_event(CorrelatedEvent, (row["@timestamp"], base_index, group, value,
                                             event_id if event_id.__class__ is str else str(event_id)))
        if self.single:  # one read, in time order (then id, or shard order for hits)
            self.evaluator.feed(event)
            self.fed += 1
            if self.fed % PRUNE_EVERY == 0:
                self.evaluator.prune(event.time)
            return
        ties = self.ties
        if ties and ties[0].time != event.time:
            self._flush()  # empties `ties`
        ties.append(event)

    def _flush(self) -> None:
        # Hits of several base queries arrive merged by time only; within one instant the
        # order is base rule, then id — temporal_ordered needs the earlier rule first.
        ties = self.ties
        if len(ties) > 1:  # rare: a single event needs no sort
            ties.sort(key=lambda e: (e.base, e.event_id))
        feed = self.evaluator.feed
        for event in ties:
            feed(event)
        if ties:
            before, self.fed = self.fed, self.fed + len(ties)
            if before // PRUNE_EVERY != self.fed // PRUNE_EVERY:
                self.evaluator.prune(ties[-1].time)
            ties.clear()

    def finish(self) -> list[Alert]:
        self._flush()
        return self.evaluator.finish()


def _group_of(fields: tuple[str, ...]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """A row's group: its values of `fields` (None where absent), as a tuple."""
    if len(fields) == 1:
        (only,) = fields
        return lambda row: (row.get(only),)  # tuple(map(...)) cost more than the rest of take()
    return lambda row: tuple(map(row.get, fields))


@dataclass
class _Source:
    """One distinct base query (index + Lucene) and the plans' bases that read it."""

    index: str
    lucene: str
    readers: list[tuple[_Consumer, int]] = field(default_factory=list)

    @property
    def fields(self) -> list[str]:
        return sorted(set().union(*(consumer.plan.fields for consumer, _ in self.readers)))

    def group_filter(self) -> dict[str, Any] | None:
        """Hits of any reader's candidate groups; None when a reader wants every group."""
        clauses = []
        for consumer, base_index in self.readers:
            fields = consumer.plan.bases[base_index].group_fields
            if consumer.candidates is None or (consumer.candidates and not fields):
                return None  # every group, or the one group of a rule without group-by
            if consumer.candidates:  # a superset when grouping by several fields: exact after take()
                clauses.append({"bool": {"filter": group_terms(fields, consumer.candidates)}})
        return {"bool": {"should": clauses, "minimum_should_match": 1}} if clauses else NOTHING


def _sources(consumers: list[_Consumer], index_for: IndexFor) -> list[_Source]:
    by_query: dict[tuple[str, str], _Source] = {}
    for consumer in consumers:
        for base_index, base in enumerate(consumer.plan.bases):
            index = index_for(base.category)
            source = by_query.setdefault((index, base.query), _Source(index, base.query))
            source.readers.append((consumer, base_index))
    return list(by_query.values())


def _rows(client: Elasticsearch, number: int, source: _Source, since: str | None, until: str | None,
          fetchers: Executor | None = None) -> Iterator[tuple[float, int, dict[str, Any]]]:
    """(time, source number, hit with @timestamp in epoch seconds), oldest first."""
    query = query_body(source.lucene, since, until)
    groups = source.group_filter()
    if groups is NOTHING:
        return  # no reader has a candidate group
    if groups is not None:
        query["bool"]["filter"].append(groups)
    try:
        for row in read_rows(client, source.index, query, source.fields, fetchers):
            stamp = row.get("@timestamp")
            if stamp is None or isinstance(stamp, list):
                continue
            row["@timestamp"] = epoch_of_millis(stamp)
            yield row["@timestamp"], number, row
    except IncompleteResults as exc:  # name the rules whose matches were being read
        rules = sorted({consumer.plan.bases[i].rule_name for consumer, i in source.readers})
        raise IncompleteResults(f"rule {', '.join(rules)} (reading its matches): {exc}") from None
