"""Every field a rule or a case uses exists in the registry, with a value of its type."""

from __future__ import annotations

import ipaddress
from datetime import datetime
from functools import cache, lru_cache
from typing import Any, Callable, Iterable, Iterator

from sigma.correlations import SigmaCorrelationRule
from sigma.pipelines.strascico.taxonomy import FieldSpec, Logsource
from sigma.rule import SigmaDetection, SigmaDetectionItem, SigmaRule
from sigma.types import (
    SigmaBool,
    SigmaCompareExpression,
    SigmaExists,
    SigmaNull,
    SigmaNumber,
    SigmaString,
)

from ..cases import LOGSOURCE_KEY, flatten
from ..findings import Finding
from ..pack import RuleFile
from .context import CheckContext


def detection_items(detection: SigmaDetection) -> Iterator[SigmaDetectionItem]:
    for item in detection.detection_items:
        if isinstance(item, SigmaDetection):
            yield from detection_items(item)
        else:
            yield item


def _value_problem(spec: FieldSpec, value: Any) -> str | None:
    if isinstance(value, (SigmaNull, SigmaExists)):
        return None
    numeric = spec.type in ("long", "integer", "float")
    if numeric and not isinstance(value, (SigmaNumber, SigmaCompareExpression)):
        return f"{spec.name} is {spec.type}; compare it with a number"
    if isinstance(value, SigmaCompareExpression) and not numeric and spec.type != "date":
        return f"{spec.name} is {spec.type}; gt/gte/lt/lte need a numeric field"
    if spec.type == "boolean" and not isinstance(value, SigmaBool):
        return f"{spec.name} is boolean; use true or false"
    if spec.values and isinstance(value, SigmaString) and not value.contains_special():
        if str(value).lower() not in {v.lower() for v in spec.values}:
            return f"{spec.name}: '{value}' is not one of {', '.join(spec.values)}"
    return None


def _rule_fields(rule_file: RuleFile, rule: SigmaRule, logsource: Logsource) -> Iterator[Finding]:
    where, rule_id = str(rule_file.path), str(rule.id)
    line = rule_file.line_of("detection")
    for detection in rule.detection.detections.values():
        for item in detection_items(detection):
            if item.field is None:
                yield Finding(where, line, "error", "fields",
                              "keyword (unbound) values are not supported: the taxonomy has no full-text field", rule_id)
                continue
            spec = logsource.fields.get(item.field)
            if spec is None:
                yield Finding(where, line, "error", "fields",
                              f"field '{item.field}' is not in the registry for logsource '{logsource.category}'", rule_id)
                continue
            for value in item.value:
                if problem := _value_problem(spec, value):
                    yield Finding(where, line, "error", "fields", problem, rule_id)


def correlation_logsources(ctx: CheckContext, rule: SigmaCorrelationRule,
                           _seen: frozenset[int] = frozenset()) -> list[Logsource]:
    """Logsources of the base rules a correlation refers to (directly or through correlations)."""
    found: list[Logsource] = []
    seen = _seen | {id(rule)}
    for ref in rule.rules or []:
        target = ctx.rule_by_reference(ref.reference)
        if isinstance(target, SigmaRule):
            logsource = ctx.taxonomy.logsource(target.logsource.category)
            if logsource and logsource not in found:
                found.append(logsource)
        elif isinstance(target, SigmaCorrelationRule) and id(target) not in seen:  # cycles: reported elsewhere
            found += [ls for ls in correlation_logsources(ctx, target, seen) if ls not in found]
    return found


def _correlation_fields(ctx: CheckContext, rule_file: RuleFile, rule: SigmaCorrelationRule) -> Iterator[Finding]:
    where, rule_id = str(rule_file.path), str(rule.id)
    aliases = set(rule.aliases.aliases) if rule.aliases else set()
    fields = [f for f in rule.group_by or [] if f not in aliases]
    fieldref = getattr(rule.condition, "fieldref", None)
    if fieldref:
        fields += [fieldref] if isinstance(fieldref, str) else list(fieldref)
    for logsource in correlation_logsources(ctx, rule):
        for name in fields:
            if name not in logsource.fields:
                yield Finding(where, rule_file.line_of("correlation"), "error", "fields",
                              f"field '{name}' is not in the registry for logsource '{logsource.category}'", rule_id)


def check_rule_fields(ctx: CheckContext) -> Iterable[Finding]:
    """Detection fields and values, and correlation group-by/value fields, against the registry."""
    for rule_file, rule in ctx.rules():
        if isinstance(rule, SigmaCorrelationRule):
            yield from _correlation_fields(ctx, rule_file, rule)
            continue
        logsource = ctx.taxonomy.logsource(rule.logsource.category)
        if logsource is None:
            yield Finding(str(rule_file.path), rule_file.line_of("logsource"), "error", "fields",
                          f"logsource category '{rule.logsource.category}' is not in the registry "
                          f"(known: {', '.join(sorted(ctx.taxonomy.logsources))})", str(rule.id))
            continue
        yield from _rule_fields(rule_file, rule, logsource)


def event_value_problem(spec: FieldSpec, value: Any) -> str | None:
    """Why `value` cannot be indexed into `spec`'s mapping, or None."""
    if value is None:
        return None
    check = _TYPE_CHECKS[spec.type]
    values = value if isinstance(value, list) else [value]
    for item in values:
        if not check(item):
            return f"{spec.name} is {spec.type}, got {item!r}"
        if spec.values and isinstance(item, str) and item.lower() not in _lowered(spec.values):
            return f"{spec.name}: '{item}' is not one of {', '.join(spec.values)}"
    return None


@cache  # one per closed vocabulary: ingest checks every value of every event
def _lowered(values: tuple[str, ...]) -> frozenset[str]:
    return frozenset(v.lower() for v in values)


def _is_date(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
        return True
    except ValueError:
        return False


def _is_ip(value: Any) -> bool:
    if type(value) is str:
        return _is_ip_text(value)
    try:
        ipaddress.ip_address(value)
        return True
    except ValueError:
        return False


@lru_cache(maxsize=65536)  # events repeat their hosts and clients
def _is_ip_text(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
        return True
    except ValueError:
        return False


_TYPE_CHECKS: dict[str, Callable[[Any], bool]] = {
    "keyword": lambda v: isinstance(v, str),
    "text": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "long": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "date": _is_date,
    "ip": _is_ip,
}


def event_problems(event: dict[str, Any], logsource: Logsource) -> list[str]:
    """Fields of a case event that the logsource's strict mapping would refuse."""
    problems = []
    for name, value in flatten(event).items():
        if name == LOGSOURCE_KEY:
            continue
        spec = logsource.fields.get(name)
        if spec is None:
            problems.append(f"field '{name}' is not in the registry for logsource '{logsource.category}'")
        elif problem := event_value_problem(spec, value):
            problems.append(problem)
    return problems
