"""The synthetic numbering plan: every phone number the scenario writes comes from here.

All numbers are valid for libphonenumber (the ingest side must normalize them) and carry a
'555' marker right after the operator prefix, so a reader can tell them apart at a glance:

- people (employees and applicants): +39 3xx 555 xxxx (28 Italian mobile prefixes)
- other Italian contacts (customers, friends): +39 3xx 557..559 xxxx (556: named friends); landlines 06/02 5550 xxxx
- the contact centre's toll-free number: +39 800 555 123
- foreign numbers: blocks of 100 numbers (a taxonomy `range`) such as +234 803 555 12xx

They are drawn at random inside those blocks and may coincide with a real subscriber by
chance: never dial them. docs/simulate.md lists every block.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

IT_MOBILE_PREFIXES = ("320", "324", "327", "328", "329", "331", "333", "334", "335", "338", "339", "340", "342",
                      "345", "347", "348", "349", "350", "366", "368", "370", "377", "380", "388", "389", "391",
                      "392", "393")
PEOPLE_CAPACITY = len(IT_MOBILE_PREFIXES) * 10_000
CONTACT_CENTRE_DID = "+39800555123"
IT_LANDLINE_BLOCKS = ("+39065550", "+39025550")  # + 4 digits: Rome, Milan


def person_number(index: int) -> str:
    """The mobile number of person `index` (0 ≤ index < PEOPLE_CAPACITY), unique per index."""
    prefix = IT_MOBILE_PREFIXES[index % len(IT_MOBILE_PREFIXES)]
    return f"+39{prefix}555{index // len(IT_MOBILE_PREFIXES):04d}"


def italian_contact(rng: random.Random) -> str:
    """A random Italian number that is nobody's in the population (customers, friends)."""
    if rng.random() < 0.25:
        return f"{rng.choice(IT_LANDLINE_BLOCKS)}{rng.randrange(10_000):04d}"
    return f"+39{rng.choice(IT_MOBILE_PREFIXES)}{rng.randrange(557, 560)}{rng.randrange(10_000):04d}"


@dataclass(frozen=True)
class Block:
    """A block of 100 foreign numbers: `prefix` + two digits (the taxonomy's `range`)."""

    prefix: str  # E.164 without the last two digits
    country_code: str
    country_iso: str

    def number(self, index: int) -> str:
        return f"{self.prefix}{index % 100:02d}"


# Flood ranges: one block per campaign wave, so ground truth can match a wave by its range.
FLOOD_BLOCKS: dict[str, Block] = {
    "ng-a": Block("+23480355512", "234", "NG"),
    "ng-b": Block("+23480655534", "234", "NG"),
    "ng-c": Block("+23480355587", "234", "NG"),
    "bd-a": Block("+88017125551", "880", "BD"),
    "bd-b": Block("+88019125553", "880", "BD"),
    "pk-a": Block("+9230055512", "92", "PK"),
    "pk-b": Block("+9233355540", "92", "PK"),
    "in-a": Block("+9198555123", "91", "IN"),
    "id-a": Block("+62812555012", "62", "ID"),
    "tn-a": Block("+216205551", "216", "TN"),
    "ng-d": Block("+23480855543", "234", "NG"),  # rings the public service line too
}

# Hard negatives: relatives, suppliers and citizens abroad, in blocks no campaign uses.
FAMILY_BLOCKS = (Block("+23480555590", "234", "NG"), Block("+88018125559", "880", "BD"),
                 Block("+9232155590", "92", "PK"), Block("+9199555900", "91", "IN"),
                 Block("+62813555090", "62", "ID"))
# hours ahead of Italy in winter, so relatives call in their own day (the Italian night for some)
FAMILY_OFFSETS = {"NG": 0.0, "BD": 5.0, "PK": 4.0, "IN": 4.5, "ID": 6.0}
# Foreign suppliers' office lines (Bangalore, Karachi): business calls to IT and HR staff.
SUPPLIER_BLOCKS = ((Block("+9180255555", "91", "IN"), 4.5), (Block("+9221355555", "92", "PK"), 4.0))
# Citizens abroad calling the public service line (pensioners, emigrants, families of
# migrant workers), with their hours' offset from Italy: they call in their own daytime, which
# is the Italian night for South Asia, Indonesia, Australia and the Americas' evening.
CITIZEN_ABROAD_BLOCKS: tuple[tuple[Block, float], ...] = (
    (Block("+414455512", "41", "CH"), 0), (Block("+49151555123", "49", "DE"), 0),
    (Block("+54911555012", "54", "AR"), -4), (Block("+120255501", "1", "US"), -6),
    (Block("+141555501", "1", "US"), -9), (Block("+55119555501", "55", "BR"), -4),
    (Block("+614125550", "61", "AU"), 9), (Block("+23480755567", "234", "NG"), 0),
    (Block("+88017155578", "880", "BD"), 5), (Block("+9234555570", "92", "PK"), 4),
    (Block("+9198555800", "91", "IN"), 4.5), (Block("+62811555078", "62", "ID"), 6),
)
PENSIONER_BLOCKS = tuple(block for block, _ in CITIZEN_ABROAD_BLOCKS)  # every citizen-abroad block


def national(e164: str) -> str:
    """An Italian number as a PBX writes it without the country code (3351234567)."""
    return e164[3:] if e164.startswith("+39") else e164


def international_00(e164: str) -> str:
    """A number with the 00 international prefix, as carrier trunks often present it."""
    return "00" + e164[1:]


def archive_spelling(e164: str, rng: random.Random) -> str:
    """How an applicant typed the number into the exam form (the archive is not normalized)."""
    nat = national(e164)
    style = rng.randrange(4)
    if style == 0:
        return nat
    if style == 1:
        return f"+39 {nat[:3]} {nat[3:6]} {nat[6:]}"
    if style == 2:
        return f"0039{nat}"
    return f"{nat[:3]}-{nat[3:]}"


def phone_country(e164: str) -> str | None:
    """ISO country of a number of one of the simulator's family blocks (None for the others)."""
    return next((block.country_iso for block in FAMILY_BLOCKS if e164.startswith(block.prefix)), None)
