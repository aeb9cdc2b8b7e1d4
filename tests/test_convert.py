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
    write_outputs(Converter(resolve_targets(["all"]), files=files).convert(files), out)
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
            assert {json.loads(line)["rule_id"] for line in lines} >= {str(r.id) for _, r in base}
        else:
            for rule_file, _ in base:
                stage, stem = rule_file.path.parent.name, rule_file.path.stem
                assert (converted / target.name / stage / f"{stem}{target.extension}").exists()


def test_conversion_is_deterministic(tmp_path: Path) -> None:
    files = load_pack([RULES])
    write_outputs(Converter(resolve_targets(["all"]), files=files).convert(files), tmp_path / "a")
    files = load_pack([RULES])
    write_outputs(Converter(resolve_targets(["all"]), files=files).convert(files), tmp_path / "b")
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
        # ES|QL rules name their indices in the query's FROM, the others in `index`
        indices = rule["query"].split(" ", 2)[1].split(",") if rule["type"] == "esql" else rule["index"]
        assert all(i.startswith("strascico-") and i.endswith("-*") for i in indices)
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


def _converted_correlations() -> dict[tuple[str, str], object]:
    files = load_pack([RULES])
    converter = Converter(resolve_targets(["kibana", "elastalert", "esql"]), files=files)
    return {(c.rule.name, c.target.name): c for c in converter.convert(files) if c.rule.__class__.__name__ ==
            "SigmaCorrelationRule"}


def test_correlations_become_threshold_eql_and_elastalert_rules_with_notes() -> None:
    from strascico.check.queries import eql_syntax_error

    conv = _converted_correlations()
    surge = conv[("corr_flood_user_report_surge", "kibana")]
    assert surge.output["type"] == "threshold"
    assert surge.output["threshold"] == {"field": ["organization.name"], "value": 5}
    assert surge.output["from"] == "now-86400s" and "approximate" in surge.note
    caller = conv[("corr_flood_caller_hits_many_employees", "kibana")]
    assert caller.output["threshold"]["cardinality"] == [{"field": "telephony.callee.number", "value": 5}]
    assert caller.output["index"] == ["strascico-messaging-*", "strascico-telephony-*"]
    sequence = conv[("corr_breach_archive_then_upload_same_host", "kibana")]
    assert sequence.output["type"] == "eql" and sequence.output["query"].startswith(
        "sequence by host.name with maxspan=3600s [any where ")
    assert eql_syntax_error(sequence.output["query"]) is None
    ea = conv[("corr_flood_caller_hits_many_employees", "elastalert")]
    assert (ea.output["type"], ea.output["max_cardinality"], ea.output["query_key"]) == (
        "cardinality", 4, ["telephony.caller.number"])
    assert conv[("corr_flood_user_report_surge", "elastalert")].output["num_events"] == 5
    assert "no ElastAlert2 rule type" in conv[("corr_breach_archive_then_upload_same_host", "elastalert")].skipped
    assert "sliding window" in conv[("corr_flood_user_report_surge", "esql")].skipped


def test_operators_without_a_threshold_form_are_refused_with_the_reason(tmp_path: Path) -> None:
    import yaml

    base = yaml.safe_load((RULES / "flood" / "user_report_foreign_contact.yml").read_text())
    corr = yaml.safe_load((RULES / "correlation" / "corr_flood_user_report_surge.yml").read_text())
    corr["correlation"]["condition"] = {"lt": 2}
    (tmp_path / "base.yml").write_text(yaml.safe_dump(base))
    (tmp_path / "corr.yml").write_text(yaml.safe_dump(corr))
    files = load_pack([tmp_path])
    results = Converter(resolve_targets(["kibana"]), files=files).convert(files)
    refused = next(r for r in results if r.rule.name == "corr_flood_user_report_surge")
    assert refused.skipped == "not expressible exactly: operator lt has no threshold form (only gte/gt)"


def test_cli_streams_the_same_outputs_as_converting_the_whole_pack(tmp_path: Path) -> None:
    """The CLI converts file by file (correlations last, from the files they need): same bytes."""
    result = run_cli("convert", "rules", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert _tree(tmp_path) == _tree(GOLDEN)
    assert not list(tmp_path.glob(".*.partial"))


def _corr_pack(folder: Path, flow_style: bool) -> None:
    """A correlation filed before its base rule; optionally written so no line starts `correlation:`."""
    import yaml

    base = yaml.safe_load((RULES / "flood" / "user_report_foreign_contact.yml").read_text())
    corr = yaml.safe_load((RULES / "correlation" / "corr_flood_user_report_surge.yml").read_text())
    (folder / "a").mkdir()
    (folder / "z").mkdir()
    dump = (lambda d: yaml.safe_dump(d, default_flow_style=True, width=10_000)) if flow_style else yaml.safe_dump
    (folder / "a" / "corr.yml").write_text(dump(corr))
    (folder / "z" / "base.yml").write_text(yaml.safe_dump(base))


@pytest.mark.parametrize("flow_style", [False, True])
def test_cli_converts_a_correlation_whose_base_rule_comes_later(tmp_path: Path, flow_style: bool) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    _corr_pack(rules, flow_style)
    assert ("\ncorrelation:" in (rules / "a" / "corr.yml").read_text()) is not flow_style
    result = run_cli("convert", str(rules), "--out", str(tmp_path / "out"), "-t", "kibana", "-t", "elastalert",
                     "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert [(Path(r["rule"]).parent.name, r["target"], r["status"]) for r in report["results"]] == [
        ("a", "kibana", "ok"), ("a", "elastalert", "ok"), ("z", "kibana", "ok"), ("z", "elastalert", "ok")]
    files = load_pack([rules])
    expected = tmp_path / "expected"
    write_outputs(Converter(resolve_targets(["kibana", "elastalert"]), files=files).convert(files), expected)
    assert _tree(tmp_path / "out") == _tree(expected)
