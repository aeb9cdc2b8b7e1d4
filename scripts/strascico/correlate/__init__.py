"""Executing Sigma correlation rules with Sigma's sliding-window semantics on Elasticsearch."""

from .executor import run_plan, run_plans
from .window import Alert, CorrelatedEvent, evaluate

__all__ = ["Alert", "CorrelatedEvent", "evaluate", "run_plan", "run_plans"]
