"""Secrets come from an environment variable or a file it names; never defaulted or printed."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import InputError


def secret_from_env(env: str, file_env: str) -> str | None:
    """$env, else the stripped content of the file named by $file_env, else None."""
    if value := os.environ.get(env):
        return value
    if path := os.environ.get(file_env):
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise InputError(f"cannot read {file_env}: {exc.strerror}", path) from None
    return None
