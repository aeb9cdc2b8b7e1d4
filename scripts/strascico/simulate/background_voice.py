"""Benign calls: customers ringing the contact centre, colleagues, personal calls, family abroad."""

from __future__ import annotations

from datetime import date

from .clock import is_weekend, local_ts
from .numbering import CITIZEN_ABROAD_BLOCKS, CONTACT_CENTRE_DID, italian_contact
from .records import NEGATIVE, Call
from .world import World, at_hours

FAMILY_NEGATIVE = NEGATIVE + "family-abroad-call"
CITIZEN_NEGATIVE = NEGATIVE + "citizen-abroad-call"
# calls a day per employee (the line's size follows the company's), weekend share, abandoned share
CITIZENS_ABROAD = {"per_employee": 0.01, "weekend": 0.3, "abandoned": 0.3}


def voice_day(world: World, day: date) -> list[Call]:
    """All benign calls of one local day."""
    rng = world.rng("voice", day)
    weekend = is_weekend(day)
    office = 0.15 if weekend else 1.0
    calls: list[Call] = []
    ops = world.operators
    for _ in range(world.volume(0.25, rng, office)):  # citizens calling the toll-free number
        agent = rng.choice(ops)
        answered = rng.random() < 0.92
        calls.append(Call(at_hours(day, rng, 8, 20), "pbx", italian_contact(rng), CONTACT_CENTRE_DID, "inbound",
                          "answered" if answered else "no_answer", rng.randint(5, 90),
                          rng.randint(60, 900) if answered else 0, agent=agent.extension))
    for _ in range(world.volume(0.08, rng, office)):  # colleague to colleague
        a, b = rng.sample(ops, 2)
        roll = rng.random()
        disposition = "answered" if roll < 0.8 else "busy" if roll < 0.9 else "no_answer"
        calls.append(Call(at_hours(day, rng, 8.5, 18.5), "pbx", a.extension, b.extension, "internal", disposition,
                          rng.randint(2, 20), rng.randint(20, 400) if disposition == "answered" else 0))
    for _ in range(world.volume(0.06, rng, office)):  # operators calling citizens back
        agent = rng.choice(ops)
        answered = rng.random() < 0.7
        calls.append(Call(at_hours(day, rng, 9, 18), "pbx", agent.extension, italian_contact(rng), "outbound",
                          "answered" if answered else "no_answer", rng.randint(4, 30),
                          rng.randint(30, 600) if answered else 0))
    for _ in range(world.volume(0.06, rng, 0.6 if weekend else 1.0)):  # personal calls to staff mobiles
        staff = rng.choice(world.population.employees)
        roll = rng.random()
        disposition = "answered" if roll < 0.75 else "no_answer" if roll < 0.9 else "cancelled"
        ring = {"answered": rng.randint(3, 15), "no_answer": rng.randint(20, 35), "cancelled": rng.randint(5, 15)}
        calls.append(Call(at_hours(day, rng, 7.5, 21.5), "fmc", italian_contact(rng), staff.mobile, "inbound",
                          disposition, ring[disposition], rng.randint(20, 600) if disposition == "answered" else 0))
    calls += _family_abroad(world, day)
    calls += _citizens_abroad(world, day, weekend)
    return calls


def _family_abroad(world: World, day: date) -> list[Call]:
    """Relatives abroad: long answered daytime calls, or a missed call that rang a long time.

    Hard negatives for the flood rules: high-risk calling codes, but never at night, never
    short, never one ring, one number per employee (so no per-employee correlation).
    """
    rng = world.rng("family", day)
    calls = []
    for staff in world.families:
        if rng.random() >= 0.3 or staff.relative is None:
            continue
        answered = rng.random() < 0.85
        calls.append(Call(at_hours(day, rng, 12, 21), "fmc", staff.relative, staff.mobile, "inbound",
                          "answered" if answered else "no_answer", rng.randint(4, 12) if answered else
                          rng.randint(20, 35), rng.randint(300, 2400) if answered else 0, "", FAMILY_NEGATIVE))
    return calls


def _citizens_abroad(world: World, day: date, weekend: bool) -> list[Call]:
    """Citizens abroad calling the toll-free number in their own daytime (so at any Italian hour),
    many giving up within seconds in the queue: the switchboard traffic the flood rules must not
    count as contact with a person. Rates are the scenario's own parameters (CITIZENS_ABROAD)."""
    rng = world.rng("citizens-abroad", day)
    calls = []
    for _ in range(world.volume(CITIZENS_ABROAD["per_employee"], rng, CITIZENS_ABROAD["weekend"] if weekend else 1.0)):
        block, offset = rng.choice(CITIZEN_ABROAD_BLOCKS)
        their_hour = rng.uniform(8, 21)
        at = local_ts(day, ((their_hour - offset) % 24) * 3600)
        caller = block.number(rng.randrange(100))
        if rng.random() < CITIZENS_ABROAD["abandoned"]:  # hung up in the queue's welcome message
            calls.append(Call(at, "pbx", caller, CONTACT_CENTRE_DID, "inbound", rng.choice(("no_answer", "cancelled")),
                              rng.randint(1, 10), 0, tag=CITIZEN_NEGATIVE))
        else:
            calls.append(Call(at, "pbx", caller, CONTACT_CENTRE_DID, "inbound", "answered", rng.randint(10, 120),
                              rng.randint(120, 900), tag=CITIZEN_NEGATIVE, agent=rng.choice(world.operators).extension))
    return calls
