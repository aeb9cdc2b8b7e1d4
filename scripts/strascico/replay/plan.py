"""What a replay runs: for each rule and case, the index, its events and the queries."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sigma.correlations import SigmaCorrelationRule

from ..cases import LOGSOURCE_KEY, Case, load_cases
from ..convert import Converter, resolve_targets
from ..findings import Finding
from ..pack import AnyRule, RuleFile

EXECUTED_TARGETS = ("lucene", "dsl")  # run on the node
SYNTAX_ONLY_TARGETS = ("esql", "eql")  # the minimal distribution has no ES|QL/EQL endpoints


@dataclass
class CaseRun:
    """One case of one rule, ready to index and query."""

    rule_file: RuleFile
    rule: AnyRule
    case: Case
    index: str
    events: list[dict[str, Any]]


@dataclass
class RulePlan:
    """A rule's queries (by target) and its cases; `problems` when it cannot run at all."""

    rule_file: RuleFile
    rule: AnyRule
    queries: dict[str, Any] = field(default_factory=dict)
    runs: list[CaseRun] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def is_correlation(self) -> bool:
        return isinstance(self.rule, SigmaCorrelationRule)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "x"


def strip_meta(event: dict[str, Any]) -> dict[str, Any]:
    """The event as indexed: case-file-only keys removed."""
    return {k: v for k, v in event.items() if k != LOGSOURCE_KEY}


def build_plans(files: list[RuleFile], prefix: str, select: set[str] | None = None) -> list[RulePlan]:
    """One plan per rule (filtered by id or name in `select`), queries converted once."""
    converter = Converter(resolve_targets([*EXECUTED_TARGETS, *SYNTAX_ONLY_TARGETS]), prefix)
    plans: list[RulePlan] = []
    for rule_file in files:
        for rule in rule_file.rules:
            if select and str(rule.id) not in select and (rule.name or "") not in select:
                continue
            plan = RulePlan(rule_file, rule)
            plans.append(plan)
            case_file = load_cases(rule_file.cases_path)
            plan.problems += [p.message for p in case_file.problems]
            if plan.is_correlation:
                plan.runs = [CaseRun(rule_file, rule, case, "", []) for case in case_file.cases]
                continue
            for target in converter.targets:
                conversion = converter.convert_rule(rule_file, rule, target)
                if conversion.error:
                    plan.problems.append(f"{target.name}: {conversion.error}")
                else:
                    plan.queries[target.name] = conversion.output
            category = rule.logsource.category or "unknown"
            for number, case in enumerate(case_file.cases, start=1):
                index = f"{prefix}-{category}-{len(plans):03d}-{number:02d}-{_slug(case.name)}"
                plan.runs.append(CaseRun(rule_file, rule, case, index, [strip_meta(e) for e in case.events]))
    return plans


def load_problems(files: list[RuleFile]) -> list[Finding]:
    return [p for f in files for p in f.problems]
