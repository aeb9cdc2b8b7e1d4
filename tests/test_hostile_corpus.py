"""A few hundred seeded mutations of the pack's own rules through the real `check` and `convert`.

What must hold for every run, whatever the files contain: no internal error (exit 1, never 2,
no traceback), every broken file named by an error finding of its own, every intact file still
converted — and a mutant that converts is never one the checker rejected at load.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from .conftest import RULES, run_cli
from .mutants import MUTATIONS, build_corpus

SEED, COUNT = 14, 300


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("hostile-corpus")
    return root, build_corpus(RULES, root, COUNT, SEED)


@pytest.fixture(scope="module")
def checked(corpus):  # type: ignore[no-untyped-def]
    root, _ = corpus
    return run_cli("check", "--json", str(root))


@pytest.fixture(scope="module")
def converted(corpus):  # type: ignore[no-untyped-def]
    root, _ = corpus
    return run_cli("convert", "--json", "--target", "lucene", "--target", "kibana",
                   "--out", str(root / "build"), str(root))


def test_the_corpus_is_reproducible_and_covers_every_mutation(corpus, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, mutants = corpus
    again = build_corpus(RULES, tmp_path, COUNT, SEED)
    assert [m.path.read_bytes() for m in mutants] == [m.path.read_bytes() for m in again]
    kinds = Counter(m.kind for m in mutants)
    assert set(kinds) == set(MUTATIONS) and min(kinds.values()) >= COUNT // len(MUTATIONS) - 1


@pytest.mark.parametrize("run", ["checked", "converted"])
def test_no_file_breaks_the_run(run: str, request: pytest.FixtureRequest) -> None:
    result = request.getfixturevalue(run)
    assert result.returncode == 1, result.stderr[-2000:]  # findings, not a usage/internal error
    assert "internal" not in result.stderr and "Traceback" not in result.stderr, result.stderr[-2000:]


def test_every_broken_file_is_named_and_every_intact_one_is_clean(corpus, checked) -> None:  # type: ignore[no-untyped-def]
    root, mutants = corpus
    findings = json.loads(checked.stdout)["findings"]
    errors_by_path: dict[str, list[dict]] = {}
    for finding in findings:
        if finding["severity"] == "error" and finding["code"] != "cases":  # mutants have no cases
            errors_by_path.setdefault(finding["path"], []).append(finding)
    unnamed = [m.path.name for m in mutants if m.expect == "bad" and str(m.path) not in errors_by_path]
    assert unnamed == []
    flagged_good = {m.path.name: errors_by_path[str(m.path)] for m in mutants
                    if m.expect == "good" and str(m.path) in errors_by_path}
    assert flagged_good == {}
    pack_errors = [f for path, fs in errors_by_path.items() if "/pack/" in path for f in fs]
    assert pack_errors == []  # the broken neighbours do not spill onto the intact pack
    assert not [f for f in findings if f["path"] == "(pack)"]


def test_every_intact_file_converts_and_no_broken_one_slips_through(corpus, checked, converted) -> None:  # type: ignore[no-untyped-def]
    root, mutants = corpus
    report = json.loads(converted.stdout)
    named = {p["path"] for p in report["load_problems"]} | {
        r["rule"] for r in report["results"] if r["status"] == "error"}
    # converted: a file whose every rule reached every target it can take (none refused)
    ok = {r["rule"] for r in report["results"] if r["status"] == "ok"} - named
    intact = [str(p) for p in (root / "pack").rglob("*.yml")]
    intact += [str(m.path) for m in mutants if m.expect == "good"]
    assert sorted(p for p in intact if p not in ok) == []
    load_rejected = {f["path"] for f in json.loads(checked.stdout)["findings"]
                     if f["code"] in ("yaml", "sigma", "io")}
    for mutant in mutants:
        path = str(mutant.path)
        assert (path in ok) != (path in named), f"{mutant.kind}: {path} neither converted nor named"
        assert not (path in ok and path in load_rejected), f"{mutant.kind}: {path} converted though rejected"
    kibana = (root / "build" / "kibana" / "rules.ndjson").read_text(encoding="utf-8").splitlines()
    assert len(kibana) == len({r["id"] for r in report["results"]
                               if r["target"] == "kibana" and r["status"] == "ok"})
