"""The language of a short text from its function words: enough to tell an Italian report from
an English job-scam opener, without a model or a dependency.

Each language has a list of frequent short words that are rare in the others; the text's
words vote. A text is given a language only when at least two of its words vote for it and it
leads the runner-up by two votes or doubles it — otherwise the answer is None ("unsure"), which
ingest leaves out rather than guess.
"""

from __future__ import annotations

import re

STOPWORDS: dict[str, frozenset[str]] = {
    "it": frozenset("il lo gli della delle dello degli del che non per una sono mi ti ci si ho ha hai abbiamo "
                    "questo questa numero chiamata chiamate messaggio messaggi ricevuto ricevuta lavoro salve "
                    "buongiorno buonasera grazie anche ancora sempre dopo poi perché come dove quando oggi ieri "
                    "notte sera mattina molto posso parlarle parlarti attimo sei suo tuo mio casa ogni "
                    "sconosciuto sconosciuti estero esteri straniero numeri di offerta offerte squilli squillo "
                    "riattaccano continua".split()),
    "en": frozenset("the and you your are is was were have has this that with from for not but what who "
                    "hello dear hi available job work money earn home please thank thanks our we they "
                    "been would could will can call called calling message number today".split()),
    "fr": frozenset("le les des est et vous nous pas pour une dans sur avec bonjour merci travail votre "
                    "ce cette qui sont très chez être avoir appel".split()),
    "es": frozenset("el los las es y usted ustedes para una con por muy hola gracias trabajo su sus está "
                    "estoy pero como dinero casa hoy llamada".split()),
    "de": frozenset("der die das und ist nicht sie ich wir mit für auf ein eine einen hallo danke arbeit "
                    "ihr ihre sind bitte heute anruf geld".split()),
    "pt": frozenset("os as é e você não para uma com por muito olá obrigado obrigada trabalho seu sua está "
                    "mas como dinheiro casa hoje chamada".split()),
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def detect_language(text: str | None) -> str | None:
    """ISO 639-1 code of the text's language, or None when the words do not say clearly."""
    if not text:
        return None
    votes = {lang: 0 for lang in STOPWORDS}
    for word in _WORD.findall(text.casefold()):
        for lang, words in STOPWORDS.items():
            if word in words:
                votes[lang] += 1
    ranked = sorted(votes.items(), key=lambda item: -item[1])
    (best, top), (_, second) = ranked[0], ranked[1]
    if top >= 2 and (top - second >= 2 or top >= 2 * second + 1):
        return best
    return None
