"""Kannel bearerbox access-log (default access-log-format) of the SMS gateway for staff mobiles.

The gateway's black list refuses numbers that employees reported: `REJECTED - black-listed SMS`.
"""

from __future__ import annotations

from ..clock import local_text
from ..records import Message
from .base import Writer


class KannelWriter(Writer):
    sink = "sms"
    format = "kannel-access"
    path = "kannel/access.log"
    logsource = "messaging"

    def encode(self, msg: Message) -> str:
        label = "REJECTED - black-listed SMS" if msg.blocked else "Receive SMS"
        text = " ".join(msg.text.split())  # the log is one line per message
        return (f"{local_text(msg.at)} {label} [SMSC:smsc-mobile] [SVC:] [ACT:] [BINF:] [FID:] [META:] "
                f"[from:{msg.sender}] [to:{msg.recipient}] [flags:-1:0:-1:0:-1] [msg:{len(text)}:{text}] [udh:0:]\n")
