"""Correlations on the real node, at their boundaries; each test names the upstream output it corrects.

Upstream pySigma-backend-elasticsearch 2.1.1 renders these correlations as:
- ES|QL: `eval timebucket=date_trunc(1hours, @timestamp) | stats ... by timebucket, <group>` —
  clock-aligned buckets, so a burst across a bucket edge is split and missed;
- EQL: `sequence by <group> with maxspan=1h [...] with runs=3` — consecutive runs; for
  value_count `[...] by <field> with runs=3`, i.e. three events with the SAME value, the
  opposite of three distinct values; temporal_ordered gives `by  with runs=2` (invalid).
"""

from __future__ import annotations

import copy
import itertools
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml
from elasticsearch import Elasticsearch
from sigma.backends.elasticsearch import EqlBackend, ESQLBackend
from sigma.collection import SigmaCollection
from sigma.pipelines.strascico import strascico_pipeline

from strascico.correlate import run_plan, run_plans
from strascico.correlate.plans import PlanBuilder
from strascico.correlate.search import iso_of_epoch
from strascico.es.bulk import bulk_index
from strascico.pack import load_pack
from strascico.replay.runner import ScratchPrefix

BASES = [
    {"title": "Unanswered Call", "id": "11111111-1111-4111-8111-111111111111", "name": "missed_call", "status": "test",
     "logsource": {"category": "telephony"}, "level": "low",
     "detection": {"sel": {"telephony.call.disposition": "no_answer"}, "condition": "sel"}},
    {"title": "Answered Call", "id": "11111111-1111-4111-8111-111111111112", "name": "answered_call", "status": "test",
     "logsource": {"category": "telephony"}, "level": "low",
     "detection": {"sel": {"telephony.call.disposition": "answered"}, "condition": "sel"}},
    {"title": "Busy Call", "id": "11111111-1111-4111-8111-111111111113", "name": "busy_call", "status": "test",
     "logsource": {"category": "telephony"}, "level": "low",
     "detection": {"sel": {"telephony.call.disposition": "busy"}, "condition": "sel"}},
]
_ids = itertools.count()


def correlation(kind: str, condition: dict | None, rules: list[str] | None = None, timespan: str = "1h",
                group_by: str = "telephony.caller.number") -> dict:
    body: dict[str, Any] = {"type": kind, "rules": rules or ["missed_call"], "group-by": [group_by],
                            "timespan": timespan}
    if condition is not None:
        body["condition"] = condition
    return {"title": "Correlation Under Test", "id": "11111111-1111-4111-8111-1111111111ff", "status": "test",
            "level": "high", "correlation": body}


def call(at: str, caller: str = "+2348031234567", callee: str = "+393351234567",
         disposition: str = "no_answer") -> dict:
    return {"@timestamp": f"2025-01-14T{at}Z", "event.id": f"e{next(_ids)}", "telephony.call.disposition": disposition,
            "telephony.caller.number": caller, "telephony.callee.number": callee}


@pytest.fixture
def area(es_client: Elasticsearch) -> Iterator[ScratchPrefix]:
    scratch = ScratchPrefix(es_client, "strascico-corrtest")
    scratch.install()
    yield scratch
    scratch.remove()


@pytest.fixture
def alerts(es_client: Elasticsearch, area: ScratchPrefix, tmp_path: Path):  # type: ignore[no-untyped-def]
    counter = itertools.count()

    def run(rule: dict, events: list[dict]) -> list[dict]:
        folder = tmp_path / f"pack{next(counter)}"
        folder.mkdir()
        (folder / "bases.yml").write_text(yaml.safe_dump_all(BASES))
        (folder / "corr.yml").write_text(yaml.safe_dump(rule))
        files = load_pack([folder])
        corr = next(r for f in files for r in f.rules if r.title == "Correlation Under Test")
        plan = PlanBuilder(files).plan(corr)
        index = f"strascico-corrtest-telephony-{folder.name}"
        report = bulk_index(es_client, [(index, e) for e in events])
        assert report.indexed == len(events)
        es_client.indices.refresh(index=index)
        return [a.to_dict() for a in run_plan(es_client, plan, lambda category: index)]

    return run


def upstream(rule: dict, backend) -> str:  # type: ignore[no-untyped-def]
    collection = SigmaCollection.from_dicts(copy.deepcopy([*BASES, rule]))
    return backend(strascico_pipeline()).convert(collection)[-1]


def test_an_event_exactly_at_the_window_edge_is_inside(alerts) -> None:  # type: ignore[no-untyped-def]
    rule = correlation("event_count", {"gte": 3})
    assert len(alerts(rule, [call("10:00:00"), call("10:30:00"), call("11:00:00")])) == 1
    assert alerts(rule, [call("10:00:00"), call("10:30:00"), call("11:00:01")]) == []


@pytest.mark.parametrize("condition, fires", [
    ({"gte": 3}, True), ({"gt": 3}, False), ({"eq": 3}, True), ({"eq": 4}, False),
    ({"neq": 3}, True), ({"lte": 1}, True), ({"lt": 1}, False),
])
def test_count_exactly_at_the_threshold_for_each_operator(alerts, condition: dict, fires: bool) -> None:  # type: ignore[no-untyped-def]
    """Three calls in ten minutes; windows end at each call, so they hold 1, 2 and 3 calls."""
    got = alerts(correlation("event_count", condition), [call("10:00:00"), call("10:05:00"), call("10:10:00")])
    assert bool(got) is fires


def test_two_groups_that_only_together_pass_do_not_alert(alerts) -> None:  # type: ignore[no-untyped-def]
    events = [call("10:00:00", caller="+2348031234567"), call("10:01:00", caller="+2348031234567"),
              call("10:02:00", caller="+8801712345660"), call("10:03:00", caller="+8801712345660")]
    assert alerts(correlation("event_count", {"gte": 3}), events) == []
    assert len(alerts(correlation("event_count", {"gte": 2}), events)) == 2


def test_a_burst_across_a_clock_boundary_is_found(alerts) -> None:  # type: ignore[no-untyped-def]
    rule = correlation("event_count", {"gte": 4})
    esql = upstream(rule, ESQLBackend)
    assert "date_trunc(1hours, @timestamp)" in esql and "by timebucket" in esql  # 10:00 and 11:00 buckets: 2 + 2
    got = alerts(rule, [call("10:40:00"), call("10:50:00"), call("11:05:00"), call("11:15:00")])
    assert [(a["group"], a["value"], a["first"], a["last"]) for a in got] == [
        ({"telephony.caller.number": "+2348031234567"}, 4, "2025-01-14T10:40:00Z", "2025-01-14T11:15:00Z")]


def test_value_count_counts_distinct_values_not_runs_of_one_value(alerts) -> None:  # type: ignore[no-untyped-def]
    rule = correlation("value_count", {"gte": 3, "field": "telephony.callee.number"})
    assert "by telephony.callee.number with runs=3" in upstream(rule, EqlBackend)  # same value three times
    same = [call(f"10:0{i}:00", callee="+393351234567") for i in range(3)]
    distinct = [call(f"10:0{i}:00", callee=f"+39335123456{i}") for i in range(3)]
    assert alerts(rule, same) == []
    got = alerts(rule, distinct)
    assert len(got) == 1 and got[0]["value"] == 3 and len(got[0]["event_ids"]) == 3


def test_ordered_and_unordered_temporal(alerts) -> None:  # type: ignore[no-untyped-def]
    ordered = correlation("temporal_ordered", None, rules=["missed_call", "answered_call"])
    assert "by  with runs=2" in upstream(ordered, EqlBackend)  # upstream: not even valid EQL
    unordered = correlation("temporal", None, rules=["missed_call", "answered_call"])
    answered_first = [call("10:00:00", disposition="answered"), call("10:10:00")]
    missed_first = [call("10:00:00"), call("10:10:00", disposition="answered")]
    assert alerts(ordered, answered_first) == []
    assert len(alerts(unordered, answered_first)) == 1
    assert len(alerts(ordered, missed_first)) == 1
    assert alerts(ordered, [call("10:00:00"), call("11:00:01", disposition="answered")]) == []


def test_one_alert_per_episode_and_a_new_one_after_a_quiet_gap(alerts) -> None:  # type: ignore[no-untyped-def]
    burst = [call(f"10:0{i}:00") for i in range(5)]
    later = [call(f"15:0{i}:00") for i in range(3)]
    got = alerts(correlation("event_count", {"gte": 3}), burst + later)
    assert [(a["first"], a["last"], a["value"]) for a in got] == [
        ("2025-01-14T10:00:00Z", "2025-01-14T10:04:00Z", 5),  # the strongest window of the episode
        ("2025-01-14T15:00:00Z", "2025-01-14T15:02:00Z", 3)]


def test_the_prefilter_reads_only_groups_that_can_alert(es_client: Elasticsearch, area: ScratchPrefix,
                                                        tmp_path: Path) -> None:
    """Bucket counts rule out quiet groups before any hit is read — never a group that alerts:
    the burst below has 2 calls in each clock hour and alerts only through the sliding window."""
    from strascico.correlate.prefilter import candidate_groups

    quiet = [call(f"1{h}:{m}0:00", caller=f"+23480312345{h}{m}") for h in range(4) for m in range(3)]
    burst = [call(t, caller="+8801712345660") for t in ("10:40:00", "10:50:00", "11:05:00", "11:15:00")]
    spread = [call(f"1{h}:30:00", caller="+8801712345661") for h in range(0, 8, 2)]  # 4 calls, 2 h apart
    plan, index = _indexed_plan(es_client, tmp_path, correlation("event_count", {"gte": 4}), quiet + burst + spread)
    # stage 1 (per-group totals) keeps the spread caller; stage 2 (bucket pairs) rules it out
    assert candidate_groups(es_client, plan, lambda c: index, None, None) == {
        ("+8801712345660",), ("+8801712345661",)}
    assert candidate_groups(es_client, plan, lambda c: index, None, None, bucketed_from_matches=0) == {
        ("+8801712345660",)}
    found = run_plan(es_client, plan, lambda c: index)
    assert [a.group for a in found] == [{"telephony.caller.number": "+8801712345660"}]
    assert candidate_groups(es_client, _plan_of(tmp_path / "lte", correlation("event_count", {"lte": 1})),
                            lambda c: index, None, None) is None  # 'at most': a quiet group can alert


@pytest.mark.parametrize(("bucketed_from_matches", "page"), [(0, 50_000), (0, 7), (10**9, 50_000)],
                         ids=["both-stages", "both-stages-tiny-chunks", "totals-only"])
def test_the_prefilter_changes_no_alert(es_client: Elasticsearch, area: ScratchPrefix, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch, bucketed_from_matches: int,
                                        page: int) -> None:
    """Random traffic over many groups, every executable type and operator: the alerts with the
    prefilter equal, field by field, the alerts of reading every hit — also when stage 2 counts
    a few groups per request and pages through a group's buckets."""
    import random

    from strascico.correlate import prefilter

    monkeypatch.setattr(prefilter, "BUCKETED_FROM_MATCHES", bucketed_from_matches)
    monkeypatch.setattr(prefilter, "PAGE", page)

    rng = random.Random(7)
    events = [call(f"{rng.randrange(8, 16):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}",
                   caller=f"+2348031234{rng.randrange(25):03d}", callee=f"+39335123{rng.randrange(12):04d}",
                   disposition=rng.choice(["no_answer", "no_answer", "answered"])) for _ in range(600)]
    rules = [correlation("event_count", {op: n}, timespan=span) for op in ("gte", "gt") for n in (3, 6)
             for span in ("10m", "1h")]
    rules += [correlation("value_count", {"gte": n, "field": "telephony.callee.number"}, timespan="30m")
              for n in (2, 4)]
    rules += [correlation(kind, None, rules=["missed_call", "answered_call"], timespan="20m")
              for kind in ("temporal", "temporal_ordered")]
    rules += [correlation("event_count", {"lt": 2}, timespan="15m")]
    _, index = _indexed_plan(es_client, tmp_path, rules[0], events)
    plans = [_plan_of(tmp_path / f"r{number}", rule) for number, rule in enumerate(rules)]
    exact = [[a.to_dict() for a in run_plan(es_client, plan, lambda c: index, prefilter=False)] for plan in plans]
    for plan, rule, expected in zip(plans, rules, exact):
        assert [a.to_dict() for a in run_plan(es_client, plan, lambda c: index)] == expected, rule["correlation"]
    # all plans at once: each base query read once and shared, prefilter on
    shared = run_plans(es_client, plans, lambda c: index)
    assert [[a.to_dict() for a in alerts] for alerts in shared] == exact
    assert sum(bool(e) for e in exact) >= len(rules) - 2  # the comparison is about alerts, not empty lists


def test_ordered_temporal_with_both_rules_at_the_same_instant(alerts) -> None:  # type: ignore[no-untyped-def]
    """Hits of two base queries are merged by time; within one second the earlier-listed rule
    must still come first, whichever order Elasticsearch returns them in."""
    ordered = correlation("temporal_ordered", None, rules=["missed_call", "answered_call"])
    for events in ([call("10:00:00"), call("10:00:00", disposition="answered")],
                   [call("10:00:00", disposition="answered"), call("10:00:00")]):
        assert len(alerts(ordered, events)) == 1


def _plan_of(folder: Path, rule: dict):  # type: ignore[no-untyped-def]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bases.yml").write_text(yaml.safe_dump_all(BASES))
    (folder / "corr.yml").write_text(yaml.safe_dump(rule))
    files = load_pack([folder])
    return PlanBuilder(files).plan(next(r for f in files for r in f.rules if r.title == "Correlation Under Test"))


def _indexed_plan(client: Elasticsearch, tmp_path: Path, rule: dict, events: list[dict]):  # type: ignore[no-untyped-def]
    index = f"strascico-corrtest-telephony-{tmp_path.name.lower()}"
    assert bulk_index(client, [(index, e) for e in events]).indexed == len(events)
    client.indices.refresh(index=index)
    return _plan_of(tmp_path / "plan", rule), index


def test_rows_from_the_composite_read_equal_the_hits(es_client: Elasticsearch, area: ScratchPrefix,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The composite read folds a multi-valued field's buckets back into one row, keeps absent
    fields absent, and orders by time then id; it must give what streaming the hits gives —
    also when pages and time slices are tiny, so that slices are empty, cut a burst, or end
    inside a multi-valued document's buckets."""
    from strascico.correlate import rows as composite_rows
    from strascico.correlate.rows import read_rows
    from strascico.correlate.search import stream_hits

    index = "strascico-corrtest-telephony-rows"
    events = [call("10:00:00"), call("10:00:00", callee="+393351234568"), call("10:05:00"),
              {**call("10:01:00"), "telephony.callee.number": ["+393351234569", "+393351234561"]},
              {k: v for k, v in call("10:02:00").items() if k != "telephony.callee.number"}]
    assert bulk_index(es_client, [(index, e) for e in events]).indexed == len(events)
    es_client.indices.refresh(index=index)
    fields = ["@timestamp", "event.id", "telephony.caller.number", "telephony.callee.number"]
    query = {"match_all": {}}

    def shape(rows: Iterator[dict]) -> list[dict]:
        return sorted(({**{k: v for k, v in r.items() if k != "_id"}, "@timestamp": int(r["@timestamp"])}
                       for r in rows), key=lambda r: (r["@timestamp"], r["event.id"]))

    composite = shape(read_rows(es_client, index, query, fields))
    assert composite == shape(stream_hits(es_client, index, query, fields))
    for page, slice_rows in ((1, 1), (2, 1), (3, 2)):
        monkeypatch.setattr(composite_rows, "PAGE", page)
        monkeypatch.setattr(composite_rows, "SLICE_ROWS", slice_rows)
        read = list(read_rows(es_client, index, query, fields))
        assert [(r["@timestamp"], r["event.id"]) for r in read] == sorted((r["@timestamp"], r["event.id"]) for r in read)
        assert shape(iter(read)) == composite, (page, slice_rows)
        with ThreadPoolExecutor(max_workers=1) as shared:  # two readers asking one thread for pages, in turns
            both = list(zip(read_rows(es_client, index, query, fields, shared),
                            read_rows(es_client, index, query, fields, shared)))
        assert [a for a, _ in both] == read and [b for _, b in both] == read
    monkeypatch.undo()
    assert [r["telephony.callee.number"] for r in composite if r["@timestamp"] == 1736848860000] == [
        ["+393351234561", "+393351234569"]]
    assert sum("telephony.callee.number" not in r for r in composite) == 1
    # A document without event.id could be folded into another: the hits are read instead.
    es_client.index(index=index, document={k: v for k, v in call("10:09:00").items() if k != "event.id"},
                    refresh=True)
    without_id = list(read_rows(es_client, index, query, fields))
    assert len(without_id) == len(events) + 1 and all(r["_id"] for r in without_id)


def test_ordered_temporal_counts_the_chain_of_rules_not_the_position_of_the_missing_one(alerts) -> None:  # type: ignore[no-untyped-def]
    """Three rules, gte 2: the chain that ends at the last rule must hold two of them, in order.
    Before, a missing middle rule gave 'rule 2 + 1' — a lone busy call counted as a chain of 2."""
    rule = correlation("temporal_ordered", {"gte": 2}, rules=["missed_call", "answered_call", "busy_call"])
    assert alerts(rule, [call("10:00:00", disposition="busy"), call("10:05:00", disposition="busy")]) == []
    got = alerts(rule, [call("10:00:00", disposition="answered"), call("10:05:00", disposition="busy")])
    assert [a["value"] for a in got] == [2]


def test_an_alias_names_a_different_field_in_each_rule(alerts) -> None:  # type: ignore[no-untyped-def]
    """`who` is the caller of the missed call and the callee of the answered one: a number that
    rang an employee and was then called back. Before, any alias raised AttributeError."""
    rule = correlation("temporal", None, rules=["missed_call", "answered_call"], group_by="who")
    rule["correlation"]["aliases"] = {"who": {"missed_call": "telephony.caller.number",
                                              "answered_call": "telephony.callee.number"}}
    back = [call("10:00:00", caller="+2348031234567", callee="+393351234567"),
            call("10:20:00", caller="+393351234567", callee="+2348031234567", disposition="answered")]
    assert [a["group"] for a in alerts(rule, back)] == [{"who": "+2348031234567"}]
    unrelated = [call("10:00:00", caller="+2348031234567"), call("10:20:00", disposition="answered")]
    assert alerts(rule, unrelated) == []


def test_one_event_id_counts_once_in_a_value_count(alerts) -> None:  # type: ignore[no-untyped-def]
    """The same event indexed twice, with another callee the second time, is still one event."""
    rule = correlation("value_count", {"gte": 2, "field": "telephony.callee.number"})
    first = call("10:00:00", callee="+393351234561")
    again = {**call("10:10:00", callee="+393351234562"), "event.id": first["event.id"]}
    assert alerts(rule, [first, again]) == []


def test_run_plans_stops_when_asked(es_client: Elasticsearch, area: ScratchPrefix, tmp_path: Path) -> None:
    """The hunt sets `stopped` on an error or Ctrl-C elsewhere; the shared read gives up then."""
    from strascico.correlate.executor import Stopped

    plan, index = _indexed_plan(es_client, tmp_path, correlation("event_count", {"gte": 2}),
                                [call(f"10:0{i}:00") for i in range(5)])
    with pytest.raises(Stopped):
        run_plans(es_client, [plan], lambda c: index, stopped=lambda: True)
    assert len(run_plans(es_client, [plan], lambda c: index, stopped=lambda: False)[0]) == 1


def test_time_slices_follow_the_density_of_the_matches() -> None:
    """A slice is sized from the one before it: narrower after a dense one, wider (at most
    WIDEN_AT_MOST times) after a thin or empty one, never zero."""
    from strascico.correlate.rows import SLICE_ROWS, WIDEN_AT_MOST, first_width, next_width

    assert first_width(0, 999, SLICE_ROWS * 10) == 100  # ten slices' worth in a second
    assert first_width(5, 5, 1) >= 1
    assert next_width(1000, SLICE_ROWS * 4) == 250
    assert next_width(1000, SLICE_ROWS) == 1000
    assert next_width(1000, 0) == 1000 * WIDEN_AT_MOST
    assert next_width(1, SLICE_ROWS * 10) == 1


def test_stage_two_chunks_follow_key_order_and_their_matches() -> None:
    """Survivors cut in key order where a chunk's matches would pass the limit; a group with
    more matches than the limit is a chunk of its own, never split or dropped."""
    from strascico.correlate.prefilter import chunks

    survivors = {("c",): 4, ("a",): 3, ("b",): 3, ("d",): 12, ("e",): 1}
    assert chunks(survivors, matches_per_chunk=6) == [[("a",), ("b",)], [("c",)], [("d",)], [("e",)]]
    assert chunks(survivors, matches_per_chunk=100) == [[("a",), ("b",), ("c",), ("d",), ("e",)]]


@pytest.mark.parametrize("seconds", [0.0, 1736820780.123, 1736820780.9999996, 1736820780.9999995, 1736820780.0000005,
                                     -0.5, -1e-7, 4102444799.999, 253402300799.0])
def test_alert_times_read_as_datetime_writes_them(seconds: float) -> None:
    """iso_of_epoch went from datetime to time.gmtime for speed; the text must not change,
    rounding at the microsecond included (x.9999996 is the next second for datetime)."""
    assert iso_of_epoch(seconds) == datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
