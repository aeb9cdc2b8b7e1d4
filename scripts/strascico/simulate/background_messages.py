"""Benign messages to staff mobiles: one-time codes and deliveries, friends, relatives abroad."""

from __future__ import annotations

from datetime import date

from .numbering import italian_contact
from .records import NEGATIVE, Message
from .world import World, at_hours

SENDER_IDS = ("BancaDemo", "PosteDemo", "48000", "FarmaciaOK")
DELIVERY_NEGATIVE = NEGATIVE + "delivery-sms-with-link"
JOB_TALK_NEGATIVE = NEGATIVE + "domestic-job-talk"
FAMILY_MESSAGE_NEGATIVE = NEGATIVE + "family-abroad-message"
OTP_TEXTS = ("Il codice di verifica e' {code}. Non condividerlo con nessuno.",
             "{code} e' il tuo codice per accedere all'app. Scade tra 5 minuti.")
DELIVERY_TEXT = "Il pacco {code} arriva oggi tra le 9 e le 13. Traccia la consegna: https://track.example.com/{code}"
FRIEND_TEXTS = ("Ci vediamo alle 8 davanti al bar?", "Ok, grazie mille!", "Stasera partita, ci sei?",
                "Ricordati di comprare il pane", "Sono arrivato, a dopo")
JOB_TALK_TEXTS = ("Hai visto l'annuncio? Cercano per un lavoro part-time in biblioteca: "
                  "https://www.example.com/annunci/42",
                  "Mia cugina cerca lavoro da casa, se senti qualcosa scrivimi su whatsapp")
JOB_TALK_SENDERS = ("+393335560101", "+393475560202")  # two friends who talk about jobs
FAMILY_TEXTS = ("Ciao tesoro, come stai? Chiamami stasera", "Tutto bene qui, un abbraccio a tutti",
                "Hello my dear son, call me when you finish work", "Happy birthday! We miss you")


def messages_day(world: World, day: date) -> list[Message]:
    """All benign SMS (Kannel) and WhatsApp (Twilio) messages of one local day."""
    rng = world.rng("messages", day)
    staff = world.population.employees
    out: list[Message] = []
    for _ in range(world.volume(0.05, rng)):
        to = rng.choice(staff).mobile
        code = f"{rng.randrange(10 ** 6):06d}"
        if rng.random() < 0.3:
            out.append(Message(at_hours(day, rng, 8, 20), "sms", "CorriereX", to,
                               DELIVERY_TEXT.format(code=f"IT{code}"), tag=DELIVERY_NEGATIVE))
        else:
            out.append(Message(at_hours(day, rng, 0, 24), "sms", rng.choice(SENDER_IDS), to,
                               rng.choice(OTP_TEXTS).format(code=code)))
    for _ in range(world.volume(0.03, rng)):
        out.append(Message(at_hours(day, rng, 7, 23), "sms", italian_contact(rng), rng.choice(staff).mobile,
                           rng.choice(FRIEND_TEXTS)))
    for _ in range(world.volume(0.05, rng)):
        sender, to = italian_contact(rng), rng.choice(staff).mobile
        if rng.random() < 0.1:
            out.append(Message(at_hours(day, rng, 9, 22), "whatsapp", rng.choice(JOB_TALK_SENDERS), to,
                               rng.choice(JOB_TALK_TEXTS), tag=JOB_TALK_NEGATIVE))
        else:
            out.append(Message(at_hours(day, rng, 7, 23), "whatsapp", sender, to, rng.choice(FRIEND_TEXTS)))
    if day.weekday() == 2:  # every Wednesday at least one of each look-alike, whatever the size
        to = rng.choice(staff).mobile
        out.append(Message(at_hours(day, rng, 9, 18), "sms", "CorriereX", to, DELIVERY_TEXT.format(code="IT000042"),
                           tag=DELIVERY_NEGATIVE))
        out.append(Message(at_hours(day, rng, 9, 22), "whatsapp", JOB_TALK_SENDERS[0], to, JOB_TALK_TEXTS[0],
                           tag=JOB_TALK_NEGATIVE))
    for person in world.families:  # relatives write on WhatsApp, always from the same number
        if person.relative and rng.random() < 0.25:
            out.append(Message(at_hours(day, rng, 10, 21), "whatsapp", person.relative, person.mobile,
                               rng.choice(FAMILY_TEXTS), tag=FAMILY_MESSAGE_NEGATIVE))
    return out
