"""The version lock: rule_id → content hash → version, committed as `rules.lock.json`.

A rule's Kibana `version` bumps only when its content changes. Content is the Kibana body the
pack produces with the default options (query/Lucene base rules, the default index prefix),
minus `version` and `enabled` — the deploy-time switches (`--enable`, `--language`,
`--index-prefix`) change what is sent, not the rule, so they never bump a version. Site values
(STRASCICO_BACKUP_* and the like) are left unset in the content for the same reason.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..errors import InputError
from ..pack import RuleFile
from .kibana_rules import pack_rules

LOCK_FILE = "rules.lock.json"
NOT_CONTENT = frozenset({"version", "enabled"})
Change = Literal["new", "changed", "removed"]


def content_hash(body: dict[str, Any]) -> str:
    """Stable hash of a rule body without the fields that are not its content."""
    content = {k: v for k, v in body.items() if k not in NOT_CONTENT}
    return hashlib.sha256(
        json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()[:16]


@dataclass(frozen=True)
class LockEntry:
    """What the lock knows about one rule."""

    name: str
    content_hash: str
    version: int


@dataclass
class Staleness:
    """How the lock differs from the pack: one (rule_id, name, change) per differing rule."""

    entries: list[tuple[str, str, Change]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.entries)

    def summary(self) -> str:
        first = self.entries[0]
        return (
            f"{len(self.entries)} rules differ from the lock (first: {first[2]} {first[1]!r} "
            f"{first[0]}); run `strascico deploy lock --update` and commit {LOCK_FILE}"
        )


def load_lock(path: Path) -> dict[str, LockEntry]:
    """The committed lock; an absent file is an empty lock, a malformed one an InputError."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {
            rule_id: LockEntry(e["name"], e["content_hash"], int(e["version"]))
            for rule_id, e in data["rules"].items()
        }
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"not a strascico lock file ({type(exc).__name__}: {exc})", path) from None


def staleness(lock: dict[str, LockEntry], bodies: dict[str, dict[str, Any]]) -> Staleness:
    """Which rules are new, changed or gone compared with the lock (empty when it is current)."""
    result = Staleness()
    for rule_id, body in sorted(bodies.items()):
        entry = lock.get(rule_id)
        if entry is None:
            result.entries.append((rule_id, body["name"], "new"))
        elif entry.content_hash != content_hash(body):
            result.entries.append((rule_id, body["name"], "changed"))
    result.entries += [
        (rule_id, e.name, "removed") for rule_id, e in sorted(lock.items()) if rule_id not in bodies
    ]
    return result


def updated_lock(
    lock: dict[str, LockEntry], bodies: dict[str, dict[str, Any]]
) -> dict[str, LockEntry]:
    """The lock for these bodies: version 1 for new rules, +1 for changed ones, removed dropped."""
    new: dict[str, LockEntry] = {}
    for rule_id, body in sorted(bodies.items()):
        digest, old = content_hash(body), lock.get(rule_id)
        if old is None:
            new[rule_id] = LockEntry(body["name"], digest, 1)
        elif old.content_hash != digest:
            new[rule_id] = LockEntry(body["name"], digest, old.version + 1)
        else:
            new[rule_id] = LockEntry(body["name"], digest, old.version)
    return new


def write_lock(path: Path, lock: dict[str, LockEntry]) -> None:
    """Deterministic JSON (sorted, one rule per key) so the diff reviews well."""
    data = {
        "about": "Kibana rule versions: bumped only when a rule's content hash changes. "
        "Regenerate with `strascico deploy lock --update`; CI runs `--check`.",
        "rules": {
            rule_id: {"name": e.name, "content_hash": e.content_hash, "version": e.version}
            for rule_id, e in sorted(lock.items())
        },
    }
    path.write_text(
        json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def versioned(
    bodies: dict[str, dict[str, Any]],
    lock: dict[str, LockEntry],
    canonical: dict[str, dict[str, Any]],
) -> dict[str, dict[str, Any]]:
    """Bodies with `version` from the lock; InputError when the lock does not match `canonical`.

    `canonical` is the pack with default options: the content the lock is about.
    """
    stale = staleness(lock, canonical)
    if stale:
        raise InputError(stale.summary())
    return {rule_id: {**body, "version": lock[rule_id].version} for rule_id, body in bodies.items()}


def pack_staleness(files: list[RuleFile], path: Path) -> Staleness:
    """How the committed lock differs from the pack (empty when current)."""
    canonical = pack_rules(files, site={})
    canonical.require_clean()
    return staleness(load_lock(path), canonical.bodies)


def update_pack_lock(files: list[RuleFile], path: Path) -> Staleness:
    """Rewrite the lock for the pack; returns what changed (empty: the file is left untouched)."""
    canonical = pack_rules(files, site={})
    canonical.require_clean()
    lock = load_lock(path)
    changed = staleness(lock, canonical.bodies)
    if changed or not path.exists():
        write_lock(path, updated_lock(lock, canonical.bodies))
    return changed
