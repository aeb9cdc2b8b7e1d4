"""Twilio Message resources of the WhatsApp sender that fronts staff numbers: one JSON array."""

from __future__ import annotations

from datetime import datetime, timezone

import orjson

from ..records import Message
from .base import Writer

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
ACCOUNT = "AC" + "0" * 32  # a placeholder account, never a real one


def rfc2822(at: int) -> str:
    """Twilio's date layout in UTC, locale-independent."""
    d = datetime.fromtimestamp(at, timezone.utc)
    return f"{DAYS[d.weekday()]}, {d.day:02d} {MONTHS[d.month - 1]} {d.year} {d:%H:%M:%S} +0000"


class TwilioWriter(Writer):
    sink = "whatsapp"
    format = "twilio-messages-json"
    path = "twilio/messages.json"
    logsource = "messaging"

    def start(self) -> None:
        self.raw("[")

    def finish(self) -> None:
        self.raw("\n]\n")

    def encode(self, msg: Message) -> str:
        sid = "SM" + f"{self.rng.getrandbits(128):032x}"
        uri = f"/2010-04-01/Accounts/{ACCOUNT}/Messages/{sid}"
        when = rfc2822(msg.at)
        item = {
            "account_sid": ACCOUNT, "api_version": "2010-04-01", "body": msg.text, "date_created": when,
            "date_sent": when, "date_updated": when, "direction": "inbound", "error_code": None,
            "error_message": None, "from": f"whatsapp:{msg.sender}", "messaging_service_sid": None,
            "num_media": "0", "num_segments": "1", "price": None, "price_unit": "USD", "sid": sid,
            "status": "received", "subresource_uris": {"media": f"{uri}/Media.json"},
            "to": f"whatsapp:{msg.recipient}", "uri": f"{uri}.json",
        }
        return ("\n" if self.records == 0 else ",\n") + orjson.dumps(item, option=orjson.OPT_SORT_KEYS).decode()
