"""What message formats share: the first link of a body."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

# First link of a message body: scheme or www. links, and bare domain/path links (wa.me/…, bit.ly/…).
_LINK = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"']+|\b(?:[a-z0-9-]+\.)+[a-z]{2,}/[^\s<>\"']*")
_LINK_TAIL = ".,;:!?)]}'\""


def link_fields(text: str | None) -> dict[str, str]:
    """`url.full` (as written) and `url.domain` of the first link in a message body."""
    return dict(_link(text or ""))


@lru_cache(maxsize=16384)  # bodies repeat (campaigns, templates): search and split each once
def _link(text: str) -> tuple[tuple[str, str], ...]:
    if "/" not in text and "www." not in text.lower():
        return ()  # both of _LINK's alternatives need one of these: skip the search
    match = _LINK.search(text)
    if not match:
        return ()
    url = match.group(0).rstrip(_LINK_TAIL)
    fields = {"url.full": url}
    try:
        host = urlsplit(url if "://" in url else "http://" + url).hostname
    except ValueError:  # e.g. a broken IPv6 literal: keep the link, skip the domain
        host = None
    if host:
        fields["url.domain"] = host
    return tuple(fields.items())
