"""Employees as sensors: who reports which contact, where and when; and what no system logs.

Most people reached by the flood never report it. Those who do open a helpdesk ticket or fill
in the company's Microsoft Forms form, typing the number the way they see it. Some contacts
reach personal phones that no company gateway sees: a report is then their only trace. Staff
also report ordinary Italian telemarketing (unrelated spam: a hard negative). Day 0 of the
flood guarantees every report rule's threshold: one WhatsApp number writes to six colleagues'
personal phones, at least three of one department, and all of them open a ticket; one
contact seen by the mobile gateway and one seen by a messaging gateway are reported too.
"""

from __future__ import annotations

import random
import re
from datetime import date, timedelta

from .clock import local_ts
from .flood_messages import WHATSAPP_TEXTS
from .flood_state import FloodState
from .numbering import FLOOD_BLOCKS, italian_contact, national
from .population import Employee
from .records import NEGATIVE, Call, Message, Record, Report
from .world import World, amount, at_hours

REPORTS = "flood-user-reports"
SPAM = "unrelated-spam-report"
REPORT_SHARE = 0.12  # chance that an employee reached on a day reports one of that day's contacts
HELPDESK_SHARE = 0.6  # the others use the form
PERSONAL_RATE = 0.003  # contacts per exposed employee and flood day that reach personal phones only
SPAM_RATE = 0.0015  # unrelated spam reports per employee and day
CALL_TEXTS = {
    "flood-wangiri": "Squilli da numeri esteri, poi riattaccano",
    "flood-robocall": "Chiamate registrate da numeri esteri che offrono lavoro",
    "flood-night-calls": "Chiamate nel cuore della notte da un numero estero",
    "flood-wangiri-irsf": "Uno squillo da un numero estero, non ho richiamato",
    "flood-random-dialling": "Chiamata muta da un numero estero",
    "flood-rotation-after-block": "Ho bloccato il numero ma chiamano dal numero successivo",
    "flood-bombardment": "Chiamate e messaggi per tutto il pomeriggio da numeri esteri",
}
PERSONAL_BLOCKS = {"ng-a": "call", "pk-a": "call", "id-a": "sms", "ng-b": "whatsapp"}
SPAM_TEXTS = ("Telemarketing: offerta luce e gas", "Call center per cambio operatore telefonico",
              "Sondaggio telefonico registrato, ho riattaccato")


def reports_day(state: FloodState, day: date, d: int, records: list[Record]) -> list[Report]:
    """The flood's reports on flood day `d`, from the contacts the day's records made."""
    rng = state.world.rng("flood-reports", day)
    staff = {e.mobile: e for e in state.world.population.employees}
    logged = [r for r in records if isinstance(r, (Call, Message)) and _inbound(r) and r.tag.startswith("flood-")
              and (r.callee if isinstance(r, Call) else r.recipient) in staff]
    first: dict[int, Call | Message] = {}  # each employee's first logged flood contact today
    for record in logged:
        first.setdefault(staff[record.callee if isinstance(record, Call) else record.recipient].index, record)
    out: list[Report] = []
    if d == 0:
        out += _personal_burst(state, rng, day)
        calls = [r for r in logged if isinstance(r, Call)][:1]
        messages = [r for r in logged if isinstance(r, Message)][:1]
        for record in calls + messages:  # guaranteed: a reported number the gateways also saw
            out.append(_logged(state, rng, day, record, staff, "helpdesk"))
    reporters = {r.reporter for r in out}
    for index, record in sorted(first.items()):
        person = state.world.population.employees[index]
        if person.email not in reporters and rng.random() < REPORT_SHARE:
            out.append(_logged(state, rng, day, record, staff, _sink(rng)))
    for person in _sample(state.exposed, amount(len(state.exposed) * PERSONAL_RATE * state.world.preset.flood, rng),
                          rng):
        block = rng.choice(sorted(PERSONAL_BLOCKS))
        number = FLOOD_BLOCKS[block].number(rng.randrange(100))
        channel = PERSONAL_BLOCKS[block]
        text = CALL_TEXTS["flood-wangiri"] if channel == "call" else _pasted(WHATSAPP_TEXTS[0], number)
        out.append(_report(state.world, rng, day, at_hours(day, rng, 8, 20), person, number, channel, text,
                           _sink(rng), REPORTS))
    kept = []
    for report in out:  # nobody reports the same number twice
        key = (report.mobile, re.sub(r"\D", "", report.number).removeprefix("00"))
        if key not in state.reported:
            state.reported.add(key)
            kept.append(report)
    return kept


def spam_reports_day(world: World, day: date) -> list[Report]:
    """Employees report ordinary Italian telemarketing (never the campaign): a hard negative;
    at least one on the first day of the period."""
    rng = world.rng("spam-reports", day)
    count = amount(len(world.population.employees) * SPAM_RATE, rng)
    if day == world.period.start:
        count = max(1, count)
    out = []
    for person in _sample(world.population.employees, count, rng):
        number = italian_contact(rng)
        out.append(_report(world, rng, day, at_hours(day, rng, 9, 19), person, number, "call",
                           rng.choice(SPAM_TEXTS), _sink(rng), NEGATIVE + SPAM))
    return out


def _personal_burst(state: FloodState, rng: random.Random, day: date) -> list[Report]:
    """One WhatsApp number writes to six personal phones, three or more in one department, and
    every one of them opens a ticket the same day."""
    departments: dict[str, list[Employee]] = {}
    for person in state.exposed:
        departments.setdefault(person.department, []).append(person)
    team = max(sorted(departments), key=lambda name: len(departments[name]))
    chosen = rng.sample(departments[team], min(4, len(departments[team])))
    others = [p for p in state.exposed if p not in chosen]
    chosen += rng.sample(others, min(6 - len(chosen), len(others)))
    number = FLOOD_BLOCKS["ng-b"].number(rng.randrange(100))
    t = at_hours(day, rng, 8, 11)
    out = []
    for person in chosen:
        t += rng.randint(30, 200)
        out.append(_report(state.world, rng, day, t, person, number, "whatsapp", _pasted(WHATSAPP_TEXTS[0], number),
                           "helpdesk", REPORTS))
    return out


def _logged(state: FloodState, rng: random.Random, day: date, record: Call | Message, staff: dict[str, Employee],
            sink: str) -> Report:
    """The employee reports a contact the company's gateways logged."""
    if isinstance(record, Call):
        person, number, channel = staff[record.callee], record.caller, "call"
        text = CALL_TEXTS.get(record.tag, CALL_TEXTS["flood-wangiri"])
    else:
        person, number, text = staff[record.recipient], record.sender, record.text
        channel = "whatsapp" if record.sink == "whatsapp" else "sms"
    return _report(state.world, rng, day, record.at, person, number, channel, text, sink, REPORTS)


def _report(world: World, rng: random.Random, day: date, contact: int, person: Employee, number: str, channel: str,
            text: str, sink: str, tag: str) -> Report:
    """A ticket is timed when it is opened; a form answer when the contact came, to the minute."""
    day_end = local_ts(day + timedelta(days=1), 0) - 1
    filed = min(day_end, contact + rng.randint(600, 10_800))
    at = filed if sink == "helpdesk" else contact - contact % 60
    return Report(at, sink, person.email, f"{person.first} {person.last}", person.department, person.mobile,
                  _typed(number, rng) if sink == "forms" else number, channel, text, max(filed, at), tag)


def _typed(number: str, rng: random.Random) -> str:
    """How an employee types a number into a form: spaced, with 00, or as shown."""
    style = rng.randrange(3)
    if style == 0:
        return number
    if style == 1:
        return "00" + number[1:]
    if number.startswith("+39"):
        nat = national(number)
        return f"{nat[:3]} {nat[3:]}"
    return f"{number[:4]} {number[4:7]} {number[7:]}"


def _pasted(template: str, number: str) -> str:
    return template.format(code="", number=number.lstrip("+"))


def _inbound(record: Call | Message) -> bool:
    if isinstance(record, Call):
        return record.direction == "inbound" and record.disposition != "blocked"
    return not record.blocked


def _sink(rng: random.Random) -> str:
    return "helpdesk" if rng.random() < HELPDESK_SHARE else "forms"


def _sample(pool: list[Employee], count: int, rng: random.Random) -> list[Employee]:
    return rng.sample(pool, min(count, len(pool)))
