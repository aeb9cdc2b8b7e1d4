"""Hunting a pack over months of indexed events (`strascico hunt`)."""

from .base_rules import HuntAlert
from .runner import Hunter, HuntResult, date_bound

__all__ = ["HuntAlert", "HuntResult", "Hunter", "date_bound"]
