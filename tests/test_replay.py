"""`strascico test` on the real node: every case of the pack, failures, errors, cleanup, JUnit."""

from __future__ import annotations

import json
import shutil
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from elasticsearch import Elasticsearch

from strascico.pack import load_pack
from strascico.replay import Replayer

from .conftest import RULES, run_cli

ONE_RING = """\
title: One-Ring Call From Abroad Test
id: 5b0c7a3e-1d1e-4c4e-9a55-6a1f7cf8c001
status: test
description: Unanswered calls from foreign numbers that rang three seconds or less.
references:
  - https://example.org/wangiri
author: strascico tests
date: 2026-11-28
tags:
  - strascico.stage.flood
logsource:
  category: telephony
detection:
  sel:
    telephony.call.disposition: no_answer
    telephony.call.ring_duration|lte: 3
  filter:
    telephony.caller.country_code: '39'
  condition: sel and not filter
falsepositives:
  - Unknown
level: medium
"""

EVENT = {"@timestamp": "2025-01-14T02:13:00Z", "telephony.call.disposition": "NO_ANSWER",
         "telephony.call.ring_duration": 2.0, "telephony.caller.country_code": "234"}


def _pack(folder: Path, cases: list[dict], rule: str = ONE_RING) -> Path:
    (folder / "flood").mkdir(parents=True)
    (folder / "flood" / "one_ring.yml").write_text(rule)
    (folder / "flood" / "one_ring.cases.yaml").write_text(yaml.safe_dump({"cases": cases}))
    return folder


def _leftovers(client: Elasticsearch) -> list[str]:
    indices = [row["index"] for row in client.cat.indices(index="strascico-test-*", format="json")]
    templates = [t["name"] for t in client.indices.get_index_template(name="strascico-test-*")["index_templates"]] \
        if client.indices.exists_index_template(name="strascico-test-*") else []
    return indices + templates


def test_every_case_of_the_shipped_pack_passes_on_elasticsearch(es_url: str, es_client: Elasticsearch,
                                                                  tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    result = run_cli("test", "--es-url", es_url, "--json", "--junit", str(junit))
    assert result.stdout, result.stderr[-2000:]
    report = json.loads(result.stdout)
    failing = [r for r in report["results"] if r["status"] in ("fail", "error")]
    assert failing == [] and result.returncode == 0, result.stderr
    statuses = {r["status"] for r in report["results"]}
    assert "pass" in statuses and "syntax-checked" in statuses
    assert not any(r["status"] == "pass" and r["target"] in ("esql", "eql") for r in report["results"])
    suite = ET.parse(junit).getroot()
    assert int(suite.get("tests")) == len(report["results"]) and suite.get("failures") == "0"
    assert _leftovers(es_client) == []


def test_a_wrong_expectation_fails_with_exit_1(es_url: str, tmp_path: Path) -> None:
    pack = _pack(tmp_path / "rules", [{"name": "expects two", "hits": 2, "events": [EVENT]},
                                      {"name": "none", "hits": 0, "events": []}])
    result = run_cli("test", "--es-url", es_url, "--path", str(pack), "--json")
    assert result.returncode == 1
    rows = {r["case"]: r for r in json.loads(result.stdout)["results"]}
    assert rows["expects two"]["status"] == "fail" and rows["expects two"]["got"] == "1"
    assert rows["none"]["status"] == "pass"


def test_an_event_the_index_refuses_is_an_error_with_the_reason(es_url: str, tmp_path: Path) -> None:
    bad = {**EVENT, "telephony.caller.numbr": "+234"}
    pack = _pack(tmp_path / "rules", [{"name": "typo", "hits": 1, "events": [bad]}])
    result = run_cli("test", "--es-url", es_url, "--path", str(pack))
    assert result.returncode == 1
    assert "strict_dynamic_mapping_exception" in result.stderr and "numbr" in result.stderr


def test_a_query_elasticsearch_refuses_shows_the_server_reason_next_to_the_rule(
        es_client: Elasticsearch, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Our converter only emits parseable Lucene, so the broken query is injected into the plan."""
    from strascico.replay import runner

    pack = _pack(tmp_path / "rules", [{"name": "broken query", "hits": 0, "events": [EVENT]}])
    real_build = runner.build_plans

    def broken_plans(*args, **kwargs):  # type: ignore[no-untyped-def]
        plans = real_build(*args, **kwargs)
        plans[0].queries["lucene"] = "telephony.caller.name:(unclosed"
        return plans

    monkeypatch.setattr(runner, "build_plans", broken_plans)
    results = Replayer(es_client).run(load_pack([pack]))
    broken = next(r for r in results if r.case == "broken query")
    assert broken.status == "error" and broken.rule == str(pack / "flood" / "one_ring.yml")
    assert broken.detail.startswith("Elasticsearch refused the query: ")
    assert "parse" in broken.detail.lower()
    assert _leftovers(es_client) == []


def test_the_test_prefix_is_removed_even_when_interrupted(es_client: Elasticsearch, monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    pack = _pack(tmp_path / "rules", [{"name": "ok", "hits": 1, "events": [EVENT]}])
    replayer = Replayer(es_client)

    def interrupt(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(replayer, "_rule_results", interrupt)
    with pytest.raises(KeyboardInterrupt):
        replayer.run(load_pack([pack]))
    assert _leftovers(es_client) == []


def test_select_one_rule_by_id(es_url: str) -> None:
    first = next(r for f in load_pack([RULES / "flood"]) for r in f.rules)
    result = run_cli("test", "--es-url", es_url, "--rule", str(first.id), "--json")
    rows = json.loads(result.stdout)["results"]
    assert rows and {r["rule_id"] for r in rows} == {str(first.id)}


def test_without_a_url_the_local_node_is_started_and_stopped(tmp_path: Path) -> None:
    pack = _pack(tmp_path / "rules", [{"name": "ok", "hits": 1, "events": [EVENT]}])
    nodes = Path(tempfile.mkdtemp(prefix="strascico-test-nodes-", dir="/var/tmp"))
    nodes.chmod(0o755)  # as root the node runs as another user, who must reach its folder
    try:
        result = run_cli("test", "--path", str(pack), env={"STRASCICO_NODE_DIR": str(nodes)})
        assert result.returncode == 0, result.stderr
        assert "starting a local Elasticsearch node" in result.stderr
        assert list(nodes.iterdir()) == []  # stopped and its data deleted
    finally:
        shutil.rmtree(nodes, ignore_errors=True)
