"""A deploy plan: what would be added, changed, left alone — decided by content hash."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Literal

Action = Literal["add", "change", "unchanged"]
HASH_KEY = "strascico_hash"


def content_hash(body: dict[str, Any]) -> str:
    """Stable hash of a payload without its own hash (so re-deploys compare like with like)."""
    meta = {k: v for k, v in body.get("_meta", {}).items() if k != HASH_KEY}
    payload = {**body, "_meta": meta}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()).hexdigest()[:16]


def with_hash(body: dict[str, Any]) -> dict[str, Any]:
    return {**body, "_meta": {**body.get("_meta", {}), HASH_KEY: content_hash(body)}}


@dataclass
class PlanItem:
    """One asset and what deploying would do to it."""

    kind: str
    name: str
    action: Action
    body: dict[str, Any] = field(repr=False, default_factory=dict)


def decide(kind: str, name: str, body: dict[str, Any], deployed_meta: dict[str, Any] | None) -> PlanItem:
    """Compare the desired body with the `_meta` of what the cluster holds (None: absent)."""
    desired = with_hash(body)
    if deployed_meta is None:
        return PlanItem(kind, name, "add", desired)
    same = deployed_meta.get(HASH_KEY) == desired["_meta"][HASH_KEY]
    return PlanItem(kind, name, "unchanged" if same else "change", desired)
