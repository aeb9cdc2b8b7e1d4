"""Sigma → Elasticsearch conversion: targets registry and converter."""

from .converter import Conversion, Converter, write_outputs
from .targets import TARGETS, Target, resolve_targets

__all__ = ["Conversion", "Converter", "TARGETS", "Target", "resolve_targets", "write_outputs"]
