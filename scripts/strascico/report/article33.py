"""GDPR Art. 33(3) notification section, figures filled in, human judgement marked as such.

`it` uses the wording of the Regulation's Italian text and the Garante's vocabulary
(violazione dei dati personali, interessati, registrazioni, RPD).
"""

from __future__ import annotations

from typing import Any

TODO = {"en": "[TO BE COMPLETED]", "it": "[DA COMPLETARE]"}
HEADINGS = {
    "en": ("(a) Nature of the personal data breach", "(b) Data protection officer or contact point",
           "(c) Likely consequences", "(d) Measures taken or proposed"),
    "it": ("a) Natura della violazione dei dati personali", "b) Responsabile della protezione dei dati (RPD) o "
           "altro punto di contatto", "c) Probabili conseguenze della violazione",
           "d) Misure adottate o di cui si propone l'adozione"),
}


def _n(value: Any, lang: str) -> str:
    return TODO[lang] if value is None else str(value)


def article33(data: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """Four items (a)–(d): heading, text, and whether a person must complete it."""
    happened, taken, affected = data["what_happened"], data["what_was_taken"], data["who_is_affected"]
    todo = TODO[lang]
    categories = ", ".join(taken["categories"]) or todo
    first, last = happened["first_signal"] or todo, happened["last_signal"] or todo
    phases = ", ".join(p["phase"] for p in happened["phases"]) or "—"
    if lang == "it":
        nature = (f"Accesso non autorizzato a un archivio di dati personali; primi e ultimi segnali rilevati: "
                  f"{first} – {last} (fasi: {phases}). Categorie di dati: {categories}. Numero approssimativo di "
                  f"interessati: {_n(taken['subjects_estimate'], lang)}; di registrazioni: "
                  f"{_n(taken['records_read'], lang)} (metodo di stima: {taken['method']}). Persone già contattate "
                  f"dopo la violazione: {affected['flood_victims']}, di cui {affected['in_cohort']} presenti "
                  f"nell'archivio esposto.")
        consequences = (f"Contatti indesiderati (chiamate, SMS, WhatsApp) da numeri esteri verso "
                        f"{affected['flood_victims']} persone dal {affected['flood_onset'] or todo}; rischio di frode "
                        f"e di furto d'identità. Valutazione della gravità: {todo}")
        measures = f"{todo} (es. blocco degli intervalli di numerazione, informativa agli interessati ex art. 34)."
        contact = todo
    else:
        nature = (f"Unauthorised access to an archive of personal data; first and last signals: {first} – {last} "
                  f"(phases: {phases}). Categories of data: {categories}. Approximate number of data subjects: "
                  f"{_n(taken['subjects_estimate'], lang)}; of records: {_n(taken['records_read'], lang)} "
                  f"(estimated as: {taken['method']}). People already contacted after the breach: "
                  f"{affected['flood_victims']}, of whom {affected['in_cohort']} are in the exposed archive.")
        consequences = (f"Unwanted contact (calls, SMS, WhatsApp) from foreign numbers to {affected['flood_victims']} "
                        f"people since {affected['flood_onset'] or todo}; risk of fraud and identity theft. "
                        f"Severity assessment: {todo}")
        measures = f"{todo} (e.g. blocking number ranges, informing data subjects under Art. 34)."
        contact = todo
    texts = (nature, contact, consequences, measures)
    return [{"heading": h, "text": t, "to_complete": todo in t} for h, t in zip(HEADINGS[lang], texts)]


def open_questions(data: dict[str, Any], lang: str) -> list[str]:
    """What the data cannot tell, stated so nobody over-claims."""
    cover, taken = data["coverage"], data["what_was_taken"]
    it = lang == "it"
    questions = []
    if not data["what_happened"]["found"]:
        questions.append("Nessun segnale di violazione nel periodo analizzato." if it
                         else "No breach signal in the analysed period.")
    if not data["who_is_affected"]["flood_found"]:
        questions.append("Nessun flusso di contatti indesiderati osservato." if it else "No flood of contacts observed.")
    for source in cover["never_ingested"]:
        questions.append(f"Fonte mai acquisita: {source}; ciò che registrerebbe resta ignoto." if it
                         else f"Source never ingested: {source}; what it would record is unknown.")
    for source, info in cover["logsources"].items():
        if info["days_without_data"]:
            gaps = ", ".join(info["days_without_data"][:6])
            questions.append(f"{source}: giorni senza dati: {gaps}." if it else f"{source}: days without data: {gaps}.")
    questions.append("Nessun log di uscita (firewall/proxy) nella tassonomia: il volume uscito dalla rete è ignoto."
                     if it else "No egress (firewall/proxy) logs in the taxonomy: the volume that left the network "
                                "is unknown.")
    if taken["records_read"] is None:
        questions.append("La fonte di audit del database non registra le righe restituite." if it
                         else "The database audit source does not record rows returned.")
    if data["who_is_affected"]["exposed_cohort"] is None:
        questions.append("Watchlist dell'archivio esposto non fornita: la coorte non è quantificata." if it
                         else "No exposed-cohort watchlist given: the cohort is not sized.")
    return questions
