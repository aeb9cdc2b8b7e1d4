"""pySigma transformations that carry the taxonomy's matching semantics to Elasticsearch."""

from __future__ import annotations

from dataclasses import dataclass

from sigma.processing.transformations.base import DetectionItemTransformation
from sigma.rule import SigmaDetectionItem
from sigma.types import SigmaCasedString, SigmaString

from .taxonomy import KEYWORD_SUFFIX, LOWER_SUFFIX, load_taxonomy


def lowercase(value: SigmaString) -> SigmaString:
    """The same Sigma string with its plain parts lower-cased (wildcards kept as wildcards)."""
    lowered = SigmaString()
    lowered.s = tuple(part.lower() if isinstance(part, str) else part for part in value.s)
    lowered.original = value.original
    return lowered


@dataclass
class CaseInsensitiveStringMatch(DetectionItemTransformation):
    """Point string matches on keyword/text fields at the lowercase-normalized subfield.

    Sigma matches strings case-insensitively unless `|cased`; Elasticsearch keyword fields,
    ES|QL `==`/LIKE and EQL `==` do not. The index templates give every string field a
    `.lower` subfield with a lowercase normalizer; querying it with a lower-cased value makes
    every target case-insensitive in the same way. `|cased` values go to the exact field
    (`.keyword` for text fields). Regular expressions and non-string values are left alone.
    """

    def apply_detection_item(self, detection_item: SigmaDetectionItem) -> SigmaDetectionItem | None:
        spec = load_taxonomy().field(detection_item.field or "")
        if spec is None or not spec.is_string or not detection_item.value:
            return None
        values = detection_item.value
        if not all(isinstance(v, SigmaString) for v in values):
            return None  # regex, cidr, numbers, null, field references: leave as written
        if all(isinstance(v, SigmaCasedString) for v in values):
            if spec.type == "text":
                detection_item.field = spec.name + KEYWORD_SUFFIX
                return detection_item
            return None
        if any(isinstance(v, SigmaCasedString) for v in values):
            return None  # mixed lists cannot happen with one modifier chain; be safe
        detection_item.field = spec.name + LOWER_SUFFIX
        detection_item.value = [lowercase(v) for v in values]
        return detection_item
