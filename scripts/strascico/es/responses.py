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
        failures = [f for f in shards.get("failures") or [] if isinstance(f, dict)]
        reasons = sorted({_reason(f) for f in failures})
        where = sorted({f"{f['index']}[{f['shard']}]" for f in failures
                        if f.get("index") is not None and f.get("shard") is not None})
        named = f" ({', '.join(where)})" if where else ""
        raise IncompleteResults(f"{what}: {shards['failed']} of {shards.get('total', '?')} shards failed{named} — "
                                + "; ".join(reasons))
    return response


def _reason(failure: dict[str, Any]) -> str:
    """`type: reason` of one shard failure; a lost node answers with `reason: null` inside."""
    reason = failure.get("reason") if isinstance(failure.get("reason"), dict) else {}
    text = str(reason.get("reason") or reason.get("caused_by", {}).get("reason") or "no reason given")
    return f"{reason.get('type') or '?'}: {text[:200]}"
