"""The flood's calls: one-ring bursts, robocalls, night calls, IRSF, random dialling, callbacks, rotation."""

from __future__ import annotations

import random
from datetime import date
from typing import Callable

from .clock import local_ts
from .flood_state import BlockEntry, FloodState, spread
from .numbering import CONTACT_CENTRE_DID, FLOOD_BLOCKS
from .population import Employee
from .records import Call
from .world import amount, at_hours

WANGIRI, CALLBACK, ROBOCALL, NIGHT = "flood-wangiri", "flood-callback", "flood-robocall", "flood-night-calls"
IRSF, RANDOM, ROTATION = "flood-wangiri-irsf", "flood-random-dialling", "flood-rotation-after-block"
SWITCHBOARD = "flood-switchboard"
ROBOCALL_NAMES = ("HR Recruitment", "Offerta Lavoro", "Selezione Personale", "Career Team")
NIGHT_SECONDS = 9 * 3600  # 22:00-24:00 and 00:00-07:00
Shape = Callable[[random.Random], tuple[str, int, int, str]]  # → disposition, ring, talk, caller name


def _burst(state: FloodState, rng: random.Random, day: date, wave: str, block: str, targets: list[Employee],
           start: tuple[float, float], gap: tuple[int, int], shape: Shape) -> list[Call]:
    """One number of the range works through `targets` one after another, `gap` seconds apart."""
    number = state.next_number(block)
    t = at_hours(day, rng, *start)
    calls = []
    for person in targets:
        disposition, ring, talk, name = shape(rng)
        calls.append(Call(t, "fmc", number, state.reach(person), "inbound", disposition, ring, talk, name, wave))
        t += rng.randint(*gap)
    return calls


def _one_ring(rng: random.Random) -> tuple[str, int, int, str]:
    return ("cancelled" if rng.random() < 0.8 else "no_answer"), rng.randint(1, 3), 0, ""


def _robocall(rng: random.Random) -> tuple[str, int, int, str]:
    name = rng.choice(ROBOCALL_NAMES)
    if rng.random() < 0.75:  # the recorded message lasts about 17 seconds
        return "answered", rng.randint(3, 8), rng.randint(15, 19), name
    return "no_answer", rng.randint(25, 30), 0, name


def _silent_robocall(rng: random.Random) -> tuple[str, int, int, str]:
    return "answered", rng.randint(3, 6), rng.randint(10, 25), ""


def voice_flood_day(state: FloodState, day: date, d: int) -> list[Call]:
    """The flood's calls on flood day `d` (0 = first day); day 0 guarantees every correlation's threshold."""
    rng = state.world.rng("flood-voice", day)
    scale, cohort = state.world.preset.flood, len(state.exposed)
    first = 2 if d == 0 else 1  # two bursts of disjoint targets: ≥10 employees from one range that day
    calls: list[Call] = []
    for group in spread(state.exposed, max(first, amount(cohort * 0.008 * scale, rng)), rng.randint(5, 8), rng):
        burst = _burst(state, rng, day, WANGIRI, "ng-a", group, (8, 20), (30, 240), _one_ring)
        calls += burst + _callbacks(state, rng, burst, guaranteed=d == 0 and not calls)
    for group in spread(state.exposed, max(first, amount(cohort * 0.006 * scale, rng)), rng.randint(5, 7), rng):
        calls += _burst(state, rng, day, ROBOCALL, "pk-a", group, (9, 19), (60, 400), _robocall)
    calls += _night(state, rng, day, max(3, amount(cohort * 0.004 * scale, rng)))
    if d % 7 == 0:
        for group in spread(state.exposed, 1, 6, rng):
            calls += _burst(state, rng, day, IRSF, "tn-a", group, (10, 19), (30, 300), _one_ring)
    pool = state.outsiders
    for group in spread(pool, max(first, amount(len(pool) * 0.01 * scale, rng)), min(6, len(pool)), rng):
        calls += _burst(state, rng, day, RANDOM, "in-a", group, (9, 19), (60, 500), _silent_robocall)
    if d % 3 == 0:
        for victim in rng.sample(state.exposed, max(1, amount(cohort * 0.002 * scale, rng))):
            calls += _rotation(state, rng, day, victim)
    if d % 2 == 0:
        calls += _switchboard(state, rng, day)
    return calls


def _switchboard(state: FloodState, rng: random.Random, day: date) -> list[Call]:
    """The dialler also works through the company's public number: one-ring calls into the queue."""
    number = state.next_number("ng-d")
    t = at_hours(day, rng, 0, 23)
    return [Call(t + k * rng.randint(60, 600), "pbx", number, CONTACT_CENTRE_DID, "inbound", "cancelled",
                 rng.randint(1, 3), 0, "", SWITCHBOARD) for k in range(rng.randint(2, 4))]


def _night(state: FloodState, rng: random.Random, day: date, numbers: int) -> list[Call]:
    """Night calls that ring long (nobody answers at 3 a.m.): four employees per number."""
    calls = []
    for group in spread(state.exposed, numbers, 4, rng):
        number = state.next_number("bd-a")
        for person in group:
            offset = rng.randrange(NIGHT_SECONDS)
            seconds = offset + 22 * 3600 if offset < 2 * 3600 else offset - 2 * 3600
            calls.append(Call(local_ts(day, seconds), "fmc", number, state.reach(person), "inbound", "no_answer",
                              rng.randint(20, 40), 0, "", NIGHT))
    return calls


def _callbacks(state: FloodState, rng: random.Random, burst: list[Call], guaranteed: bool) -> list[Call]:
    """A few employees ring the missed number back from their desk phone: the monetisation step."""
    out = []
    staff = {e.mobile: e for e in state.exposed}
    for i, call in enumerate(burst):
        if (guaranteed and i == 0) or rng.random() < 0.03:
            person = staff[call.callee]
            out.append(Call(call.at + rng.randint(300, 3600), "pbx", person.extension, call.caller, "outbound",
                            "answered", rng.randint(5, 10), rng.randint(30, 150), "", CALLBACK))
    return out


def _rotation(state: FloodState, rng: random.Random, day: date, victim: Employee) -> list[Call]:
    """'Block one number and the next one in the range rings': the victim blocks, three more get through."""
    mobile = state.reach(victim)
    first = state.next_number("pk-b")
    t = at_hours(day, rng, 9, 16)
    calls = [Call(t, "fmc", first, mobile, "inbound", "no_answer", rng.randint(20, 30), 0, "", ROTATION),
             Call(t + 600, "fmc", first, mobile, "inbound", "rejected", rng.randint(4, 8), 0, "", ROTATION)]
    state.blocks.append(BlockEntry(t + 900, "voice", first, FLOOD_BLOCKS["pk-b"].prefix, victim.user_name))
    calls.append(Call(t + 1800, "fmc", first, mobile, "inbound", "blocked", 0, 0, "", ROTATION))
    for k, delay in enumerate((2700, 7200, 14400)):
        number = state.next_number("pk-b")
        disposition = "no_answer" if k != 1 else "cancelled"
        calls.append(Call(t + delay, "fmc", number, mobile, "inbound", disposition, rng.randint(10, 30), 0, "",
                          ROTATION))
    return calls
