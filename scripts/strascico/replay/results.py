"""Outcomes of a replay and how they are reported: table, JSON, JUnit XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

Status = Literal["pass", "fail", "error", "not-executed", "syntax-checked"]
FAILING: frozenset[str] = frozenset({"fail", "error"})


@dataclass
class CaseResult:
    """One line of the replay table."""

    rule: str  # rule file path
    rule_id: str
    title: str
    case: str
    target: str  # lucene+dsl, esql, eql, or correlation
    expected: str
    got: str
    status: Status
    detail: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def summary(results: list[CaseResult]) -> dict[str, int]:
    counts = Counter(r.status for r in results)
    return {status: counts.get(status, 0) for status in ("pass", "fail", "error", "not-executed", "syntax-checked")}


def failed(results: list[CaseResult]) -> bool:
    return any(r.status in FAILING for r in results)


def write_junit(results: list[CaseResult], path: Path, elapsed: float) -> None:
    """JUnit XML: one testcase per result; fail/error as failure/error, not-executed as skipped."""
    counts = summary(results)
    suite = ET.Element("testsuite", {
        "name": "strascico replay", "tests": str(len(results)), "failures": str(counts["fail"]),
        "errors": str(counts["error"]), "skipped": str(counts["not-executed"]), "time": f"{elapsed:.3f}",
    })
    for result in results:
        case = ET.SubElement(suite, "testcase", {
            "classname": result.rule, "name": f"{result.case} [{result.target}]", "time": "0",
        })
        message = f"expected {result.expected}, got {result.got}. {result.detail}".strip()
        if result.status == "fail":
            ET.SubElement(case, "failure", {"message": message}).text = message
        elif result.status == "error":
            ET.SubElement(case, "error", {"message": result.detail}).text = result.detail
        elif result.status == "not-executed":
            ET.SubElement(case, "skipped", {"message": result.detail})
        elif result.status == "syntax-checked":
            ET.SubElement(case, "system-out").text = "syntax-checked offline, not executed"
    path.parent.mkdir(parents=True, exist_ok=True)
    tree = ET.ElementTree(suite)
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
