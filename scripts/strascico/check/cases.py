"""Every rule has loadable cases: a positive and a negative, with events the index accepts."""

from __future__ import annotations

from typing import Iterable

from sigma.correlations import SigmaCorrelationRule

from ..cases import LOGSOURCE_KEY
from ..findings import Finding
from .context import CheckContext
from .fields import correlation_logsources, event_problems


def check_cases(ctx: CheckContext) -> Iterable[Finding]:
    """Cases exist, have the right shape, cover both outcomes and use registry fields."""
    for rule_file, rule in ctx.rules():
        case_file = ctx.cases(rule_file)
        yield from case_file.problems
        if not case_file.cases:
            continue
        where, rule_id = str(case_file.path), str(rule.id)
        is_correlation = isinstance(rule, SigmaCorrelationRule)
        if not any(c.is_positive for c in case_file.cases):
            yield Finding(where, None, "error", "cases", "no case that must match", rule_id)
        if not any(not c.is_positive for c in case_file.cases):
            yield Finding(where, None, "error", "cases", "no case that must not match (a near miss)", rule_id)
        for case in case_file.cases:
            if is_correlation and case.alerts is None:
                yield Finding(where, None, "error", "cases", f"{case.name}: correlation cases use 'alerts'", rule_id)
            if not is_correlation and case.hits is None:
                yield Finding(where, None, "error", "cases", f"{case.name}: base rule cases use 'hits'", rule_id)
            if case.hits is not None and case.hits > len(case.events):
                yield Finding(where, None, "error", "cases",
                              f"{case.name}: expects {case.hits} hits from {len(case.events)} events", rule_id)
        logsources = (
            correlation_logsources(ctx, rule) if is_correlation
            else [ctx.taxonomy.logsource(rule.logsource.category)]
        )
        by_name = {ls.category: ls for ls in logsources if ls is not None}
        default = logsources[0] if logsources else None
        for case in case_file.cases:
            for number, event in enumerate(case.events, start=1):
                category = event.get(LOGSOURCE_KEY)
                logsource = by_name.get(category) or ctx.taxonomy.logsource(category) if category else default
                if logsource is None:
                    continue  # unknown logsource is reported by the fields check
                for problem in event_problems(event, logsource):
                    yield Finding(where, None, "error", "cases", f"{case.name}, event {number}: {problem}", rule_id)
