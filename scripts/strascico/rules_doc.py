"""The README's table of rules by stage, rendered from the pack (a test keeps it current)."""

from __future__ import annotations

from pathlib import Path

from sigma.correlations import SigmaCorrelationRule

from .pack import load_pack

START, END = "<!-- rules:start -->", "<!-- rules:end -->"


def render_rules_table(rules_dir: Path) -> str:
    rows = []
    for rule_file in load_pack([rules_dir]):
        for rule in rule_file.rules:
            stage = next((t.name.split(".")[1] for t in rule.tags if t.namespace == "strascico"
                          and t.name.startswith("stage.")), "?")
            kind = f"correlation ({rule.type.name.lower()})" if isinstance(rule, SigmaCorrelationRule) \
                else rule.logsource.category
            level = rule.level.name.lower() if rule.level else "-"
            path = rule_file.path.relative_to(rules_dir.parent).as_posix()
            rows.append((stage, kind, level, rule.title, path))
    rows.sort(key=lambda r: (r[0], r[1].startswith("correlation"), r[1], r[3]))
    lines = ["| stage | what it reads | level | rule |", "|---|---|---|---|"]
    lines += [f"| {s} | {k} | {lv} | [{t}]({p}) |" for s, k, lv, t, p in rows]
    return "\n".join(lines)


def update_readme(readme: Path, rules_dir: Path) -> str:
    """README text with the region between the markers replaced by the current table."""
    text = readme.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{render_rules_table(rules_dir)}\n{END}{tail}"
