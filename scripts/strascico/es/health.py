"""Refusing to start on a cluster that has lost data: a primary shard that is not assigned
means some events cannot be read (a hunt would answer for the rest) or written."""

from __future__ import annotations

from typing import Iterable

import elasticsearch
from elasticsearch import Elasticsearch

from ..errors import StrascicoError

SHOWN = 6  # unassigned primaries named in the line; the rest are counted


class ClusterNotReady(StrascicoError):
    """Primary shards of the indices a command needs are unassigned (the cluster is red)."""


def unassigned_primaries(client: Elasticsearch, pattern: str = "*") -> list[str]:
    """`index[shard]` of every primary of `pattern` that is not started, sorted."""
    rows = client.cat.shards(index=pattern, format="json", h="index,shard,prirep,state")
    return sorted(f"{r['index']}[{r['shard']}]" for r in rows
                  if r.get("prirep") == "p" and r.get("state") not in ("STARTED", "RELOCATING"))


def require_primaries(client: Elasticsearch, pattern: str, work: str,
                      only: Iterable[str] | None = None) -> None:
    """Raise ClusterNotReady before `work` starts when a primary of `pattern` (or of the
    indices `only`) is unassigned. Health is one cheap request; shards are listed only when
    it is red. A key without the monitor privilege cannot tell: the work then goes ahead and
    per-shard checks (responses.complete, bulk failures) still refuse partial results."""
    try:
        status = client.cluster.health(index=pattern, filter_path="status").get("status")
        if status != "red":
            return
        missing = unassigned_primaries(client, pattern)
    except (elasticsearch.AuthorizationException, elasticsearch.AuthenticationException):
        return
    if only is not None:
        wanted = set(only)
        missing = [m for m in missing if m.rsplit("[", 1)[0] in wanted]
    if not missing:
        return
    named = ", ".join(missing[:SHOWN]) + (f" and {len(missing) - SHOWN} more" if len(missing) > SHOWN else "")
    raise ClusterNotReady(f"cluster red: {len(missing)} primary shard{'s' if len(missing) != 1 else ''} "
                          f"unassigned ({named}); {work} not started. Bring the missing node back, "
                          "or see GET _cluster/allocation/explain")
