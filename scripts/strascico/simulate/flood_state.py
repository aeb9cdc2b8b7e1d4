"""What the flood remembers from day to day: number cursors per range, blocks, who was reached."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .numbering import FLOOD_BLOCKS
from .population import Employee
from .world import World


@dataclass(frozen=True)
class BlockEntry:
    """An employee blocked one number (the organization's block list, for range enrichment)."""

    at: int
    channel: str
    number: str
    range: str
    employee: str


@dataclass
class FloodState:
    """Cursors, block list and reached employees; bounded by population, not by events."""

    world: World
    exposed: list[Employee] = field(init=False)
    outsiders: list[Employee] = field(init=False)  # random-dialling targets: not exposed, no relatives abroad
    cursor: dict[str, int] = field(default_factory=dict)
    blocks: list[BlockEntry] = field(default_factory=list)
    reached: set[int] = field(default_factory=set)
    reported: set[tuple[str, str]] = field(default_factory=set)  # (employee mobile, number digits) reported

    def __post_init__(self) -> None:
        people = self.world.population
        self.exposed = people.exposed
        self.outsiders = [e for e in people.not_exposed if not e.relative]

    def next_number(self, wave: str) -> str:
        """The next number of the wave's range: operators dial through their block in order."""
        index = self.cursor.get(wave, 0)
        self.cursor[wave] = index + 1
        return FLOOD_BLOCKS[wave].number(index)

    def reach(self, employee: Employee) -> str:
        """Record that the flood reached `employee`; their mobile number."""
        self.reached.add(employee.index)
        return employee.mobile


def spread(pool: list[Employee], groups: int, size: int, rng: random.Random) -> list[list[Employee]]:
    """`groups` target lists of `size`, disjoint while the pool allows (distinct victims per burst)."""
    if not pool:
        return []
    size = min(size, len(pool))
    chosen = rng.sample(pool, min(len(pool), groups * size))
    out = [chosen[i * size:(i + 1) * size] for i in range(len(chosen) // size)]
    while len(out) < groups:  # pool smaller than groups × size: later groups may repeat people
        out.append(rng.sample(pool, size))
    return out
