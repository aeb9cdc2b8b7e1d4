"""`strascico es up | status | down`: the throwaway local Elasticsearch node or cluster."""

from __future__ import annotations

import click

from ..errors import ExitCode, NodeError
from ..es.cluster import LocalCluster
from ..es.distribution import DEFAULT_VERSION
from ..es.node import LocalNode
from .output import print_json


@click.group()
def es() -> None:
    """Run a throwaway Elasticsearch on 127.0.0.1 (one node, or a cluster) for tests and demos.

    \b
    The official minimal distribution (org.elasticsearch.distribution.integ-test-zip) is
    fetched once through Maven into ~/.cache/strascico and run with an installed JDK
    (Java 17 for 8.x, 21+ for 9.x). Security is off: the nodes listen on loopback only.
    It has no ingest processors, painless, ES|QL or EQL.

    \b
    With --nodes N (N > 1), N nodes form one cluster (own ports, data and log folders);
    every strascico index then gets min(N, 3) primary shards and one replica, so a node
    can be lost without losing data. Commands find the local node or cluster by themselves.
    """


@es.command()
@click.option("--nodes", default=1, show_default=True, type=click.IntRange(min=1, max=9),
              help="Nodes forming the cluster (each with its own heap).")
@click.option("--version", "version", default=DEFAULT_VERSION, show_default=True, help="Elasticsearch version.")
@click.option("--heap", default="512m", show_default=True, help="JVM heap of each node (-Xms/-Xmx).")
@click.option("--json", "as_json", is_flag=True, help="Print the node's (or cluster's) state as JSON.")
def up(nodes: int, version: str, heap: str, as_json: bool) -> int:
    """Start the node or cluster (or find it running) and print its URL(s), comma-separated.

    \b
    Example:
      strascico es up --nodes 3          # prints http://127.0.0.1:A,http://127.0.0.1:B,...
      strascico ingest -f asterisk-cdr-csv Master.csv      # uses it (any node may fail)
    """
    if nodes == 1:
        if LocalCluster().status() is not None:
            raise NodeError("a local cluster is running; stop it first (strascico es down)")
        state = LocalNode(version=version, heap=heap).up()
        if as_json:
            print_json(state.__dict__)
        else:
            click.echo(state.url)
            click.echo(f"Elasticsearch {state.version}, java {state.java_home}, home {state.home}", err=True)
        return ExitCode.OK
    cluster_state = LocalCluster(nodes=nodes, version=version, heap=heap).up()
    if as_json:
        print_json({"nodes": [m.__dict__ for m in cluster_state.members], "version": cluster_state.version,
                    "home": cluster_state.home, "java_home": cluster_state.java_home})
    else:
        click.echo(",".join(cluster_state.urls))
        click.echo(f"{nodes} nodes of Elasticsearch {cluster_state.version}, java {cluster_state.java_home}, "
                   f"home {cluster_state.home}", err=True)
    return ExitCode.OK


@es.command()
@click.option("--json", "as_json", is_flag=True, help="Print the state as JSON.")
def status(as_json: bool) -> int:
    """Say whether the node or cluster runs, where, and whether each node answers.

    Exit 1 when nothing runs or any node does not answer or does not see the others.
    """
    cluster = LocalCluster()
    cluster_state = cluster.status()
    if cluster_state is not None:
        return _cluster_status(cluster, cluster_state, as_json)
    node = LocalNode()
    state = node.status()
    healthy = state is not None and node.healthy(state)
    if as_json:
        print_json({"running": state is not None, "healthy": healthy, **(state.__dict__ if state else {})})
    elif state is None:
        click.echo("not running")
    else:
        click.echo(f"{state.url} pid {state.pid} Elasticsearch {state.version} "
                   f"{'healthy' if healthy else 'NOT answering'}")
    return ExitCode.OK if healthy else ExitCode.FINDINGS


def _cluster_status(cluster: LocalCluster, state, as_json: bool) -> int:  # type: ignore[no-untyped-def]
    rows = []
    for member in state.members:
        health = cluster.member_health(member) or {}
        rows.append({**member.__dict__, "answering": bool(health), "status": health.get("status"),
                     "sees_nodes": health.get("number_of_nodes")})
    healthy = all(r["answering"] and r["sees_nodes"] == len(rows) and r["status"] != "red" for r in rows)
    if as_json:
        print_json({"running": True, "healthy": healthy, "version": state.version, "nodes": rows})
    else:
        for r in rows:
            view = f"{r['status']}, sees {r['sees_nodes']} of {len(rows)} nodes" if r["answering"] else "NOT answering"
            click.echo(f"{r['name']} {r['url']} pid {r['pid']} Elasticsearch {state.version}: {view}")
    return ExitCode.OK if healthy else ExitCode.FINDINGS


@es.command()
def down() -> int:
    """Stop the node or every node of the cluster, and delete their data and logs."""
    was_running = LocalCluster().down() | LocalNode().down()
    click.echo("stopped" if was_running else "was not running", err=True)
    return ExitCode.OK
