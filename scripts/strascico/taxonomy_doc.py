"""docs/taxonomy.md, rendered from the field registry (a test keeps the two identical)."""

from __future__ import annotations

from sigma.pipelines.strascico.pipeline import index_pattern
from sigma.pipelines.strascico.taxonomy import Taxonomy, load_taxonomy

HEADER = """\
# Normalized event taxonomy

<!-- Generated from backends/sigma/pipelines/strascico/taxonomy.yml by
     `strascico docs taxonomy`; edit the registry, not this file. -->

Rules in `rules/` are written against these fields; ingest produces them, index templates
map them (`dynamic: strict`), and the `strascico` pySigma pipeline points queries at them.
ECS names are used where ECS has the concept; `telephony.*` and `db.*` are this pack's own
namespaces (ECS has no telephony or database field set).

Every `keyword` and `text` field has a `.lower` subfield (lowercase normalizer): Sigma string
matches are case-insensitive, so the pipeline queries `<field>.lower` with a lower-cased value;
`|cased` matches query the field itself (`<field>.keyword` for `text`).
"""


def render_taxonomy(taxonomy: Taxonomy | None = None) -> str:
    taxonomy = taxonomy or load_taxonomy()
    out = [HEADER]
    out.append("## Logsources\n\n| category | index pattern | what | products |\n|---|---|---|---|")
    for name in sorted(taxonomy.logsources):
        ls = taxonomy.logsources[name]
        out.append(f"| `{name}` | `{index_pattern(name)}` | {ls.doc} | {', '.join(ls.products)} |")
    for name in sorted(taxonomy.logsources):
        ls = taxonomy.logsources[name]
        out.append(f"\n## `{name}`\n\n{ls.doc}.\n\n| field | type | values | meaning |\n|---|---|---|---|")
        for field in sorted(ls.fields.values(), key=lambda f: f.name):
            values = ", ".join(f"`{v}`" for v in field.values) if field.values else ""
            out.append(f"| `{field.name}` | {field.type} | {values} | {field.doc} |")
    return "\n".join(out) + "\n"
