"""Hostile-input-proof YAML loading for rule and case files.

`yaml.safe_load` already refuses `!!python/*` tags; on top of it we bound the file size and
the nesting depth (PyYAML composes nodes recursively, so a file nested a few thousand levels
deep would otherwise reach Python's recursion limit), refuse aliases (Sigma needs none; they are
how billion-laughs bombs expand) and duplicated keys (YAML silently keeps the last one), turn
values Python cannot build (`2025-13-45`, a 5,000-digit integer) into located problems, and
decode UTF-8 strictly, so every failure is one located message instead of a traceback or a hang.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 1024 * 1024  # the largest rule in SigmaHQ is ~60 KB
MAX_DEPTH = 64  # SigmaHQ's deepest rule nests ~8 levels; far below Python's recursion limit


class YamlProblem(Exception):
    """A YAML file that cannot be loaded; `line` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases, deep nesting and duplicated keys, and locates bad values."""

    _depth = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        event = self.peek_event()
        if self.check_event(yaml.AliasEvent):
            raise YamlProblem("YAML aliases are not allowed in rule files", event.start_mark.line + 1)
        if self._depth >= MAX_DEPTH:
            raise YamlProblem(f"nested deeper than {MAX_DEPTH} levels", event.start_mark.line + 1)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node, deep=False):  # type: ignore[no-untyped-def]
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError) as exc:  # e.g. date 2025-13-45, int past 4,300 digits
            raise YamlProblem(f"invalid value '{_short(node.value)}': {exc}", node.start_mark.line + 1) from None

    def construct_mapping(self, node, deep=False):  # type: ignore[no-untyped-def]
        seen: set = set()
        for key_node, _ in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is not None and key in seen:
                raise YamlProblem(f"duplicated key '{_short(key)}'", key_node.start_mark.line + 1)
            seen.add(key)
        return super().construct_mapping(node, deep)


def _short(value: object, limit: int = 40) -> str:
    text = value if isinstance(value, str) else type(value).__name__
    return text if len(text) <= limit else text[:limit] + "..."


def read_text(path: Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The file's text, refusing oversized files and invalid UTF-8 with a located message."""
    size = path.stat().st_size
    if size > max_bytes:
        raise YamlProblem(f"file is too large ({size / 1e6:.1f} MB > {max_bytes / 1e6:.1f} MB limit)")
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise YamlProblem(f"not valid UTF-8 (byte 0x{data[exc.start]:02x})", line) from None


def load_documents(text: str) -> list[Any]:
    """All YAML documents of `text` (Sigma allows several per file)."""
    try:
        return [doc for doc in yaml.load_all(text, Loader=_StrictLoader) if doc is not None]
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        reason = exc.problem or exc.context or "invalid YAML"
        raise YamlProblem(f"invalid YAML: {reason}", line) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"invalid YAML: {exc}") from None


def key_lines(text: str) -> dict[str, int]:
    """Line (1-based) of each top-level key of the first document, for locating findings."""
    lines: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw and not raw[0].isspace() and not raw.startswith("#") and ":" in raw:
            key = raw.split(":", 1)[0].strip()
            lines.setdefault(key, number)
        if raw.strip() == "---" and lines:
            break
    return lines
