"""Kibana's Detection Engine rules API — the part strascico uses — as a JSON-Schema-like contract.

Written by hand, in this project's words, from Kibana's OpenAPI bundle as carried by
elastic/terraform-provider-elasticstack, file generated/kbapi/oas-filtered.yaml (the stored
version read is blob f3d648f1fcffb3f19b4750f03f86c70d23b35469). That file is filtered from
elastic/kibana's oas_docs/output/kibana.yaml on Kibana main of the 9.2 line (it marks
endpoints "added in 9.2.0"); the rule endpoints are Kibana's public API version 2023-10-31.
Components used: Security_Detections_API_{Query,Eql,Threshold,Esql}Rule{Create,Update}Props,
RuleResponse and its *RuleResponseFields/ResponseFields, Threat*, Threshold*, RiskScore,
Severity, ErrorSchema, PlatformErrorResponse, SiemErrorResponse; paths _find and _export.
The filtered copy leaves out the single-rule paths (GET/POST/PUT/DELETE
/api/detection_engine/rules); their bodies are the same components, and the paths come from
Kibana's route definitions (security_solution/common/api/detection_engine/rule_management/
crud/*/*_route.schema.yaml). Checks Kibana makes outside the schema come from
crud/create_rule/request_schema_validation.ts (schedule, timeline pair, threshold).

Unknown keys: Kibana's validators (zod generated from these schemas, no `.strict()`) drop
them silently, so the fake drops them too — and records them, because a dropped key would
make every re-deploy look like a change.
"""

from __future__ import annotations

import re
from typing import Any

Schema = dict[str, Any]

STRING: Schema = {"type": "string"}
NONEMPTY: Schema = {"type": "string", "minLength": 1}
BOOL: Schema = {"type": "boolean"}
STRINGS: Schema = {"type": "array", "items": STRING}
OBJECT: Schema = {"type": "object", "additional": True}
ANY_ARRAY: Schema = {"type": "array"}

SEVERITY: Schema = {"type": "string", "enum": ["low", "medium", "high", "critical"]}
RISK_SCORE: Schema = {"type": "integer", "minimum": 0, "maximum": 100}
VERSION: Schema = {"type": "integer", "minimum": 1}
MAX_SIGNALS: Schema = {"type": "integer", "minimum": 1}


def _attack_item(extra: dict[str, Schema] | None = None) -> Schema:
    """Tactic, technique and subtechnique all need id, name and reference."""
    return {
        "type": "object",
        "required": ["id", "name", "reference"],
        "properties": {"id": STRING, "name": STRING, "reference": STRING, **(extra or {})},
    }


THREAT: Schema = {
    "type": "object",
    "required": ["framework", "tactic"],
    "properties": {
        "framework": STRING,
        "tactic": _attack_item(),
        "technique": {
            "type": "array",
            "items": _attack_item({"subtechnique": {"type": "array", "items": _attack_item()}}),
        },
    },
}
THRESHOLD: Schema = {
    "type": "object",
    "required": ["field", "value"],
    "properties": {
        "field": {"oneOf": [STRING, {"type": "array", "items": STRING, "maxItems": 5}]},
        "value": {"type": "integer", "minimum": 1},
        "cardinality": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "value"],
                "properties": {"field": STRING, "value": {"type": "integer", "minimum": 0}},
            },
        },
    },
}
EXCEPTION_LIST: Schema = {
    "type": "object",
    "required": ["id", "list_id", "type", "namespace_type"],
    "properties": {
        "id": NONEMPTY,
        "list_id": NONEMPTY,
        "type": STRING,
        "namespace_type": {"type": "string", "enum": ["agnostic", "single"]},
    },
}
RULE_ACTION: Schema = {
    "type": "object",
    "required": ["action_type_id", "id", "params"],
    "properties": {
        "action_type_id": STRING,
        "id": STRING,
        "params": OBJECT,
        "group": STRING,
        "uuid": NONEMPTY,
        "frequency": OBJECT,
        "alerts_filter": OBJECT,
    },
}

# The fields every rule type shares, in create and update bodies.
COMMON: dict[str, Schema] = {
    "actions": {"type": "array", "items": RULE_ACTION},
    "alias_purpose": {"type": "string", "enum": ["savedObjectConversion", "savedObjectImport"]},
    "alias_target_id": STRING,
    "author": STRINGS,
    "building_block_type": STRING,
    "description": NONEMPTY,
    "enabled": BOOL,
    "exceptions_list": {"type": "array", "items": EXCEPTION_LIST},
    "false_positives": STRINGS,
    "from": STRING,
    "interval": STRING,
    "investigation_fields": {
        "type": "object",
        "required": ["field_names"],
        "properties": {"field_names": {"type": "array", "items": NONEMPTY, "minItems": 1}},
    },
    "license": STRING,
    "max_signals": MAX_SIGNALS,
    "meta": OBJECT,
    "name": NONEMPTY,
    "namespace": STRING,
    "note": STRING,
    "outcome": {"type": "string", "enum": ["exactMatch", "aliasMatch", "conflict"]},
    "output_index": STRING,
    "references": STRINGS,
    "related_integrations": {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["package", "version"],
            "properties": {"package": NONEMPTY, "version": NONEMPTY, "integration": NONEMPTY},
        },
    },
    "required_fields": {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["name", "type"],
            "properties": {"name": NONEMPTY, "type": NONEMPTY},
        },
    },
    "response_actions": ANY_ARRAY,
    "risk_score": RISK_SCORE,
    "risk_score_mapping": ANY_ARRAY,
    "rule_id": STRING,
    "rule_name_override": STRING,
    "setup": STRING,
    "severity": SEVERITY,
    "severity_mapping": ANY_ARRAY,
    "tags": STRINGS,
    "threat": {"type": "array", "items": THREAT},
    "throttle": STRING,
    "timeline_id": STRING,
    "timeline_title": STRING,
    "timestamp_override": STRING,
    "timestamp_override_fallback_disabled": BOOL,
    "to": STRING,
    "version": VERSION,
}
COMMON_REQUIRED = ["name", "description", "risk_score", "severity"]

KQL_LANGUAGE: Schema = {"type": "string", "enum": ["kuery", "lucene"]}
# rule type → (its own fields, required fields besides the common ones)
TYPES: dict[str, tuple[dict[str, Schema], list[str]]] = {
    "query": (
        {
            "language": KQL_LANGUAGE,
            "query": STRING,
            "alert_suppression": OBJECT,
            "data_view_id": STRING,
            "filters": ANY_ARRAY,
            "index": STRINGS,
            "saved_id": STRING,
        },
        ["type"],
    ),
    "eql": (
        {
            "language": {"type": "string", "enum": ["eql"]},
            "query": STRING,
            "alert_suppression": OBJECT,
            "data_view_id": STRING,
            "event_category_override": STRING,
            "filters": ANY_ARRAY,
            "index": STRINGS,
            "tiebreaker_field": STRING,
            "timestamp_field": STRING,
        },
        ["type", "query", "language"],
    ),
    "threshold": (
        {
            "language": KQL_LANGUAGE,
            "query": STRING,
            "threshold": THRESHOLD,
            "alert_suppression": OBJECT,
            "data_view_id": STRING,
            "filters": ANY_ARRAY,
            "index": STRINGS,
            "saved_id": STRING,
        },
        ["type", "query", "threshold"],
    ),
    # ES|QL rules carry their index in the query's FROM: no `index` field.
    "esql": (
        {
            "language": {"type": "string", "enum": ["esql"]},
            "query": STRING,
            "alert_suppression": OBJECT,
        },
        ["type", "language", "query"],
    ),
}
# Types Kibana has that strascico never sends; the fake refuses them rather than half-do them.
OTHER_TYPES = ("saved_query", "threat_match", "machine_learning", "new_terms")


def rule_schema(rule_type: str, update: bool = False) -> Schema:
    """RuleCreateProps (or RuleUpdateProps, which adds `id`) for one rule type."""
    own, required = TYPES[rule_type]
    properties = {**COMMON, **own, "type": {"type": "string", "enum": [rule_type]}}
    if update:
        properties["id"] = STRING
    return {"type": "object", "properties": properties, "required": COMMON_REQUIRED + required}


# What Kibana fills in when a create/update body leaves a field out (RuleResponse requires them).
DEFAULTS: dict[str, Any] = {
    "actions": [],
    "author": [],
    "enabled": True,
    "exceptions_list": [],
    "false_positives": [],
    "from": "now-6m",
    "interval": "5m",
    "max_signals": 100,
    "references": [],
    "related_integrations": [],
    "required_fields": [],
    "risk_score_mapping": [],
    "setup": "",
    "severity_mapping": [],
    "tags": [],
    "threat": [],
    "to": "now",
    "version": 1,
}
TYPE_DEFAULTS: dict[str, dict[str, Any]] = {
    "query": {"language": "kuery", "query": ""},
    "threshold": {"language": "kuery"},
    "eql": {},
    "esql": {},
}
# RuleResponse: the shared required fields, ResponseFields' required ones, and each type's.
RESPONSE_REQUIRED = [
    "name",
    "description",
    "risk_score",
    "severity",
    "version",
    "tags",
    "enabled",
    "risk_score_mapping",
    "severity_mapping",
    "interval",
    "from",
    "to",
    "actions",
    "exceptions_list",
    "author",
    "false_positives",
    "references",
    "max_signals",
    "threat",
    "setup",
    "related_integrations",
    "required_fields",
    "id",
    "rule_id",
    "immutable",
    "rule_source",
    "updated_at",
    "updated_by",
    "created_at",
    "created_by",
    "revision",
]
RESPONSE_TYPE_REQUIRED = {
    "query": ["query", "language"],
    "threshold": ["query", "threshold", "language"],
    "eql": ["query", "language"],
    "esql": ["query", "language"],
}

FIND_SORT_FIELDS = [
    "created_at",
    "createdAt",
    "enabled",
    "execution_summary.last_execution.date",
    "execution_summary.last_execution.metrics.execution_gap_duration_s",
    "execution_summary.last_execution.metrics.total_indexing_duration_ms",
    "execution_summary.last_execution.metrics.total_search_duration_ms",
    "execution_summary.last_execution.status",
    "name",
    "risk_score",
    "riskScore",
    "severity",
    "updated_at",
    "updatedAt",
]
EXPORT_BODY: Schema = {
    "type": "object",
    "required": ["objects"],
    "properties": {
        "objects": {
            "type": "array",
            "items": {"type": "object", "required": ["rule_id"], "properties": {"rule_id": STRING}},
        }
    },
}

_TYPE_CHECKS = {"string": str, "boolean": bool, "object": dict, "array": list}


def _type_ok(value: Any, expected: str) -> bool:
    if expected == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if expected == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, _TYPE_CHECKS[expected])


def validate(
    value: Any, schema: Schema, path: str = "", unknown: list[str] | None = None
) -> list[str]:
    """Problems of `value` against `schema` ("path: message"); unknown keys go to `unknown`."""
    where = path or "(root)"
    if "oneOf" in schema:
        if not any(not validate(value, option, path) for option in schema["oneOf"]):
            return [f"{where}: matches none of the allowed shapes"]
        return []
    expected = schema.get("type")
    if expected and not _type_ok(value, expected):
        return [f"{where}: Expected {expected}, received {type(value).__name__}"]
    problems: list[str] = []
    if "enum" in schema and value not in schema["enum"]:
        allowed = " | ".join(f"'{v}'" for v in schema["enum"])
        problems.append(f"{where}: Invalid enum value. Expected {allowed}, received '{value}'")
    if "minimum" in schema and value < schema["minimum"]:
        problems.append(f"{where}: Number must be greater than or equal to {schema['minimum']}")
    if "maximum" in schema and value > schema["maximum"]:
        problems.append(f"{where}: Number must be less than or equal to {schema['maximum']}")
    if "minLength" in schema and len(value.strip()) < schema["minLength"]:
        problems.append(f"{where}: String must contain at least {schema['minLength']} character(s)")
    if expected == "array":
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            problems.append(f"{where}: Array must contain at most {schema['maxItems']} element(s)")
        if "minItems" in schema and len(value) < schema["minItems"]:
            problems.append(f"{where}: Array must contain at least {schema['minItems']} element(s)")
        for i, item in enumerate(value):
            problems += validate(
                item, schema.get("items", {}), f"{path}.{i}" if path else str(i), unknown
            )
    if expected == "object" and not schema.get("additional"):
        properties = schema.get("properties", {})
        problems += [
            f"{path + '.' if path else ''}{key}: Required"
            for key in schema.get("required", [])
            if key not in value
        ]
        for key, item in value.items():
            sub = f"{path}.{key}" if path else key
            if key in properties:
                problems += validate(item, properties[key], sub, unknown)
            elif unknown is not None:
                unknown.append(sub)
    return problems


_DURATION = re.compile(r"^(\d+)([smhd])$")
_DATE_MATH = re.compile(r"^now(?:-(\d+)([smhd]))?$")
_UNIT_MS = {"s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}


def _ms(match: re.Match[str]) -> int:
    return int(match.group(1)) * _UNIT_MS[match.group(2)] if match.group(1) else 0


def schedule_problems(body: dict[str, Any]) -> list[str]:
    """Kibana's check that from..to covers at least one interval (defaults where unset)."""
    interval = _DURATION.match(body.get("interval", DEFAULTS["interval"]))
    start = _DATE_MATH.match(body.get("from", DEFAULTS["from"]))
    end = _DATE_MATH.match(body.get("to", DEFAULTS["to"]))
    if not (interval and start and end):
        return []  # Kibana skips the check when it cannot parse the values
    if _ms(start) - _ms(end) < _ms(interval):
        return [
            'the time range defined by "from" and "to" must be greater than or equal to "interval"'
        ]
    return []


def extra_problems(body: dict[str, Any]) -> list[str]:
    """The checks of request_schema_validation.ts that apply to the types strascico sends."""
    problems = schedule_problems(body)
    for a, b in (("timeline_id", "timeline_title"), ("timeline_title", "timeline_id")):
        if body.get(a) is not None and body.get(b) is None:
            problems.append(f'when "{a}" exists, "{b}" must also exist')
    threshold = body.get("threshold") if body.get("type") == "threshold" else None
    if threshold and threshold.get("cardinality"):
        fields = (
            threshold["field"] if isinstance(threshold["field"], list) else [threshold["field"]]
        )
        if threshold["cardinality"][0]["field"] in fields:
            problems.append("Cardinality of a field that is being aggregated on is always 1")
    return problems
