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
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

import elasticsearch
import orjson
from elasticsearch import Elasticsearch

from .health import require_primaries

RETRYABLE = {429, 503}
BATCH_DOCS = 5000
# Of the answer, only what the loop below reads: parsing 5,000 full item results costs the
# ingest's one sending thread more than building the request does.
ANSWER_FIELDS = "errors,items.*.status,items.*.error"


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
Encoded = tuple[str, bytes, str | None]  # index, source already serialized, _id


def _encoded(docs: Iterable[tuple[str, dict[str, Any]]], id_field: str | None) -> Iterator[Encoded]:
    for index, doc in docs:
        yield index, orjson.dumps(doc), str(doc[id_field]) if id_field and id_field in doc else None


def _batches(docs: Iterable[Encoded], size: int) -> Iterator[list[Item]]:
    batch: list[Item] = []
    for position, (index, source, doc_id) in enumerate(docs):
        batch.append((position, index, source, doc_id))
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
    return bulk_index_encoded(client, _encoded(docs, id_field), batch_size, max_retries, refresh, on_batch)


def bulk_index_encoded(client: Elasticsearch, docs: Iterable[Encoded], batch_size: int = BATCH_DOCS,
                       max_retries: int = 6, refresh: bool = False,
                       on_batch=None) -> BulkReport:  # type: ignore[no-untyped-def]
    """bulk_index for `(index, source bytes, _id or None)` serialized elsewhere (ingest workers).

    One batch is in flight while the next is gathered and encoded here, so the cluster is not
    left idle between requests; batches still complete in order, one at a time.
    """
    report = BulkReport()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="bulk") as sender:  # started at the first send
        in_flight: Future | None = None
        for number, batch in enumerate(_batches(docs, batch_size)):
            if number == 0:  # before anything is sent: an unassigned primary would refuse part of it
                require_primaries(client, "*", "indexing", only={entry[1] for entry in batch})
            body = _body(batch)
            if in_flight is not None:
                in_flight.result()  # the previous batch's error stops the stream here
            report.sent += len(batch)
            in_flight = sender.submit(_deliver, client, batch, body, report, max_retries, on_batch)
        if in_flight is not None:
            in_flight.result()
    if refresh:
        client.indices.refresh(index="_all")
    return report


def _deliver(client: Elasticsearch, batch: list[Item], body: bytes, report: BulkReport, max_retries: int,
             on_batch) -> None:  # type: ignore[no-untyped-def]
    """One batch until every document is indexed, a duplicate or a failure in `report`."""
    pending, resent = batch, False
    for attempt in range(max_retries + 1):
        retry, lost = _send(client, pending, report, resent, body if pending is batch else None)
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


def _send(client: Elasticsearch, batch: list[Item], report: BulkReport, resent: bool,
          body: bytes | None = None) -> tuple[list[Item], bool]:
    """Send one batch (`body`: its request, when already encoded); returns the documents to
    retry, and whether the answer was lost."""
    try:
        response = client.bulk(body=body or _body(batch), filter_path=ANSWER_FIELDS)
    except elasticsearch.ApiError as exc:
        if exc.meta.status in RETRYABLE:
            return batch, False
        raise
    except (elasticsearch.ConnectionError, elasticsearch.ConnectionTimeout):
        if any(doc_id is None for *_, doc_id in batch):
            raise  # without ids a resend could write a second copy: report, do not guess
        return batch, True
    if response.get("errors") is False:  # every item created: nothing to read item by item
        report.indexed += len(batch)
        return [], False
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
