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


class _CountingStore(AlertStore):
    passes = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        self.passes += 1
        return super().__iter__()


def test_the_summary_reads_the_alerts_once_and_finds_each_stages_first_signal() -> None:
    """At 20M events the alerts come back from disk: the summary made three passes and held
    a list of every flood signal (450 MB) — one pass now, with the same figures."""
    from strascico.hunt.runner import HuntResult, _epoch

    rng = random.Random(7)
    alerts = [_alert(rng, n) for n in range(900)]
    alerts[17].stage, alerts[17].first = "breach", "2025-01-05T00:00:00Z"
    alerts[18].stage, alerts[18].first, alerts[18].level = "breach", "2025-01-01T00:00:00Z", "low"  # not a signal
    alerts[19].stage, alerts[19].first = "breach", "2025-01-09T00:00:00Z"
    store = _CountingStore(in_memory=100)
    store.extend(alerts)
    summary = HuntResult(alerts=store).summary()
    assert store.passes == 1
    flood_first = min(a.first for a in alerts if a.stage == "flood")
    assert summary["stages"]["breach"]["alerts"] == 3 and summary["stages"]["flood"]["alerts"] == 897
    expected = round((_epoch(flood_first) - _epoch("2025-01-05T00:00:00Z")) / 86400, 1)
    assert summary["link"]["flood_began_days_after_first_breach_signal"] == expected
