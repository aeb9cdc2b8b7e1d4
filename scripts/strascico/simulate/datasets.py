"""Candidate datasets for `strascico attribute`: lists of people the company holds, one of which
leaked. Each overlaps the staff differently; only the 2022 exam's archive was stolen.

- exam-2022-applicants: applicants.csv, the leaked archive (the exposed cohort is in it)
- exam-2019-applicants: an older exam; some staff (any role but IT) took it too
- e-learning-users: the training platform: every operator, team leader and HR person, plus
  former staff — a large list that overlaps the leaked one heavily without having leaked
- welfare-portal: a random part of the staff and their family members
- newsletter: few staff, many outsiders
"""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Callable

from .names import FIRST_NAMES, LAST_NAMES
from .numbering import PEOPLE_CAPACITY, archive_spelling, person_number
from .population import Employee, Population
from .rng import derive
from .tables import APPLICANTS

LEAKED = "exam-2022-applicants"
HEADER = ("id", "nome", "cognome", "email", "telefono")
Choose = Callable[[list[Employee], random.Random], list[Employee]]


def _share(share: float, roles: tuple[str, ...] | None = None) -> Choose:
    def choose(staff: list[Employee], rng: random.Random) -> list[Employee]:
        pool = [e for e in staff if roles is None or e.role in roles]
        return rng.sample(pool, round(len(pool) * share))
    return choose


# name → (path, who of the staff is in it, outsiders per staff member in it)
CANDIDATES: dict[str, tuple[str, Choose, float]] = {
    "exam-2019-applicants": ("datasets/concorso-2019.csv", _share(0.3, ("operator", "team-leader", "hr")), 3.0),
    "e-learning-users": ("datasets/formazione-utenti.csv", _share(1.0, ("operator", "team-leader", "hr")), 0.1),
    "welfare-portal": ("datasets/welfare-iscritti.csv", _share(0.45), 0.3),
    "newsletter": ("datasets/newsletter.csv", _share(0.08), 5.0),
}


def write_datasets(population: Population, root: Path) -> list[dict]:
    """Write every candidate and describe them (name, path, rows, staff in it) for the manifest."""
    described = [{"name": LEAKED, "path": APPLICANTS, "rows": population.applicants,
                  "staff": len(population.exposed)}]
    staff_numbers = {e.mobile for e in population.employees}
    for name, (path, choose, outsiders) in CANDIDATES.items():
        rng = derive(population.seed, "dataset", name)
        members = choose(population.employees, rng)
        extra = round(len(members) * outsiders)
        rows = _write(root / path, members, _outsiders(extra, staff_numbers, rng), rng)
        described.append({"name": name, "path": path, "rows": rows, "staff": len(members)})
    return described


def _outsiders(count: int, staff: set[str], rng: random.Random) -> list[str]:
    numbers: set[str] = set()
    while len(numbers) < count:
        number = person_number(rng.randrange(PEOPLE_CAPACITY))
        if number not in staff:
            numbers.add(number)
    return sorted(numbers)


def _write(path: Path, members: list[Employee], outsiders: list[str], rng: random.Random) -> int:
    people = [(e.first, e.last, e.mobile) for e in members]
    people += [(rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), number) for number in outsiders]
    rng.shuffle(people)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(HEADER)
        for i, (first, last, number) in enumerate(people, start=1):
            handle_name = f"{first}.{last}".lower().replace(" ", "").replace("'", "")
            out.writerow([i, first, last, f"{handle_name}{i % 100:02d}@example.net", archive_spelling(number, rng)])
    return len(people)
