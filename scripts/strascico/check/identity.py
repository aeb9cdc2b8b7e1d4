"""Rule ids and names are unique across the pack."""

from __future__ import annotations

from typing import Iterable

from ..findings import Finding
from .context import CheckContext


def check_identity(ctx: CheckContext) -> Iterable[Finding]:
    """Duplicate ids or names: each later occurrence points at the first one."""
    first_id: dict[str, str] = {}
    first_name: dict[str, str] = {}
    for rule_file, rule in ctx.rules():
        where = str(rule_file.path)
        if rule.id is not None:
            rule_id = str(rule.id)
            if rule_id in first_id:
                yield Finding(where, rule_file.line_of("id"), "error", "duplicate-id",
                              f"id {rule_id} is also used by {first_id[rule_id]}", rule_id)
            first_id.setdefault(rule_id, where)
        if rule.name:
            if rule.name in first_name:
                yield Finding(where, rule_file.line_of("name"), "error", "duplicate-name",
                              f"name '{rule.name}' is also used by {first_name[rule.name]}", str(rule.id))
            first_name.setdefault(rule.name, where)
