"""Signals: alerts of rules at level medium or above. Low-level rules are building blocks that
match every foreign contact or archive read by design and feed the correlations; counting them
as evidence would make every relative abroad a victim and every portal visit a breach."""

from __future__ import annotations

from typing import Iterable

from .base_rules import HuntAlert

SIGNAL_LEVELS = ("medium", "high", "critical")


def is_signal(alert: HuntAlert, stage: str) -> bool:
    return alert.stage == stage and alert.level in SIGNAL_LEVELS


def signals(alerts: Iterable[HuntAlert], stage: str) -> list[HuntAlert]:
    """As a list: for the few breach signals. Flood signals at 20M events are hundreds of
    thousands; first_signal() reads them without holding them."""
    return [a for a in alerts if is_signal(a, stage)]


def first_signal(alerts: Iterable[HuntAlert], stage: str) -> str | None:
    """When the stage's first signal began (ISO), in one pass."""
    return min((a.first for a in alerts if is_signal(a, stage)), default=None)
