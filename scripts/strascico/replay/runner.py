"""Replay every rule's cases on a real Elasticsearch and compare exact hit counts.

Everything is written under one unique prefix (`strascico-test-<random>`): its templates
(from the registry) and one fresh index per case. The prefix is removed afterwards, also
on failure or Ctrl-C.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any, Callable

import elasticsearch
from elasticsearch import Elasticsearch
from sigma.pipelines.strascico.taxonomy import load_taxonomy

from ..check.queries import SYNTAX_CHECKS
from ..correlate import run_plan
from ..es.bulk import bulk_index
from ..es.connection import api_error_reason
from ..es.responses import complete
from ..es.templates import build_templates
from ..pack import RuleFile
from .plan import SYNTAX_ONLY_TARGETS, CaseRun, RulePlan, build_plans
from .results import CaseResult


def new_test_prefix() -> str:
    return f"strascico-test-{secrets.token_hex(4)}"


@dataclass
class ScratchPrefix:
    """Templates and indices under one throwaway prefix; `remove()` deletes all of them."""

    client: Elasticsearch
    prefix: str

    def install(self) -> None:
        templates = build_templates(self.prefix, replicas=0)
        for name, body in templates.component_templates.items():
            self.client.cluster.put_component_template(name=name, **body)
        for name, body in templates.index_templates.items():
            self.client.indices.put_index_template(name=name, **body)

    def remove(self) -> None:
        templates = build_templates(self.prefix)
        self.client.indices.delete(index=f"{self.prefix}-*", allow_no_indices=True, expand_wildcards="all")
        for name in templates.index_templates:
            _delete_quietly(self.client.indices.delete_index_template, name)
        for name in templates.component_templates:
            _delete_quietly(self.client.cluster.delete_component_template, name)


def _delete_quietly(delete: Callable[..., Any], name: str) -> None:
    try:
        delete(name=name)
    except elasticsearch.NotFoundError:
        pass


def _count(client: Elasticsearch, index: str, query: dict[str, Any]) -> int:
    response = complete(client.search(index=index, query=query, size=0, track_total_hits=True), f"count in {index}")
    return int(response["hits"]["total"]["value"])


class Replayer:
    """Runs plans against one cluster."""

    def __init__(self, client: Elasticsearch, prefix: str | None = None):
        self.client = client
        self.prefix = prefix or new_test_prefix()

    def run(self, files: list[RuleFile], select: set[str] | None = None,
            progress: Callable[[Any], Any] = lambda x: x) -> list[CaseResult]:
        plans = build_plans(files, self.prefix, select)
        area = ScratchPrefix(self.client, self.prefix)
        try:
            area.install()
            failures = self._index_all(plans)
            results: list[CaseResult] = []
            for plan in progress(plans):
                results += self._rule_results(plan, failures)
            return results
        finally:
            area.remove()

    def _index_all(self, plans: list[RulePlan]) -> dict[str, list[str]]:
        """Index every case's events; returns per-case problems (refused docs, count mismatch)."""
        runs = [run for plan in plans if not plan.problems for run in plan.runs]
        docs = [doc for run in runs for doc in run.docs]
        report = bulk_index(self.client, docs)
        by_index: dict[str, list[str]] = {}
        for failure in report.failures:
            by_index.setdefault(failure.index, []).append(f"event refused: {failure.reason}")
        for run in runs:  # an empty case still needs its (empty) index for the query to run
            if not run.docs:
                self.client.indices.create(index=run.index_for(_first_category(run)))
        problems: dict[str, list[str]] = {}
        if runs:
            self.client.indices.refresh(index=f"{self.prefix}-*")
            counts = self._doc_counts()
            for run in runs:
                found = [p for index in run.indices for p in by_index.get(index, [])]
                indexed = sum(counts.get(index, 0) for index in run.indices)
                if indexed != len(run.docs) and not found:
                    found.append(f"indexed {indexed} of {len(run.docs)} events")
                if found:
                    problems[run.case_id] = found
        return problems

    def _doc_counts(self) -> dict[str, int]:
        rows = self.client.cat.indices(index=f"{self.prefix}-*", format="json", h="index,docs.count")
        return {row["index"]: int(row["docs.count"] or 0) for row in rows}

    def _rule_results(self, plan: RulePlan, failures: dict[str, list[str]]) -> list[CaseResult]:
        rule_path, rule_id, title = str(plan.rule_file.path), str(plan.rule.id), plan.rule.title
        base = dict(rule=rule_path, rule_id=rule_id, title=title)
        if plan.problems:
            return [CaseResult(**base, case="(rule)", target="-", expected="-", got="-",
                               status="error", detail="; ".join(plan.problems))]
        if plan.is_correlation:
            return [self._correlation_result(plan, run, failures.get(run.case_id, []), base) for run in plan.runs]
        results = [self._case_result(plan, run, failures.get(run.case_id, []), base) for run in plan.runs]
        for target in SYNTAX_ONLY_TARGETS:
            logsource = load_taxonomy().logsource(plan.rule.logsource.category)
            problem = SYNTAX_CHECKS[target](str(plan.queries[target]), logsource)
            results.append(CaseResult(**base, case=f"({target} syntax)", target=target, expected="parses",
                                      got="parses" if problem is None else "syntax error",
                                      status="syntax-checked" if problem is None else "fail",
                                      detail=problem or "syntax-checked offline, not executed"))
        return results

    def _case_result(self, plan: RulePlan, run: CaseRun, problems: list[str], base: dict) -> CaseResult:
        expected = run.case.hits or 0
        result = CaseResult(**base, case=run.case.name, target="lucene+dsl", expected=str(expected), got="-",
                            status="error")
        if problems:
            result.detail = "; ".join(problems)
            return result
        lucene_query = {"query_string": {"query": plan.queries["lucene"], "analyze_wildcard": True}}
        dsl_query = plan.queries["dsl"]["query"]
        index = run.index_for(plan.rule.logsource.category or "unknown")
        try:
            got_lucene = _count(self.client, index, lucene_query)
            got_dsl = _count(self.client, index, dsl_query)
        except elasticsearch.ApiError as exc:
            result.detail = f"Elasticsearch refused the query: {api_error_reason(exc)}"
            return result
        result.got = str(got_lucene) if got_lucene == got_dsl else f"lucene {got_lucene}, dsl {got_dsl}"
        result.status = "pass" if got_lucene == got_dsl == expected else "fail"
        return result

    def _correlation_result(self, plan: RulePlan, run: CaseRun, problems: list[str], base: dict) -> CaseResult:
        expected = sorted(_group_key(a["group"]) for a in run.case.alerts or [])
        result = CaseResult(**base, case=run.case.name, target="correlation", expected=_show(expected), got="-",
                            status="error")
        if problems:
            result.detail = "; ".join(problems)
            return result
        assert plan.correlation is not None
        try:
            alerts = run_plan(self.client, plan.correlation, run.index_for)
        except elasticsearch.ApiError as exc:
            result.detail = f"Elasticsearch refused a base query: {api_error_reason(exc)}"
            return result
        got = sorted({_group_key(a.group) for a in alerts})
        result.got = _show(got)
        result.status = "pass" if got == sorted(set(expected)) else "fail"
        return result


def _group_key(group: dict) -> tuple:
    return tuple(sorted((str(k), str(v)) for k, v in group.items()))


def _show(groups: list[tuple]) -> str:
    if not groups:
        return "no alert"
    return "; ".join(",".join(f"{k}={v}" for k, v in g) for g in groups)


def _first_category(run: CaseRun) -> str:
    rule = run.rule
    return getattr(getattr(rule, "logsource", None), "category", None) or "unknown"
