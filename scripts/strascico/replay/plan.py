"""What a replay runs: for each rule and case, the index, its events and the queries."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sigma.correlations import SigmaCorrelationRule

from sigma.backends.strascico.correlation import CorrelationPlan

from ..cases import LOGSOURCE_KEY, Case, load_cases
from ..correlate.plans import CorrelationNotSupported, PlanBuilder
from ..convert import Converter, resolve_targets
from ..findings import Finding
from ..pack import AnyRule, RuleFile

EXECUTED_TARGETS = ("lucene", "dsl")  # run on the node
SYNTAX_ONLY_TARGETS = ("esql", "eql")  # the minimal distribution has no ES|QL/EQL endpoints


@dataclass
class CaseRun:
    """One case of one rule, ready to index and query: its own indices, one per logsource."""

    rule_file: RuleFile
    rule: AnyRule
    case: Case
    case_id: str  # suffix of this case's indices: <prefix>-<logsource>-<case_id>
    prefix: str
    docs: list[tuple[str, dict[str, Any]]]  # (index, event as indexed)

    def index_for(self, category: str) -> str:
        return f"{self.prefix}-{category}-{self.case_id}"

    @property
    def indices(self) -> list[str]:
        return sorted({index for index, _ in self.docs})


@dataclass
class RulePlan:
    """A rule's queries (by target) and its cases; `problems` when it cannot run at all."""

    rule_file: RuleFile
    rule: AnyRule
    queries: dict[str, Any] = field(default_factory=dict)
    runs: list[CaseRun] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    correlation: CorrelationPlan | None = None

    @property
    def is_correlation(self) -> bool:
        return isinstance(self.rule, SigmaCorrelationRule)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "x"


def strip_meta(event: dict[str, Any]) -> dict[str, Any]:
    """The event as indexed: case-file-only keys removed."""
    return {k: v for k, v in event.items() if k != LOGSOURCE_KEY}


def _case_run(rule_file: RuleFile, rule: AnyRule, case: Case, case_id: str, prefix: str,
              default_category: str) -> CaseRun:
    run = CaseRun(rule_file, rule, case, case_id, prefix, [])
    run.docs = [(run.index_for(event.get(LOGSOURCE_KEY) or default_category), strip_meta(event))
                for event in case.events]
    return run


def build_plans(files: list[RuleFile], prefix: str, select: set[str] | None = None) -> list[RulePlan]:
    """One plan per rule (filtered by id or name in `select`), queries converted once."""
    converter = Converter(resolve_targets([*EXECUTED_TARGETS, *SYNTAX_ONLY_TARGETS]), prefix)
    correlations = PlanBuilder(files)
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
                try:
                    plan.correlation = correlations.plan(rule)
                except CorrelationNotSupported as exc:
                    plan.problems.append(f"correlation not executable: {exc}")
                    continue
                default_category = plan.correlation.bases[0].category
            else:
                for target in converter.targets:
                    conversion = converter.convert_rule(rule_file, rule, target)
                    if conversion.error:
                        plan.problems.append(f"{target.name}: {conversion.error}")
                    else:
                        plan.queries[target.name] = conversion.output
                default_category = rule.logsource.category or "unknown"
            for number, case in enumerate(case_file.cases, start=1):
                case_id = f"{len(plans):03d}-{number:02d}-{_slug(case.name)}"
                plan.runs.append(_case_run(rule_file, rule, case, case_id, prefix, default_category))
    return plans


def load_problems(files: list[RuleFile]) -> list[Finding]:
    return [p for f in files for p in f.problems]
