"""Pack conventions for rule metadata: what a deployable rule must say about itself."""

from __future__ import annotations

from typing import Iterable

from sigma.backends.strascico.attack import unknown_attack_tags

from ..findings import Finding
from .context import CheckContext

# author, date, description, level and status are required by the SigmaHQ validators already.
REQUIRED = ("references", "falsepositives", "tags")
STAGES = ("breach", "flood")


def check_metadata(ctx: CheckContext) -> Iterable[Finding]:
    """Required keys, a `strascico.stage.*` tag, and ATT&CK tags the offline data knows."""
    for rule_file, rule in ctx.rules():
        where, rule_id = str(rule_file.path), str(rule.id)
        for key in REQUIRED:
            value = getattr(rule, key, None)
            if value is None or value == [] or value == "":
                yield Finding(where, rule_file.line_of(key) or 1, "error", "metadata",
                              f"missing '{key}'", rule_id)
        tags = [f"{t.namespace}.{t.name}" for t in rule.tags]
        if not any(t in {f"strascico.stage.{s}" for s in STAGES} for t in tags):
            yield Finding(where, rule_file.line_of("tags") or 1, "error", "metadata",
                          "needs a stage tag: strascico.stage.breach or strascico.stage.flood", rule_id)
        attack = [t.name for t in rule.tags if t.namespace == "attack"]
        for name in unknown_attack_tags(attack):
            yield Finding(where, rule_file.line_of("tags"), "error", "attack-tag",
                          f"attack.{name} is not in the shipped ATT&CK data "
                          "(backends/sigma/backends/strascico/data/attack.json)", rule_id)
