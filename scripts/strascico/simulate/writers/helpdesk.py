"""Helpdesk tickets in which employees report unwanted contacts (the helpdesk's CSV export).

Ingested with `strascico ingest -f report-csv --mapping helpdesk-tickets` (the manifest names
the mapping); `opened_at` is the event's time, the reporter is their e-mail.
"""

from __future__ import annotations

from ..clock import iso_z
from ..records import Report
from .base import Writer, csv_quote

HEADER = "ticket_id,opened_at,organization,reporter,department,channel,reported_number,category,summary\n"
CHANNELS = {"call": "voice", "sms": "sms", "whatsapp": "whatsapp"}
ORGANIZATION = "Contact Centre Example"


class HelpdeskWriter(Writer):
    sink = "helpdesk"
    format = "report-csv"
    mapping = "helpdesk-tickets"
    path = "helpdesk/tickets.csv"
    logsource = "user_report"

    def start(self) -> None:
        self.raw(HEADER)

    def encode(self, r: Report) -> str:
        fields = (f"HD-{self.records + 1:06d}", iso_z(r.at), ORGANIZATION, r.reporter, r.department,
                  CHANNELS[r.channel], r.number, "contatto-indesiderato", r.text)
        return ",".join(csv_quote(f) for f in fields) + "\n"
