"""The company's "Segnala un contatto indesiderato" form: a Microsoft Forms response export in
Italian (Excel saved as CSV: UTF-8 with BOM, semicolons, CRLF, day-first local times).

Ingested with `strascico ingest -f report-csv --mapping microsoft-forms`. The export carries
the respondent's name and e-mail and their own contacted number, as real ones do; ingest keeps
only keyed hashes of the e-mail and the number and drops the name.
"""

from __future__ import annotations

from datetime import datetime

from ..clock import ZONE
from ..records import Report
from .base import Writer

HEADER = ("ID", "Ora di inizio", "Ora di completamento", "Posta elettronica", "Nome", "Quando è stato contattato?",
          "A che ora?", "Come è stato contattato?", "Quale numero l'ha contattata?",
          "Quale suo numero è stato contattato?", "Reparto", "Testo del messaggio (copia e incolla)")
CHANNELS = {"call": "Chiamata", "sms": "SMS", "whatsapp": "WhatsApp"}


def _local(at: int) -> datetime:
    return datetime.fromtimestamp(at, ZONE)


def _cell(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if any(c in value for c in ';"\n') else value


class FormsWriter(Writer):
    sink = "forms"
    format = "report-csv"
    mapping = "microsoft-forms"
    path = "forms/segnalazioni.csv"
    logsource = "user_report"

    def start(self) -> None:
        self.raw("\ufeff" + ";".join(_cell(h) for h in HEADER) + "\r\n")

    def encode(self, r: Report) -> str:
        started = r.filed - self.rng.randint(40, 300)
        contact = _local(r.at)
        mobile = r.mobile[3:] if r.mobile.startswith("+39") else r.mobile
        fields = (str(self.records + 1), f"{_local(started):%d/%m/%Y %H:%M:%S}", f"{_local(r.filed):%d/%m/%Y %H:%M:%S}",
                  r.reporter, r.name, f"{contact:%d/%m/%Y}", f"{contact:%H:%M}", CHANNELS[r.channel], r.number,
                  f"{mobile[:3]} {mobile[3:]}", r.department, r.text)
        return ";".join(_cell(f) for f in fields) + "\r\n"
