"""Signals: alerts of rules at level medium or above. Low-level rules are building blocks that
match every foreign contact or archive read by design and feed the correlations; counting them
as evidence would make every relative abroad a victim and every portal visit a breach."""

from __future__ import annotations

from .base_rules import HuntAlert

SIGNAL_LEVELS = ("medium", "high", "critical")


def signals(alerts: list[HuntAlert], stage: str) -> list[HuntAlert]:
    return [a for a in alerts if a.stage == stage and a.level in SIGNAL_LEVELS]


def victims(alerts: list[HuntAlert]) -> dict[str, bool | None]:
    """Victim number → in the exposed cohort (None: not known), from flood signals only."""
    found: dict[str, bool | None] = {}
    for alert in signals(alerts, "flood"):
        if alert.is_contact_of_a_victim:
            known = found.get(alert.victim)  # type: ignore[arg-type]
            found[alert.victim] = True if (known or alert.exposed) else (alert.exposed if known is None else known)  # type: ignore[index]
    return found
