"""Replaying rule cases on a real Elasticsearch node (`strascico test`)."""

from .results import CaseResult, failed, summary, write_junit
from .runner import Replayer

__all__ = ["CaseResult", "Replayer", "failed", "summary", "write_junit"]
