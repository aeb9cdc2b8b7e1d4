"""Phone numbers to the taxonomy with libphonenumber's data (the `phonenumbers` package).

Never hand-written prefix rules: Italian landlines keep their leading 0 after +39, `00` and
`000` international prefixes, national formats under a configured default region, spaces,
dashes and `whatsapp:`/`tel:`/`sip:` schemes all occur in real exports. Flood traffic
repeats numbers, so results are cached.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType

from .numbering import UNDECIDED, NumberingPlans

RANGE_DROP_DIGITS = 2  # a range is a block of 100 numbers: E.164 without its last two digits

NUMBER_TYPES = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "fixed_line",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "mobile",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PREMIUM_RATE: "premium_rate",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.SHARED_COST: "shared_cost",
}
_SCHEME = re.compile(r"^(?:whatsapp|tel|sip|sips):", re.IGNORECASE)
_SIP_HOST = re.compile(r"@.*$")
_SEPARATORS = re.compile(r"[\s\-./()]")
_PLAIN = re.compile(r"\+?[0-9]+")  # what clean() leaves of most numbers, and returns unchanged


PHONE_FIELDS = ("number", "country_code", "country_iso", "number_type", "range")  # PhoneInfo's taxonomy names


class PhoneInfo(NamedTuple):
    """One normalized number: the taxonomy's `*.number`, `.country_code`, `.country_iso`,
    `.number_type`, `.range` (a tuple in PHONE_FIELDS order: cheap to build and to unpack)."""

    e164: str
    country_code: str
    country_iso: str
    number_type: str
    range: str

    def fields(self, prefix: str) -> dict[str, str]:
        """Taxonomy fields under `prefix` (e.g. `telephony.caller`)."""
        return {f"{prefix}.{name}": value for name, value in zip(PHONE_FIELDS, self)}


def clean(raw: str) -> str:
    """The digits (and a leading +) of a number as a source wrote it."""
    if _PLAIN.fullmatch(raw):
        return raw
    text = _SIP_HOST.sub("", _SCHEME.sub("", raw.strip()))
    return _SEPARATORS.sub("", text)


def _info(number: phonenumbers.PhoneNumber) -> PhoneInfo:
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    region = phonenumbers.region_code_for_number(number) or "ZZ"
    kind = NUMBER_TYPES.get(phonenumbers.number_type(number), "unknown")
    return PhoneInfo(e164, str(number.country_code), region, kind, e164[:-RANGE_DROP_DIGITS])


def _fast_info(found: tuple[int, str, str, int]) -> PhoneInfo:
    cc, nsn, region, kind = found
    e164 = f"+{cc}{nsn}"
    return PhoneInfo(e164, str(cc), region, NUMBER_TYPES.get(kind, "unknown"), e164[:-RANGE_DROP_DIGITS])


class PhoneNormalizer:
    """Parses numbers for one default region (for national formats), with a cache."""

    def __init__(self, default_region: str = "IT", cache_size: int = 65536):
        self.default_region = default_region.upper()
        self.plans = NumberingPlans(self.default_region)
        self.normalize = lru_cache(maxsize=cache_size)(self._normalize)  # type: ignore[method-assign]

    def _normalize(self, raw: str) -> PhoneInfo | None:
        """PhoneInfo, or None when the text is no valid phone number (caller keeps the original)."""
        text = clean(raw or "")
        if not _PLAIN.fullmatch(text) and (
                not text or not any(c.isdigit() for c in text) or "*" in text or "#" in text):
            return None  # masked numbers (+39******567) must not parse as some other valid number
        if text.startswith("000"):  # some exports write the international prefix as 000
            text = "+" + text[3:]
        elif text.startswith("00"):
            text = "+" + text[2:]
        found = self.plans.lookup(text)
        if found is not UNDECIDED:
            return _fast_info(found) if found is not None else None  # type: ignore[arg-type]
        return self._parsed(text)

    def _parsed(self, text: str) -> PhoneInfo | None:
        """The general path: phonenumbers' parser, as the national default region, then as +digits."""
        for candidate, region in ((text, self.default_region), ("+" + text.lstrip("+"), None)):
            try:
                number = phonenumbers.parse(candidate, region)
            except NumberParseException:
                continue
            if phonenumbers.is_valid_number(number):
                return _info(number)
        return None
