"""The strascico pipeline: index per logsource, case-insensitive string matching."""

from __future__ import annotations

import textwrap

import pytest
import yaml
from sigma.backends.elasticsearch import LuceneBackend
from sigma.collection import SigmaCollection
from sigma.pipelines.strascico import strascico_pipeline
from sigma.pipelines.strascico.transformations import lowercase
from sigma.types import SigmaString

from sigma.backends.strascico import StrascicoLuceneBackend


def rule(detection: str, category: str = "telephony") -> SigmaCollection:
    """A one-rule collection whose detection is the YAML in `detection` plus `condition: sel`."""
    return SigmaCollection.from_dicts([{
        "title": "t",
        "id": "00000000-0000-4000-8000-000000000001",
        "status": "test",
        "logsource": {"category": category},
        "detection": {**yaml.safe_load(textwrap.dedent(detection)), "condition": "sel"},
        "level": "low",
    }])


def lucene(detection: str, category: str = "telephony") -> str:
    return StrascicoLuceneBackend(strascico_pipeline()).convert(rule(detection, category))[0]


def test_string_matches_go_to_the_lowercase_subfield_with_a_lowercased_value() -> None:
    query = lucene("""\
        sel:
          telephony.call.disposition: NO_ANSWER
          telephony.message.text|contains: 'Posso Parlarle'
        """)
    assert query == ("telephony.call.disposition.lower:no_answer AND "
                     "telephony.message.text.lower:*posso\\ parlarle*")


def test_cased_values_go_to_the_exact_field_and_keep_their_case() -> None:
    query = lucene("""\
        sel:
          telephony.caller.name|cased: ACME
          telephony.message.text|cased|contains: Salve
        """)
    assert query == "telephony.caller.name:ACME AND telephony.message.text.keyword:*Salve*"


def test_numbers_booleans_and_regexes_are_left_alone() -> None:
    query = lucene("""\
        sel:
          telephony.call.ring_duration|lte: 3
          telephony.callee.exposed: true
          telephony.caller.name|re: 'A[0-9]+'
        """)
    assert query == ("telephony.call.ring_duration:<=3 AND telephony.callee.exposed:true AND "
                     "telephony.caller.name:/A[0-9]+/")


def test_fields_outside_the_registry_are_not_rewritten() -> None:
    assert lucene("sel:\n  Image: X\n") == "Image:X"


@pytest.mark.parametrize("category", ["telephony", "database", "user_report"])
def test_each_logsource_sets_its_index_pattern(category: str) -> None:
    pipeline = strascico_pipeline("acme")
    backend = StrascicoLuceneBackend(pipeline)
    dsl = backend.convert(rule("sel:\n  user.name: x\n", category), "dsl")[0]
    assert dsl["index"] == [f"acme-{category}-*"]


def test_upstream_lucene_without_pipeline_is_case_sensitive_on_keyword_fields() -> None:
    """Why the pipeline exists: upstream matches `NO_ANSWER` on the raw keyword field, which in
    Elasticsearch never equals the stored `no_answer`."""
    upstream = LuceneBackend().convert(rule("sel:\n  telephony.call.disposition: NO_ANSWER\n"))[0]
    assert upstream == "telephony.call.disposition:NO_ANSWER"


def test_lowercase_keeps_wildcards_as_wildcards() -> None:
    value = SigmaString("AB*C\\*d?")
    lowered = lowercase(value)
    assert lowered.s == ("ab", value.s[1], "c*d", value.s[3])
