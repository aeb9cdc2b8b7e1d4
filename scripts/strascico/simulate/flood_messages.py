"""The flood's messages: SMS and WhatsApp job-scam openers, a block and rotation, bombardment."""

from __future__ import annotations

import random
from datetime import date

from .flood_state import BlockEntry, FloodState, spread
from .numbering import FLOOD_BLOCKS
from .population import Employee
from .records import Call, Message, Record
from .world import amount, at_hours

SMS, WHATSAPP, SMS_ROTATION = "flood-sms-job-scam", "flood-whatsapp-job-scam", "flood-sms-rotation-after-block"
BOMBARDMENT = "flood-bombardment"
SMS_TEXTS = (
    "Salve, posso parlarle un attimo? Abbiamo un lavoro part-time da casa per lei.",
    "Buongiorno! Lavoro part-time da casa, guadagno giornaliero da 200 a 500 euro. Info: "
    "https://lavoro-facile.example.com/r/{code}",
    "Salve, sei stato selezionato per un lavoro da casa. Scrivimi su WhatsApp: wa.me/{number}",
    "Hello dear, are you available for a part-time job? Earn money from home: https://jobs-online.example.net/{code}",
)
WHATSAPP_TEXTS = (
    "Hello dear, are you available? I am Sarah from the HR team. Part-time job, earn money from home: "
    "https://wa.me/{number}",
    "Salve, posso parlarle un attimo? Abbiamo ricevuto il suo curriculum. Contattami su WhatsApp: "
    "https://wa.me/{number}?text=ciao",
    "Buongiorno, lavoro part-time da casa, guadagno giornaliero garantito. Unisciti al gruppo: "
    "https://chat.whatsapp.com/Inv{code}",
)
OPENER = "Salve, posso parlarle un attimo?"


def _text(template: str, rng: random.Random, number: str) -> str:
    return template.format(code=f"{rng.getrandbits(32):08x}", number=number.lstrip("+"))


def _blast(state: FloodState, rng: random.Random, day: date, wave: str, block: str, sink: str,
           targets: list[Employee], texts: tuple[str, ...], window: tuple[float, float]) -> list[Message]:
    """One sender messages every target within minutes, cycling through the campaign's texts."""
    number = state.next_number(block)
    t = at_hours(day, rng, *window)
    out = []
    for i, person in enumerate(targets):
        out.append(Message(t, sink, number, state.reach(person), _text(texts[i % len(texts)], rng, number), tag=wave))
        t += rng.randint(20, 150)
    return out


def message_flood_day(state: FloodState, day: date, d: int) -> list[Record]:
    """The flood's messages on flood day `d`."""
    rng = state.world.rng("flood-messages", day)
    scale, cohort = state.world.preset.flood, len(state.exposed)
    first = 2 if d == 0 else 1
    out: list[Record] = []
    for group in spread(state.exposed, max(first, amount(cohort * 0.008 * scale, rng)), rng.randint(6, 9), rng):
        out += _blast(state, rng, day, SMS, "id-a", "sms", group, SMS_TEXTS, (7, 22))
    for group in spread(state.exposed, max(first, amount(cohort * 0.006 * scale, rng)), rng.randint(5, 7), rng):
        out += _blast(state, rng, day, WHATSAPP, "ng-b", "whatsapp", group, WHATSAPP_TEXTS, (8, 23))
    if d % 3 == 1:
        for victim in rng.sample(state.exposed, max(1, amount(cohort * 0.002 * scale, rng))):
            out += _sms_rotation(state, rng, day, victim)
    if d % 4 == 2:
        for victim in rng.sample(state.exposed, max(1, amount(cohort * 0.002 * scale, rng))):
            out += _bombardment(state, rng, day, victim)
    return out


def _sms_rotation(state: FloodState, rng: random.Random, day: date, victim: Employee) -> list[Message]:
    """The victim's number is black-listed on the gateway; the next numbers of the range write anyway."""
    mobile = state.reach(victim)
    first = state.next_number("ng-c")
    t = at_hours(day, rng, 9, 15)
    out = [Message(t, "sms", first, mobile, OPENER, tag=SMS_ROTATION)]
    state.blocks.append(BlockEntry(t + 600, "sms", first, FLOOD_BLOCKS["ng-c"].prefix, victim.user_name))
    out.append(Message(t + 1200, "sms", first, mobile, OPENER, blocked=True, tag=SMS_ROTATION))
    for delay in (1800, 5400, 10800):
        out.append(Message(t + delay, "sms", state.next_number("ng-c"), mobile, OPENER, tag=SMS_ROTATION))
    return out


def _bombardment(state: FloodState, rng: random.Random, day: date, victim: Employee) -> list[Record]:
    """One employee, five numbers of one range, three channels, one afternoon."""
    mobile = state.reach(victim)
    t = at_hours(day, rng, 10, 15)
    numbers = [state.next_number("bd-b") for _ in range(5)]
    return [
        Call(t, "fmc", numbers[0], mobile, "inbound", "no_answer", 25, 0, "", BOMBARDMENT),
        Message(t + 900, "sms", numbers[1], mobile, "Hello dear, are you available? Part time job for you",
                tag=BOMBARDMENT),
        Message(t + 2400, "whatsapp", numbers[2], mobile, _text(WHATSAPP_TEXTS[0], rng, numbers[2]), tag=BOMBARDMENT),
        Call(t + 4200, "fmc", numbers[3], mobile, "inbound", "cancelled", 12, 0, "", BOMBARDMENT),
        Message(t + 7200, "sms", numbers[4], mobile, _text(SMS_TEXTS[1], rng, numbers[4]), tag=BOMBARDMENT),
    ]
