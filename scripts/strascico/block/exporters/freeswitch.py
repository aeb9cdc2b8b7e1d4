"""FreeSWITCH: an XML dialplan include with one extension per blocked prefix.

Grammar (FreeSWITCH "XML Dialplan" docs): `<include>` wraps extensions in files pulled in by
`<X-PRE-PROCESS cmd="include" data="public/*.xml"/>`; an `<extension>` whose `<condition
field="caller_id_number" expression="PCRE">` matches runs its actions, and hunting stops at
the first matching extension (no `continue`), so put the file first: `public/00_strascico_block.xml`.
`hangup` with `CALL_REJECTED` is mod_dptools' hangup cause for a refused call.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from ..plan import BlockPlan, Entry
from .base import ExportContext, Exporter, entry_note, provenance


def caller_regex(entry: Entry) -> str:
    """PCRE (and Python re) for caller_id_number inside the prefix, with or without its '+'."""
    return f"^\\+?{entry.digits}\\d*$"


def _comment(text: str) -> str:
    return text.replace("--", "- -")  # `--` may not appear inside an XML comment


class FreeswitchDialplan(Exporter):
    name = "freeswitch-dialplan"
    filename = "00_strascico_block.xml"
    summary = "FreeSWITCH: XML dialplan include (conf/dialplan/public/), caller_id_number regex per prefix"

    def render(self, plan: BlockPlan, context: ExportContext) -> str:
        # no XML declaration: the file is pasted into freeswitch.xml by X-PRE-PROCESS include, as the
        # shipped conf/dialplan/public/*.xml are (a declaration there is not at the start of the entity)
        lines = [f"<!-- {_comment(provenance(context))}; put in conf/dialplan/public/ so it runs first -->",
                 "<include>"]
        for entry in plan.active():
            lines += [f"  <!-- {_comment(entry.prefix + ': ' + entry_note(entry))} -->",
                      f"  <extension name={quoteattr('strascico-block-' + entry.digits)}>",
                      f"    <condition field=\"caller_id_number\" expression={quoteattr(caller_regex(entry))}>",
                      ("      <action application=\"log\" "
                       f"data={quoteattr('WARNING strascico: ${caller_id_number} blocked by ' + entry.prefix)}/>"),
                      '      <action application="hangup" data="CALL_REJECTED"/>',
                      "    </condition>", "  </extension>"]
        lines.append("</include>")
        return "\n".join(lines) + "\n"
