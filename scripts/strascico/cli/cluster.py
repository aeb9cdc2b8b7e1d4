"""Cluster options shared by commands, and "use --es-url or start the local node"."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator

import click

from ..es.connection import ClusterSettings, cluster_errors
from ..es.cluster import LocalCluster
from ..es.node import LocalNode


def cluster_options(func: Callable) -> Callable:
    """--es-url / --ca-cert / --insecure; secrets only from ES_* env vars or *_FILE files."""
    func = click.option("--insecure", is_flag=True,
                        help="Do not verify TLS certificates (never the default).")(func)
    func = click.option("--ca-cert", type=click.Path(exists=True, dir_okay=False),
                        help="CA bundle for TLS verification [env: ES_CA_CERT].")(func)
    func = click.option("--es-url", help="Cluster URL [env: ES_URL]; auth from ES_API_KEY(_FILE) "
                        "or ES_USERNAME + ES_PASSWORD(_FILE). Default: the local node.")(func)
    return func


@contextmanager
def connect(es_url: str | None, ca_cert: str | None, insecure: bool,
            start_local: bool = True) -> Iterator[tuple[ClusterSettings, bool]]:
    """Settings for the cluster to use; starts (and later stops) a local node when none is given.

    A node already started by `strascico es up` is used and left running.
    """
    import os

    if es_url or os.environ.get("ES_URL"):
        settings = ClusterSettings.resolve(es_url, ca_cert, insecure)
        with cluster_errors(settings):
            yield settings, False
        return
    cluster = LocalCluster().status()
    if cluster is not None:  # started by `es up --nodes N`: any of its nodes may answer
        urls = ",".join(cluster.urls)
        click.echo(f"using the local cluster at {urls}", err=True)
        settings = ClusterSettings(urls)
        with cluster_errors(settings):
            yield settings, False
        return
    node = LocalNode()
    state = node.status()
    if state is not None and node.healthy(state):
        click.echo(f"using the local node at {state.url}", err=True)
        settings = ClusterSettings(state.url)
        with cluster_errors(settings):
            yield settings, False
        return
    if not start_local:
        raise click.UsageError("no cluster: pass --es-url, set ES_URL, or run `strascico es up`")
    click.echo("starting a local Elasticsearch node (first run fetches it once with Maven) ...", err=True)
    node = LocalNode(name=f"run-{os.getpid()}")
    try:
        state = node.up()
        click.echo(f"local node ready at {state.url}", err=True)
        settings = ClusterSettings(state.url)
        with cluster_errors(settings):
            yield settings, True
    finally:
        node.down()
