"""Signals: alerts of rules at level medium or above. Low-level rules are building blocks that
match every foreign contact or archive read by design and feed the correlations; counting them
as evidence would make every relative abroad a victim and every portal visit a breach."""

from __future__ import annotations

from typing import Iterable

from .base_rules import HuntAlert

SIGNAL_LEVELS = ("medium", "high", "critical")


def signals(alerts: Iterable[HuntAlert], stage: str) -> list[HuntAlert]:
    """As a list: for the few breach signals. Flood signals at 20M events are hundreds of
    thousands; first_signals() reads them without holding them."""
    return [a for a in alerts if a.stage == stage and a.level in SIGNAL_LEVELS]


def note_first(firsts: dict[str, str], alert: HuntAlert) -> None:
    """Keep in `firsts` when each stage's first signal began (ISO), one alert at a time."""
    if alert.level in SIGNAL_LEVELS and (alert.stage not in firsts or alert.first < firsts[alert.stage]):
        firsts[alert.stage] = alert.first


def first_signals(alerts: Iterable[HuntAlert]) -> dict[str, str]:
    """Stage → when its first signal began, in one pass over the alerts."""
    firsts: dict[str, str] = {}
    for alert in alerts:
        note_first(firsts, alert)
    return firsts
