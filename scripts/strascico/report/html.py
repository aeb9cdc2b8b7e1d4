"""One self-contained HTML page from a report's JSON (the JSON is the source of truth)."""

from __future__ import annotations

from html import escape
from typing import Any, Sequence

STYLE = """body{font-family:sans-serif;margin:2em;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}
th{background:#f0f0f0}.ok{color:#2ca02c}.miss{color:#d62728}.note{color:#555;font-size:90%}"""


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{escape(str(h))}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def page(title: str, sections: Sequence[tuple[str, str]]) -> str:
    """`sections` are (heading, already-escaped HTML body) pairs."""
    body = "".join(f"<h2>{escape(h)}</h2>\n{content}\n" for h, content in sections)
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{escape(title)}</title>"
            f"<style>{STYLE}</style></head><body><h1>{escape(title)}</h1>\n{body}</body></html>\n")
