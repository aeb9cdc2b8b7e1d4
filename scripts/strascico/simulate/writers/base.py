"""The writer contract: one vendor file, one line (or JSON item) per record, counted."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, BinaryIO, ClassVar

from ..rng import derive

BUFFER = 1 << 20  # large buffered writes: millions of short lines


class Writer(ABC):
    """Streams records of one sink to `root/path` in the product's own layout."""

    sink: ClassVar[str]  # records whose .sink is this go here
    format: ClassVar[str | None]  # the `strascico ingest -f` format that reads the file (None: no parser yet)
    mapping: ClassVar[str | None] = None  # shipped column mapping the format needs (report formats)
    path: ClassVar[str]  # relative to the output directory
    logsource: ClassVar[str]  # taxonomy logsource of the events the file holds

    def __init__(self, root: Path, seed: int):
        self.file = root / self.path
        self.file.parent.mkdir(parents=True, exist_ok=True)
        self._handle: BinaryIO = open(self.file, "wb", buffering=BUFFER)  # noqa: SIM115 - closed in close()
        self.rng = derive(seed, "writer", self.sink)
        self.records = 0
        self.start()

    def start(self) -> None:
        """Header, if the layout has one."""

    def finish(self) -> None:
        """Trailer, if the layout has one."""

    @abstractmethod
    def encode(self, record: Any) -> str:
        """The record in the product's layout, with its line break."""

    def write(self, record: Any) -> None:
        self._handle.write(self.encode(record).encode("utf-8"))
        self.records += 1

    def raw(self, text: str) -> None:
        self._handle.write(text.encode("utf-8"))

    def close(self) -> None:
        self.finish()
        self._handle.close()


def csv_quote(value: object) -> str:
    """A double-quoted CSV field (quotes doubled), as Asterisk and FreeSWITCH write them."""
    return '"' + str(value).replace('"', '""') + '"'
