"""`strascico hunt` on the real node: deduplicated alerts, paging, correlations, the stage link."""

from __future__ import annotations

import json

import pytest
from elasticsearch import Elasticsearch

from strascico.es.bulk import bulk_index
from strascico.hunt import Hunter, date_bound
from strascico.hunt import base_rules
from strascico.hunt import victims as hunt_victims
from strascico.pack import load_pack
from strascico.replay.runner import ScratchPrefix

from .conftest import RULES, run_cli

PREFIX = "strascico-hunttest"


def wangiri(i: int, callee: str, exposed: bool, minute: int) -> dict:
    return {"@timestamp": f"2025-01-14T02:{minute:02d}:00Z", "event.id": f"w{i}", "event.action": "call-missed",
            "network.direction": "inbound", "telephony.channel": "voice", "telephony.call.disposition": "no_answer",
            "telephony.call.ring_duration": 2.0, "telephony.caller.number": "+2348031234567",
            "telephony.caller.country_code": "234", "telephony.caller.range": "+23480312345",
            "telephony.callee.number": callee, "telephony.callee.exposed": exposed, "telephony.local_hour": 3}


@pytest.fixture(scope="module")
def hunted(es_client: Elasticsearch):  # type: ignore[no-untyped-def]
    area = ScratchPrefix(es_client, PREFIX)
    area.install()
    calls = [wangiri(i, f"+39335123450{i % 6}", i % 6 < 4, i) for i in range(12)]
    dump = {"@timestamp": "2024-11-17T02:28:00Z", "event.id": "p1", "host.name": "db01", "user.name": "root",
            "process.name": "mysqldump", "process.command_line": "mysqldump concorso2022 candidati"}
    bulk_index(es_client, [(f"{PREFIX}-telephony-x", c) for c in calls] + [(f"{PREFIX}-process_creation-x", dump)])
    es_client.indices.refresh(index=f"{PREFIX}-*")
    yield Hunter(es_client, load_pack([RULES]), PREFIX)
    area.remove()


def test_contact_alerts_are_one_per_caller_with_the_people_reached(hunted: Hunter) -> None:
    result = hunted.run("2024-01-01", None)
    wangiri_alerts = [a for a in result.alerts if a.rule == "telephony_wangiri_one_ring_foreign"]
    assert [(a.actor, a.count, a.people, a.exposed_people, a.direction) for a in wangiri_alerts] == [
        ("+2348031234567", 12, 6, 4, "inbound")]
    assert len(wangiri_alerts[0].event_ids) == 4 and wangiri_alerts[0].first == "2025-01-14T02:00:00Z"  # 3 first + last


def test_other_logsources_keep_one_alert_per_victim_and_actor(hunted: Hunter) -> None:
    dumps = [a for a in hunted.run("2024-01-01", None).alerts if a.rule == "proc_lnx_db_dump_of_applicant_archive"]
    assert [(a.victim, a.actor, a.count) for a in dumps] == [("db01", "root", 1)]


def test_correlations_run_in_the_hunt(hunted: Hunter) -> None:
    result = hunted.run("2024-01-01", None)
    caller = [a for a in result.alerts if a.rule == "corr_flood_caller_hits_many_employees"]
    assert len(caller) == 1 and caller[0].group == {"telephony.caller.number": "+2348031234567"}
    assert caller[0].count == 6


def test_summary_links_the_flood_to_the_exposed_cohort_and_the_breach(hunted: Hunter) -> None:
    summary = hunted.run("2024-01-01", None).summary()
    assert summary["link"]["flood_victims"] == 6
    assert (summary["link"]["in_exposed_cohort"], summary["link"]["not_in_cohort"]) == (4, 2)
    assert summary["stages"]["breach"]["first"] == "2024-11-17T02:28:00Z"
    assert summary["link"]["flood_began_days_after_first_breach_signal"] == 58.0


def test_since_until_bound_the_hunt(hunted: Hunter) -> None:
    assert [a for a in hunted.run("2025-01-01", None).alerts if a.stage == "breach"] == []
    assert list(hunted.run("2024-01-01", "2024-01-02").alerts) == []
    assert date_bound("120d") == "now-120d" and date_bound("2025-01-01") == "2025-01-01"


def test_composite_paging_returns_every_bucket(hunted: Hunter, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base_rules, "PAGE", 1)
    monkeypatch.setattr(hunt_victims, "PAGE", 2)
    result = hunted.run("2024-01-01", None)
    assert len(result.victims) == 6  # three pages of victims
    assert {a.rule for a in result.alerts} >= {"telephony_wangiri_one_ring_foreign", "proc_lnx_db_dump_of_applicant_archive"}


def test_cli_json_lines(es_url: str, hunted: Hunter) -> None:
    result = run_cli("hunt", "--es-url", es_url, "--index-prefix", PREFIX, "--since", "2024-01-01", "--json")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[-1]["type"] == "summary" and {line["type"] for line in lines[:-1]} == {"alert", "victim"}
    victims = [line for line in lines if line["type"] == "victim"]
    assert sorted((v["number"], v["exposed"]) for v in victims) == [
        (f"+39335123450{i}", i < 4) for i in range(6)]
    assert {"first", "rule", "level", "victim", "actor", "people", "count"} <= set(lines[0])


def test_a_shard_that_fails_stops_the_hunt_instead_of_hiding_events(es_client: Elasticsearch, es_url: str) -> None:
    """One of two indices maps the caller as text, so its shard cannot aggregate on it. Before,
    the hunt took the other shard's answer as the whole truth; a circuit breaker tripping on a
    busy node did the same, silently dropping alerts."""
    prefix = "strascico-partialtest"
    area = ScratchPrefix(es_client, prefix)
    area.install()
    try:
        text_caller = {"properties": {"telephony": {"properties": {"caller": {"properties": {
            "number": {"type": "text"}}}}}}}
        es_client.indices.create(index=f"{prefix}-telephony-text", mappings=text_caller)
        bulk_index(es_client, [(f"{prefix}-telephony-{kind}", wangiri(i, "+393351234500", True, i))
                               for i, kind in enumerate(("good", "text"))])
        es_client.indices.refresh(index=f"{prefix}-*")
        done = run_cli("hunt", "--es-url", es_url, "--index-prefix", prefix, "--since", "2024-01-01", "--json")
        assert done.returncode == 2, done.stdout
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and "1 of 2 shards failed" in lines[0] and "Traceback" not in done.stderr
        assert lines[0].startswith("error: rule ")  # names the rule whose answer was partial
        assert "telephony.caller.number" in lines[0]  # and the reason: the field that could not aggregate
    finally:
        area.remove()


def test_a_search_that_timed_out_is_refused() -> None:
    """Elasticsearch answers a search cut short by a timeout with `timed_out: true` and no failed
    shard; taking that page as the last would silently end a read."""
    from strascico.es.responses import IncompleteResults, complete

    answer = {"timed_out": True, "_shards": {"total": 1, "failed": 0}, "aggregations": {}}
    with pytest.raises(IncompleteResults, match="timed out"):
        complete(answer, "rule x")
    assert complete({"timed_out": False, "_shards": {"total": 1, "failed": 0}}, "rule x")["timed_out"] is False


def test_a_shard_lost_with_its_node_is_named_even_without_a_reason() -> None:
    """What Elasticsearch answers for a shard whose only copy was on a node that just died (the
    real case is in test_cluster): `reason.reason` is null; the line must still name the shard."""
    from strascico.es.responses import IncompleteResults, complete

    lost = {"shard": 1, "index": "strascico-telephony-x", "node": None,
            "reason": {"type": "no_shard_available_action_exception", "reason": None}}
    answer = {"timed_out": False, "_shards": {"total": 3, "successful": 2, "failed": 1, "failures": [lost]}}
    with pytest.raises(IncompleteResults, match=r"1 of 3 shards failed \(strascico-telephony-x\[1\]\) — "
                                                r"no_shard_available_action_exception: no reason given"):
        complete(answer, "rule x")


def test_evidence_at_a_tied_instant_is_taken_in_event_id_order(es_client: Elasticsearch) -> None:
    """Top hits are sorted by time alone (the event id tiebreak cost a fifth of the base rules). When
    the cut falls inside one instant, the ids there are asked for: the first three by id, and the
    latest the largest id — whatever the order the events were indexed in, on any shard count."""
    prefix = "strascico-tietest"
    area = ScratchPrefix(es_client, prefix)
    area.install()
    try:
        index = f"{prefix}-telephony-x"
        es_client.indices.create(index=index, settings={"number_of_shards": 3})
        first = [wangiri(i, "+393351234500", True, 0) | {"event.id": f"w{i}"} for i in (9, 8, 7, 6, 5)]
        middle = [wangiri(20, "+393351234501", True, 5)]
        latest = [wangiri(i, "+393351234502", False, 10) | {"event.id": f"w{i}"} for i in (30, 31, 32)]
        other = [wangiri(i, "+393351234503", True, i) | {"telephony.caller.number": "+2348039999999", "event.id": f"o{i}"}
                 for i in (1, 2, 3, 4)]  # distinct times: no tie at either cut, nothing asked
        assert bulk_index(es_client, [(index, e) for e in first + middle + latest + other]).indexed == 13
        es_client.indices.refresh(index=index)
        buckets, asked = _wangiri_evidence(es_client, prefix)
        assert buckets == {"+2348031234567": ["w5", "w6", "w7", "w32"], "+2348039999999": ["o1", "o2", "o3", "o4"]}
        assert asked == [2]  # the two tied cuts of the first caller, and only those, in one request
    finally:
        area.remove()


def test_an_event_without_event_id_is_cited_by_its_document_id(es_client: Elasticsearch) -> None:
    """Top hits fetch no _id (a third of the evidence's cost): a bucket holding an event without
    event.id has its evidence asked for again, with document ids, and only that cut."""
    prefix = "strascico-unnamedtest"
    area = ScratchPrefix(es_client, prefix)
    area.install()
    try:
        index = f"{prefix}-telephony-x"
        calls = [wangiri(i, "+393351234500", True, i) | {"event.id": f"u{i}"} for i in range(4)]
        unnamed = {k: v for k, v in calls[0].items() if k != "event.id"}
        other = [wangiri(i, "+393351234503", True, i) | {"telephony.caller.number": "+2348039999999", "event.id": f"o{i}"}
                 for i in (1, 2, 3, 4)]
        assert bulk_index(es_client, [(index, e) for e in [unnamed] + calls[1:] + other]).indexed == 8
        es_client.indices.refresh(index=index)
        no_id = es_client.search(index=index, query={"bool": {"must_not": {"exists": {"field": "event.id"}}}})
        (document_id,) = [hit["_id"] for hit in no_id["hits"]["hits"]]
        buckets, asked = _wangiri_evidence(es_client, prefix)
        assert buckets == {"+2348031234567": [document_id, "u1", "u2", "u3"], "+2348039999999": ["o1", "o2", "o3", "o4"]}
        assert asked == [1]  # the earliest cut of the first caller; its latest event has an event.id
    finally:
        area.remove()


def _wangiri_evidence(client: Elasticsearch, prefix: str) -> tuple[dict[str, list[str]], list[int]]:
    """The wangiri rule's evidence ids per caller, and the size of each msearch its cuts sent
    (the searches for the events of one instant, sent together per page)."""
    asked: list[int] = []
    msearch = client.msearch

    def counted(**kwargs):  # type: ignore[no-untyped-def]
        asked.append(len(kwargs["searches"]) // 2)
        return msearch(**kwargs)

    rule = next(r for f in load_pack([RULES]) for r in f.rules if r.name == "telephony_wangiri_one_ring_foreign")
    lucene = Hunter(client, [], prefix).plans.lucene(rule)
    client.msearch = counted  # type: ignore[method-assign]
    try:
        buckets = {b["actor"]: b["event_ids"] for b in
                   base_rules.hunt_base_rule(client, f"{prefix}-telephony-*", "telephony", lucene, None, None)}
    finally:
        del client.msearch
    return buckets, asked
