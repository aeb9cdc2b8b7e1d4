"""Connecting to a cluster: settings from flags, env vars or files; errors as one line.

ES_URL / --es-url may name several nodes of one cluster, comma-separated.
Precedence: flag, then env var (ES_URL, ES_API_KEY, ES_API_KEY_FILE, ES_USERNAME,
ES_PASSWORD, ES_PASSWORD_FILE, ES_CA_CERT, ES_TIMEOUT), then default. Secrets come only from env vars
or files, are never defaulted and never printed (`describe()` masks them).
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

import elastic_transport
import elasticsearch
from elastic_transport import OrjsonSerializer
from elasticsearch import Elasticsearch

from ..errors import ConnectionProblem, InputError
from ..secrets import secret_from_env

JSON_MIMETYPES = ("application/json", "application/vnd.elasticsearch+json")


@dataclass
class ClusterSettings:
    """How to reach one Elasticsearch cluster."""

    url: str
    api_key: str | None = field(default=None, repr=False)
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    ca_cert: str | None = None
    verify_certs: bool = True
    timeout: float = 30.0

    @classmethod
    def resolve(cls, url: str | None = None, ca_cert: str | None = None, insecure: bool = False) -> "ClusterSettings":
        """Flags over env vars; raises InputError when no URL is given anywhere."""
        url = url or os.environ.get("ES_URL")
        if not url:
            raise InputError("no cluster URL: pass --es-url or set ES_URL")
        return cls(
            url=url.rstrip("/"),
            api_key=secret_from_env("ES_API_KEY", "ES_API_KEY_FILE"),
            username=os.environ.get("ES_USERNAME"),
            password=secret_from_env("ES_PASSWORD", "ES_PASSWORD_FILE"),
            ca_cert=ca_cert or os.environ.get("ES_CA_CERT"),
            verify_certs=not insecure,
            timeout=float(os.environ.get("ES_TIMEOUT") or 30.0),
        )

    def describe(self) -> str:
        """Safe to print: URL and which kind of auth, never the secret."""
        auth = "api key" if self.api_key else f"basic ({self.username})" if self.username else "no auth"
        return f"{self.url} [{auth}]"

    @property
    def urls(self) -> list[str]:
        """The nodes to talk to: `url` may list several, comma-separated (one cluster)."""
        return [u.strip().rstrip("/") for u in self.url.split(",") if u.strip()]

    def client(self) -> Elasticsearch:
        urls = self.urls
        # With several nodes, a request that cannot reach one (a node down) goes to the next;
        # statuses are not retried here (bulk.py retries 429/503 itself, counting them).
        kwargs: dict = {"request_timeout": self.timeout, "retry_on_timeout": False, "max_retries": len(urls) - 1,
                        "retry_on_status": (),
                        # orjson: a hunt reads millions of hits, and the json module's decoding
                        # took longer than Elasticsearch took to answer
                        "serializers": {mimetype: OrjsonSerializer() for mimetype in JSON_MIMETYPES}}
        if any(u.startswith("https") for u in urls):
            kwargs["verify_certs"] = self.verify_certs
            if self.ca_cert:
                kwargs["ca_certs"] = self.ca_cert
        if self.api_key:
            kwargs["api_key"] = self.api_key
        elif self.username:
            kwargs["basic_auth"] = (self.username, self.password or "")
        return Elasticsearch(urls, **kwargs)


@contextmanager
def cluster_errors(settings: ClusterSettings) -> Iterator[None]:
    """Turn client exceptions into one-line ConnectionProblems naming the cluster."""
    where = settings.url
    try:
        yield
    except elasticsearch.AuthenticationException:
        raise ConnectionProblem(f"{where}: authentication failed (401); check ES_API_KEY or ES_USERNAME/ES_PASSWORD") from None
    except elasticsearch.AuthorizationException as exc:
        raise ConnectionProblem(f"{where}: not allowed (403): {_reason(exc)}") from None
    except elastic_transport.TlsError as exc:
        raise ConnectionProblem(f"{where}: TLS error: {_short(exc)}; pass --ca-cert or set ES_CA_CERT") from None
    except elastic_transport.ConnectionTimeout:
        raise ConnectionProblem(f"{where}: timed out after {settings.timeout:.0f} s") from None
    except elastic_transport.ConnectionError as exc:
        raise ConnectionProblem(f"{where}: cannot connect ({_short(exc)}); is the node up?") from None
    except elasticsearch.UnsupportedProductError:
        raise ConnectionProblem(f"{where}: the server is not Elasticsearch") from None
    except elasticsearch.ApiError as exc:
        raise ConnectionProblem(f"{where}: {exc.meta.status} {_reason(exc)}") from None


def _reason(exc: elasticsearch.ApiError) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error")
    if isinstance(error, dict):
        root = (error.get("root_cause") or [error])[0]
        return f"{root.get('type', '')}: {root.get('reason', '')}".strip(": ")
    return str(error or exc.message)


def api_error_reason(exc: elasticsearch.ApiError) -> str:
    """The server's own reason for a failed request, one line."""
    return _reason(exc)


def _short(exc: Exception) -> str:
    return " ".join(str(exc).split())[:200]
