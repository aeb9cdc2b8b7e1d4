"""Who exists in the scenario: employees, the 2022 exam's applicants, and who is in both."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator

from .names import FIRST_NAMES, LAST_NAMES, PROVINCES, SITES
from .numbering import FAMILY_BLOCKS, PEOPLE_CAPACITY, Block, person_number
from .rng import derive

EXPOSED_SHARE = 0.65  # contact-centre staff were hired through the 2022 exam: most are in its archive
FAMILY_ABROAD_SHARE = 0.05  # employees with relatives in the attackers' countries who call them (hard negatives)
MAX_APPLICANTS = 240_000
RECORD_ID_BASE = 100_000  # applicant record ids on the portal: RECORD_ID_BASE + position
COMPANY_DOMAIN = "example.org"
DEPARTMENTS = {"it": "Sistemi informativi", "hr": "Risorse umane"}


@dataclass(slots=True)
class Employee:
    """One member of staff; `exposed` when the leaked exam archive holds their number."""

    index: int
    emp_id: str
    user_name: str
    first: str
    last: str
    mobile: str  # E.164; for the exposed cohort the same number as in the archive
    extension: str
    role: str
    site: str
    exposed: bool = False
    relative: str | None = None  # a relative's foreign number (family-abroad hard negative)

    @property
    def email(self) -> str:
        return f"{self.user_name}@{COMPANY_DOMAIN}"

    @property
    def department(self) -> str:
        """Where the employee works, as a report form asks it (operators by contact-centre site)."""
        return DEPARTMENTS.get(self.role) or f"Contact centre {self.site}"


@dataclass(slots=True)
class Applicant:
    """One row of the exam archive."""

    record_id: int
    first: str
    last: str
    phone: str  # E.164
    birth_year: int
    province: str
    employee: Employee | None = None


@dataclass
class Population:
    """Staff, the archive's size, and where the exposed employees sit in it."""

    seed: int
    employees: list[Employee]
    applicants: int
    exposed_at: dict[int, Employee] = field(default_factory=dict)  # archive position → employee
    applicant_numbers: list[int] = field(default_factory=list)  # people-block indices of non-staff applicants

    @property
    def exposed(self) -> list[Employee]:
        return [e for e in self.employees if e.exposed]

    @property
    def not_exposed(self) -> list[Employee]:
        return [e for e in self.employees if not e.exposed]

    def by_role(self, role: str) -> list[Employee]:
        return [e for e in self.employees if e.role == role]

    def iter_applicants(self) -> Iterator[Applicant]:
        """Archive rows in record order, generated on the fly (the archive is never held whole)."""
        others = iter(self.applicant_numbers)
        for position in range(self.applicants):
            rng = derive(self.seed, "applicant", position)
            employee = self.exposed_at.get(position)
            if employee is not None:
                first, last, phone = employee.first, employee.last, employee.mobile
            else:
                first, last, phone = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), person_number(next(others))
            yield Applicant(RECORD_ID_BASE + position, first, last, phone, rng.randrange(1960, 2003),
                            rng.choice(PROVINCES), employee)


def _user_name(first: str, last: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z]", "", first.lower()) + "." + re.sub(r"[^a-z]", "", last.lower())
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}{n}"
    taken.add(name)
    return name


def _role(index: int, count: int) -> str:
    """A few IT and HR people, some team leaders, the rest operators (deterministic by index)."""
    it, hr = max(2, count // 300), max(2, count // 200)
    if index < it:
        return "it"
    if index < it + hr:
        return "hr"
    return "team-leader" if index % 12 == 0 else "operator"


def build_population(seed: int, employees: int) -> Population:
    """Staff with numbers, roles and extensions; the archive's size and the exposed cohort."""
    rng = derive(seed, "population")
    applicants = min(MAX_APPLICANTS, max(6000, 8 * employees))
    exposed_count = min(round(employees * EXPOSED_SHARE), employees - max(2, employees // 300))
    people = rng.sample(range(PEOPLE_CAPACITY), employees + applicants - exposed_count)
    taken: set[str] = set()
    width = min(6, max(4, len(str(employees)) + 1))  # PBX extensions: 2-6 digits (ingest reads longer as numbers)
    staff = []
    for i in range(employees):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        staff.append(Employee(i, f"E{i + 1:05d}", _user_name(first, last, taken), first, last,
                              person_number(people[i]), str(2 * 10 ** (width - 1) + i), _role(i, employees),
                              SITES[rng.randrange(len(SITES))]))
    # IT staff were not hired through the exam; everybody else may have been
    candidates = [e for e in staff if e.role != "it"]
    for e in rng.sample(candidates, min(exposed_count, len(candidates))):
        e.exposed = True
    cohort = [e for e in staff if e.exposed]
    positions = rng.sample(range(applicants), len(cohort))
    population = Population(seed, staff, applicants, dict(zip(positions, cohort)), people[employees:])
    # anyone may have family abroad, the exposed cohort too (their relative's calls then reach a
    # number the attackers hold as well): only known contacts tell the two apart
    families = rng.sample(candidates, min(len(candidates), max(2, round(employees * FAMILY_ABROAD_SHARE))))
    for k, e in enumerate(families):  # distinct relatives: block by turn, a fresh number in it
        block: Block = FAMILY_BLOCKS[k % len(FAMILY_BLOCKS)]
        e.relative = block.number(k // len(FAMILY_BLOCKS))
    return population
