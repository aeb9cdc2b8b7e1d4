"""`strascico simulate`: a deterministic, synthetic contact-centre breach and trawling flood.

The scenario writes raw vendor files (what the ingest side parses), the exposed applicant
archive, the staff list, a manifest and the ground truth the demo scores hunts against.
Everything is generated day by day and streamed to disk, so memory does not grow with size.
"""

from .options import SIZES, SimulationOptions
from .scenario import SimulationSummary, simulate

__all__ = ["SIZES", "SimulationOptions", "SimulationSummary", "simulate"]
