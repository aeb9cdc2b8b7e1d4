"""Signals: alerts of rules at level medium or above. Low-level rules are building blocks that
match every foreign contact or archive read by design and feed the correlations; counting them
as evidence would make every relative abroad a victim and every portal visit a breach."""

from __future__ import annotations

from .base_rules import HuntAlert

SIGNAL_LEVELS = ("medium", "high", "critical")


def signals(alerts: list[HuntAlert], stage: str) -> list[HuntAlert]:
    return [a for a in alerts if a.stage == stage and a.level in SIGNAL_LEVELS]
