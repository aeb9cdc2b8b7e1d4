"""The hunt's alert store: the order a sorted list would give, with most alerts on disk."""

from __future__ import annotations

import random
import threading

from strascico.hunt.base_rules import HuntAlert
from strascico.hunt.store import AlertStore, hunt_order


def _alert(rng: random.Random, number: int) -> HuntAlert:
    return HuntAlert(rule_id="r", rule=f"rule_{rng.randrange(5)}", title="t", level="high", stage="flood",
                     kind="rule", first=f"2025-01-{1 + rng.randrange(28):02d}T00:00:00Z",
                     last="2025-02-01T00:00:00Z", count=number, victim=None,
                     actor=f"+23480{rng.randrange(30):07d}", event_ids=[f"e{number}"])


def test_spilled_runs_read_back_in_the_order_of_a_stable_sort() -> None:
    rng = random.Random(3)
    alerts = [_alert(rng, n) for n in range(2500)]  # many equal keys: stability shows
    store = AlertStore(in_memory=300)
    store.extend(alerts)
    assert len(store) == 2500
    assert len(store._runs) == 8  # most of them on disk, not in the buffer
    expected = sorted(alerts, key=hunt_order)
    assert [a.count for a in store] == [a.count for a in expected]
    assert [a.count for a in store] == [a.count for a in expected]  # a second pass reads the runs again


def test_appends_from_several_threads_lose_nothing() -> None:
    store = AlertStore(in_memory=97)
    rng = random.Random(5)
    parts = [[_alert(rng, part * 1000 + n) for n in range(1000)] for part in range(4)]
    threads = [threading.Thread(target=store.extend, args=(part,)) for part in parts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    counts = [a.count for a in store]
    assert sorted(counts) == list(range(4000))
    keys = [hunt_order(a) for a in store]
    assert keys == sorted(keys)


def test_few_alerts_never_touch_the_disk() -> None:
    store = AlertStore()
    store.extend(_alert(random.Random(1), n) for n in range(10))
    assert store._folder is None and len(list(store)) == 10
