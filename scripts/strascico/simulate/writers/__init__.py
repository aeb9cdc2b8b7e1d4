"""Vendor-format writers, one module per format; the registry maps a record's sink to one.

Each writer streams lines to its file as records arrive and counts them; ids a product would
invent (uniqueids, uuids, sids) come from a seeded stream so output stays reproducible.
"""

from __future__ import annotations

from pathlib import Path

from .asterisk import AsteriskWriter
from .base import Writer
from .ecs import EcsAuthWriter, EcsDatabaseWriter, EcsProcessWriter
from .forms import FormsWriter
from .freeswitch import FreeswitchWriter
from .helpdesk import HelpdeskWriter
from .kannel import KannelWriter
from .mariadb import MariadbWriter
from .nginx import NginxWriter
from .twilio import TwilioWriter

WRITERS: tuple[type[Writer], ...] = (AsteriskWriter, FreeswitchWriter, KannelWriter, TwilioWriter, MariadbWriter,
                                     NginxWriter, EcsProcessWriter, EcsAuthWriter, EcsDatabaseWriter,
                                     HelpdeskWriter, FormsWriter)


def open_writers(root: Path, seed: int) -> dict[str, Writer]:
    """sink → open writer, for every format the scenario writes."""
    return {cls.sink: cls(root, seed) for cls in WRITERS}


__all__ = ["WRITERS", "Writer", "open_writers"]
