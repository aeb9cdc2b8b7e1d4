"""Per logsource: which fields say who was hit and by what (the hunt's alert columns)."""

from __future__ import annotations

# category → (victim fields, actor fields), the first present value of each is shown
ENTITIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "telephony": (("telephony.callee.number", "telephony.callee.extension", "user.name"),
                  ("telephony.caller.number", "telephony.caller.extension", "telephony.caller.number_original")),
    "messaging": (("telephony.callee.number", "user.name"), ("telephony.caller.number", "telephony.caller.number_original")),
    "user_report": (("user.name", "telephony.callee.number"), ("telephony.caller.number", "telephony.caller.number_original")),
    "database": (("db.collection.name", "db.namespace"), ("user.name", "source.ip")),
    "webserver": (("url.path",), ("source.ip",)),
    "authentication": (("user.name",), ("source.ip",)),
    "process_creation": (("host.name",), ("user.name", "process.name")),
}
EXPOSED_FIELD = "telephony.callee.exposed"
CONTACT_CATEGORIES = ("telephony", "messaging", "user_report")
# Alerts group per actor (with the number of distinct victims) where one actor touches many
# victims: a caller ringing staff, a scraper walking record pages. Elsewhere per (victim, actor).
GROUP_BY_ACTOR = (*CONTACT_CATEGORIES, "webserver")


def entity_fields(category: str) -> tuple[str, str]:
    """The primary victim and actor field of a logsource (the composite keys of a hunt)."""
    victims, actors = ENTITIES.get(category, (("host.name",), ("user.name",)))
    return victims[0], actors[0]
