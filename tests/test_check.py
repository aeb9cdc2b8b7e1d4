"""`strascico check`: the pack is clean; hostile input gives one located line each, fast."""

from __future__ import annotations

import json
import resource
import time
from pathlib import Path

import pytest

from strascico.check import run_checks
from strascico.pack import load_rule_file

from .conftest import ROOT, RULES, run_cli

HOSTILE = ROOT / "tests" / "hostile"

# file → (check code, line, text the message must contain)
EXPECTED = {
    "malformed_yaml.yml": ("yaml", 8, "invalid YAML"),
    "python_object_tag.yml": ("yaml", 1, "could not determine a constructor"),
    "alias_bomb.yml": ("yaml", 4, "aliases are not allowed"),
    "non_utf8.yml": ("yaml", 1, "not valid UTF-8 (byte 0xe9)"),
    "empty.yml": ("yaml", 1, "expected a YAML mapping"),
    "not_a_mapping.yml": ("yaml", 1, "expected a YAML mapping"),
    "unknown_modifier.yml": ("sigma", 8, "Unknown modifier 'startswithh'"),
    "missing_logsource.yml": ("sigma", None, "must have a log source"),
    "dangling_condition.yml": ("sigma", 9, "'filter_missing' not defined"),
    "duplicate_id_b.yml": ("duplicate-id", 2, "also used by"),
    "correlation_cycle_a.yml": ("reference", 5, "form a cycle"),
    "correlation_cycle_b.yml": ("reference", 5, "form a cycle"),
    "correlation_dangling.yml": ("reference", 4, "unknown rule 'no_such_rule'"),
    "impossible_date.yml": ("yaml", 4, "invalid value '2025-13-45': month must be in 1..12"),
    "deep_nesting.yml": ("yaml", 8, "nested deeper than 64 levels"),
    "huge_integer.yml": ("yaml", 8, "invalid value '9999"),
    "duplicated_key.yml": ("yaml", 11, "duplicated key 'level'"),
    "broken_condition.yml": ("sigma", 9, "Expected"),
}


@pytest.fixture(scope="module")
def hostile_findings():  # type: ignore[no-untyped-def]
    started = time.monotonic()
    _, findings = run_checks([HOSTILE])
    return findings, time.monotonic() - started


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_hostile_file_gets_its_located_line(hostile_findings, name: str) -> None:  # type: ignore[no-untyped-def]
    findings, _ = hostile_findings
    code, line, text = EXPECTED[name]
    mine = [f for f in findings if f.path.endswith(name) and f.code == code]
    assert mine, f"no {code} finding for {name}"
    assert any(text in f.message and f.line == line for f in mine), [f.render() for f in mine]


def test_every_hostile_file_is_reported_together(hostile_findings) -> None:  # type: ignore[no-untyped-def]
    findings, elapsed = hostile_findings
    reported = {Path(f.path).name for f in findings}
    assert set(EXPECTED) <= reported  # one broken file never hides the others
    assert elapsed < 60  # bounded: the alias bomb is refused before expansion


def test_files_that_used_to_abort_the_run_leave_the_good_rule_reported(tmp_path: Path) -> None:
    """Issue 14: a deep or misdated file beside a good one; both are reported, exit 1."""
    good = tmp_path / "good.yml"
    good.write_text((HOSTILE / "unknown_modifier.yml").read_text().replace("startswithh", "startswith"))
    for name in ("deep_nesting.yml", "impossible_date.yml"):
        (tmp_path / name).write_bytes((HOSTILE / name).read_bytes())
    for command in (["check", "--skip", "cases", "--skip", "validators"], ["convert", "-t", "lucene", "-o",
                                                                          str(tmp_path / "out")]):
        result = run_cli(*command, str(tmp_path))
        assert result.returncode == 1, result.stderr
        assert "internal" not in result.stderr and "Traceback" not in result.stderr
        out = result.stdout + result.stderr
        assert f"{tmp_path}/deep_nesting.yml:8: error: nested deeper than 64 levels [yaml]" in out
        assert f"{tmp_path}/impossible_date.yml:4: error: invalid value '2025-13-45'" in out
    assert (tmp_path / "out" / "lucene" / tmp_path.name / "good.lucene").is_file()


def test_alias_bomb_is_refused_without_expanding(tmp_path: Path) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rule_file = load_rule_file(HOSTILE / "alias_bomb.yml")
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert rule_file.rules == [] and rule_file.problems[0].code == "yaml"
    assert grown_mb < 50


def test_a_50_mb_file_is_refused_by_size_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "huge.yml"
    with big.open("w") as handle:
        handle.write("title: huge\ndetection:\n  sel:\n    user.name:\n")
        line = "      - " + "x" * 90 + "\n"
        handle.write(line * (50 * 1024 * 1024 // len(line)))
    assert big.stat().st_size >= 50 * 1000 * 1000
    started = time.monotonic()
    rule_file = load_rule_file(big)
    assert time.monotonic() - started < 1.0
    assert "too large" in rule_file.problems[0].message


def test_the_shipped_pack_has_no_findings() -> None:
    ctx, findings = run_checks([RULES])
    assert [f.render() for f in findings] == []
    assert sum(len(f.rules) for f in ctx.files) >= 24


def test_cli_exit_codes_and_output_shapes() -> None:
    clean = run_cli("check", "rules")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "0 findings" in clean.stderr

    dirty = run_cli("check", "--json", "tests/hostile")
    assert dirty.returncode == 1
    report = json.loads(dirty.stdout)
    assert report["summary"]["files"] == len(list(HOSTILE.glob("*.yml")))
    assert {"path", "line", "severity", "code", "message", "rule_id"} <= set(report["findings"][0])
    assert "Traceback" not in dirty.stderr

    missing = run_cli("check", "no/such/folder")
    assert missing.returncode == 2
    assert missing.stderr.strip() == "error: no/such/folder: no such file or folder"


def test_text_output_is_one_line_per_finding() -> None:
    result = run_cli("check", "tests/hostile/unknown_modifier.yml", "--skip", "validators",
                     "--skip", "metadata", "--skip", "cases")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "tests/hostile/unknown_modifier.yml:8: error: Unknown modifier 'startswithh' [sigma]"]
