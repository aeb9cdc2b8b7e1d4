"""What deploying the pack to a Kibana space would do, rule by rule, with a field-level diff.

Pure: it compares the bodies the pack produces with the rules Kibana returned and decides
add / change / unchanged / remove. Only the fields we send are compared (Kibana adds its own:
id, revision, timestamps, defaults), so re-deploying an unchanged pack plans nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Action = Literal["add", "change", "unchanged", "remove"]
ACTIONS: tuple[Action, ...] = ("add", "change", "unchanged", "remove")

# Set by operators on a deployed rule; an update (PUT replaces the whole rule) carries them over.
OPERATOR_FIELDS = (
    "actions",
    "exceptions_list",
    "investigation_fields",
    "timeline_id",
    "timeline_title",
)


@dataclass(frozen=True)
class FieldChange:
    """One field that differs: what Kibana has, what the pack wants."""

    field: str
    before: Any
    after: Any


@dataclass
class RulePlan:
    """One rule and what deploying would do to it; `body` is the request body to send."""

    rule_id: str
    name: str
    action: Action
    body: dict[str, Any] | None = field(default=None, repr=False)
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class KibanaPlan:
    """Every rule of the pack plus every tagged rule Kibana holds that the pack no longer has."""

    items: list[RulePlan] = field(default_factory=list)

    def of(self, action: Action) -> list[RulePlan]:
        return [item for item in self.items if item.action == action]

    def counts(self) -> dict[str, int]:
        return {action: len(self.of(action)) for action in ACTIONS}


def _update_body(desired: dict[str, Any], deployed: dict[str, Any], enable: bool) -> dict[str, Any]:
    """The PUT body: the pack's rule, the operator's fields, `enabled` kept unless `enable`."""
    body = {**desired, "enabled": True if enable else bool(deployed.get("enabled", False))}
    body.update({k: deployed[k] for k in OPERATOR_FIELDS if k in deployed})
    return body


def field_changes(before: Any, after: Any, path: str = "") -> list[FieldChange]:
    """Differences down to the changed leaf of nested objects (lists compare whole)."""
    if isinstance(before, dict) and isinstance(after, dict):
        return [
            change
            for key in sorted(set(before) | set(after))
            for change in field_changes(
                before.get(key), after.get(key), f"{path}.{key}" if path else key
            )
        ]
    return [] if before == after else [FieldChange(path, before, after)]


def plan_rules(
    desired: dict[str, dict[str, Any]],
    deployed: dict[str, dict[str, Any]],
    pack_tag: str,
    enable: bool = False,
) -> KibanaPlan:
    """Decide each rule's action.

    `desired`: rule_id → body (with its lock version). `deployed`: rule_id → rule as Kibana
    returns it. New rules are created disabled unless `enable`. Only deployed rules carrying
    `pack_tag` can be planned for removal.
    """
    plan = KibanaPlan()
    for rule_id in sorted(desired, key=lambda r: (desired[r]["name"], r)):
        body, current = desired[rule_id], deployed.get(rule_id)
        if current is None:
            plan.items.append(RulePlan(rule_id, body["name"], "add", {**body, "enabled": enable}))
            continue
        send = _update_body(body, current, enable)
        changes = field_changes({k: current.get(k) for k in send}, send)
        plan.items.append(
            RulePlan(
                rule_id,
                body["name"],
                "change" if changes else "unchanged",
                send if changes else None,
                changes,
            )
        )
    for rule_id, current in sorted(deployed.items(), key=lambda kv: (kv[1].get("name", ""), kv[0])):
        if rule_id not in desired and pack_tag in (current.get("tags") or []):
            plan.items.append(RulePlan(rule_id, current.get("name", ""), "remove"))
    return plan
