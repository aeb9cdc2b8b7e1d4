"""Everything a generator needs to know about the run, computed once."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from .clock import Period, local_ts
from .numbering import SUPPLIER_BLOCKS
from .options import SizePreset
from .population import Employee, Population
from .rng import derive


SUPPLIER_CONTACTS = 3  # IT and HR staff each foreign supplier deals with


@dataclass
class World:
    """The run's seed, scale, people and period, with cached views of the staff."""

    seed: int
    preset: SizePreset
    population: Population
    period: Period
    operators: list[Employee] = field(init=False)
    families: list[Employee] = field(init=False)
    suppliers: list[tuple[str, float, Employee]] = field(init=False)  # (office number, hours ahead, contact)

    def __post_init__(self) -> None:
        staff = self.population.employees
        self.operators = [e for e in staff if e.role in ("operator", "team-leader")] or staff
        self.families = [e for e in staff if e.relative]
        office = [e for e in staff if e.role in ("it", "hr")] or staff
        rng = self.rng("suppliers")
        self.suppliers = [(block.number(k), offset, person)
                          for block, offset in SUPPLIER_BLOCKS
                          for k, person in enumerate(rng.sample(office, min(len(office), SUPPLIER_CONTACTS)))]

    def rng(self, *labels: object) -> random.Random:
        return derive(self.seed, *labels)

    def volume(self, per_employee: float, rng: random.Random, weight: float = 1.0) -> int:
        """How many background events of one kind today: employees × rate × activity, rounded at random."""
        return amount(len(self.population.employees) * per_employee * self.preset.activity * weight, rng)


def amount(mean: float, rng: random.Random) -> int:
    """`mean` rounded up or down at random so that fractional rates still add up over days."""
    whole = int(mean)
    return whole + (1 if rng.random() < mean - whole else 0)


def at_hours(day: date, rng: random.Random, start_hour: float, end_hour: float) -> int:
    """A random instant of `day` between two local wall-clock hours."""
    return local_ts(day, rng.uniform(start_hour * 3600, end_hour * 3600 - 1))
