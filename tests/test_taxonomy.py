"""The field registry: consistent, complete, and the docs page generated from it."""

from __future__ import annotations

import pytest
from sigma.pipelines.strascico.taxonomy import FIELD_TYPES, TaxonomyError, load_taxonomy, parse_taxonomy

from strascico.taxonomy_doc import render_taxonomy

from .conftest import ROOT

SEED_CATEGORIES = {"telephony", "messaging", "user_report", "database", "webserver", "authentication",
                   "process_creation"}


def test_every_logsource_of_the_design_contract_is_in_the_registry() -> None:
    assert set(load_taxonomy().logsources) == SEED_CATEGORIES


def test_contact_logsources_share_the_telephony_fields() -> None:
    taxonomy = load_taxonomy()
    telephony = set(taxonomy.logsources["telephony"].fields)
    assert {"telephony.caller.number", "telephony.callee.exposed", "telephony.call.ring_duration"} <= telephony
    assert set(taxonomy.logsources["messaging"].fields) == telephony


def test_closed_values_narrow_per_logsource() -> None:
    taxonomy = load_taxonomy()
    assert taxonomy.logsources["telephony"].fields["event.action"].values[0] == "call-answered"
    assert taxonomy.logsources["user_report"].fields["event.action"].values == ("contact-reported",)
    assert taxonomy.logsources["database"].fields["event.action"].values is None


def test_every_field_has_a_known_type_and_a_doc() -> None:
    for logsource in load_taxonomy().logsources.values():
        for spec in logsource.fields.values():
            assert spec.type in FIELD_TYPES
            assert spec.doc, spec.name


@pytest.mark.parametrize("broken, message", [
    ({"fieldsets": {"a": {"x": {"type": "varchar"}}}, "logsources": {}}, "unknown type"),
    ({"fieldsets": {}, "logsources": {"t": {"fieldsets": ["nope"]}}}, "unknown fieldset"),
    ({"fieldsets": {"a": {"x": {"type": "keyword"}}, "b": {"x": {"type": "long"}}},
      "logsources": {"t": {"fieldsets": ["a"]}, "u": {"fieldsets": ["b"]}}}, "two types"),
])
def test_inconsistent_registries_are_refused(broken: dict, message: str) -> None:
    with pytest.raises(TaxonomyError, match=message):
        parse_taxonomy(broken)


def test_docs_page_is_generated_from_the_registry() -> None:
    committed = (ROOT / "docs" / "taxonomy.md").read_text(encoding="utf-8")
    assert committed == render_taxonomy(), "run `strascico docs taxonomy` and commit docs/taxonomy.md"


def test_readme_rule_table_lists_the_current_pack() -> None:
    from strascico.rules_doc import update_readme

    readme = ROOT / "README.md"
    assert readme.read_text(encoding="utf-8") == update_readme(readme, ROOT / "rules"), \
        "run `strascico docs readme` and commit README.md"
