"""`strascico ingest`: vendor exports → normalized taxonomy events (NDJSON or Elasticsearch)."""

from .context import IngestContext
from .formats import FORMATS, format_class
from .model import Event, IngestStats, Reject, Skip

__all__ = ["FORMATS", "Event", "IngestContext", "IngestStats", "Reject", "Skip", "format_class"]
