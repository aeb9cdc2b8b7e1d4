"""The exposed-cohort watchlist: keyed hashes (HMAC-SHA256) of leaked phone numbers, never numbers.

The key comes from STRASCICO_WATCHLIST_KEY or a key file; it is never written anywhere. A
watchlist file names a key id (a hash of the key) so a wrong key is caught instead of silently
matching nothing.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError

HEADER = "# strascico watchlist v1 hmac-sha256"
KEY_ENV = "STRASCICO_WATCHLIST_KEY"


def load_key(key_file: Path | None = None) -> bytes:
    """The HMAC key from --key-file, else STRASCICO_WATCHLIST_KEY; never defaulted."""
    if key_file is not None:
        try:
            key = key_file.read_bytes().strip()
        except OSError as exc:
            raise InputError(f"cannot read key file: {exc.strerror}", key_file) from None
    else:
        key = os.environ.get(KEY_ENV, "").encode()
    if len(key) < 16:
        raise InputError(f"a watchlist key of at least 16 bytes is needed: set {KEY_ENV} or pass --key-file")
    return key


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"strascico-key-id\x00" + key).hexdigest()[:12]


def number_hash(key: bytes, e164: str) -> str:
    """Keyed hash of one E.164 number."""
    return hmac.new(key, e164.encode(), hashlib.sha256).hexdigest()


@dataclass
class Watchlist:
    """A set of keyed hashes and the key to test numbers against it."""

    key: bytes = field(repr=False)
    hashes: set[str] = field(default_factory=set, repr=False)

    def contains(self, e164: str) -> bool:
        return number_hash(self.key, e164) in self.hashes

    def save(self, path: Path) -> None:
        lines = [f"{HEADER} key-id={key_id(self.key)}", *sorted(self.hashes)]
        path.write_text("\n".join(lines) + "\n", encoding="ascii")

    @classmethod
    def load(cls, path: Path, key: bytes) -> "Watchlist":
        lines = read_hashed_file(path, key, HEADER, "watchlist")
        return cls(key, {line.strip() for line in lines[1:] if line.strip()})


def read_hashed_file(path: Path, key: bytes, header: str, what: str) -> list[str]:
    """Lines of a file of keyed hashes, refusing a missing header or a different key."""
    try:
        lines = path.read_text(encoding="ascii").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {what}: {exc}", path) from None
    if not lines or not lines[0].startswith(header):
        raise InputError(f"not a strascico {what} file (missing header)", path, 1)
    if f"key-id={key_id(key)}" not in lines[0]:
        raise InputError(f"{what} was built with a different key", path, 1)
    return lines


@dataclass
class BuildResult:
    """What `watchlist build` read: hashes, and rows it could not use (counted, no numbers kept)."""

    watchlist: Watchlist
    rows: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line, reason) — never the number


def build_watchlist(text: str, key: bytes, normalize, column: str | None = None) -> BuildResult:  # type: ignore[no-untyped-def]
    """Hash every phone number of a CSV (column by name, else the first whose header says phone/tel)."""
    reader = csv.DictReader(io.StringIO(text))
    headers = reader.fieldnames or []
    chosen = column or next((h for h in headers if any(w in h.lower() for w in ("phone", "tel", "cell", "mobile",
                                                                                     "numero", "cellulare"))), None)
    if chosen is None or chosen not in headers:
        raise InputError(f"no phone column (headers: {', '.join(headers)}); pass --column")
    result = BuildResult(Watchlist(key))
    for row in reader:
        result.rows += 1
        raw = (row.get(chosen) or "").strip()
        info = normalize(raw) if raw else None
        if info is None:
            result.rejected.append((reader.line_num, "empty" if not raw else "not a valid phone number"))
            continue
        result.watchlist.hashes.add(number_hash(key, info.e164))
    return result
