"""The numbering fast path answers exactly what phonenumbers' parser answers.

A deterministic sample of a few hundred thousand digit strings, for every calling code and
every region: the regions' example numbers of every type (E.164, national significant
number, national format with its prefix), the same numbers with digits changed, cut or added,
random digits of every plausible length behind every calling code, and national strings under
several default regions. For each, NumberingPlans.lookup must give the same PhoneInfo (or the
same None) as the phonenumbers path, or step aside (UNDECIDED).
"""

from __future__ import annotations

import random

import phonenumbers
import pytest
from phonenumbers import PhoneNumberFormat, PhoneNumberType
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE, SUPPORTED_REGIONS
from strascico.ingest.numbering import UNDECIDED
from strascico.ingest.phones import PhoneNormalizer, _fast_info, clean

DEFAULT_REGIONS = ("IT", "US", "GB", "DE", "FR", "IN", "NG", "BR", "RU", "VA", "AR", "MX", "JP", "AU", "BD")
TYPES = [v for k, v in vars(PhoneNumberType).items() if k.isupper() and isinstance(v, int)]


def _examples(region: str) -> list[phonenumbers.PhoneNumber]:
    found = []
    for kind in TYPES:
        number = phonenumbers.example_number_for_type(region, kind)
        if number is not None:
            found.append(number)
    return found


def _mutations(digits: str, rng: random.Random, count: int) -> list[str]:
    out = []
    for _ in range(count):
        chars = list(digits)
        for _ in range(rng.randint(1, 3)):  # change a few of the last digits
            pos = rng.randrange(max(len(chars) - 6, 0), len(chars)) if chars else 0
            if chars:
                chars[pos] = str(rng.randrange(10))
        text = "".join(chars)
        cut = rng.choice((0, 0, 0, -1, 1, -2, 2))
        text = text[:cut] if cut < 0 else text + "".join(str(rng.randrange(10)) for _ in range(cut))
        out.append(text)
    return out


def international_sample(rng: random.Random) -> list[str]:
    """+digits: examples, their mutations, random NSNs behind every calling code."""
    texts: list[str] = []
    for cc, regions in COUNTRY_CODE_TO_REGION_CODE.items():
        for region in regions:
            examples = (_examples(region) if region in SUPPORTED_REGIONS
                        else [n for n in (phonenumbers.example_number_for_non_geo_entity(cc),) if n])
            for number in examples:
                e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
                texts.append(e164)
                texts.extend("+" + t for t in _mutations(e164[1:], rng, 60))
                nsn = phonenumbers.national_significant_number(number)
                for _ in range(20):  # the example's leading digits, random rest, any length
                    keep = rng.randint(1, min(4, len(nsn)))
                    size = rng.randint(max(keep, 3), 17)
                    texts.append(f"+{cc}{nsn[:keep]}" + "".join(str(rng.randrange(10)) for _ in range(size - keep)))
        for _ in range(150):  # random digits of every plausible length
            size = rng.randint(1, 18)
            texts.append(f"+{cc}" + "".join(str(rng.randrange(10)) for _ in range(size)))
    return texts


def national_sample(region: str, rng: random.Random) -> list[str]:
    """Digits as written inside `region`: NSNs, national formats, mutations, random strings,
    strings that start with the region's own calling code."""
    texts: list[str] = []
    cc = str(phonenumbers.country_code_for_region(region))
    for number in _examples(region):
        nsn = phonenumbers.national_significant_number(number)
        national = clean(phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL))
        for text in (nsn, national, cc + nsn, cc + national):
            texts.append(text)
            texts.extend(_mutations(text, rng, 150))
    for _ in range(6000):
        size = rng.randint(2, 18)
        first = str(rng.randrange(10))
        texts.append(first + "".join(str(rng.randrange(10)) for _ in range(size - 1)))
    for _ in range(1000):
        texts.append(cc + "".join(str(rng.randrange(10)) for _ in range(rng.randint(2, 14))))
    return texts


def _compare(normalizer: PhoneNormalizer, texts: list[str]) -> tuple[int, int]:
    decided = 0
    for text in texts:
        found = normalizer.plans.lookup(text)
        if found is UNDECIDED:
            continue
        decided += 1
        fast = _fast_info(found) if found is not None else None  # type: ignore[arg-type]
        assert fast == normalizer._parsed(text), text
    return decided, len(texts)


@pytest.mark.parametrize("region", DEFAULT_REGIONS)
def test_fast_path_matches_phonenumbers(region: str) -> None:
    rng = random.Random(f"numbering-{region}")
    normalizer = PhoneNormalizer(region)
    texts = national_sample(region, rng)
    if region == "IT":  # the calling-code sweep once: it does not depend on the default region
        texts += international_sample(rng)
    decided, total = _compare(normalizer, texts)
    assert total > 1000
    if region == "IT":  # no national prefix: the fast path must carry most numbers, or it is dead code
        assert decided > total * 0.7, f"fast path decided only {decided}/{total}"


def test_sample_size() -> None:
    """The sweep above is the proof: keep it at hundreds of thousands of numbers."""
    rng = random.Random("numbering-IT")
    total = len(international_sample(rng)) + sum(len(national_sample(r, rng)) for r in DEFAULT_REGIONS)
    assert total >= 300_000, total
