"""Correlation plans rendered for Kibana's Detection Engine and ElastAlert2, or refused with why.

Only what keeps Sigma's meaning, or says plainly how it departs from it:
- Kibana threshold rules count over the lookback of each run, so windows slide in steps of
  the rule interval (an approximation, reported); they only know ">=".
- Kibana EQL sequences express temporal_ordered (ordered, within maxspan).
- An unordered temporal has no EQL form (a sequence is ordered; one per order would make two
  Kibana rules of one Sigma rule): it becomes an ES|QL rule that flags, per group, which base
  rules matched over the lookback and alerts when all did — the threshold rules' approximation.
- ElastAlert2 frequency/cardinality rules slide their window per event, like Sigma, for
  ">=" (frequency) and "more than" (cardinality).
"""

from __future__ import annotations

from typing import Callable

from sigma.correlations import SigmaCorrelationRule
from sigma.pipelines.strascico.pipeline import index_pattern

from .correlation import CorrelationNotSupported, CorrelationPlan
from .kibana import kibana_rule

KIBANA_INTERVAL_S = 300


def _min_count(plan: CorrelationPlan) -> int:
    """The smallest count that satisfies the plan, for operators that mean 'at least'."""
    if plan.op == "gte":
        return plan.count
    if plan.op == "gt":
        return plan.count + 1
    raise CorrelationNotSupported(f"operator {plan.op} has no threshold form (only gte/gt)")


def _same_group_fields(plan: CorrelationPlan) -> list[str]:
    fields = {base.group_fields for base in plan.bases}
    if len(fields) != 1:
        raise CorrelationNotSupported("aliases map the group to different fields per rule; "
                                      "threshold rules group by one field list")
    return list(next(iter(fields)))


def _eql_sequence(plan: CorrelationPlan, eql_of: Callable[[str], str]) -> str:
    """`sequence by <group>` when every rule groups by the same fields; with aliases that name
    other fields per rule, each step joins by its own (`[...] by caller [...] by callee`)."""
    span = f"with maxspan={plan.timespan_s}s"
    if len({base.group_fields for base in plan.bases}) == 1:
        steps = " ".join(f"[any where {eql_of(base.rule_id)}]" for base in plan.bases)
        group = plan.bases[0].group_fields
        return f"sequence by {', '.join(group)} {span} {steps}" if group else f"sequence {span} {steps}"
    steps = " ".join(f"[any where {eql_of(base.rule_id)}] by {', '.join(base.group_fields)}" for base in plan.bases)
    return f"sequence {span} {steps}"


def _value_field(plan: CorrelationPlan) -> str:
    fields = {base.value_field for base in plan.bases}
    if len(fields) != 1 or None in fields:
        raise CorrelationNotSupported("value_count field differs per rule")
    return str(next(iter(fields)))


def _indices(plan: CorrelationPlan, prefix: str) -> list[str]:
    return sorted({index_pattern(base.category, prefix) for base in plan.bases})


def _lucene_union(plan: CorrelationPlan) -> str:
    queries = list(dict.fromkeys(base.query for base in plan.bases))  # two rules may share a query
    return queries[0] if len(queries) == 1 else " OR ".join(f"({q})" for q in queries)


def _esql_temporal(plan: CorrelationPlan, prefix: str, esql_of: Callable[[str], str]) -> str:
    """`from <indices> | eval matched_<n> per base rule | stats max by group | where all matched`."""
    flags = [f"strascico_rule_{n}" for n in range(len(plan.bases))]
    matched = ", ".join(
        f'{flag} = case(_index like "{index_pattern(base.category, prefix)}" and ({esql_of(base.rule_id)}), 1, 0)'
        for flag, base in zip(flags, plan.bases))
    same = len({base.group_fields for base in plan.bases}) == 1
    if same:
        groups = list(plan.bases[0].group_fields)
        regroup = ""
    else:  # aliases: each rule names the group with its own field
        groups = [f"strascico_group_{i}" for i in range(len(plan.group_by))]
        regroup = " | eval " + ", ".join(
            f"{group} = case({', '.join(f'{flag} == 1, {base.group_fields[i]}' for flag, base in zip(flags, plan.bases))})"
            for i, group in enumerate(groups))
    if not groups:
        raise CorrelationNotSupported("temporal without group-by has no ES|QL rule form here")
    return (f"from {','.join(_indices(plan, prefix))} metadata _index"
            f" | eval {matched}"
            f" | where {' or '.join(f'{flag} == 1' for flag in flags)}{regroup}"
            f" | where {' and '.join(f'{group} is not null' for group in groups)}"
            f" | stats {', '.join(f'{flag} = max({flag})' for flag in flags)},"
            f" strascico_events = count(*), strascico_first = min(@timestamp), strascico_last = max(@timestamp)"
            f" by {', '.join(groups)}"
            f" | where {' and '.join(f'{flag} == 1' for flag in flags)}")


def kibana_correlation(rule: SigmaCorrelationRule, plan: CorrelationPlan, prefix: str,
                       eql_of: Callable[[str], str], esql_of: Callable[[str], str]) -> tuple[dict, str]:
    """(Kibana rule, note on exactness) — raises CorrelationNotSupported when not expressible.

    An approximation is also written into the rule's investigation note, where the analyst
    who triages its alert reads it.
    """
    body, note = _kibana_correlation(rule, plan, prefix, eql_of, esql_of)
    if note.startswith("approximate"):
        body["note"] += f"\n### How this Kibana rule departs from the Sigma rule\n{note[0].upper()}{note[1:]}.\n"
    return body, note


def _kibana_correlation(rule: SigmaCorrelationRule, plan: CorrelationPlan, prefix: str,
                        eql_of: Callable[[str], str], esql_of: Callable[[str], str]) -> tuple[dict, str]:
    lookback = f"{plan.timespan_s}s"
    if plan.type == "temporal_ordered":
        query = _eql_sequence(plan, eql_of)
        body = kibana_rule(rule, query, "eql", _indices(plan, prefix), lookback=lookback)
        return body, "exact: EQL sequence (ordered, within maxspan); syntax-checked offline, not executed here"
    if plan.type == "temporal":
        query = _esql_temporal(plan, prefix, esql_of)
        body = kibana_rule(rule, query, "esql", None, interval=f"{KIBANA_INTERVAL_S}s", lookback=lookback)
        return body, (f"approximate: an ES|QL rule that alerts when every rule matched in the group over each "
                      f"run's last {plan.timespan_s}s, so its window slides in {KIBANA_INTERVAL_S}s steps "
                      f"(matches further apart than timespan - {KIBANA_INTERVAL_S}s can be missed), and a "
                      "NOT on a missing field is false in ES|QL; syntax-checked offline, not executed here. "
                      "`strascico hunt` evaluates it exactly")
    if plan.type not in ("event_count", "value_count"):
        raise CorrelationNotSupported(f"{plan.type} has no Kibana rule form")
    minimum = _min_count(plan)
    body = kibana_rule(rule, _lucene_union(plan), "lucene", _indices(plan, prefix),
                       interval=f"{KIBANA_INTERVAL_S}s", lookback=lookback)
    body["type"] = "threshold"
    threshold: dict = {"field": _same_group_fields(plan)}
    if plan.type == "event_count":
        threshold["value"] = minimum
    else:
        threshold["value"] = 1
        threshold["cardinality"] = [{"field": _value_field(plan), "value": minimum}]
    body["threshold"] = threshold
    note = (f"approximate: a threshold rule counts over each run's last {plan.timespan_s}s, so its window "
            f"slides in {KIBANA_INTERVAL_S}s steps; a burst spanning more than timespan - {KIBANA_INTERVAL_S}s "
            "can be missed. `strascico hunt` evaluates it exactly")
    return body, note


def elastalert_correlation(rule: SigmaCorrelationRule, plan: CorrelationPlan, prefix: str) -> tuple[dict, str]:
    """(ElastAlert2 rule, note) for event_count (frequency) and value_count (cardinality)."""
    if plan.type not in ("event_count", "value_count"):
        raise CorrelationNotSupported(f"{plan.type} has no ElastAlert2 rule type")
    minimum = _min_count(plan)
    body: dict = {
        "name": rule.title,
        "description": rule.description or rule.title,
        "index": ",".join(_indices(plan, prefix)),
        "filter": [{"query": {"query_string": {"query": _lucene_union(plan)}}}],
        "timeframe": {"seconds": plan.timespan_s},
        "query_key": _same_group_fields(plan),
        "priority": {"critical": 1, "high": 2, "medium": 3}.get(plan.level, 4),
        "alert": ["debug"],
    }
    if plan.type == "event_count":
        body.update({"type": "frequency", "num_events": minimum})
    else:
        # cardinality alerts when the distinct count exceeds max_cardinality
        body.update({"type": "cardinality", "cardinality_field": _value_field(plan), "max_cardinality": minimum - 1})
    return body, "exact for >=: ElastAlert2 slides its window per event"
