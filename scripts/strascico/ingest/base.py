"""The contract every ingest format implements (one module per format under formats/)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import BinaryIO, ClassVar, Iterator

from .context import IngestContext
from .model import Event, Reject, Skip


class Format(ABC):
    """Parses one product's export into normalized events.

    `records` gets the raw byte stream and the source's name, and yields an Event per record,
    a Reject (with the record's line and the reason) for a record it cannot normalize, or a
    Skip for a well-formed line that is not a record of interest — never raises for bad
    content and never drops a line silently. It must stream: memory may not grow with the file.
    """

    name: ClassVar[str]  # registry key, e.g. "asterisk-cdr-csv"
    category: ClassVar[str]  # default logsource of its events
    description: ClassVar[str]  # one line for --help
    dataset: ClassVar[str]  # event.dataset, e.g. "telephony.cdr"

    def __init__(self, ctx: IngestContext):
        self.ctx = ctx

    @abstractmethod
    def records(self, stream: BinaryIO, source: str) -> Iterator[Event | Reject | Skip]:
        """Events and rejects, in file order."""

    # ingest --jobs may cut a file at a line break where split_point says yes; it is shown the
    # split_context lines before the break. None: this format's files are never cut.
    split_context: ClassVar[int | None] = None

    @classmethod
    def split_point(cls, lines: list[bytes]) -> bool:
        """True when a fresh reader started after `lines` reads what the running reader would read
        on. `lines` are the split_context lines before the break, fewer only right after the start
        of the file or of an earlier cut (where the reader was fresh anyway)."""
        return True


class LineFormat(Format):
    """A format whose every record is one line, read with no state carried between lines."""

    split_context = 0
