"""nginx `combined` access log of the recruitment portal (portale.example.org)."""

from __future__ import annotations

from datetime import datetime

from ..clock import ZONE
from ..records import WebRequest
from .base import Writer

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")  # locale-independent


class NginxWriter(Writer):
    sink = "web"
    format = "nginx-combined"
    path = "nginx/access.log"
    logsource = "webserver"

    def encode(self, r: WebRequest) -> str:
        d = datetime.fromtimestamp(r.at, ZONE)
        when = f"{d.day:02d}/{MONTHS[d.month - 1]}/{d.year}:{d:%H:%M:%S %z}"
        return (f'{r.ip} - {r.user} [{when}] "{r.method} {r.path} HTTP/1.1" {r.status} {r.size} '
                f'"{r.referer}" "{r.agent}"\n')
