"""Bulk indexing that never loses a document silently.

429/503 (whole request or per document) are retried with exponential backoff; every other
per-document failure is kept with Elasticsearch's reason. Callers compare `indexed` with
`sent` before trusting any query over the data.

A batch whose answer never came (the node died, or a master election outlasted the request
timeout) is sent again whole. Part of it may have been written the first time: with ids, those
documents now answer 409, and in a resent batch a 409 counts as indexed, not as a duplicate.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

import elasticsearch
import orjson
from elasticsearch import Elasticsearch

from .health import require_primaries

RETRYABLE = {429, 503}
BATCH_DOCS = 5000


@dataclass
class BulkFailure:
    """One document Elasticsearch refused, and why."""

    index: str
    position: int  # 0-based position in the stream the caller gave
    status: int
    reason: str


@dataclass
class BulkReport:
    """What happened to a stream of documents."""

    sent: int = 0
    indexed: int = 0
    duplicates: int = 0  # 409 on create with an id: the same event was indexed before
    retries: int = 0
    failures: list[BulkFailure] = field(default_factory=list)


Item = tuple[int, str, bytes, str | None]  # position, index, source, _id


def _batches(docs: Iterable[tuple[str, dict[str, Any]]], size: int, id_field: str | None) -> Iterator[list[Item]]:
    batch: list[Item] = []
    for position, (index, doc) in enumerate(docs):
        batch.append((position, index, orjson.dumps(doc), str(doc[id_field]) if id_field and id_field in doc else None))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _body(batch: list[Item]) -> bytes:
    lines = []
    for _, index, source, doc_id in batch:
        action = {"_index": index} if doc_id is None else {"_index": index, "_id": doc_id}
        lines.append(b'{"create":%s}' % orjson.dumps(action))
        lines.append(source)
    return b"\n".join(lines) + b"\n"


def _reason(item: dict[str, Any]) -> str:
    error = item.get("error") or {}
    if isinstance(error, dict):
        cause = error.get("caused_by", {})
        extra = f" ({cause.get('reason')})" if cause.get("reason") else ""
        return f"{error.get('type', 'error')}: {error.get('reason', '')}{extra}"
    return str(error)


def bulk_index(client: Elasticsearch, docs: Iterable[tuple[str, dict[str, Any]]], batch_size: int = BATCH_DOCS,
               max_retries: int = 6, refresh: bool = False, on_batch=None,  # type: ignore[no-untyped-def]
               id_field: str | None = None) -> BulkReport:
    """Index `(index, document)` pairs with `create` actions; see BulkReport.

    With `id_field`, that field is the document `_id`, so re-indexing the same event is a
    counted duplicate instead of a second copy.
    """
    report = BulkReport()
    for number, batch in enumerate(_batches(docs, batch_size, id_field)):
        if number == 0:  # before anything is sent: an unassigned primary would refuse part of it
            require_primaries(client, "*", "indexing", only={entry[1] for entry in batch})
        report.sent += len(batch)
        pending, resent = batch, False
        for attempt in range(max_retries + 1):
            retry, lost = _send(client, pending, report, resent)
            resent = resent or lost
            if not retry:
                break
            if attempt == max_retries:
                status, why = (0, "no answer from the cluster after retries") if lost else (429, "still rejected after retries")
                for position, index, _, _ in retry:
                    report.failures.append(BulkFailure(index, position, status, why))
                break
            report.retries += 1
            time.sleep(min(0.5 * 2**attempt, 30.0))
            pending = retry
        if on_batch is not None:
            on_batch(len(batch))
    if refresh:
        client.indices.refresh(index="_all")
    return report


def _send(client: Elasticsearch, batch: list[Item], report: BulkReport, resent: bool) -> tuple[list[Item], bool]:
    """Send one batch; returns the documents to retry, and whether the answer was lost."""
    try:
        response = client.bulk(body=_body(batch))
    except elasticsearch.ApiError as exc:
        if exc.meta.status in RETRYABLE:
            return batch, False
        raise
    except (elasticsearch.ConnectionError, elasticsearch.ConnectionTimeout):
        if any(doc_id is None for *_, doc_id in batch):
            raise  # without ids a resend could write a second copy: report, do not guess
        return batch, True
    retry = []
    for entry, item in zip(batch, response["items"]):
        position, index = entry[0], entry[1]
        result = item.get("create") or next(iter(item.values()))
        status = int(result.get("status", 500))
        if status < 300:
            report.indexed += 1
        elif status == 409 and entry[3] is not None:
            if resent:  # written by the attempt whose answer was lost
                report.indexed += 1
            else:
                report.duplicates += 1
        elif status in RETRYABLE:
            retry.append(entry)
        else:
            report.failures.append(BulkFailure(index, position, status, _reason(result)))
    return retry, False
