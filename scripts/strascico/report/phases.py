"""Which phase of a breach a rule speaks to, from its ATT&CK tags and logsource.

Phases follow how an incident lead tells the story: access → enumeration → bulk read →
export/exfiltration. A rule's own tags decide, so a new rule lands in the right phase without
editing this file.
"""

from __future__ import annotations

from sigma.rule import SigmaRuleBase

PHASES = ("access", "enumeration", "bulk read", "export/exfiltration")
_BY_TAG = (
    ("export/exfiltration", {"exfiltration", "t1560", "t1560.001", "t1048", "t1048.003", "t1567", "t1567.002",
                             "t1041", "t1020", "t1074", "t1074.001"}),
    ("enumeration", {"t1119", "t1595", "t1595.002", "discovery"}),
    ("bulk read", {"t1213", "t1005", "t1530", "collection"}),
    ("access", {"initial-access", "t1078", "t1078.004", "t1133", "t1110", "t1190", "credential-access"}),
)
_BY_LOGSOURCE = {"authentication": "access", "webserver": "enumeration", "database": "bulk read",
                 "process_creation": "export/exfiltration"}


def phase_of(rule: SigmaRuleBase, category: str | None) -> str:
    """The breach phase a rule's alerts belong to."""
    tags = {t.name.lower() for t in rule.tags if t.namespace == "attack"}
    for phase, markers in _BY_TAG:
        if tags & markers:
            return phase
    return _BY_LOGSOURCE.get(category or "", "other")
