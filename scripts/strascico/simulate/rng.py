"""Seeded random streams: one independent `random.Random` per (seed, purpose, day)."""

from __future__ import annotations

import hashlib
import random


def derive(seed: int, *labels: object) -> random.Random:
    """A Random seeded from the run seed and labels, stable across Python versions and runs.

    Independent streams per purpose and day mean that adding events to one generator never
    shifts what another one draws (hash() is salted per process, so sha256 is used instead).
    """
    text = "\x1f".join([str(seed), *(str(label) for label in labels)])
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def hex_id(rng: random.Random, length: int) -> str:
    """`length` lower-case hex digits from `rng` (ids such as Twilio sids and uuids)."""
    return f"{rng.getrandbits(4 * length):0{length}x}"


def uuid4(rng: random.Random) -> str:
    """A version-4-shaped UUID drawn from `rng` (never from os.urandom: output must be reproducible)."""
    h = hex_id(rng, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"
