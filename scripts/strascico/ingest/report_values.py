"""Reading the cells of a harassment report as people fill them in: dates in local formats,
channels in their own words, several numbers in one box, long free text.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

# What employees and form options call a channel, folded (lower case, no accents) → report.channel.
CHANNEL_WORDS: dict[str, str] = {
    "call": "call", "calls": "call", "phone call": "call", "voice": "call", "voice call": "call",
    "missed call": "call", "telephone": "call", "phone": "call", "chiamata": "call", "chiamate": "call",
    "telefonata": "call", "telefonate": "call", "chiamata persa": "call", "squillo": "call", "squilli": "call",
    "voce": "call", "telefono": "call", "robocall": "call",
    "sms": "sms", "text": "sms", "text message": "sms", "messaggio": "sms", "messaggio sms": "sms",
    "whatsapp": "whatsapp", "whats app": "whatsapp", "wa": "whatsapp", "messaggio whatsapp": "whatsapp",
    "chiamata whatsapp": "whatsapp", "whatsapp call": "whatsapp",
    "telegram": "telegram", "email": "email", "e-mail": "email", "mail": "email", "posta elettronica": "email",
    "other": "other", "altro": "other",
}
# report.channel → telephony.channel (the contact logsources' closed vocabulary)
CONTACT_CHANNEL = {"call": "voice", "sms": "sms", "whatsapp": "whatsapp"}

_STAMP = re.compile(
    r"^(?P<a>\d{1,4})[/.-](?P<b>\d{1,2})[/.-](?P<c>\d{2,4})"
    r"(?:[ T,]+(?P<h>\d{1,2})[:.](?P<m>\d{2})(?:[:.](?P<s>\d{2}))?(?:\.\d+)?\s*(?P<ampm>[AaPp][Mm])?)?"
    r"\s*(?:(?:GMT|UTC)\s*(?P<off>[+-]\d{1,2}(?::?\d{2})?)?|Z)?$")
_TIME_OF_DAY = re.compile(r"^(?P<h>\d{1,2})[:.](?P<m>\d{2})(?:[:.](?P<s>\d{2}))?\s*(?P<ampm>[AaPp][Mm])?$")
# Something that looks like a phone number inside free text: digits with separators, maybe a + or 00.
_NUMBER = re.compile(r"(?:\+|\b)\d[\d \-./()]{4,}\d")
_SPLIT = re.compile(r"[;,\n|]+")
_DATE = re.compile(r"^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}$")
_SCHEME = re.compile(r"^(?:whatsapp|tel|sip|sips):", re.IGNORECASE)
_PUNCTUATION = re.compile(r"[\W_]+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def fold(text: str) -> str:
    """Lower case, no accents, punctuation as spaces: `Numero che l’ha contattata?` and
    `numero che l'ha contattata` compare equal (headers and answers as people write them)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(_PUNCTUATION.sub(" ", plain.casefold()).split())


def reporter_hash(key: bytes, identity: str) -> str:
    """Keyed hash of a reporter's identity (e-mail or user id, case-folded): the same person gives
    the same hash in every export and in `strascico attribute`'s population, and nobody without
    the key can tell who it is. Domain-separated from number hashes."""
    return hmac.new(key, b"strascico-reporter\x00" + identity.strip().casefold().encode(), hashlib.sha256).hexdigest()


def report_channel(answer: str | None, extra: dict[str, str] | None = None) -> str | None:
    """The first channel an answer names ("SMS;WhatsApp;" → sms); `other` for anything unknown."""
    if not answer or not answer.strip():
        return None
    words = {fold(k): v for k, v in {**CHANNEL_WORDS, **(extra or {})}.items()}
    for part in _SPLIT.split(answer):
        folded = fold(part)
        if folded in words:
            return words[folded]
    for part in _SPLIT.split(answer):  # "WhatsApp (messaggio)" → the first known word inside
        for token in fold(part).split():
            if token in words:
                return words[token]
    return "other"


def parse_time(text: str, zone: ZoneInfo, dayfirst: bool = True) -> tuple[datetime, bool]:
    """An aware datetime and whether the text held a time of day (False: a bare date, at 00:00).

    ISO 8601 (with or without zone), and the shapes form tools and spreadsheets write:
    `31/01/2025 14:05:33`, `31.1.2025 14.05`, `1/31/2025 2:05:33 PM` (with dayfirst False),
    `2025/01/31 2:05:33 PM GMT+1`. A time without a zone is in `zone`. Raises ValueError.
    """
    value = text.strip()
    if not value:
        raise ValueError("empty time")
    try:
        iso = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return (iso if iso.tzinfo else iso.replace(tzinfo=zone)), len(value) > 10
    except ValueError:
        pass
    match = _STAMP.match(value)
    if not match:
        raise ValueError(f"time {value!r} is in no known format")
    a, b, c = match["a"], match["b"], match["c"]
    if len(a) == 4:
        year, month, day = int(a), int(b), int(c)
    else:
        day, month = (int(a), int(b)) if dayfirst else (int(b), int(a))
        year = int(c) + (2000 if len(c) == 2 else 0)
    hour, minute, second = int(match["h"] or 0), int(match["m"] or 0), int(match["s"] or 0)
    if match["ampm"]:
        if not 1 <= hour <= 12:
            raise ValueError(f"time {value!r}: hour {hour} with AM/PM")
        hour = hour % 12 + (12 if match["ampm"].lower() == "pm" else 0)
    tz = _offset(match["off"]) if match["off"] else (timezone.utc if value.endswith(("Z", "GMT", "UTC")) else zone)
    try:
        when = datetime(year, month, day, hour, minute, second, tzinfo=tz)
    except ValueError as exc:
        order = "day/month" if dayfirst else "month/day"
        raise ValueError(f"time {value!r} is not a valid {order} date: {exc}") from None
    return when, match["h"] is not None


def parse_time_of_day(text: str) -> tuple[int, int, int]:
    """(hour, minute, second) of `14:05`, `14.05.33`, `2:05 PM`. Raises ValueError."""
    match = _TIME_OF_DAY.match(text.strip())
    if not match:
        raise ValueError(f"time of day {text.strip()!r} is in no known format")
    hour = int(match["h"])
    if match["ampm"]:
        hour = hour % 12 + (12 if match["ampm"].lower() == "pm" else 0)
    if hour > 23 or int(match["m"]) > 59:
        raise ValueError(f"time of day {text.strip()!r} is out of range")
    return hour, int(match["m"]), int(match["s"] or 0)


def _offset(text: str) -> timezone:
    sign = -1 if text.startswith("-") else 1
    digits = text[1:].replace(":", "")
    hours, minutes = (int(digits), 0) if len(digits) <= 2 else (int(digits[:-2]), int(digits[-2:]))
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def numbers_in(cell: str | None, limit: int = 10) -> list[str]:
    """The numbers a box holds, as typed: "+234 803 555 1201; 0092 300 5551234" → two. A part with
    words around a number ("numero: +234…") gives the number; any other part comes back whole
    (`whatsapp:+234…`, "+39 347 *** 1234", "numero privato"): kept as number_original, and
    counted as unparsed when it is no number."""
    if not cell or not cell.strip():
        return []
    found = []
    for part in (p.strip() for p in _SPLIT.split(cell)):
        if not part:
            continue
        match = _NUMBER.search(part)
        words = re.search(r"[^\W\d_]", _SCHEME.sub("", part)) is not None
        found.append(match.group(0).strip() if match and words else part)
    return found[:limit]


def trimmed(text: str, limit: int) -> tuple[str, bool]:
    """The text cut to `limit` characters at a word boundary when one is near, and whether it was cut."""
    if len(text) <= limit:
        return text, False
    cut = text[:max(1, limit - 1)]  # the ellipsis is the last character
    space = cut.rfind(" ")
    return (cut[:space] if space >= limit * 0.8 else cut).rstrip() + "…", True


def redacted(text: str, keep: set[str], normalize) -> str:  # type: ignore[no-untyped-def]
    """The text with every phone number replaced by `[number]` except the reported callers
    (`keep`, E.164), and every e-mail address by `[email]`: what an employee pastes may hold
    their own number or a colleague's, which the index must never store."""
    def number(match: re.Match[str]) -> str:
        if _DATE.match(match.group(0)):  # 02/02/2025 parses as a Milan landline
            return match.group(0)
        digits = sum(c.isdigit() for c in match.group(0))
        info = normalize(match.group(0)) if digits >= 6 else None
        if info is None and digits < 9:  # a date, a time, an amount
            return match.group(0)
        return match.group(0) if info is not None and info.e164 in keep else "[number]"

    return _NUMBER.sub(number, _EMAIL.sub("[email]", text))
