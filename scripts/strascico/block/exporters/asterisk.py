"""Asterisk: AstDB commands, and a dialplan include that blocks by caller ID.

Grammar (docs.asterisk.org, "Pattern Matching" and extensions.conf.sample): an extension may
be followed by `/` and a caller ID to match (`exten => s/_+2348031234.,1,...`); a pattern
starts with `_`, digits and `+` are literal, `.` matches one or more further characters and
`!` zero or more (used for entries kept from the current blocklist, which may be whole numbers).
`database put <family> <key> <value>` / `database del <family> <key>` are the CLI commands of
func_db; `DB_EXISTS(family/key)` is 1 when the key exists. The stock `BLACKLIST()` function
looks up the caller's whole number in family `blacklist`, so a prefix is found only by the
`[strascico-block-astdb]` subroutine below, which looks up each prefix length in use.
CALLERID(num) must be E.164 with its `+` by the time these run (normalize it on the trunk).
"""

from __future__ import annotations

import shlex

from ..plan import BlockPlan, Entry
from .base import ExportContext, Exporter, entry_note, provenance

HANGUP_CAUSE = 21  # Q.850 "call rejected"


def caller_pattern(entry: Entry) -> str:
    """The caller-ID part of the extension: the number itself, or a pattern for the prefix."""
    ev = entry.evidence
    if ev is None:
        return f"_{entry.prefix}!"  # a kept entry: a whole number or a prefix, we cannot tell
    if entry.prefix in ev["numbers"]:  # the prefix is itself a campaign number
        return entry.prefix if len(ev["numbers"]) == 1 and not ev["ranges"] else f"_{entry.prefix}!"
    return f"_{entry.prefix}."


def _comment(text: str) -> str:
    return text.replace(";", ",")  # `;` starts a comment in Asterisk config files


class AsteriskAstdb(Exporter):
    name = "asterisk-astdb"
    filename = "asterisk-astdb.sh"
    summary = "Asterisk: shell script of `asterisk -rx 'database put|del <family> <prefix>'` commands"

    def render(self, plan: BlockPlan, context: ExportContext) -> str:
        family = context.astdb_family
        lines = ["#!/bin/sh", f"# {provenance(context)}",
                 f"# Blocked prefixes into the AstDB family {family!r}; superseded entries removed.",
                 "# Run on the Asterisk host; strascico-block.conf [strascico-block-astdb] does the lookups.",
                 "set -e"]
        for entry in plan.by_status("superseded"):
            lines.append(f"asterisk -rx {shlex.quote(f'database del {family} {entry.prefix}')}")
        for entry in plan.active():
            lines.append(f"# {entry.prefix}: {entry_note(entry)}")
            lines.append(f"asterisk -rx {shlex.quote(f'database put {family} {entry.prefix} 1')}")
        return "\n".join(lines) + "\n"


class AsteriskDialplan(Exporter):
    name = "asterisk-dialplan"
    filename = "strascico-block.conf"
    summary = "Asterisk: extensions.conf include, caller-ID patterns and an AstDB prefix lookup (Gosub)"

    def render(self, plan: BlockPlan, context: ExportContext) -> str:
        entries = plan.active()
        lines = [f"; {provenance(context)}",
                 "; In extensions.conf: #include strascico-block.conf, then first in the inbound context:",
                 ";   same => n,Gosub(strascico-block,s,1)         ; caller-ID patterns below, or",
                 ";   same => n,Gosub(strascico-block-astdb,s,1)   ; prefixes kept in AstDB (asterisk-astdb.sh)",
                 "; CALLERID(num) must be E.164 with its + when these run.", "",
                 "[strascico-block]"]
        for entry in entries:
            pattern = caller_pattern(entry)
            lines.append(f"; {_comment(entry_note(entry))}")
            lines.append(f"exten => s/{pattern},1,NoOp(strascico: caller in blocked range {entry.prefix})")
            lines.append(f" same => n,Hangup({HANGUP_CAUSE})")
        lines += ["exten => s,1,Return()", "", "[strascico-block-astdb]",
                  "exten => s,1,Set(STRASCICO_CID=${CALLERID(num)})",
                  f" same => n,GotoIf(${{DB_EXISTS({context.astdb_family}/${{STRASCICO_CID}})}}?blocked)"]
        for length in sorted({len(e.prefix) for e in entries}):
            lines.append(f" same => n,GotoIf(${{DB_EXISTS({context.astdb_family}/${{STRASCICO_CID:0:{length}}})}}"
                         "?blocked)")
        lines += [" same => n,Return()", " same => n(blocked),NoOp(strascico: caller in a blocked range)",
                  f" same => n,Hangup({HANGUP_CAUSE})"]
        return "\n".join(lines) + "\n"
