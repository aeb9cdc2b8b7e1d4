"""An offline rule oracle: which rules of the pack fire on a set of normalized events.

Used to verify the ground truth without Elasticsearch. Base rules are evaluated from pySigma's
parsed condition tree (Sigma semantics: strings case-insensitive unless cased, * and ?
wildcards); correlations (event_count, value_count, temporal, temporal_ordered) use a sliding window
whose edges are both included, as Sigma defines it. It covers the constructs this pack uses,
not every Sigma feature (no keywords, no field references, no correlation of correlations).
"""

from __future__ import annotations

import operator
import re
from collections import Counter, defaultdict, deque
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

from sigma.conditions import ConditionAND, ConditionFieldEqualsValueExpression, ConditionNOT, ConditionOR
from sigma.correlations import SigmaCorrelationRule
from sigma.pipelines.strascico.site import site_placeholders
from sigma.rule import SigmaRule
from sigma.types import (SigmaBool, SigmaCasedString, SigmaCompareExpression, SigmaExists, SigmaNull, SigmaNumber,
                         SigmaRegularExpression, SigmaString, SpecialChars)

Event = tuple[str, dict[str, Any]]  # (logsource category, flat taxonomy event)
_COMPARE = {"lt": operator.lt, "lte": operator.le, "gt": operator.gt, "gte": operator.ge, "eq": operator.eq}


class Oracle:
    """The pack's rules, ready to be evaluated on lists of events."""

    def __init__(self, rules_dir: Path):
        from ..pack import load_pack  # only when verifying: loading pySigma rules is slow

        rules = [r for f in load_pack([rules_dir]) for r in f.rules]
        self.base = {r.name: r for r in rules if isinstance(r, SigmaRule)}
        self.correlations = {r.name: r for r in rules if isinstance(r, SigmaCorrelationRule)}
        self._regex: dict[int, re.Pattern[str]] = {}
        self._expansions: dict[int, list[SigmaString]] = {}

    @property
    def names(self) -> set[str]:
        return set(self.base) | set(self.correlations)

    def base_matches(self, name: str, events: Iterable[Event]) -> list[dict[str, Any]]:
        rule = self.base[name]
        tree = rule.detection.parsed_condition[0].parsed
        return [e for category, e in events if category == rule.logsource.category and self._eval(tree, e)]

    def fired(self, events: list[Event]) -> set[str]:
        """Names of the rules (base and correlation) that produce at least one hit or alert."""
        hits = {name: self.base_matches(name, events) for name in self.base}
        fired = {name for name, matched in hits.items() if matched}
        for name, rule in self.correlations.items():
            if _correlates(rule, [hits[ref.reference] for ref in rule.rules]):
                fired.add(name)
        return fired

    def _eval(self, node: Any, event: dict[str, Any]) -> bool:
        if isinstance(node, ConditionAND):
            return all(self._eval(a, event) for a in node.args)
        if isinstance(node, ConditionOR):
            return any(self._eval(a, event) for a in node.args)
        if isinstance(node, ConditionNOT):
            return not self._eval(node.args[0], event)
        if isinstance(node, ConditionFieldEqualsValueExpression):
            return self._value(node.value, event.get(node.field))
        raise NotImplementedError(f"condition node {type(node).__name__}")

    def _value(self, value: Any, actual: Any) -> bool:
        if isinstance(value, SigmaExists):
            return (actual is not None) == value.exists
        if isinstance(value, SigmaNull):
            return actual is None
        if actual is None:
            return False
        if isinstance(value, SigmaCompareExpression):
            return isinstance(actual, (int, float)) and _COMPARE[value.op.name.lower()](actual, value.number.number)
        if isinstance(value, SigmaBool):
            return actual is value.boolean
        if isinstance(value, SigmaNumber):
            return str(actual) == str(value.number)
        if isinstance(value, SigmaRegularExpression):
            return re.search(value.regexp, str(actual)) is not None
        if isinstance(value, SigmaString) and value.contains_placeholder():
            # as the pipeline does: the site's values (site.py) in place of `%name%`
            return any(self._value(v, actual) for v in self._expanded(value))
        if isinstance(value, SigmaString):
            text = str(actual) if isinstance(value, SigmaCasedString) else str(actual).lower()
            return self._pattern(value).fullmatch(text) is not None
        raise NotImplementedError(f"value type {type(value).__name__}")

    def _expanded(self, value: SigmaString) -> list[SigmaString]:
        key = id(value)
        if key not in self._expansions:
            site = site_placeholders()
            self._expansions[key] = value.replace_placeholders(lambda p: [SigmaString(v) for v in site[p.name]])
        return self._expansions[key]

    def _pattern(self, value: SigmaString) -> re.Pattern[str]:
        key = id(value)
        if key not in self._regex:
            parts = []
            for part in value.s:
                if part is SpecialChars.WILDCARD_MULTI:
                    parts.append(".*")
                elif part is SpecialChars.WILDCARD_SINGLE:
                    parts.append(".")
                else:
                    parts.append(re.escape(part if isinstance(value, SigmaCasedString) else part.lower()))
            self._regex[key] = re.compile("".join(parts), re.S)
        return self._regex[key]


def epoch(event: dict[str, Any]) -> float:
    return datetime.fromisoformat(str(event["@timestamp"]).replace("Z", "+00:00")).timestamp()


def _correlates(rule: SigmaCorrelationRule, matches: list[list[dict[str, Any]]]) -> bool:
    """Whether any group satisfies the correlation in some window of its timespan."""
    span = rule.timespan.seconds
    groups: dict[tuple, list[tuple[float, int, dict[str, Any]]]] = defaultdict(list)
    for index, events in enumerate(matches):
        fields = [_aliased(rule, name, index) for name in rule.group_by or ()]
        for e in events:
            key = tuple(e.get(f) for f in fields)
            if None not in key:
                groups[key].append((epoch(e), index, e))
    kind = rule.type.name.lower()  # SigmaCorrelationType.VALUE_COUNT → value_count
    for items in groups.values():
        items.sort(key=lambda item: (item[0], item[1]))
        if kind == "temporal_ordered" and _ordered(items, len(matches), span):
            return True
        if kind == "temporal" and _together(items, len(matches), span):
            return True
        if kind in ("event_count", "value_count") and _counted(items, rule, span):
            return True
    return False


def _aliased(rule: SigmaCorrelationRule, name: str, index: int) -> str:
    """The field a group-by name means in the events of the rule at `index` of `rule.rules`."""
    alias = rule.aliases.aliases.get(name) if rule.aliases else None
    if alias is None:
        return name
    wanted = rule.rules[index].reference
    return next(field for reference, field in alias.mapping.items() if reference.reference == wanted)


def _counted(items: list[tuple[float, int, dict[str, Any]]], rule: SigmaCorrelationRule, span: float) -> bool:
    condition = rule.condition
    compare = _COMPARE[condition.op.name.lower()]
    field = condition.fieldref
    window: deque[tuple[float, int, dict[str, Any]]] = deque()
    values: Counter[Any] = Counter()
    for item in items:
        window.append(item)
        if field:
            values[item[2].get(field)] += 1
        while window[0][0] < item[0] - span:
            old = window.popleft()
            if field:
                values[old[2].get(field)] -= 1
                if values[old[2].get(field)] == 0:
                    del values[old[2].get(field)]
        size = len([v for v in values if v is not None]) if field else len(window)
        if compare(size, condition.count):
            return True
    return False


def _together(items: list[tuple[float, int, dict[str, Any]]], rules: int, span: float) -> bool:
    """Events of every rule, in any order, within `span` (a sliding window, both edges included)."""
    window: deque[tuple[float, int, dict[str, Any]]] = deque()
    seen: Counter[int] = Counter()
    for item in items:
        window.append(item)
        seen[item[1]] += 1
        while window[0][0] < item[0] - span:
            seen[window.popleft()[1]] -= 1
        if sum(1 for count in seen.values() if count > 0) == rules:
            return True
    return False


def _ordered(items: list[tuple[float, int, dict[str, Any]]], rules: int, span: float) -> bool:
    """Events of rule 0, 1, ... in that order within `span` (greedy from each rule-0 event)."""
    if rules == 1:
        return any(index == 0 for _, index, _ in items)
    for start, (t0, index, _) in enumerate(items):
        if index != 0:
            continue
        want = 1
        for t, i, _ in items[start + 1:]:
            if t - t0 > span:
                break
            if i == want:
                want += 1
                if want == rules:
                    return True
    return False
