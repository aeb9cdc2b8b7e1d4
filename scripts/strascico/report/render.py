"""report.json → report.md and a self-contained report.html (one renderer per format)."""

from __future__ import annotations

from html import escape
from typing import Any

from .html import page, table
from .svg import stacked_bars

TITLES = {
    "en": ("Breach notification evidence pack", "What happened, when", "What was taken", "Who is affected now",
           "Open questions", "GDPR Art. 33(3)", "Coverage"),
    "it": ("Fascicolo per la notifica della violazione", "Che cosa è successo, e quando", "Che cosa è stato sottratto",
           "Chi è coinvolto ora", "Domande aperte", "GDPR art. 33, par. 3", "Copertura dei dati"),
}


def _phases(data: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(p["phase"], p["first"], p["last"], p["alerts"], ", ".join(r["rule"] for r in p["rules"]),
             ", ".join(p["accounts"]) or "-", ", ".join(p["source_ips"]) or "-", ", ".join(p["hosts"]) or "-")
            for p in data["what_happened"]["phases"]]


def render_html(data: dict[str, Any]) -> str:
    lang = data["meta"]["lang"]
    title, happened_h, taken_h, affected_h, open_h, art_h, cover_h = TITLES[lang]
    happened, taken, affected = data["what_happened"], data["what_was_taken"], data["who_is_affected"]
    rules = [(r["rule"], r["id"], r["file"], r["level"], r["alerts"]) for p in happened["phases"] for r in p["rules"]]
    happened_html = (f"<p>{escape(str(happened['first_signal']))} → {escape(str(happened['last_signal']))}</p>"
                     + table(("phase", "first", "last", "alerts", "rules", "accounts", "source addresses", "hosts"),
                             _phases(data))
                     + table(("rule", "Sigma id", "file", "level", "alerts"), rules)
                     if happened["found"] else "<p>No breach signal in the analysed period.</p>")
    taken_html = (table(("table", "statements", "rows", "principals", "categories"),
                        [(t["table"], t["statements"], t["rows"] if t["rows"] is not None else "unknown",
                          ", ".join(t["principals"]), ", ".join(t["categories"])) for t in taken["tables"]])
                  + table(("endpoint", "requests", "bytes", "categories"),
                          [(e["path"], e["requests"], e["bytes"], ", ".join(e["categories"])) for e in taken["endpoints"]])
                  + f"<p>Records read: {taken['records_read']}; data subjects ≈ {taken['subjects_estimate']}. "
                    f"<span class=\"note\">{escape(taken['method'])}</span></p>")
    victims = affected["victims_over_time"]
    affected_html = (
        f"<p>Exposed cohort: {affected['exposed_cohort'] if affected['exposed_cohort'] is not None else 'not given'}. "
        f"Flood victims: {affected['flood_victims']} ({affected['in_cohort']} in the cohort, "
        f"{affected['not_in_cohort']} outside). Flood onset: {affected['flood_onset']} "
        f"({affected['onset_days_after_first_breach_signal']} days after the first breach signal).</p>"
        + stacked_bars("Contacts from abroad per day, by channel and calling code", affected["per_day"]["days"],
                       affected["per_day"]["series"], {"breach": (happened["first_signal"] or "")[:10]})
        + stacked_bars("Flood victims over time (cumulative)", victims["days"],
                       {"in the exposed cohort": victims["in_cohort"], "outside": victims["not_in_cohort"]}))
    if affected.get("attribution"):
        affected_html += f"<p>Attribution: {escape(str(affected['attribution'].get('verdict', '')))}</p>"
    open_html = "<ul>" + "".join(f"<li>{escape(q)}</li>" for q in data["open_questions"]) + "</ul>"
    art_html = "".join(f"<h3>{escape(item['heading'])}</h3><p>{escape(item['text'])}</p>" for item in data["article33"])
    cover = data["coverage"]
    cover_html = table(("logsource", "events", "first", "last", "days without data"),
                       [(k, v["events"], v["first"], v["last"], ", ".join(v["days_without_data"]) or "-")
                        for k, v in cover["logsources"].items()])
    cover_html += f"<p>Never ingested: {', '.join(cover['never_ingested']) or '-'}</p>"
    return page(title, [(happened_h, happened_html), (taken_h, taken_html), (affected_h, affected_html),
                        (open_h, open_html), (art_h, art_html), (cover_h, cover_html)])


def render_markdown(data: dict[str, Any]) -> str:
    lang = data["meta"]["lang"]
    title, happened_h, taken_h, affected_h, open_h, art_h, cover_h = TITLES[lang]
    happened, taken, affected = data["what_happened"], data["what_was_taken"], data["who_is_affected"]
    lines = [f"# {title}", "", f"## {happened_h}", ""]
    if happened["found"]:
        lines += [f"{happened['first_signal']} → {happened['last_signal']}", "",
                  "| phase | first | last | alerts | rules | accounts | source addresses | hosts |",
                  "|---|---|---|---|---|---|---|---|"]
        lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in _phases(data)]
    else:
        lines.append("No breach signal in the analysed period.")
    lines += ["", f"## {taken_h}", "", "| table | statements | rows | categories |", "|---|---|---|---|"]
    lines += [f"| {t['table']} | {t['statements']} | {t['rows']} | {', '.join(t['categories'])} |"
              for t in taken["tables"]]
    lines += ["", f"Records read: {taken['records_read']}; data subjects ≈ {taken['subjects_estimate']} "
                  f"({taken['method']}).", "", f"## {affected_h}", "",
              f"Exposed cohort: {affected['exposed_cohort']}. Flood victims: {affected['flood_victims']} "
              f"({affected['in_cohort']} in the cohort, {affected['not_in_cohort']} outside); onset "
              f"{affected['flood_onset']}.", "", f"## {open_h}", ""]
    lines += [f"- {q}" for q in data["open_questions"]]
    lines += ["", f"## {art_h}", ""]
    for item in data["article33"]:
        lines += [f"### {item['heading']}", "", item["text"], ""]
    lines += [f"## {cover_h}", ""] + [f"- {k}: {v['events']} events, {v['first']} → {v['last']}"
                                      for k, v in data["coverage"]["logsources"].items()]
    return "\n".join(lines) + "\n"
