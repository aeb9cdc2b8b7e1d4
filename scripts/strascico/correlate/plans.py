"""Correlation plans for the rules of a pack, base rules converted with the strascico backend."""

from __future__ import annotations

import copy

from sigma.backends.strascico import StrascicoLuceneBackend
from sigma.backends.strascico.correlation import (
    CorrelationNotSupported,
    CorrelationPlan,
    compile_correlation,
)
from sigma.correlations import SigmaCorrelationRule
from sigma.pipelines.strascico import strascico_pipeline
from sigma.rule import SigmaRule

from ..pack import RuleFile, resolved_collection


class PlanBuilder:
    """Compiles correlation rules; base rules are converted on copies (pipelines mutate rules)."""

    def __init__(self, files: list[RuleFile]):
        self.collection = resolved_collection(files)
        self.backend = StrascicoLuceneBackend(strascico_pipeline())

    def lucene(self, rule: SigmaRule) -> str:
        working = copy.deepcopy(rule)
        # Convert it as a rule of its own, finalized, even when the correlation says
        # `generate: false` (pySigma then marks the base rule as producing no output).
        working._backreferences = []
        working._output = True
        return str(self.backend.convert_rule(working)[0])

    def plan(self, rule: SigmaCorrelationRule) -> CorrelationPlan:
        """Raises CorrelationNotSupported with the reason when it cannot be exact."""
        resolved = self.collection[str(rule.id)] if rule.id else rule
        if not isinstance(resolved, SigmaCorrelationRule):
            raise CorrelationNotSupported("not a correlation rule")
        return compile_correlation(resolved, self.lucene)


__all__ = ["CorrelationNotSupported", "PlanBuilder"]
