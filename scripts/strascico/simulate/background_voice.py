"""Benign calls: customers ringing the contact centre, colleagues, personal calls, family, suppliers
and citizens abroad."""

from __future__ import annotations

from datetime import date

from .clock import is_weekend, local_ts
from .numbering import CITIZEN_ABROAD_BLOCKS, CONTACT_CENTRE_DID, FAMILY_OFFSETS, italian_contact, phone_country
from .records import NEGATIVE, Call
from .world import World, at_hours

FAMILY_NEGATIVE = NEGATIVE + "family-abroad-call"
CITIZEN_NEGATIVE = NEGATIVE + "citizen-abroad-call"
SUPPLIER_NEGATIVE = NEGATIVE + "supplier-abroad-call"
# relatives: chance of a call a day per family, then shares of one-ring flashes, calls left to
# ring, short answered calls (the rest are long)
RELATIVES = {"calls_a_day": 0.3, "flash": 0.15, "missed": 0.1, "short": 0.15}
SUPPLIERS = {"calls_a_day": 0.2, "dropped": 0.1}  # per supplier contact and working day
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
    calls += _suppliers(world, day, weekend)
    calls += _citizens_abroad(world, day, weekend)
    return calls


def _family_abroad(world: World, day: date) -> list[Call]:
    """Relatives in the attackers' own countries, calling in their own day (for Bangladesh or
    Indonesia that is the Italian night): long calls, short ones, calls left to ring, and the
    one-ring "call me back" flash. Every rule that does not use known contacts would take some
    of them for the flood; rates are the scenario's own parameters (RELATIVES)."""
    rng = world.rng("family", day)
    calls = []
    for staff in world.families:
        if rng.random() >= RELATIVES["calls_a_day"] or staff.relative is None:
            continue
        offset = FAMILY_OFFSETS.get(phone_country(staff.relative), 0.0)
        at = local_ts(day, ((rng.uniform(7, 23.5) - offset) % 24) * 3600)
        roll = rng.random()
        if roll < RELATIVES["flash"]:
            disposition, ring, talk = "cancelled", rng.randint(1, 3), 0
        elif roll < RELATIVES["flash"] + RELATIVES["missed"]:
            disposition, ring, talk = "no_answer", rng.randint(20, 35), 0
        elif roll < RELATIVES["flash"] + RELATIVES["missed"] + RELATIVES["short"]:
            disposition, ring, talk = "answered", rng.randint(3, 10), rng.randint(5, 50)
        else:
            disposition, ring, talk = "answered", rng.randint(4, 12), rng.randint(300, 2400)
        calls.append(Call(at, "fmc", staff.relative, staff.mobile, "inbound", disposition, ring, talk, "",
                          FAMILY_NEGATIVE))
    return calls


def _suppliers(world: World, day: date, weekend: bool) -> list[Call]:
    """Foreign suppliers' offices calling the IT and HR staff they work with, in their office
    hours; now and then a call dropped after one ring."""
    rng = world.rng("suppliers", day)
    calls = []
    for number, offset, person in ([] if weekend else world.suppliers):
        if rng.random() >= SUPPLIERS["calls_a_day"]:
            continue
        at = local_ts(day, ((rng.uniform(9, 18) - offset) % 24) * 3600)
        if rng.random() < SUPPLIERS["dropped"]:
            calls.append(Call(at, "fmc", number, person.mobile, "inbound", "cancelled", rng.randint(1, 3), 0, "",
                              SUPPLIER_NEGATIVE))
        else:
            calls.append(Call(at, "fmc", number, person.mobile, "inbound", "answered", rng.randint(3, 15),
                              rng.randint(120, 1800), "", SUPPLIER_NEGATIVE))
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
