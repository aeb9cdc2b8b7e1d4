"""libphonenumber's own answer for plain digit strings, without its general-purpose parser.

`phonenumbers.parse` + `is_valid_number` + `region_code_for_number` + `number_type` cost
~100 µs a number and evaluate the type patterns up to five times; most numbers in real
exports are `+<digits>` or national digits. For those, this module follows the same steps as
phonenumbers (country code from COUNTRY_CODE_TO_REGION_CODE, the region's metadata, its
type descriptions tried in phonenumberutil._number_type_helper's order) once, with the
metadata's own patterns compiled once. Nothing here is a numbering rule of its own.

Whenever parse would take a branch this module does not reproduce (an IDD or national prefix
that could be stripped, the default country code written without +, lengths at the limits,
anything but ASCII digits), `lookup` answers UNDECIDED and the caller asks phonenumbers.
tests/test_numbering.py compares both paths on a large sample of numbers.
"""

from __future__ import annotations

import re
from functools import cache

from phonenumbers import PhoneMetadata, PhoneNumberType
from phonenumbers.phonenumberutil import (
    COUNTRY_CODE_TO_REGION_CODE,
    REGION_CODE_FOR_NON_GEO_ENTITY,
    country_code_for_region,
    country_code_for_valid_region,
    region_code_for_country_code,
)

UNDECIDED = object()  # "ask phonenumbers": the fast path does not cover this input
MIN_NSN, MAX_NSN = 3, 17  # phonenumbers rejects NSNs outside 2..17; the edges go to it
MAX_CC_DIGITS = 3
_DIGITS = re.compile(r"[0-9]+")

# phonenumberutil._number_type_helper's order: the first matching description wins
_SPECIAL_TYPES = (
    ("premium_rate", PhoneNumberType.PREMIUM_RATE),
    ("toll_free", PhoneNumberType.TOLL_FREE),
    ("shared_cost", PhoneNumberType.SHARED_COST),
    ("voip", PhoneNumberType.VOIP),
    ("personal_number", PhoneNumberType.PERSONAL_NUMBER),
    ("pager", PhoneNumberType.PAGER),
    ("uan", PhoneNumberType.UAN),
    ("voicemail", PhoneNumberType.VOICEMAIL),
)


# Named groups of _first_of's alternation → the number type of that alternative.
_KIND_OF_GROUP = {f"k{kind}": kind for kind in range(32)}


def _first_of(ordered: list[tuple[re.Pattern[str], int]]) -> re.Pattern[str] | None:
    """One pattern whose fullmatch takes the first alternative (in `ordered` order) that matches
    the whole NSN, its group naming the type; None when a pattern has groups of its own."""
    if not ordered or any(pattern.groups for pattern, _ in ordered):
        return None
    return re.compile("|".join(f"(?P<k{kind}>(?:{pattern.pattern}))" for pattern, kind in ordered))


class _Desc:
    """A PhoneNumberDesc as phonenumberutil._is_number_matching_desc reads it."""

    __slots__ = ("lengths", "pattern")

    def __init__(self, desc) -> None:  # type: ignore[no-untyped-def]
        pattern = desc.national_number_pattern if desc is not None else None
        self.pattern = re.compile(pattern) if pattern else None
        self.lengths = frozenset(desc.possible_length) if desc is not None else frozenset()

    def at(self, length: int) -> re.Pattern[str] | None:
        """The pattern to try on an NSN of this length; None when the desc cannot match it."""
        if self.pattern is None or (self.lengths and length not in self.lengths):
            return None
        return self.pattern

    def matches(self, nsn: str) -> bool:
        pattern = self.at(len(nsn))
        return pattern is not None and pattern.fullmatch(nsn) is not None


class _Plan:
    """One region's metadata, compiled: its number type and what parse needs to know."""

    def __init__(self, metadata) -> None:  # type: ignore[no-untyped-def]
        self.general = _Desc(metadata.general_desc)
        self.special = tuple((_Desc(getattr(metadata, attr)), kind) for attr, kind in _SPECIAL_TYPES)
        self.fixed = _Desc(metadata.fixed_line)
        self.mobile = _Desc(metadata.mobile)
        self.same_fixed_and_mobile = metadata.same_mobile_and_fixed_line_pattern
        self.leading_digits = re.compile(metadata.leading_digits) if metadata.leading_digits else None
        prefix = metadata.national_prefix_for_parsing
        self.national_prefix = re.compile(prefix) if prefix else None
        idd = metadata.international_prefix
        self.idd = re.compile(idd) if idd else None
        self.country_code = metadata.country_code
        lengths = metadata.general_desc.possible_length
        self.max_length = lengths[-1] if lengths else -1
        self._steps: dict[int, tuple] = {}  # type: ignore[type-arg]  # NSN length → number_type's patterns

    def number_type(self, nsn: str) -> int:
        """phonenumberutil._number_type_helper, with the descs filtered by length once."""
        steps = self._steps.get(len(nsn))
        if steps is None:
            steps = self._steps[len(nsn)] = self._steps_at(len(nsn))
        general, special, fixed, mobile, first = steps
        if general is None or general.fullmatch(nsn) is None:
            return PhoneNumberType.UNKNOWN
        if first is not None:  # one regex call finds the first desc that matches, in order
            found = first.fullmatch(nsn)
            if found is None:
                return PhoneNumberType.UNKNOWN
            kind = _KIND_OF_GROUP[found.lastgroup]  # type: ignore[index]
            if kind != PhoneNumberType.FIXED_LINE:
                return kind
            if self.same_fixed_and_mobile or (mobile is not None and mobile.fullmatch(nsn) is not None):
                return PhoneNumberType.FIXED_LINE_OR_MOBILE
            return PhoneNumberType.FIXED_LINE
        for pattern, kind in special:
            if pattern.fullmatch(nsn) is not None:
                return kind
        if fixed is not None and fixed.fullmatch(nsn) is not None:
            if self.same_fixed_and_mobile or (mobile is not None and mobile.fullmatch(nsn) is not None):
                return PhoneNumberType.FIXED_LINE_OR_MOBILE
            return PhoneNumberType.FIXED_LINE
        if not self.same_fixed_and_mobile and mobile is not None and mobile.fullmatch(nsn) is not None:
            return PhoneNumberType.MOBILE
        return PhoneNumberType.UNKNOWN

    def _steps_at(self, length: int) -> tuple:  # type: ignore[type-arg]
        special = tuple((p, kind) for desc, kind in self.special if (p := desc.at(length)) is not None)
        fixed, mobile = self.fixed.at(length), self.mobile.at(length)
        ordered = list(special)
        if fixed is not None:
            ordered.append((fixed, PhoneNumberType.FIXED_LINE))
        if mobile is not None and not self.same_fixed_and_mobile:
            ordered.append((mobile, PhoneNumberType.MOBILE))
        return self.general.at(length), special, fixed, mobile, _first_of(ordered)

    def may_strip_national_prefix(self, digits: str) -> bool:
        return self.national_prefix is not None and self.national_prefix.match(digits) is not None


@cache
def _plan(region: str, country_code: int) -> _Plan | None:
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(country_code, region)
    return _Plan(metadata) if metadata is not None else None


def _country_code(digits: str) -> int:
    """phonenumberutil._extract_country_code: the shortest known calling code; 0 if none."""
    if digits[0] == "0":
        return 0
    for size in range(1, MAX_CC_DIGITS + 1):
        if int(digits[:size]) in COUNTRY_CODE_TO_REGION_CODE:
            return int(digits[:size])
    return 0


def _region(country_code: int, nsn: str) -> tuple[str | None, int | None]:
    """phonenumberutil.region_code_for_number, and the type when it had to compute it."""
    regions = COUNTRY_CODE_TO_REGION_CODE[country_code]
    if len(regions) == 1:
        return regions[0], None
    for region in regions:  # _region_code_for_number_from_list
        plan = _plan(region, country_code) if region != REGION_CODE_FOR_NON_GEO_ENTITY else None
        if plan is None:
            continue
        if plan.leading_digits is not None:
            if plan.leading_digits.match(nsn):
                return region, None
        elif (kind := plan.number_type(nsn)) != PhoneNumberType.UNKNOWN:
            return region, kind
    return None, None


def classify(country_code: int, nsn: str) -> tuple[str, int] | None:
    """(region, number type) of a valid number, None when phonenumbers calls it invalid
    (is_valid_number, then region_code_for_number and number_type of the same number)."""
    region, kind = _region(country_code, nsn)
    if region is None:
        return None
    if region != REGION_CODE_FOR_NON_GEO_ENTITY and country_code != country_code_for_valid_region(region):
        return None
    plan = _plan(region, country_code)
    if plan is None:
        return None
    if kind is None:
        kind = plan.number_type(nsn)
    return (region, kind) if kind != PhoneNumberType.UNKNOWN else None


class NumberingPlans:
    """The fast path for one default region (the region national formats are read in)."""

    def __init__(self, default_region: str):
        self.default_region = default_region
        cc = country_code_for_region(default_region)  # 0 for an unknown region: no fast path
        self.default = _plan(default_region, cc) if cc else None

    def lookup(self, text: str) -> tuple[int, str, str, int] | None | object:
        """(country code, NSN, region, type) for a valid number, None for one phonenumbers
        would refuse, UNDECIDED when only phonenumbers can say. `text` is clean()ed, with
        00/000 already turned into +."""
        if text[:1] == "+":
            return self._international(text[1:])
        if self.default is None or not _DIGITS.fullmatch(text):
            return UNDECIDED
        national = self._national(text)
        if national is not None:  # None: not valid as a national number, try it as +digits
            return national
        return self._international(text)

    def _international(self, digits: str) -> tuple[int, str, str, int] | None | object:
        """parse('+' + digits): the country code, then the rest as that country's NSN."""
        if not _DIGITS.fullmatch(digits):
            return UNDECIDED
        cc = _country_code(digits)
        if cc == 0:
            return UNDECIDED  # parse retries without the +, under the default region
        nsn = digits[len(str(cc)):]
        main = _plan(region_code_for_country_code(cc), cc)
        if main is None or not MIN_NSN <= len(nsn) <= MAX_NSN or main.may_strip_national_prefix(nsn):
            return UNDECIDED
        return _answer(cc, nsn)

    def _national(self, digits: str) -> tuple[int, str, str, int] | None | object:
        """parse(digits, default_region) when no prefix of any kind applies."""
        plan = self.default
        assert plan is not None
        if not MIN_NSN <= len(digits) <= MAX_NSN or plan.may_strip_national_prefix(digits):
            return UNDECIDED
        if plan.idd is not None and plan.idd.match(digits):
            return UNDECIDED
        if digits.startswith(str(plan.country_code)) and not (
                plan.general.pattern is not None and plan.general.pattern.fullmatch(digits)
                and len(digits) <= plan.max_length):
            return UNDECIDED  # parse might read these digits as the country code
        return _answer(plan.country_code, digits)


def _answer(cc: int, nsn: str) -> tuple[int, str, str, int] | None:
    found = classify(cc, nsn)
    return None if found is None else (cc, nsn, found[0], found[1])
