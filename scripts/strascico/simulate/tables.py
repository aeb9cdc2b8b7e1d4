"""The two reference tables: staff.csv (HR's list) and applicants.csv (the leaked 2022 exam archive)."""

from __future__ import annotations

import csv
from pathlib import Path

from .numbering import archive_spelling
from .population import Population
from .rng import derive

STAFF = "staff.csv"
APPLICANTS = "applicants.csv"
EXAM = "concorso-2022-05-25"
# The phone column must be the first header naming a phone: `strascico watchlist build` picks it.
APPLICANT_HEADER = ("application_id", "exam", "first_name", "last_name", "birth_year", "province", "email", "phone",
                    "outcome")


def write_staff(population: Population, root: Path) -> int:
    with (root / STAFF).open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(["employee_id", "user_name", "first_name", "last_name", "email", "mobile", "extension", "role",
                      "site", "hired_via"])
        for e in population.employees:
            out.writerow([e.emp_id, e.user_name, e.first, e.last, e.email, e.mobile, e.extension, e.role, e.site,
                          EXAM if e.exposed else "selezione-esterna"])
    return len(population.employees)


def write_applicants(population: Population, root: Path) -> int:
    """The archive row by row (streamed); numbers spelt as applicants typed them."""
    rng = derive(population.seed, "archive-spelling")
    rows = 0
    with (root / APPLICANTS).open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(APPLICANT_HEADER)
        for a in population.iter_applicants():
            handle_name = f"{a.first}.{a.last}".lower().replace(" ", "").replace("'", "")
            outcome = "assunto" if a.employee else rng.choice(("idoneo", "non idoneo", "assente"))
            out.writerow([f"C22-{a.record_id}", EXAM, a.first, a.last, a.birth_year, a.province,
                          f"{handle_name}{a.birth_year % 100:02d}@example.net", archive_spelling(a.phone, rng),
                          outcome])
            rows += 1
    return rows
