"""Past one node: a real 3-node cluster started by our code (`es up --nodes 3`), the same hunt
answers as on one node, and nodes killed at known points of an ingest and of a hunt.

One cluster for the module, nodes of 512 MB heap, a tiny simulation.
A killed node is started again by the test that killed it, also when the test fails.
"""

from __future__ import annotations

import json
import os
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from elasticsearch import Elasticsearch

from strascico.demo.pipeline import ingest_manifest
from strascico.deploy.templates import apply_templates, plan_templates
from strascico.es.bulk import bulk_index
from strascico.es.connection import ClusterSettings
from strascico.es.health import ClusterNotReady
from strascico.hunt import Hunter, HuntResult
from strascico.pack import load_pack
from strascico.replay.runner import ScratchPrefix
from strascico.simulate import SimulationOptions, simulate

from .conftest import IN_CI, RULES, run_cli
from .loopback import RelayHandler
from .test_hunt import wangiri

PREFIX = "strascico-clustertest"


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    from strascico.errors import NodeError
    from strascico.es.cluster import LocalCluster

    local = LocalCluster(name=f"pytest-cluster-{os.getpid()}", nodes=3, heap="512m")
    try:
        local.up()
    except NodeError as exc:
        local.down()
        if IN_CI:
            pytest.fail(f"the local 3-node cluster must start in CI: {exc}")
        pytest.skip(f"no local Elasticsearch cluster: {exc}")
    try:
        yield local
    finally:
        local.down()


@pytest.fixture(scope="module")
def cluster_client(cluster) -> Elasticsearch:  # type: ignore[no-untyped-def]
    return ClusterSettings(",".join(cluster.recorded().urls)).client()


@pytest.fixture(scope="module")
def simulation(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    sim = tmp_path_factory.mktemp("sim")
    simulate(SimulationOptions(seed=5, size="tiny"), sim)
    return sim, json.loads((sim / "ground-truth.json").read_text())["period"]


def _hunt(client: Elasticsearch, period: dict[str, Any], prefix: str = PREFIX) -> HuntResult:
    return Hunter(client, load_pack([RULES]), prefix).run(period["start"], period["end"])


@pytest.fixture(scope="module")
def hunted_on_both(es_client: Elasticsearch, cluster_client: Elasticsearch, simulation):  # type: ignore[no-untyped-def]
    """The same simulation ingested and hunted on the session's single node and on the cluster."""
    sim, period = simulation
    key = b"k" * 32  # one watchlist key for both, so the hashed cohort is the same
    results = []
    for client in (es_client, cluster_client):
        ScratchPrefix(client, PREFIX).remove()
        reports, _ = ingest_manifest(client, sim, PREFIX, watchlist_key=key)
        assert all(r.refused == 0 for r in reports)
        results.append((sum(r.indexed for r in reports), _hunt(client, period)))
    yield results
    for client in (es_client, cluster_client):
        ScratchPrefix(client, PREFIX).remove()


def _alerts(result: HuntResult) -> list[dict[str, Any]]:
    return [json.loads(json.dumps(a.to_dict(), sort_keys=True)) for a in result.alerts]


def test_the_cluster_spreads_each_index_over_its_nodes_with_a_replica(
        cluster_client: Elasticsearch, hunted_on_both) -> None:  # type: ignore[no-untyped-def]
    cluster_client.cluster.health(index=f"{PREFIX}-*", wait_for_status="green", timeout="60s")
    rows = cluster_client.cat.shards(index=f"{PREFIX}-*", format="json", h="index,shard,prirep,state,node")
    telephony = [r for r in rows if "-telephony-" in r["index"]]
    assert telephony and all(r["state"] == "STARTED" for r in rows)
    by_index: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_index.setdefault(row["index"], []).append(row)
    for shards in by_index.values():
        assert sorted(r["prirep"] for r in shards) == ["p"] * 3 + ["r"] * 3
    assert len({r["node"] for r in rows}) == 3


def test_the_same_simulation_gives_the_same_alerts_on_one_node_and_on_three(hunted_on_both) -> None:  # type: ignore[no-untyped-def]
    (indexed_one, one), (indexed_three, three) = hunted_on_both
    assert indexed_one == indexed_three > 500
    assert len(one.alerts) > 10 and one.rules_run == three.rules_run
    assert {a.kind for a in one.alerts} == {"rule", "correlation"}
    assert _alerts(one) == _alerts(three)  # alert for alert: times, counts, people, event ids
    assert one.victims == three.victims and one.summary() == three.summary()


def _events(prefix: str, count: int) -> list[tuple[str, dict[str, Any]]]:
    return [(f"{prefix}-telephony-x", {**wangiri(i, f"+3933512{i % 997:05d}", i % 3 == 0, i % 60),
                                      "event.id": f"k{i}"}) for i in range(count)]


def _restart_dead(cluster) -> None:  # type: ignore[no-untyped-def]
    from strascico.es.node import _alive

    for i, member in enumerate(cluster.recorded().members):
        if not _alive(member.pid):
            cluster.restart(i)


def test_a_node_killed_between_bulk_batches_loses_nothing_and_a_rerun_adds_nothing(
        cluster, cluster_client: Elasticsearch) -> None:  # type: ignore[no-untyped-def]
    prefix = "strascico-killingest"
    area = ScratchPrefix(cluster_client, prefix)
    apply_templates(cluster_client, plan_templates(cluster_client, prefix))
    docs = _events(prefix, 6000)
    batches: list[int] = []

    def kill_after_the_third(size: int) -> None:
        batches.append(size)
        if len(batches) == 3:
            # replicas in sync first: a primary killed while its only replica is still recovering
            # takes its acknowledged writes with it (Elasticsearch then refuses, it does not lose)
            cluster_client.cluster.health(index=f"{prefix}-*", wait_for_status="green", timeout="60s")
            cluster.kill(1)

    try:
        report = bulk_index(cluster_client, docs, batch_size=500, id_field="event.id", on_batch=kill_after_the_third)
        assert len(batches) == 12
        assert (report.sent, report.indexed, report.failures) == (6000, 6000, [])
        cluster_client.indices.refresh(index=f"{prefix}-*")
        assert cluster_client.count(index=f"{prefix}-*")["count"] == 6000
        again = bulk_index(cluster_client, docs, batch_size=500, id_field="event.id")
        assert (again.sent, again.indexed, again.duplicates, again.failures) == (6000, 0, 6000, [])
        cluster_client.indices.refresh(index=f"{prefix}-*")
        assert cluster_client.count(index=f"{prefix}-*")["count"] == 6000
    finally:
        _restart_dead(cluster)
        area.remove()


class _KillingProxy(RelayHandler):
    """Loopback proxy to one node that kills another node just before relaying the k-th search."""

    upstream_timeout = 120.0

    def intercept(self, body: bytes | None) -> bool:
        server = self.server
        if "_search" in self.path:
            with server.lock:  # type: ignore[attr-defined]
                server.searches += 1  # type: ignore[attr-defined]
                if server.searches == server.kill_at:  # type: ignore[attr-defined]
                    server.kill()  # type: ignore[attr-defined]
        return False


def _proxy(upstream: str, kill_at: int, kill: Callable[[], None]) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _KillingProxy)
    server.daemon_threads = True
    server.upstream, server.kill_at, server.kill = upstream, kill_at, kill  # type: ignore[attr-defined]
    server.searches, server.lock = 0, threading.Lock()  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _hunt_cli(url: str, prefix: str, period: dict[str, Any]):  # type: ignore[no-untyped-def]
    return run_cli("hunt", "--es-url", url, "--index-prefix", prefix, "--since", period["start"],
                   "--until", period["end"], "--json")


def test_a_node_killed_during_a_hunt_with_replicas_gives_the_complete_answer_or_one_line(
        cluster, hunted_on_both, simulation) -> None:  # type: ignore[no-untyped-def]
    """Searches fail over to the replicas of the killed node's shards; a read pinned to a
    shard copy on that node (a point in time) may not, and then the hunt says so and stops."""
    _, period = simulation
    members = cluster.recorded().members
    server = _proxy(members[0].url, kill_at=5, kill=lambda: cluster.kill(2))
    try:
        done = _hunt_cli(f"http://127.0.0.1:{server.server_address[1]}", PREFIX, period)
        assert server.searches > 5  # type: ignore[attr-defined] # the node died with searches still to come
    finally:
        server.shutdown()
        _restart_dead(cluster)
    assert "Traceback" not in done.stderr
    if done.returncode == 0:
        alerts = [line for line in map(json.loads, done.stdout.splitlines()) if line["type"] == "alert"]
        assert alerts == _alerts(hunted_on_both[1][1])
    else:
        errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
        assert done.returncode == 2 and len(errors) == 1, done.stderr
        assert "rule " in errors[0] and "shards failed (" in errors[0]


def _node_holding_a_primary(cluster, client: Elasticsearch, index: str) -> int:  # type: ignore[no-untyped-def]
    names = [m.name for m in cluster.recorded().members]
    rows = client.cat.shards(index=index, format="json", h="prirep,node")
    holders = {names.index(r["node"]) for r in rows if r["prirep"] == "p"} - {0}
    return min(holders)


def test_without_replicas_a_node_killed_during_a_hunt_is_one_line_and_then_red_stops_everything_first(
        cluster, cluster_client: Elasticsearch) -> None:  # type: ignore[no-untyped-def]
    prefix = "strascico-noreplica"
    index = f"{prefix}-telephony-x"
    area = ScratchPrefix(cluster_client, prefix)
    apply_templates(cluster_client, plan_templates(cluster_client, prefix))
    cluster_client.indices.create(index=index, settings={"number_of_shards": 3, "number_of_replicas": 0})
    period = {"start": "2025-01-01T00:00:00Z", "end": "2025-02-01T00:00:00Z"}
    try:
        report = bulk_index(cluster_client, _events(prefix, 600), id_field="event.id", refresh=True)
        assert report.indexed == 600
        victim = _node_holding_a_primary(cluster, cluster_client, index)
        server = _proxy(cluster.recorded().members[0].url, kill_at=1, kill=lambda: cluster.kill(victim))
        try:
            done = _hunt_cli(f"http://127.0.0.1:{server.server_address[1]}", prefix, period)
        finally:
            server.shutdown()
        lines = done.stderr.strip().splitlines()
        assert done.returncode == 2 and len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
        assert lines[0].startswith("error: rule ") and "shards failed (" + index + "[" in lines[0]
        assert not [line for line in done.stdout.splitlines() if '"type": "alert"' in line]  # nothing partial

        # the cluster is now red: the next hunt and ingest refuse before any work, in one line
        url = ",".join(m.url for m in cluster.recorded().members)
        again = _hunt_cli(url, prefix, period)
        lines = again.stderr.strip().splitlines()
        assert again.returncode == 2 and len(lines) == 1, again.stderr
        assert lines[0].startswith("error: cluster red: ") and f"{index}[" in lines[0] and "hunt not started" in lines[0]
        assert again.stdout == ""
        with pytest.raises(ClusterNotReady, match=r"indexing not started"):
            bulk_index(cluster_client, _events(prefix, 10), id_field="event.id")
    finally:
        _restart_dead(cluster)
        area.remove()
