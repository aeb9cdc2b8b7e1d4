"""What a run is asked to do: scenario, seed, size preset and its overrides, validated."""

from __future__ import annotations

from dataclasses import dataclass, replace

from .clock import MIN_DAYS

SCENARIOS = ("contact-centre",)
MAX_EMPLOYEES = 30_000  # staff + applicants must fit the 280,000 numbers of the people block (numbering.py)


@dataclass(frozen=True)
class SizePreset:
    """Scale knobs of one --size: people, days, background and flood intensity."""

    employees: int
    days: int
    activity: float  # background events per employee per working day, relative to the base rates
    flood: float  # flood contacts relative to the base campaign


SIZES: dict[str, SizePreset] = {
    "tiny": SizePreset(employees=40, days=MIN_DAYS, activity=0.05, flood=0.5),
    "small": SizePreset(employees=300, days=90, activity=0.74, flood=2.0),
    "medium": SizePreset(employees=3000, days=180, activity=0.3, flood=2.0),
    "large": SizePreset(employees=3000, days=365, activity=2.3, flood=3.0),
    # ten times large: the same year and rates in an organisation ten times the size (growth benchmarks)
    "xl": SizePreset(employees=MAX_EMPLOYEES, days=365, activity=2.3, flood=3.0),
}


class OptionsError(ValueError):
    """Options that cannot describe a run (the CLI turns this into exit code 2)."""


@dataclass(frozen=True)
class SimulationOptions:
    """One run: the same options (and seed) always give byte-identical files."""

    seed: int = 1
    size: str = "medium"
    scenario: str = "contact-centre"
    employees: int | None = None  # override of the preset
    days: int | None = None  # override of the preset

    @property
    def preset(self) -> SizePreset:
        base = SIZES[self.size]
        return replace(base, employees=self.employees or base.employees, days=self.days or base.days)

    def validate(self) -> "SimulationOptions":
        """Self, or OptionsError naming the bad option."""
        if self.scenario not in SCENARIOS:
            raise OptionsError(f"unknown scenario {self.scenario!r} (known: {', '.join(SCENARIOS)})")
        if self.size not in SIZES:
            raise OptionsError(f"unknown size {self.size!r} (known: {', '.join(SIZES)})")
        if self.seed < 0:
            raise OptionsError("--seed must be 0 or more")
        if self.employees is not None and not 20 <= self.employees <= MAX_EMPLOYEES:
            raise OptionsError(f"--employees must be between 20 and {MAX_EMPLOYEES} (the flood needs a cohort)")
        if self.days is not None and not MIN_DAYS <= self.days <= 3660:
            raise OptionsError(f"--days must be between {MIN_DAYS} (breach in Nov 2024 to flood in Jan 2025) and 3660")
        return self
