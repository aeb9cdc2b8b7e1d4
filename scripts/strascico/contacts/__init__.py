"""Known contacts: the foreign numbers each employee already had a relationship with.

Built from the organisation's own history before a cut-off (`relations`), stored only as keyed
hashes like the exposed cohort (`store`), read back by ingest to mark a contact as known.
"""

from .relations import RelationRules, find_relations
from .store import KnownContacts

__all__ = ["KnownContacts", "RelationRules", "find_relations"]
