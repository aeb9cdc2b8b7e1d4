"""`strascico block`: the number ranges to block after a flood, on which system, sparing who matters.

campaign (what hunt and reports say) → plan (smallest safe prefix cover, evidence, diff) →
exporters (carrier CSV, Asterisk, FreeSWITCH, Kamailio, ingest's --blocklist).
"""

from .campaign import Campaign, Target, add_hunt, add_reports
from .cover import Cover, minimal_cover
from .plan import BlockPlan, CurrentEntry, Entry, Policy, recommend
from .protected import Protected

__all__ = ["BlockPlan", "Campaign", "Cover", "CurrentEntry", "Entry", "Policy", "Protected", "Target", "add_hunt",
           "add_reports", "minimal_cover", "recommend"]
