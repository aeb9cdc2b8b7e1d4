"""A seeded corpus of hostile rule files: the pack's own rules, broken in the ways files break.

Each mutant is written next to an unchanged copy of the pack (so correlations still find their
base rules) with a fresh id and name, and carries what a correct loader must make of it:
"bad" (some error finding must name the file), "good" (it must convert like its original), or
"either" (a truncation may still be a valid rule; it must only never break the run).
"""

from __future__ import annotations

import random
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

Mutation = Callable[[str, random.Random], "tuple[bytes, str] | None"]

_ID = re.compile(r"(?m)^id: .*$")
_NAME = re.compile(r"(?m)^name: (.*)$")
_TITLE = re.compile(r"(?m)^title: (.*)$")
_DATE = re.compile(r"(?m)^(date|modified): .*$")
_MODIFIER = re.compile(r"\|(contains|startswith|endswith|re|cidr|all|windash|expand|lt|gt|gte|lte)\b")
_CONDITION = re.compile(r"(?m)^(\s+condition: ).*$")
_WRONG_TYPES = ["[1, 2]", "{a: 1}", "42", "true", "null"]
_MUST_TYPED = ["title", "id", "status", "level", "logsource", "detection", "tags", "date"]


@dataclass(frozen=True)
class Mutant:
    path: Path
    kind: str
    expect: str  # "bad", "good" or "either"


def _utf8(text: str, expect: str) -> tuple[bytes, str]:
    return text.encode("utf-8"), expect


def truncate(text: str, rng: random.Random) -> tuple[bytes, str]:
    return _utf8(text[: rng.randint(len(text) // 5, len(text) * 9 // 10)], "either")


def deep_flow(text: str, rng: random.Random) -> tuple[bytes, str] | None:
    depth = rng.choice([70, 500, 3000, 20000])
    nested = "[" * depth + "x" + "]" * depth
    out, count = re.subn(r"(?m)^(\s+condition: .*)$", rf"    deep_sel: {nested}\n\1", text, count=1)
    return _utf8(out, "bad") if count else None


def deep_block(text: str, rng: random.Random) -> tuple[bytes, str]:
    depth = rng.choice([70, 200, 600])
    block = "".join("  " * (i + 1) + f"k{i}:\n" for i in range(depth)) + "  " * (depth + 1) + "v\n"
    return _utf8(text + "deep:\n" + block, "bad")


def wrong_type(text: str, rng: random.Random) -> tuple[bytes, str] | None:
    keys = [k for k in _MUST_TYPED if re.search(rf"(?m)^{k}:", text)]
    key = rng.choice(keys)
    value = rng.choice([v for v in _WRONG_TYPES if not (key in ("tags",) and v.startswith("["))])
    # drop the key's block (its indented lines too) and put the wrong value in its place
    out = re.sub(rf"(?m)^{key}:.*\n(?:[ \-].*\n)*", f"{key}: {value}\n", text, count=1)
    return _utf8(out, "bad")


def bad_date(text: str, rng: random.Random) -> tuple[bytes, str] | None:
    value = rng.choice(["2025-13-45", "2025-02-30", "2025-00-10", "'2025/13/45'", "9999-99-99",
                        "2025-01-01T25:61:61", "'yesterday'", "20251301"])
    out, count = _DATE.subn(lambda m: f"{m.group(1)}: {value}", text, count=1)
    return _utf8(out, "bad") if count else None


def huge_int(text: str, rng: random.Random) -> tuple[bytes, str] | None:
    digits = "9" * rng.choice([4400, 20000])
    out, count = re.subn(r"(?m)^(\s+condition: .*)$", rf"    huge_sel:\n      field: {digits}\n\1",
                         text, count=1)
    return _utf8(out, "bad") if count else None


def duplicate_key(text: str, rng: random.Random) -> tuple[bytes, str]:
    key = rng.choice(["level", "title", "status"])
    return _utf8(text.rstrip("\n") + f"\n{key}: low\n", "bad")


def invalid_regex(text: str, rng: random.Random) -> tuple[bytes, str] | None:
    pattern = rng.choice(["'([a-z'", "'*abc'", "'(?P<x>a)(?P<x>b)'", "'[z-a]'"])
    out, count = re.subn(r"(?m)^(\s+condition: )(.*)$",
                         rf"    regex_sel:\n      user.name|re: {pattern}\n\1(\2) or regex_sel",
                         text, count=1)
    return _utf8(out, "bad") if count else None


def unknown_modifier(text: str, rng: random.Random) -> tuple[bytes, str] | None:
    out, count = _MODIFIER.subn(lambda m: f"|{m.group(1)}x", text, count=1)
    return _utf8(out, "bad") if count else None


def broken_condition(text: str, rng: random.Random) -> tuple[bytes, str] | None:
    value = rng.choice(["sel and (", "1 of", "not", "selection_that_is_not_there"])
    out, count = _CONDITION.subn(lambda m: m.group(1) + value, text, count=1)
    return _utf8(out, "bad") if count else None


def odd_encoding(text: str, rng: random.Random) -> tuple[bytes, str]:
    kind = rng.choice(["utf16", "latin1", "nul", "crlf", "bom"])
    accented = text.replace("title: ", "title: Accès ", 1)
    if kind == "utf16":
        return text.encode("utf-16"), "bad"
    if kind == "latin1":
        return accented.encode("latin-1"), "bad"
    if kind == "nul":
        return text.replace("\n", "\n\x00", 1).encode("utf-8"), "bad"
    if kind == "crlf":
        return text.replace("\n", "\r\n").encode("utf-8"), "good"
    return b"\xef\xbb\xbf" + text.encode("utf-8"), "good"


def untouched(text: str, rng: random.Random) -> tuple[bytes, str]:
    return _utf8(text, "good")


MUTATIONS: dict[str, Mutation] = {
    "truncate": truncate, "deep_flow": deep_flow, "deep_block": deep_block,
    "wrong_type": wrong_type, "bad_date": bad_date, "huge_int": huge_int,
    "duplicate_key": duplicate_key, "invalid_regex": invalid_regex,
    "unknown_modifier": unknown_modifier, "broken_condition": broken_condition,
    "odd_encoding": odd_encoding, "untouched": untouched,
}


def _fresh_identity(text: str, rng: random.Random, number: int) -> str:
    text = _ID.sub(f"id: {uuid.UUID(int=rng.getrandbits(128), version=4)}", text, count=1)
    text = _TITLE.sub(lambda m: f"title: {m.group(1)} Mutant {number}", text, count=1)
    return _NAME.sub(lambda m: f"name: {m.group(1)}_m{number}", text, count=1)


def build_corpus(rules: Path, out: Path, count: int, seed: int) -> list[Mutant]:
    """Copy the pack to `out/pack`, then write `count` mutants of its rules to `out/mutants`."""
    shutil.copytree(rules, out / "pack")
    rng = random.Random(seed)
    sources = sorted(rules.rglob("*.yml"))
    kinds = sorted(MUTATIONS)
    mutants: list[Mutant] = []
    while len(mutants) < count:
        source, kind = rng.choice(sources), kinds[len(mutants) % len(kinds)]
        number = len(mutants)
        text = _fresh_identity(source.read_text(encoding="utf-8"), rng, number)
        made = MUTATIONS[kind](text, rng)
        if made is None:  # this rule has nothing the mutation applies to; draw again
            continue
        data, expect = made
        path = out / "mutants" / f"{source.stem[:40]}_{kind}_{number:03d}.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        mutants.append(Mutant(path, kind, expect))
    return mutants
