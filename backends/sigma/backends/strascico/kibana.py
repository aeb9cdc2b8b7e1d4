"""Kibana Detection Engine rule objects built from a Sigma rule, without mutating it.

Upstream's `siem_rule*` formats remove `attack.*` tags from the parsed rule while building
the threat array, download ATT&CK data, hard-code `beats-*`-style index lists and emit
`severity: informational`, which Kibana rejects. This builder fixes all four.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from sigma.rule import SigmaRule

from .attack import kibana_threat

PACK_TAG = "strascico"
Language = Literal["lucene", "eql", "esql"]

# Kibana accepts low/medium/high/critical only; risk scores follow Elastic's prebuilt rules.
SEVERITY_RISK: dict[str, tuple[str, int]] = {
    "informational": ("low", 10),
    "low": ("low", 21),
    "medium": ("medium", 47),
    "high": ("high", 73),
    "critical": ("critical", 99),
}
RULE_TYPE: dict[str, str] = {"lucene": "query", "eql": "eql", "esql": "esql"}


def severity_and_risk(rule: SigmaRule) -> tuple[str, int]:
    """Kibana severity and risk score for the rule's Sigma level (medium when unset)."""
    level = rule.level.name.lower() if rule.level is not None else "medium"
    return SEVERITY_RISK[level]


def pack_relative(path: Path) -> str:
    """`rules/<stage>/<file>` for a rule inside a pack's rules/ folder, else the file name.

    Keeps generated output identical on every machine, wherever the pack is checked out.
    """
    parts = path.as_posix().split("/")
    if "rules" in parts:
        return "/".join(parts[len(parts) - 1 - parts[::-1].index("rules"):])
    return parts[-1]


def investigation_note(rule: SigmaRule) -> str:
    """Markdown investigation guide generated from the rule's own metadata."""
    lines = [f"## {rule.title}", "", rule.description or "", ""]
    if rule.falsepositives:
        lines += ["### False positives", *[f"- {fp}" for fp in rule.falsepositives], ""]
    if rule.references:
        lines += ["### References", *[f"- {ref}" for ref in rule.references], ""]
    if rule.source is not None and rule.source.path is not None:
        lines += [f"Sigma rule: `{pack_relative(rule.source.path)}` (id `{rule.id}`)"]
    return "\n".join(lines).strip() + "\n"


def kibana_rule(
    rule: SigmaRule,
    query: str,
    language: Language,
    index: list[str] | None,
    interval: str = "5m",
    lookback: str = "6m",
) -> dict:
    """Detection Engine rule (create/import body) for one converted Sigma rule."""
    severity, risk = severity_and_risk(rule)
    tag_strings = [f"{t.namespace}.{t.name}" for t in rule.tags]
    attack_names = [t.name for t in rule.tags if t.namespace == "attack"]
    body: dict = {
        "rule_id": str(rule.id),
        "name": rule.title,
        "description": rule.description or rule.title,
        "type": RULE_TYPE[language],
        "language": language,
        "query": query,
        "severity": severity,
        "risk_score": risk,
        "tags": [PACK_TAG, *tag_strings],
        "threat": kibana_threat(attack_names),
        "references": list(rule.references),
        "false_positives": list(rule.falsepositives),
        "author": [rule.author] if rule.author else [],
        "license": rule.license or "Apache-2.0",
        "interval": interval,
        "from": f"now-{lookback}",
        "to": "now",
        "enabled": False,
        "max_signals": 100,
        "note": investigation_note(rule),
    }
    if language != "esql":  # ES|QL rules carry their index in the query's FROM
        body["index"] = list(index or [])
    return body
