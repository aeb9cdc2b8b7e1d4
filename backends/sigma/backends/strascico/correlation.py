"""Sigma correlation rules compiled into an executable plan for plain Elasticsearch.

Upstream cannot run correlations correctly on Elasticsearch: Lucene has none, its EQL output
counts runs of equal events and ignores the operator, its ES|QL output groups into
clock-aligned buckets. A plan keeps what Sigma says — base rule queries, group-by fields
(aliases resolved per base rule), the value field, timespan, operator and threshold — and
the executor (strascico.correlate) evaluates it with sliding windows.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Callable

from sigma.correlations import (
    SigmaCorrelationCondition,
    SigmaCorrelationConditionOperator,
    SigmaCorrelationRule,
)
from sigma.rule import SigmaRule

OPERATORS: dict[str, Callable[[int, int], bool]] = {
    "lt": operator.lt, "lte": operator.le, "gt": operator.gt, "gte": operator.ge, "eq": operator.eq, "neq": operator.ne,
}
EXECUTABLE_TYPES = ("event_count", "value_count", "temporal", "temporal_ordered")


class CorrelationNotSupported(Exception):
    """This correlation cannot be expressed exactly; the message says why."""


@dataclass(frozen=True)
class BaseQuery:
    """One referenced base rule: its query, logsource and the fields the plan reads from it."""

    rule_id: str
    rule_name: str
    category: str
    query: str  # Lucene, as converted by the strascico backend
    group_fields: tuple[str, ...]  # actual field per group-by entry (aliases resolved)
    value_field: str | None  # value_count only


@dataclass(frozen=True)
class CorrelationPlan:
    """Everything needed to evaluate one correlation rule."""

    rule_id: str
    name: str
    title: str
    level: str
    type: str  # event_count | value_count | temporal | temporal_ordered
    timespan_s: int
    op: str  # lt lte gt gte eq neq
    count: int
    group_by: tuple[str, ...]  # names as the rule writes them (alias or field)
    bases: tuple[BaseQuery, ...]

    def satisfied(self, value: int) -> bool:
        return OPERATORS[self.op](value, self.count)

    @property
    def fields(self) -> set[str]:
        """Fields to fetch from matching events."""
        wanted = {"@timestamp", "event.id"}
        for base in self.bases:
            wanted.update(base.group_fields)
            if base.value_field:
                wanted.add(base.value_field)
        return wanted


def _resolve(rule: SigmaCorrelationRule, name: str, base: SigmaRule) -> str:
    """The field `name` means in `base`'s events (an alias maps it per rule)."""
    alias = rule.aliases.aliases.get(name) if rule.aliases else None
    if alias is None:
        return name
    for reference, field in alias.mapping.items():
        # pySigma resolves the correlation's `rules`, never an alias's references: match by name/id
        if reference.reference in (base.name, str(base.id)):
            return field
    raise CorrelationNotSupported(f"alias '{name}' has no field for rule '{base.name or base.id}'")


def compile_correlation(rule: SigmaCorrelationRule, lucene_of: Callable[[SigmaRule], str]) -> CorrelationPlan:
    """A plan for `rule` (references already resolved); `lucene_of` converts a base rule."""
    kind = rule.type.name.lower()
    if kind not in EXECUTABLE_TYPES:
        raise CorrelationNotSupported(f"correlation type {kind} is not supported yet")
    condition = rule.condition
    if not isinstance(condition, SigmaCorrelationCondition):
        raise CorrelationNotSupported("extended (boolean) correlation conditions are not supported yet")
    bases: list[BaseQuery] = []
    for reference in rule.rules or []:
        base = reference.rule
        if not isinstance(base, SigmaRule):
            raise CorrelationNotSupported("correlations of correlations are not supported yet")
        fieldref = condition.fieldref
        if isinstance(fieldref, list):
            raise CorrelationNotSupported("value_count over several fields is not supported yet")
        bases.append(BaseQuery(
            rule_id=str(base.id), rule_name=base.name or str(base.id), category=base.logsource.category or "",
            query=lucene_of(base),
            group_fields=tuple(_resolve(rule, g, base) for g in rule.group_by or []),
            value_field=_resolve(rule, fieldref, base) if kind == "value_count" and fieldref else None,
        ))
    if kind == "value_count" and not condition.fieldref:
        raise CorrelationNotSupported("value_count needs condition.field")
    op = condition.op.name.lower() if isinstance(condition.op, SigmaCorrelationConditionOperator) else str(condition.op)
    return CorrelationPlan(
        rule_id=str(rule.id), name=rule.name or str(rule.id), title=rule.title,
        level=rule.level.name.lower() if rule.level else "medium", type=kind,
        timespan_s=int(rule.timespan.seconds), op=op, count=int(condition.count),
        group_by=tuple(rule.group_by or []), bases=tuple(bases),
    )
