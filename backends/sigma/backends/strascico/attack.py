"""Offline MITRE ATT&CK data: the subset of Enterprise ATT&CK this pack's rules use.

Upstream pySigma downloads the full STIX bundle at conversion/validation time, which fails
offline. We ship `data/attack.json` (STIX 2 shape, so pySigma's own loader can read it too)
and build Kibana's `threat` objects from it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable

ATTACK_URL = "https://attack.mitre.org"
_TECHNIQUE = re.compile(r"^t\d{4}(\.\d{3})?$")


def attack_data_path() -> Path:
    """Filesystem path of the shipped STIX subset (for `sigma.data.mitre_attack.set_url`)."""
    return Path(str(resources.files(__package__).joinpath("data/attack.json")))


@dataclass(frozen=True)
class AttackData:
    """Tactics (shortname → (id, name)) and techniques (id → (name, tactic shortnames))."""

    tactics: dict[str, tuple[str, str]]
    techniques: dict[str, tuple[str, tuple[str, ...]]]


def _external_id(obj: dict) -> str:
    return next(r["external_id"] for r in obj["external_references"] if r["source_name"] == "mitre-attack")


@lru_cache(maxsize=1)
def load_attack() -> AttackData:
    """Parse the shipped subset once."""
    bundle = json.loads(attack_data_path().read_text(encoding="utf-8"))
    tactics, techniques = {}, {}
    for obj in bundle["objects"]:
        if obj["type"] == "x-mitre-tactic":
            tactics[obj["x_mitre_shortname"]] = (_external_id(obj), obj["name"])
        elif obj["type"] == "attack-pattern":
            phases = tuple(p["phase_name"] for p in obj.get("kill_chain_phases", []))
            techniques[_external_id(obj)] = (obj["name"], phases)
    return AttackData(tactics, techniques)


def unknown_attack_tags(tag_names: Iterable[str]) -> list[str]:
    """`attack.*` tag names (without namespace) that the shipped data does not know."""
    data = load_attack()
    return [
        name
        for name in tag_names
        if name not in data.tactics and name.upper() not in data.techniques
    ]


def _technique_entry(technique_id: str, data: AttackData) -> dict:
    parent = technique_id.split(".")[0]
    entry = {
        "id": parent,
        "name": data.techniques[parent][0],
        "reference": f"{ATTACK_URL}/techniques/{parent}/",
    }
    if "." in technique_id:
        entry["subtechnique"] = [
            {
                "id": technique_id,
                "name": data.techniques[technique_id][0],
                "reference": f"{ATTACK_URL}/techniques/{technique_id.replace('.', '/')}/",
            }
        ]
    return entry


def kibana_threat(tag_names: Iterable[str]) -> list[dict]:
    """Kibana `threat` array for a rule's `attack.*` tags (names without the namespace).

    A technique goes under each of the rule's tactics it belongs to; when the rule names no
    matching tactic, under the technique's first tactic. Unknown tags are skipped (the
    checker reports them).
    """
    data = load_attack()
    names = list(tag_names)
    rule_tactics = [n for n in names if n in data.tactics]
    by_tactic: dict[str, list[dict]] = {t: [] for t in rule_tactics}
    for name in names:
        technique_id = name.upper()
        if not _TECHNIQUE.match(name) or technique_id not in data.techniques:
            continue
        phases = data.techniques[technique_id][1]
        targets = [t for t in rule_tactics if t in phases] or list(phases[:1])
        for tactic in targets:
            by_tactic.setdefault(tactic, []).append(_technique_entry(technique_id, data))
    threat = []
    for tactic, techniques in by_tactic.items():
        tactic_id, tactic_name = data.tactics[tactic]
        item = {
            "framework": "MITRE ATT&CK",
            "tactic": {
                "id": tactic_id,
                "name": tactic_name,
                "reference": f"{ATTACK_URL}/tactics/{tactic_id}/",
            },
        }
        if techniques:
            item["technique"] = _merge_subtechniques(techniques)
        threat.append(item)
    return threat


def _merge_subtechniques(entries: list[dict]) -> list[dict]:
    """One entry per parent technique, its sub-techniques gathered (Kibana's shape)."""
    merged: dict[str, dict] = {}
    for entry in entries:
        target = merged.setdefault(entry["id"], {k: v for k, v in entry.items() if k != "subtechnique"})
        for sub in entry.get("subtechnique", []):
            subs = target.setdefault("subtechnique", [])
            if sub not in subs:
                subs.append(sub)
    return list(merged.values())
