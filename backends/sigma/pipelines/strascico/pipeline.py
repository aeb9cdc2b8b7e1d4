"""The `strascico` processing pipeline: logsource → index, case-insensitive string matching."""

from __future__ import annotations

from sigma.processing.conditions import LogsourceCondition
from sigma.processing.pipeline import ProcessingItem, ProcessingPipeline
from sigma.processing.transformations import SetStateTransformation

from .taxonomy import load_taxonomy
from .transformations import CaseInsensitiveStringMatch

DEFAULT_INDEX_PREFIX = "strascico"


def index_pattern(category: str, prefix: str = DEFAULT_INDEX_PREFIX) -> str:
    """Index pattern that holds one logsource's events, e.g. `strascico-telephony-*`."""
    return f"{prefix}-{category}-*"


def strascico_pipeline(index_prefix: str = DEFAULT_INDEX_PREFIX) -> ProcessingPipeline:
    """Pipeline for rules written against the strascico taxonomy (docs/taxonomy.md)."""
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
        items=[
            *index_items,
            ProcessingItem(
                identifier="strascico_case_insensitive",
                transformation=CaseInsensitiveStringMatch(),
            ),
        ],
    )
