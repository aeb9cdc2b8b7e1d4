"""`strascico convert`: golden outputs for every rule and target, determinism, correlation lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sigma.rule import SigmaRule

from strascico.convert import TARGETS, Converter, resolve_targets, write_outputs
from strascico.pack import load_pack

from .conftest import ROOT, RULES, run_cli

GOLDEN = ROOT / "tests" / "golden"


def _tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "README.md"}


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build")
    files = load_pack([RULES])
    write_outputs(Converter(resolve_targets(["all"])).convert(files), out)
    return out


def test_outputs_equal_the_reviewed_golden_files(converted: Path) -> None:
    """Regenerate with `strascico convert rules --out tests/golden` and review the diff."""
    assert _tree(converted) == _tree(GOLDEN)


def test_every_base_rule_has_an_output_for_every_per_rule_target(converted: Path) -> None:
    files = load_pack([RULES])
    base = [(f, r) for f in files for r in f.rules if isinstance(r, SigmaRule)]
    for target in TARGETS.values():
        if target.bundle:
            lines = (converted / target.name / target.bundle).read_text().splitlines()
            assert {json.loads(line)["rule_id"] for line in lines} == {str(r.id) for _, r in base}
        else:
            for rule_file, _ in base:
                stage, stem = rule_file.path.parent.name, rule_file.path.stem
                assert (converted / target.name / stage / f"{stem}{target.extension}").exists()


def test_conversion_is_deterministic(tmp_path: Path) -> None:
    files = load_pack([RULES])
    write_outputs(Converter(resolve_targets(["all"])).convert(files), tmp_path / "a")
    files = load_pack([RULES])
    write_outputs(Converter(resolve_targets(["all"])).convert(files), tmp_path / "b")
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")


def test_converting_does_not_change_the_parsed_rules() -> None:
    files = load_pack([RULES])
    before = [r.to_dict() for f in files for r in f.rules]
    Converter(resolve_targets(["all"])).convert(files)
    assert [r.to_dict() for f in files for r in f.rules] == before


def test_kibana_rules_have_pack_index_patterns_and_no_informational_severity(converted: Path) -> None:
    for line in (converted / "kibana" / "rules.ndjson").read_text().splitlines():
        rule = json.loads(line)
        assert rule["severity"] in ("low", "medium", "high", "critical")
        assert all(i.startswith("strascico-") and i.endswith("-*") for i in rule["index"])
        assert rule["tags"][0] == "strascico"


def test_cli_reports_each_correlation_once_per_target_and_exits_zero(tmp_path: Path) -> None:
    result = run_cli("convert", "rules", "--out", str(tmp_path), "-t", "esql", "-t", "lucene")
    assert result.returncode == 0, result.stderr
    correlations = [p for p in (RULES / "correlation").glob("corr_*.yml")]
    skipped = [line for line in result.stderr.splitlines() if "skipped for" in line]
    assert len(skipped) == 2 * len(correlations)
    assert any("clock-aligned" in line for line in skipped)
    assert result.stdout.splitlines()[0].startswith(str(tmp_path))


def test_cli_convert_json_and_bad_rule_exit_one(tmp_path: Path) -> None:
    result = run_cli("convert", "--json", "tests/hostile/unknown_modifier.yml", "--out", str(tmp_path))
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["load_problems"][0]["message"] == "Unknown modifier 'startswithh'"
    assert "Traceback" not in result.stderr
