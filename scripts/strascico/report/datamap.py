"""The data map (`--data-map FILE`): which table, index or endpoint holds which personal data.

    tables:
      candidati: [identity, contact, tax code, education]
      concorso_2022.*: [identity, contact]
    endpoints:
      /admin/candidati/export*: [identity, contact, tax code]
    subjects_per_record: 1     # rows → data subjects, for the estimate (default 1)

Keys are glob patterns matched case-insensitively against table names (with or without
schema) and URL paths.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path


from ..errors import InputError
from ..yamlsafe import YamlProblem, load_documents, read_text


@dataclass
class DataMap:
    """Patterns → personal-data categories."""

    tables: dict[str, list[str]] = field(default_factory=dict)
    endpoints: dict[str, list[str]] = field(default_factory=dict)
    subjects_per_record: float = 1.0

    def categories(self, kind: str, name: str) -> list[str]:
        patterns = self.tables if kind == "table" else self.endpoints
        found: list[str] = []
        for pattern, categories in patterns.items():
            candidates = {name.lower(), name.lower().split(".")[-1]}
            if any(fnmatch(c, pattern.lower()) for c in candidates):
                found += [c for c in categories if c not in found]
        return found


def load_data_map(path: Path | None) -> DataMap:
    if path is None:
        return DataMap()
    try:
        documents = load_documents(read_text(path))
    except (YamlProblem, OSError) as exc:
        raise InputError(f"cannot read data map: {exc}", path) from None
    raw = documents[0] if documents else {}
    if not isinstance(raw, dict) or set(raw) - {"tables", "endpoints", "subjects_per_record"}:
        raise InputError("data map: expected keys tables, endpoints, subjects_per_record", path)
    try:
        return DataMap({str(k): list(v) for k, v in (raw.get("tables") or {}).items()},
                       {str(k): list(v) for k, v in (raw.get("endpoints") or {}).items()},
                       float(raw.get("subjects_per_record", 1)))
    except (TypeError, ValueError) as exc:
        raise InputError(f"data map: {exc}", path) from None


__all__ = ["DataMap", "load_data_map"]
