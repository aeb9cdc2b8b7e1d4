"""Helpdesk tickets in which employees report unwanted foreign contacts (a CSV export).

No ingest format reads helpdesk tickets yet (logsource `user_report`), so the manifest lists
this file under `pending_files`, not `files`.
"""

from __future__ import annotations

from ..clock import iso_z
from ..records import Report
from .base import Writer, csv_quote

HEADER = "ticket_id,opened_at,organization,reporter,channel,reported_number,category,summary\n"


class HelpdeskWriter(Writer):
    sink = "helpdesk"
    format = None
    path = "helpdesk/tickets.csv"
    logsource = "user_report"

    def start(self) -> None:
        self.raw(HEADER)

    def encode(self, r: Report) -> str:
        fields = (f"HD-{self.records + 1:06d}", iso_z(r.at), "Contact Centre Example", r.user, r.channel, r.number,
                  "contatto-indesiderato", r.summary)
        return ",".join(csv_quote(f) for f in fields) + "\n"
