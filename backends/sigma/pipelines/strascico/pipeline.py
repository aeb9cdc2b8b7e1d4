"""The `strascico` processing pipeline: logsource → index, case-insensitive string matching."""

from __future__ import annotations

from sigma.processing.conditions import LogsourceCondition
from sigma.processing.pipeline import ProcessingItem, ProcessingPipeline
from sigma.processing.transformations import SetStateTransformation, ValueListPlaceholderTransformation

from .site import site_placeholders
from .taxonomy import load_taxonomy
from .transformations import CaseInsensitiveStringMatch

DEFAULT_INDEX_PREFIX = "strascico"


def index_pattern(category: str, prefix: str = DEFAULT_INDEX_PREFIX) -> str:
    """Index pattern that holds one logsource's events, e.g. `strascico-telephony-*`."""
    return f"{prefix}-{category}-*"


def strascico_pipeline(index_prefix: str = DEFAULT_INDEX_PREFIX,
                       site: dict[str, list[str]] | None = None) -> ProcessingPipeline:
    """Pipeline for rules written against the strascico taxonomy (docs/taxonomy.md).

    `site`: values of the rules' `%placeholder%`s (docs in site.py); None reads them from the
    environment, so every command that converts rules (convert, test, hunt, deploy) sees them.
    """
    index_items = [
        ProcessingItem(
            identifier=f"strascico_index_{category}",
            transformation=SetStateTransformation("index", index_pattern(category, index_prefix)),
            rule_conditions=[LogsourceCondition(category=category)],
        )
        for category in sorted(load_taxonomy().logsources)
    ]
    return ProcessingPipeline(
        name="strascico taxonomy to Elasticsearch",
        priority=20,
        allowed_backends=frozenset(),
        vars=site_placeholders(site),
        items=[
            *index_items,
            # before the case step, so site values are matched case-insensitively like the rest
            ProcessingItem(
                identifier="strascico_site_placeholders",
                transformation=ValueListPlaceholderTransformation(),
            ),
            ProcessingItem(
                identifier="strascico_case_insensitive",
                transformation=CaseInsensitiveStringMatch(),
            ),
        ],
    )
