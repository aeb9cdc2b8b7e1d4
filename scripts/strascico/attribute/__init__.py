"""`strascico attribute`: which candidate dataset the victims were drawn from, with exact
hypergeometric tests, Holm's correction, and a "cannot tell apart" answer for lists that overlap."""

from .analysis import ALPHA, NEAR_DUPLICATE, Attribution, attribute
from .sources import Dataset, Hasher, Population, Victims, load_dataset, load_population
from .verdict import verdict

__all__ = ["ALPHA", "NEAR_DUPLICATE", "Attribution", "Dataset", "Hasher", "Population", "Victims", "attribute",
           "load_dataset", "load_population", "verdict"]
