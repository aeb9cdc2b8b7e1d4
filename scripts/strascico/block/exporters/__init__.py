"""Exports of a block plan in the formats real systems take; one module per product.

Adding a format is one class with `name`, `filename`, `summary` and `render(plan, context)`,
and one line here.
"""

from __future__ import annotations

from .asterisk import AsteriskAstdb, AsteriskDialplan
from .base import ExportContext, Exporter
from .carrier import CarrierCsv
from .freeswitch import FreeswitchDialplan
from .kamailio import KamailioDbtext, KamailioSql
from .strascico_blocklist import IngestBlocklist

EXPORTERS: dict[str, type[Exporter]] = {cls.name: cls for cls in (
    CarrierCsv, AsteriskAstdb, AsteriskDialplan, FreeswitchDialplan, KamailioSql, KamailioDbtext, IngestBlocklist)}

__all__ = ["EXPORTERS", "ExportContext", "Exporter"]
