"""Refusing partial answers: a shard that failed (a circuit breaker, a lost node) or a search
that timed out must not silently become 'no events found' in a hunt or a test."""

from __future__ import annotations

from typing import Any

from ..errors import StrascicoError

SHARDS_FILTER = "timed_out,_shards.total,_shards.failed,_shards.failures"  # add to any filter_path


class IncompleteResults(StrascicoError):
    """Elasticsearch answered for only some shards."""


def complete(response: Any, what: str) -> Any:
    """`response` when every shard answered in time; else IncompleteResults naming `what` and why."""
    if response.get("timed_out"):  # a search timeout (e.g. search.default_search_timeout) cut it short
        raise IncompleteResults(f"{what}: the search timed out and returned partial results")
    shards = response.get("_shards") or {}
    if shards.get("failed"):
        reasons = sorted({f"{f.get('reason', {}).get('type', '?')}: {f.get('reason', {}).get('reason', '')[:200]}"
                          for f in shards.get("failures", [])})
        raise IncompleteResults(f"{what}: {shards['failed']} of {shards.get('total', '?')} shards failed — "
                                + "; ".join(reasons))
    return response
