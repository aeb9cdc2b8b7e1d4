"""CSV for the carrier's block request: one row per prefix with its evidence and dates."""

from __future__ import annotations

import csv
import io

from phonenumbers import region_codes_for_country_code

from ..plan import BlockPlan, country_code
from .base import ExportContext, Exporter

COLUMNS = ("prefix", "country_code", "regions", "status", "numbers_covered", "numbers_seen", "employees_reached_min",
           "first_seen", "last_seen", "review_by", "expires", "rules", "note")


class CarrierCsv(Exporter):
    name = "carrier-csv"
    filename = "blocklist.csv"
    summary = "CSV for a carrier block request, and --current for the next run (prefix, dates, evidence)"

    def render(self, plan: BlockPlan, context: ExportContext) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for entry in plan.active():
            code = country_code(entry.digits) or ""
            ev = entry.evidence or {}
            writer.writerow([entry.prefix, code, " ".join(region_codes_for_country_code(int(code))) if code else "",
                             entry.status, ev.get("numbers_covered", ""), ev.get("numbers_seen", ""),
                             (ev.get("employees_reached") or {}).get("at_least", ""), ev.get("first_seen") or "",
                             ev.get("last_seen") or "", entry.review_by or "", entry.expires or "",
                             " ".join(ev.get("rules", [])), entry.note])
        return out.getvalue()
