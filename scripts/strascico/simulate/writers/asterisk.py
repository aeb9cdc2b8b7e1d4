"""Asterisk cdr_csv Master.csv of the contact-centre PBX: 18 columns in Asterisk's fixed order."""

from __future__ import annotations

from ..clock import local_text
from ..numbering import international_00, national
from ..records import Call
from .base import Writer, csv_quote

DISPOSITIONS = {"answered": "ANSWERED", "no_answer": "NO ANSWER", "cancelled": "NO ANSWER", "busy": "BUSY",
                "failed": "FAILED"}


def trunk_spelling(number: str) -> str:
    """How the carrier trunk presents a number: national for Italy, 00-prefixed for abroad."""
    if not number.startswith("+"):
        return number
    return national(number) if number.startswith("+39") else international_00(number)


class AsteriskWriter(Writer):
    sink = "pbx"
    format = "asterisk-cdr-csv"
    path = "asterisk/Master.csv"
    logsource = "telephony"

    def encode(self, call: Call) -> str:
        src, dst = trunk_spelling(call.caller), trunk_spelling(call.callee)
        answered = call.disposition == "answered"
        answer_at = call.at + call.ring if answered else None
        end_at = call.at + call.ring + (call.talk if answered else 0)
        tag = f"{self.rng.getrandbits(32):08x}"
        if call.direction == "inbound":
            context, channel = "from-trunk", f"SIP/trunk-{tag}"
            # the agent's channel when one answered; an abandoned queue call has none
            app, data = "Queue", "assistenza,t"
            dst_channel = f"SIP/{call.agent}-{tag[::-1]}" if answered and call.agent else ""
        else:
            context, channel = "from-internal", f"SIP/{call.caller}-{tag}"
            target = call.callee if call.direction == "internal" else f"trunk/{dst}"
            app, data, dst_channel = "Dial", f"SIP/{target},30", f"SIP/{target.split('/')[0]}-{tag[::-1]}"
        name = call.caller_name
        clid = f'"{name}" <{src}>' if name else f"<{src}>"
        fields = [
            csv_quote(""), csv_quote(src), csv_quote(dst), csv_quote(context), csv_quote(clid), csv_quote(channel),
            csv_quote(dst_channel), csv_quote(app), csv_quote(data), csv_quote(local_text(call.at)),
            csv_quote(local_text(answer_at) if answer_at is not None else ""), csv_quote(local_text(end_at)),
            str(end_at - call.at), str(call.talk if answered else 0), csv_quote(DISPOSITIONS[call.disposition]),
            csv_quote("DOCUMENTATION"), csv_quote(f"{call.at}.{self.records}"), csv_quote(""),
        ]
        return ",".join(fields) + "\n"
