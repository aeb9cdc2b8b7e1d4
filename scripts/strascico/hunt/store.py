"""The hunt's alerts, in order, without holding them all in memory.

A year of trawling over a large organisation gives hundreds of thousands of alerts (one per
flood number and episode); kept as objects they cost more than the rest of the hunt. Past
IN_MEMORY alerts, the buffer is sorted and written to a temporary file; iterating merges the
files and the buffer, so every pass reads them back one alert at a time, in `order`.
Appends may come from several threads (the correlation job and the base rules).
"""

from __future__ import annotations

import heapq
import pickle
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .base_rules import HuntAlert

IN_MEMORY = 20_000  # alerts held before a sorted run goes to disk (about 30 MB)


def hunt_order(alert: HuntAlert) -> tuple[Any, ...]:
    """Alerts by first time, rule, victim, actor: how `strascico hunt` lists them."""
    return alert.first, alert.rule, str(alert.victim), str(alert.actor)


class AlertStore:
    """Alerts kept in `order`: a sorted buffer and sorted runs on disk (pickles we wrote)."""

    def __init__(self, order: Callable[[HuntAlert], Any] = hunt_order, in_memory: int = IN_MEMORY):
        self._order = order
        self._in_memory = in_memory
        self._buffer: list[HuntAlert] = []
        self._runs: list[Path] = []
        self._folder: tempfile.TemporaryDirectory | None = None  # made at the first spill
        self._count = 0
        self._lock = threading.Lock()

    def append(self, alert: HuntAlert) -> None:
        with self._lock:
            self._buffer.append(alert)
            self._count += 1
            if len(self._buffer) >= self._in_memory:
                self._spill()

    def extend(self, alerts: Iterable[HuntAlert]) -> None:
        for alert in alerts:
            self.append(alert)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[HuntAlert]:
        with self._lock:
            self._buffer.sort(key=self._order)  # stable: equal keys keep their arrival order
            runs, buffer = list(self._runs), list(self._buffer)
        if not runs:
            return iter(buffer)
        return heapq.merge(*(_read(path) for path in runs), buffer, key=self._order)

    def _spill(self) -> None:
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="strascico-hunt-")
        path = Path(self._folder.name) / f"run-{len(self._runs)}.pickle"
        self._buffer.sort(key=self._order)
        with path.open("wb") as handle:
            pickler = pickle.Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL)
            for alert in self._buffer:
                pickler.dump(alert)
                pickler.clear_memo()  # each alert stands alone: the reader loads one at a time
        self._runs.append(path)
        self._buffer = []


def _read(path: Path) -> Iterator[HuntAlert]:
    with path.open("rb") as handle:
        while True:
            try:
                yield pickle.load(handle)  # noqa: S301 (a file this process wrote)
            except EOFError:
                return
