"""What generators produce and writers consume: one small record type per kind of activity.

Every record names the `sink` (vendor file) it goes to and, when it belongs to the story, a
`tag`: an incident id ("breach-web-enumeration") or a hard-negative kind ("neg:family-abroad-call").
Background records have an empty tag. `at` is epoch seconds (UTC).
"""

from __future__ import annotations

from dataclasses import dataclass

NEGATIVE = "neg:"  # tag prefix of hard negatives


@dataclass(slots=True)
class Call:
    at: int
    sink: str  # "pbx" (Asterisk contact-centre PBX) or "fmc" (FreeSWITCH mobile gateway)
    caller: str  # E.164 number or extension
    callee: str
    direction: str  # inbound / outbound / internal
    disposition: str  # answered / no_answer / cancelled / busy / blocked
    ring: int  # seconds ringing before answer or hang-up
    talk: int  # billable seconds
    caller_name: str = ""
    tag: str = ""
    agent: str = ""  # extension that took an inbound contact-centre call


@dataclass(slots=True)
class Message:
    at: int
    sink: str  # "sms" (Kannel) or "whatsapp" (Twilio)
    sender: str  # E.164, short code or alphanumeric sender id
    recipient: str
    text: str
    blocked: bool = False  # refused by the gateway's black list
    tag: str = ""


@dataclass(slots=True)
class DbStatement:
    at: int
    user: str
    client: str  # client host or address as the audit log writes it
    database: str
    query: str  # empty for CONNECT / DISCONNECT
    operation: str = "QUERY"  # QUERY / CONNECT / DISCONNECT
    connection: int = 0
    retcode: int = 0
    rows: int | None = None  # rows returned, for the activity-monitor feed
    program: str = ""  # client program, where a source knows it
    sink: str = "db"
    tag: str = ""


@dataclass(slots=True)
class WebRequest:
    at: int
    ip: str
    method: str
    path: str  # with the query string, as requested
    status: int
    size: int
    agent: str
    user: str = "-"
    referer: str = "-"
    sink: str = "web"
    tag: str = ""


@dataclass(slots=True)
class Process:
    at: int
    host: str
    user: str
    name: str
    executable: str
    command_line: str
    parent: str
    sink: str = "proc"
    tag: str = ""


@dataclass(slots=True)
class Login:
    at: int
    user: str
    ip: str
    country: str | None  # geolocation of ip; None for private addresses
    success: bool
    host: str = "portal01"
    sink: str = "auth"
    tag: str = ""


@dataclass(slots=True)
class Report:
    """An employee reports an unwanted contact: to the helpdesk (a ticket) or through the form."""

    at: int  # when the contact was received as the employee gives it (the event's @timestamp)
    sink: str  # "helpdesk" (ticket export) or "forms" (Microsoft Forms export)
    reporter: str  # the employee's e-mail
    name: str  # full name (the form export carries it; ingest never keeps it)
    department: str
    mobile: str  # the employee's own number that was contacted (E.164)
    number: str  # the number the employee reports, as they type it
    channel: str  # call / sms / whatsapp
    text: str  # the pasted message or the employee's description
    filed: int = 0  # when the ticket was opened / the form submitted (≥ at)
    tag: str = ""


Record = Call | Message | DbStatement | WebRequest | Process | Login | Report
