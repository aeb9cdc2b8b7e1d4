"""`strascico es up | status | down`: the throwaway local Elasticsearch node."""

from __future__ import annotations

import click

from ..errors import ExitCode
from ..es.distribution import DEFAULT_VERSION
from ..es.node import LocalNode
from .output import print_json


@click.group()
def es() -> None:
    """Run a throwaway single-node Elasticsearch on 127.0.0.1 for tests and demos.

    \b
    The official minimal distribution (org.elasticsearch.distribution.integ-test-zip) is
    fetched once through Maven into ~/.cache/strascico and run with an installed JDK
    (Java 17 for 8.x, 21+ for 9.x). Security is off: the node listens on loopback only.
    It has no ingest processors, painless, ES|QL or EQL.
    """


@es.command()
@click.option("--version", "version", default=DEFAULT_VERSION, show_default=True, help="Elasticsearch version.")
@click.option("--heap", default="512m", show_default=True, help="JVM heap (-Xms/-Xmx).")
@click.option("--json", "as_json", is_flag=True, help="Print the node's state as JSON.")
def up(version: str, heap: str, as_json: bool) -> int:
    """Start the node (or find it running) and print its URL."""
    state = LocalNode(version=version, heap=heap).up()
    if as_json:
        print_json(state.__dict__)
    else:
        click.echo(state.url)
        click.echo(f"Elasticsearch {state.version}, java {state.java_home}, home {state.home}", err=True)
    return ExitCode.OK


@es.command()
@click.option("--json", "as_json", is_flag=True, help="Print the node's state as JSON.")
def status(as_json: bool) -> int:
    """Say whether the node runs, where, and whether it answers. Exit 1 when it does not run."""
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


@es.command()
def down() -> int:
    """Stop the node and delete its data and logs."""
    was_running = LocalNode().down()
    click.echo("stopped" if was_running else "was not running", err=True)
    return ExitCode.OK
