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
