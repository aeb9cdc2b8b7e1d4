"""Column mappings for harassment-report exports: which column (or JSON key) is what.

A mapping is a small YAML file (docs/reports.md); shipped ones live in `ingest/mappings/`
and are named by file stem (`--mapping microsoft-forms`). Each meaning lists the headers
it may have, in any of the languages the form was built in; headers compare case-, accent-
and punctuation-insensitively, and the first one present wins. A typo in a mapping is an
error, never a silently ignored key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..yamlsafe import YamlProblem, load_documents, read_text
from .report_values import fold

# meaning → what it becomes (docs/reports.md has the full table)
MEANINGS = ("reported_at", "received_at", "received_time", "id", "channel", "number", "reporter",
            "reporter_number", "department", "cohort", "text", "notes", "organization")
TOP_KEYS = {"mapping", "description", "columns", "constants", "channels", "required", "dayfirst", "timezone",
            "delimiter"}
CONSTANT_MEANINGS = ("organization", "department", "cohort", "channel")
CHANNELS = ("call", "sms", "whatsapp", "telegram", "email", "other")
SHIPPED = "mappings"


@dataclass(frozen=True)
class ReportMapping:
    """One export layout: meaning → candidate headers, constants, channel words, date order."""

    name: str
    columns: dict[str, tuple[str, ...]]
    description: str = ""
    constants: dict[str, str] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=dict)
    required: tuple[str, ...] = ("reported_at",)
    dayfirst: bool = True
    timezone: str | None = None
    delimiter: str | None = None

    @property
    def slug(self) -> str:
        """The name as an event.dataset suffix: lower case, letters, digits and dashes."""
        return "-".join(re.findall(r"[a-z0-9]+", self.name.lower())) or "custom"

    def resolve_header(self, header: list[str]) -> dict[str, int] | None:
        """meaning → column index for a CSV header; None when a required meaning has no column."""
        folded = [fold(h) for h in header]
        found: dict[str, int] = {}
        for meaning, candidates in self.columns.items():
            for candidate in candidates:
                if fold(candidate) in folded:
                    found[meaning] = folded.index(fold(candidate))
                    break
        return found if all(m in found for m in self.required) else None

    def missing(self, header: list[str]) -> list[str]:
        """Required meanings the header has no column for, with the headers they may have."""
        folded = {fold(h) for h in header}
        return [f"{m} ({' / '.join(self.columns.get(m, ()))})" for m in self.required
                if not any(fold(c) in folded for c in self.columns.get(m, ()))]


def lookup(item: Any, path: str) -> Any:
    """A value of a JSON object by dotted path; `custom_fields[360012]` picks the list element whose
    `id` is 360012 and gives its `value` (how Zendesk and Freshdesk export custom fields)."""
    value = item
    for part in path.split("."):
        key, _, selector = part.partition("[")
        if key:
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        if selector:
            wanted = selector.rstrip("]")
            if not isinstance(value, list):
                return None
            value = next((e.get("value") for e in value if isinstance(e, dict) and str(e.get("id")) == wanted), None)
    return value


def shipped_names() -> list[str]:
    """Names of the mappings shipped with strascico."""
    folder = resources.files(__package__).joinpath(SHIPPED)
    return sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".yml"))


def shipped_mappings() -> list[ReportMapping]:
    return [load_mapping(name) for name in shipped_names()]


def load_mapping(spec: str | Path, base: Path | None = None) -> ReportMapping:
    """A mapping from a file path (relative to `base` when given) or a shipped mapping's name."""
    path = Path(spec)
    if base is not None and not path.is_absolute():
        path = base / path
    if path.is_file():
        try:
            text = read_text(path, max_bytes=256 * 1024)
        except (OSError, YamlProblem) as exc:
            raise InputError(f"cannot read mapping: {exc}", path) from None
        return parse_mapping(text, str(path))
    if str(spec) in shipped_names():
        text = resources.files(__package__).joinpath(SHIPPED, f"{spec}.yml").read_text(encoding="utf-8")
        return parse_mapping(text, f"<shipped {spec}>")
    raise InputError(f"no mapping file or shipped mapping named {spec!r} (shipped: {', '.join(shipped_names())})")


def parse_mapping(text: str, where: str) -> ReportMapping:
    """Strictly parsed: unknown keys, unknown meanings and wrong types are errors with the file."""
    try:
        docs = load_documents(text)
    except YamlProblem as exc:
        raise InputError(exc.message, where, exc.line) from None
    if len(docs) != 1 or not isinstance(docs[0], dict):
        raise InputError("a mapping is one YAML mapping (see docs/reports.md)", where)
    data: dict[str, Any] = docs[0]
    unknown = set(data) - TOP_KEYS
    if unknown:
        raise InputError(f"unknown key(s) {', '.join(sorted(map(str, unknown)))} "
                         f"(known: {', '.join(sorted(TOP_KEYS))})", where)
    columns = _columns(data.get("columns"), where)
    constants = _strings(data.get("constants") or {}, "constants", where)
    for meaning in constants:
        if meaning not in CONSTANT_MEANINGS:
            raise InputError(f"constants: {meaning!r} cannot be a constant (allowed: {', '.join(CONSTANT_MEANINGS)})",
                             where)
    channels = _strings(data.get("channels") or {}, "channels", where)
    for word, channel in {**channels, **({"constant": constants["channel"]} if "channel" in constants else {})}.items():
        if channel not in CHANNELS:
            raise InputError(f"channel word {word!r} maps to {channel!r}, not one of {', '.join(CHANNELS)}", where)
    times = [m for m in ("reported_at", "received_at") if m in columns]
    if not times:
        raise InputError("columns must map reported_at or received_at (a report needs a time)", where)
    required = data.get("required", times[:1])
    if not isinstance(required, list) or any(r not in columns for r in required):
        raise InputError("required: a list of meanings that `columns` maps", where)
    delimiter = data.get("delimiter")
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
        raise InputError("delimiter: one character, e.g. ';' (default: guessed from the header)", where)
    if not isinstance(data.get("dayfirst", True), bool):
        raise InputError("dayfirst: true (31/01/2025) or false (01/31/2025)", where)
    return ReportMapping(name=str(data.get("mapping") or where), columns=columns,
                         description=str(data.get("description") or ""), constants=constants, channels=channels,
                         required=tuple(required), dayfirst=data.get("dayfirst", True),
                         timezone=data.get("timezone"), delimiter=delimiter)


def _columns(raw: Any, where: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict) or not raw:
        raise InputError("columns: a mapping from meaning to header (or list of headers)", where)
    out: dict[str, tuple[str, ...]] = {}
    for meaning, headers in raw.items():
        if meaning not in MEANINGS:
            raise InputError(f"columns: unknown meaning {meaning!r} (known: {', '.join(MEANINGS)})", where)
        names = [headers] if isinstance(headers, str) else headers
        if not isinstance(names, list) or not names or not all(isinstance(h, str) and h.strip() for h in names):
            raise InputError(f"columns.{meaning}: a header or a list of headers", where)
        out[meaning] = tuple(names)
    return out


def _strings(raw: Any, key: str, where: str) -> dict[str, str]:
    if not isinstance(raw, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in raw.items()):
        raise InputError(f"{key}: a mapping of text to text", where)
    return dict(raw)


def detect(header: list[str], mappings: list[ReportMapping]) -> ReportMapping:
    """The one shipped mapping that fits a header best (most columns resolved)."""
    fitting = [(len(r), m) for m in mappings if (r := m.resolve_header(header)) is not None]
    if not fitting:
        raise InputError(f"no shipped report mapping fits these columns ({', '.join(header[:12])}"
                         f"{', ...' if len(header) > 12 else ''}): pass --mapping FILE (docs/reports.md)")
    fitting.sort(key=lambda item: -item[0])
    if len(fitting) > 1 and fitting[0][0] == fitting[1][0]:
        raise InputError(f"the columns fit the mappings {fitting[0][1].name} and {fitting[1][1].name} equally: "
                         "choose one with --mapping")
    return fitting[0][1]
