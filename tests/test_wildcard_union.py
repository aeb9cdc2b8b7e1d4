"""A field's OR of leading wildcards becomes one regexp: the same matches on the real node, one scan."""

from __future__ import annotations

import re
from typing import Iterator

import pytest
from elasticsearch import Elasticsearch
from sigma.backends.elasticsearch import LuceneBackend
from sigma.backends.strascico import StrascicoElastalertBackend, StrascicoLuceneBackend
from sigma.backends.strascico.wildcard_union import MAX_REGEX, regex_literal
from sigma.pipelines.strascico import strascico_pipeline

from strascico.check.queries import lucene_syntax_error
from strascico.es.bulk import bulk_index
from strascico.replay.runner import ScratchPrefix

from .test_pipeline import rule

INDEX = "strascico-unit-messaging-union"
TEXTS = [
    "Hello dear, are you available?", "Scrivimi su WhatsApp: https://wa.me/2348012345678",
    "offerta: lavoro part-time da casa", "guadagno giornaliero 200€", "file pg_dump.sql pronto",
    "mail me at job@example.org", "it's the curriculum", "back\\slash here", "città di Roma",
    "una domanda semplice", "wa.me", "xwa.mey", "report.csv", "report.csv.bak", "the 5 digits",
    "selezionato", "sei stato selezionato!", "posso parlarle un attimo", "nulla di strano",
]
LISTS = {  # each a detection on telephony.message.text; every one matches some texts and not others
    "contains with punctuation": ["wa.me/", "@example", "pg_dump", "it's", "back\\\\slash", "part-time"],
    "contains, non-ASCII and digits": ["città", "200€", "5 digits", "dear"],
    "endswith": ["|endswith", ".csv", "attimo", "selezionato"],
    "mixed shapes": ["|re-shape", "*wa.me", "sei stato*", "*domanda*", "wa.me", "*a?y*"],
}


def _detection(values: list[str]) -> str:
    modifier = "|contains"
    if values[0] == "|endswith":
        modifier, values = "|endswith", values[1:]
    elif values[0] == "|re-shape":
        modifier, values = "", values[1:]
    items = "".join("\n    - '" + value.replace("'", "''") + "'" for value in values)
    return f"sel:\n  telephony.message.text{modifier}:{items}\n"


class _WithoutUnion(StrascicoLuceneBackend):
    """Ours with upstream's value lists (for `|cased`, which upstream refuses)."""

    def convert_condition_as_in_expression(self, cond, state):  # type: ignore[no-untyped-def]
        return LuceneBackend.convert_condition_as_in_expression(self, cond, state)


def _both(detection: str) -> tuple[str, str]:
    upstream = LuceneBackend(strascico_pipeline()).convert(rule(detection))[0]
    ours = StrascicoLuceneBackend(strascico_pipeline()).convert(rule(detection))[0]
    return upstream, ours


def test_upstream_writes_one_wildcard_per_value_ours_one_regexp() -> None:
    upstream, ours = _both("sel:\n  telephony.message.text|contains:\n    - hello dear\n    - wa.me/\n")
    assert upstream == r"telephony.message.text.lower:(*hello\ dear* OR *wa.me\/*)"
    assert ours == r"telephony.message.text.lower:/.*(hello\ dear|wa\.me\/).*/"
    assert lucene_syntax_error(ours) is None
    elastalert = StrascicoElastalertBackend(strascico_pipeline()).convert(
        rule("sel:\n  telephony.message.text|contains:\n    - hello dear\n    - wa.me/\n"))[0]
    assert ours in str(elastalert)


@pytest.mark.parametrize("detection", [
    "sel:\n  telephony.message.text|contains: wa.me\n",  # one value: nothing scanned twice
    "sel:\n  telephony.message.text|startswith:\n    - hello\n    - ciao\n",  # prefixes seek
    "sel:\n  telephony.message.text|cased|contains:\n    - Hello\n    - Ciao\n",  # exact field, not .lower
    "sel:\n  telephony.callee.number:\n    - '+39061'\n    - '+39062'\n",  # plain values: term lookups
])
def test_what_stays_as_upstream_writes_it(detection: str) -> None:
    ours = StrascicoLuceneBackend(strascico_pipeline()).convert(rule(detection))[0]
    assert ours == _WithoutUnion(strascico_pipeline()).convert(rule(detection))[0]
    assert "/" not in ours.replace("\\/", "")  # no regexp delimiter


def test_an_inner_wildcard_keeps_its_own_term() -> None:
    _, ours = _both("sel:\n  telephony.message.text:\n    - '*dear*'\n    - '*wa*me*'\n    - '*attimo'\n")
    assert ours == r"telephony.message.text.lower:(/.*(dear).*/ OR /.*(attimo)/ OR *wa*me*)"


def test_a_long_list_is_cut_into_regexps_elasticsearch_accepts() -> None:
    values = [f"opener number {i} of a long list" for i in range(120)]
    _, ours = _both("sel:\n  telephony.message.text|contains:" + "".join(f"\n    - '{v}'" for v in values) + "\n")
    regexes = re.findall(r"/((?:[^/\\]|\\.)*)/", ours)
    assert len(regexes) > 1 and all(len(regex) <= MAX_REGEX for regex in regexes)
    assert sum(regex.count("|") + 1 for regex in regexes) == len(values)


def test_regex_literal_escapes_punctuation_but_never_a_letter() -> None:
    assert regex_literal("a.b/c d@e_f'g\\h") == "a\\.b\\/c\\ d\\@e\\_f\\'g\\\\h"
    assert regex_literal("città 5d") == "città\\ 5d"  # "\d" would be a digit class


@pytest.fixture(scope="module")
def messages(es_client: Elasticsearch) -> Iterator[str]:
    area = ScratchPrefix(es_client, "strascico-unit")
    area.install()
    report = bulk_index(es_client, [(INDEX, {"@timestamp": "2025-01-14T02:00:00Z", "event.id": f"m{i}",
                                             "telephony.message.text": text}) for i, text in enumerate(TEXTS)])
    assert report.indexed == len(TEXTS) and not report.failures
    es_client.indices.refresh(index=INDEX)
    yield INDEX
    area.remove()


def _matches(client: Elasticsearch, index: str, query: str) -> set[str]:
    response = client.search(index=index, query={"query_string": {"query": query, "analyze_wildcard": True}},
                             size=100, _source=False, docvalue_fields=["event.id"])
    return {hit["fields"]["event.id"][0] for hit in response["hits"]["hits"]}


@pytest.mark.parametrize("name", sorted(LISTS))
def test_the_regexp_matches_what_the_wildcards_match_on_the_real_node(
        es_client: Elasticsearch, messages: str, name: str) -> None:
    upstream, ours = _both(_detection(LISTS[name]))
    assert upstream != ours and "/" in ours
    expected = _matches(es_client, messages, upstream)
    assert expected and len(expected) < len(TEXTS)  # the list tells texts apart
    assert _matches(es_client, messages, ours) == expected


def test_a_cut_list_matches_on_the_real_node_as_its_wildcards(es_client: Elasticsearch, messages: str) -> None:
    values = [f"filler value {i:03d} that matches nothing here" for i in range(60)] + ["dear", "wa.me/"]
    upstream, ours = _both(_detection(values))
    assert ours.count("/.*(") > 1  # cut into several regexps, every one under the node's limit
    assert _matches(es_client, messages, ours) == _matches(es_client, messages, upstream) == {"m0", "m1"}
