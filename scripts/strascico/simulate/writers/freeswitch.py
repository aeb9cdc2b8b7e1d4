"""FreeSWITCH mod_cdr_csv Master.csv of the mobile gateway that hosts staff mobile numbers.

It is the carrier-facing side, so the per-employee block list lives here: a blocked number's
call ends with INCOMING_CALL_BARRED before it rings.
"""

from __future__ import annotations

from ..clock import local_text
from ..records import Call
from ..rng import uuid4
from .base import Writer, csv_quote

CAUSES = {"no_answer": "NO_ANSWER", "cancelled": "ORIGINATOR_CANCEL", "busy": "USER_BUSY",
          "blocked": "INCOMING_CALL_BARRED", "rejected": "CALL_REJECTED", "failed": "NORMAL_TEMPORARY_FAILURE"}


class FreeswitchWriter(Writer):
    sink = "fmc"
    format = "freeswitch-cdr-csv"
    path = "freeswitch/Master.csv"
    logsource = "telephony"

    def encode(self, call: Call) -> str:
        answered = call.disposition == "answered"
        ring = 0 if call.disposition == "blocked" else call.ring
        end_at = call.at + ring + (call.talk if answered else 0)
        context = "public" if call.direction == "inbound" else "default"
        a_leg = uuid4(self.rng)
        b_leg = uuid4(self.rng) if answered else ""
        fields = [
            call.caller_name or call.caller, call.caller, call.callee, context, local_text(call.at),
            local_text(call.at + ring) if answered else "", local_text(end_at), end_at - call.at,
            call.talk if answered else 0, "NORMAL_CLEARING" if answered else CAUSES[call.disposition],
            a_leg, b_leg, "", "PCMA" if ring else "", "PCMA" if ring else "",
        ]
        return ",".join(csv_quote(f) for f in fields) + "\n"
