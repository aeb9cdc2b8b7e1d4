"""Before any rule is deleted: Kibana's own export of those rules, kept as a timestamped NDJSON.

The file is exactly what `POST /api/detection_engine/rules/_export` returned, so Kibana's
import (`POST /api/detection_engine/rules/_import`, or Rules → Import in the UI) restores it.
It is checked to hold every rule about to be deleted before anything is deleted.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from ..errors import StrascicoError
from .kibana_api import KibanaClient


class BackupError(StrascicoError):
    """The export did not produce a complete backup, so nothing is deleted."""


def exported_rule_ids(ndjson: bytes) -> set[str]:
    """rule_ids of the rule lines of an export (exception lists and the summary line have none)."""
    found = set()
    for line in ndjson.decode("utf-8").splitlines():
        if line.strip():
            obj = json.loads(line)
            if "rule_id" in obj and "exported_count" not in obj:
                found.add(obj["rule_id"])
    return found


def backup_rules(client: KibanaClient, rule_ids: list[str], folder: Path, now: datetime) -> Path:
    """Export rules to `<folder>/kibana-<space>-<UTC time>.ndjson`; BackupError if any is absent."""
    ndjson = client.export(rule_ids)
    try:
        missing = sorted(set(rule_ids) - exported_rule_ids(ndjson))
    except ValueError as exc:
        raise BackupError(f"Kibana's export is not NDJSON ({exc}); nothing deleted") from None
    if missing:
        raise BackupError(
            f"Kibana's export lacks {len(missing)} of {len(rule_ids)} rules "
            f"(first: {missing[0]}); nothing deleted"
        )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"kibana-{client.settings.space}-{now:%Y%m%dT%H%M%S%fZ}.ndjson"
    with path.open("xb") as out:  # never overwrite an earlier backup
        out.write(ndjson)
    return path
