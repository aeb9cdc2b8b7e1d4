"""Each correction our backends make to upstream pySigma-backend-elasticsearch, shown on both."""

from __future__ import annotations

import copy

import pytest
from sigma.backends.elasticsearch import EqlBackend, ESQLBackend, LuceneBackend
from sigma.backends.strascico import StrascicoEqlBackend, StrascicoESQLBackend, StrascicoLuceneBackend
from sigma.backends.strascico.kibana import kibana_rule
from sigma.exceptions import SigmaFeatureNotSupportedByBackendError
from sigma.pipelines.strascico import strascico_pipeline

from strascico.check.queries import eql_syntax_error, esql_syntax_error, lucene_syntax_error
from strascico.check.validators import use_offline_data

from .test_pipeline import rule

UPSTREAM_REFUSAL = (SigmaFeatureNotSupportedByBackendError, NotImplementedError)
CASED = "sel:\n  telephony.message.text|cased|contains: Salve\n"


def test_lucene_cased_upstream_refuses_ours_matches_the_exact_field() -> None:
    with pytest.raises(UPSTREAM_REFUSAL):
        LuceneBackend(strascico_pipeline()).convert(rule(CASED))
    assert StrascicoLuceneBackend(strascico_pipeline()).convert(rule(CASED)) == [
        "telephony.message.text.keyword:*Salve*"]


def test_eql_cased_contains_upstream_uses_equals_without_wildcards() -> None:
    upstream = EqlBackend(strascico_pipeline()).convert(rule(CASED))[0]
    assert 'telephony.message.text.keyword == "*Salve*"' in upstream  # never matches: == is literal
    ours = StrascicoEqlBackend(strascico_pipeline()).convert(rule(CASED))[0]
    assert ours == 'any where telephony.message.text.keyword like "*Salve*"'


@pytest.mark.parametrize("detection, expected", [
    ("sel:\n  http.response.status_code: 200\n", "http.response.status_code == 200"),
    ("sel:\n  telephony.callee.exposed: true\n", "telephony.callee.exposed == true"),
])
def test_eql_numbers_and_booleans_upstream_does_not_parse(detection: str, expected: str) -> None:
    category = "webserver" if "http" in detection else "telephony"
    upstream = EqlBackend(strascico_pipeline()).convert(rule(detection, category))[0]
    assert eql_syntax_error(upstream) is not None  # e.g. "Expected string not number"
    ours = StrascicoEqlBackend(strascico_pipeline()).convert(rule(detection, category))[0]
    assert ours == f"any where {expected}"
    assert eql_syntax_error(ours) is None


def test_eql_exists_upstream_refuses() -> None:
    detection = "sel:\n  url.full|exists: true\n"
    with pytest.raises(UPSTREAM_REFUSAL):
        EqlBackend(strascico_pipeline()).convert(rule(detection))
    assert StrascicoEqlBackend(strascico_pipeline()).convert(rule(detection)) == ["any where url.full != null"]


def test_eql_literal_wildcard_upstream_does_not_parse_ours_says_why() -> None:
    detection = "sel:\n  db.query.text|contains: 'select \\*'\n"
    upstream = EqlBackend(strascico_pipeline()).convert(rule(detection, "database"))[0]
    assert eql_syntax_error(upstream) is not None
    with pytest.raises(SigmaFeatureNotSupportedByBackendError, match="literal"):
        StrascicoEqlBackend(strascico_pipeline()).convert(rule(detection, "database"))


def test_esql_literal_wildcard_upstream_does_not_parse_ours_escapes_twice() -> None:
    detection = "sel:\n  db.query.text|contains: 'select \\*'\n"
    upstream = ESQLBackend(strascico_pipeline()).convert(rule(detection, "database"))[0]
    assert esql_syntax_error(upstream) is not None
    ours = StrascicoESQLBackend(strascico_pipeline()).convert(rule(detection, "database"))[0]
    assert ours.endswith('db.query.text.lower like "*select \\\\**"')
    assert esql_syntax_error(ours) is None


def test_esql_cased_upstream_refuses_ours_uses_like() -> None:
    with pytest.raises(UPSTREAM_REFUSAL):
        ESQLBackend(strascico_pipeline()).convert(rule(CASED))
    ours = StrascicoESQLBackend(strascico_pipeline()).convert(rule(CASED))[0]
    assert ours.endswith('where telephony.message.text.keyword like "*Salve*"')


def test_esql_upstream_compares_raw_keyword_case_sensitively() -> None:
    """ES|QL `==` is case-sensitive: without our pipeline, `NO_ANSWER` misses `no_answer`."""
    detection = "sel:\n  telephony.call.disposition: NO_ANSWER\n"
    upstream = ESQLBackend().convert(rule(detection))[0]
    assert 'telephony.call.disposition=="NO_ANSWER"' in upstream
    ours = StrascicoESQLBackend(strascico_pipeline()).convert(rule(detection))[0]
    assert 'telephony.call.disposition.lower=="no_answer"' in ours


ATTACK_RULE = """\
sel:
  telephony.call.disposition: no_answer
"""


def _tagged(level: str = "high"):  # type: ignore[no-untyped-def]
    collection = rule(ATTACK_RULE)
    sigma_rule = collection.rules[0]
    from sigma.rule import SigmaLevel, SigmaRuleTag

    sigma_rule.tags = [SigmaRuleTag.from_str(t) for t in
                       ("attack.reconnaissance", "attack.t1598.004", "strascico.stage.flood")]
    sigma_rule.level = SigmaLevel[level.upper()]
    return collection


def test_upstream_siem_rule_strips_attack_tags_from_the_parsed_rule() -> None:
    use_offline_data()  # upstream would otherwise download ATT&CK (tests have no network)
    collection = _tagged()
    before = [str(t) for t in collection.rules[0].tags]
    LuceneBackend(strascico_pipeline()).convert(collection, "siem_rule_ndjson")
    assert [str(t) for t in collection.rules[0].tags] != before  # upstream mutated the rule
    ours = _tagged()
    StrascicoLuceneBackend(strascico_pipeline()).convert(ours, "kibana")
    assert [str(t) for t in ours.rules[0].tags] == before


def test_kibana_rule_has_threat_index_and_kibana_severity() -> None:
    collection = _tagged("informational")
    body = StrascicoLuceneBackend(strascico_pipeline()).convert(collection, "kibana")[0]
    assert body["rule_id"] == "00000000-0000-4000-8000-000000000001"
    assert (body["severity"], body["risk_score"]) == ("low", 10)  # upstream: "informational"
    assert body["index"] == ["strascico-telephony-*"]  # upstream: a fixed beats-*/logs-* list
    assert body["enabled"] is False
    assert body["tags"][0] == "strascico"
    threat = body["threat"][0]
    assert threat["tactic"]["id"] == "TA0043"
    assert threat["technique"][0]["subtechnique"][0]["id"] == "T1598.004"


@pytest.mark.parametrize("level, expected", [
    ("informational", ("low", 10)), ("low", ("low", 21)), ("medium", ("medium", 47)),
    ("high", ("high", 73)), ("critical", ("critical", 99)),
])
def test_every_sigma_level_maps_to_a_kibana_severity(level: str, expected: tuple[str, int]) -> None:
    sigma_rule = _tagged(level).rules[0]
    body = kibana_rule(copy.deepcopy(sigma_rule), "x:y", "lucene", ["i"])
    assert (body["severity"], body["risk_score"]) == expected


def test_generated_lucene_parses() -> None:
    query = StrascicoLuceneBackend(strascico_pipeline()).convert(rule(ATTACK_RULE))[0]
    assert lucene_syntax_error(query) is None
    assert lucene_syntax_error("a:(b OR") is not None


def test_eql_check_uses_the_registry_schema() -> None:
    from sigma.pipelines.strascico.taxonomy import load_taxonomy

    telephony = load_taxonomy().logsource("telephony")
    assert eql_syntax_error('any where telephony.caller.number.lower : "+234*"', telephony) is None
    assert "not recognized" in eql_syntax_error('any where telephony.caller.numbr.lower : "x"', telephony)
    assert eql_syntax_error('any where telephony.call.ring_duration : "x"', telephony) is not None
