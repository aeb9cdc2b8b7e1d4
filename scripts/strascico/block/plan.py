"""From campaign targets to a block plan: the cover, each prefix's evidence, dates, and the diff
against the blocklist in force. Pure (no I/O): a replay benchmark can call `recommend` directly."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from phonenumbers import COUNTRY_CODE_TO_REGION_CODE

from .campaign import Target
from .cover import minimal_cover
from .protected import Protected

DEFAULT_MIN_LENGTH = 8  # digits, country code included: +234 80312 blocks 100,000 numbers at most
ACTIVE = ("new", "widens", "kept")  # statuses whose prefix is in the blocklist after the change


def country_code(digits: str) -> str | None:
    """The calling code a digit string starts with (codes are prefix-free), or None."""
    for size in (1, 2, 3):
        if len(digits) >= size and int(digits[:size]) in COUNTRY_CODE_TO_REGION_CODE:
            return digits[:size]
    return None


@dataclass(frozen=True)
class Policy:
    """What a recommendation may do: shortest prefix, and the dates each entry carries."""

    min_length: int = DEFAULT_MIN_LENGTH
    as_of: date = field(default_factory=date.today)
    review_days: int = 30
    expire_days: int = 90
    max_covered: int | None = None  # most numbers one prefix may block (None: no limit)

    def too_short(self, digits: str) -> str | None:
        code = country_code(digits)
        if code is None:
            return "starts with no calling code"
        if len(digits) <= len(code):
            return f"the whole calling code +{code}"
        if len(digits) < self.min_length:
            return f"shorter than --min-length {self.min_length}"
        return None

    def too_broad(self, digits: str, lengths: set[int]) -> str | None:
        covered = numbers_covered(digits, lengths)
        if self.max_covered is not None and covered > self.max_covered:
            return f"covers {covered:,} numbers (--max-covered {self.max_covered:,})"
        return None


@dataclass
class CurrentEntry:
    """One entry of the blocklist in force (from --current)."""

    digits: str
    expires: str | None = None
    line: int = 0


@dataclass
class Entry:
    """One prefix of the plan, with its status against the current blocklist and its evidence."""

    digits: str
    status: str  # new | widens | already | kept | superseded
    evidence: dict[str, Any] | None = None
    review_by: str | None = None
    expires: str | None = None
    note: str = ""

    @property
    def prefix(self) -> str:
        return f"+{self.digits}"

    def to_dict(self) -> dict[str, Any]:
        return {"prefix": self.prefix, "status": self.status, "review_by": self.review_by,
                "expires": self.expires, "note": self.note, "evidence": self.evidence}


@dataclass
class BlockPlan:
    """The entries, and the campaign targets that no allowed prefix could cover (with why)."""

    entries: list[Entry] = field(default_factory=list)
    not_blocked: list[dict[str, str]] = field(default_factory=list)

    def active(self) -> list[Entry]:
        return [e for e in self.entries if e.status in ACTIVE]

    def by_status(self, *statuses: str) -> list[Entry]:
        return [e for e in self.entries if e.status in statuses]


def numbers_covered(digits: str, lengths: set[int]) -> int:
    """How many numbers of the given lengths a prefix covers (the collateral it risks)."""
    return sum(10 ** (n - len(digits)) for n in lengths if n >= len(digits))


def evidence(digits: str, targets: list[Target]) -> dict[str, Any]:
    """What the hunt and the reports say of the numbers a prefix covers."""
    numbers = sorted((t for t in targets if t.kind == "number"), key=lambda t: t.digits)
    pairs = [(t.people, t.exposed_people) for t in targets if t.people and t.exposed_people is not None]
    people = sum(p for p, _ in pairs)
    lengths = {t.length for t in targets}
    return {
        "numbers_seen": len(numbers),
        "numbers": [f"+{t.digits}" for t in numbers],
        "ranges": sorted(f"+{t.digits}" for t in targets if t.kind == "range"),
        # alerts count people per number: the same employee reached by two numbers counts twice
        "employees_reached": {"at_least": max((t.people for t in targets), default=0),
                              "at_most": sum(t.people for t in targets)},
        "exposed_share": round(sum(e for _, e in pairs) / people, 3) if people else None,
        "reports": sum(t.reports for t in targets),
        "reporters": len(set().union(*(t.reporters for t in targets))),
        "events": sum(t.events for t in targets),
        "first_seen": min((t.first for t in targets if t.first), default=None),
        "last_seen": max((t.last for t in targets if t.last), default=None),
        "rules": sorted(set().union(*(t.rules for t in targets))),
        "numbers_covered": numbers_covered(digits, lengths),
    }


def recommend(targets: dict[str, Target], protected: Protected, policy: Policy,
              current: list[CurrentEntry] = ()) -> BlockPlan:  # type: ignore[assignment]
    """The smallest cover of the targets that touches nothing protected, diffed against `current`."""
    reasons: dict[str, str] = {}

    def allowed(prefix: str, items: list[str]) -> bool:
        lengths = tuple(targets[i].length for i in items)
        why = policy.too_short(prefix) or policy.too_broad(prefix, set(lengths)) or protected.conflict(prefix, lengths)
        if why:
            reasons[prefix] = why
        return why is None

    blockable = {d: t for d, t in targets.items() if not (t.kind == "number" and protected.is_protected(d))}
    plan = BlockPlan()
    for digits in sorted(set(targets) - set(blockable)):
        plan.not_blocked.append({"target": f"+{digits}", "reason": "protected (allowlist or known contact)"})
    cover = minimal_cover(blockable, allowed)
    for digits in cover.uncovered:
        plan.not_blocked.append({"target": f"+{digits}", "reason": reasons.get(digits, "refused")})
    review = (policy.as_of + timedelta(days=policy.review_days)).isoformat()
    expires = (policy.as_of + timedelta(days=policy.expire_days)).isoformat()
    recommended = [Entry(d, "new", evidence(d, [targets[i] for i in items]), review, expires)
                   for d, items in sorted(cover.prefixes.items())]
    plan.entries = _diff(recommended, list(current), protected, policy.as_of)
    return plan


def _diff(recommended: list[Entry], current: list[CurrentEntry], protected: Protected, as_of: date) -> list[Entry]:
    for entry in recommended:
        broader = next((c for c in current if entry.digits.startswith(c.digits)), None)
        narrower = [c for c in current if c.digits.startswith(entry.digits) and c.digits != entry.digits]
        if broader is not None:
            entry.status, entry.note = "already", f"already blocked by +{broader.digits}"
        elif narrower:
            entry.status, entry.note = "widens", f"replaces {len(narrower)} current entries"
    entries = list(recommended)
    added = [e for e in recommended if e.status in ("new", "widens")]
    for old in current:
        wider = next((e for e in added if old.digits.startswith(e.digits) and old.digits != e.digits), None)
        if wider is not None:
            entries.append(Entry(old.digits, "superseded", None, None, old.expires, f"inside +{wider.digits}"))
            continue
        notes = []
        if (conflict := protected.conflict(old.digits, ())) is not None:
            notes.append(f"WARNING {conflict}")
        if old.expires and old.expires < as_of.isoformat():
            notes.append(f"expired {old.expires}: lift or renew")
        entries.append(Entry(old.digits, "kept", None, None, old.expires, "; ".join(notes)))
    return sorted(entries, key=lambda e: (e.digits, e.status))
