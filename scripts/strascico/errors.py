"""Exit codes and the error classes that carry a location (`path:line`)."""

from __future__ import annotations

import enum
from pathlib import Path


class ExitCode(enum.IntEnum):
    """Process exit codes of every `strascico` command (documented in the README)."""

    OK = 0
    FINDINGS = 1  # the command ran and found problems: check findings, failing test cases
    ERROR = 2  # usage, I/O, connection, authentication or server errors
    INTERRUPTED = 130


class StrascicoError(Exception):
    """Root of the errors the CLI turns into one `error: ...` line and exit code 2."""

    exit_code = ExitCode.ERROR

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.message}"


class InputError(StrascicoError):
    """A file the user gave cannot be read or parsed."""


class ConnectionProblem(StrascicoError):
    """Elasticsearch (or Kibana) is down, unreachable, refuses us, or times out."""


class NodeError(StrascicoError):
    """The local Elasticsearch node cannot be installed, started or stopped."""
