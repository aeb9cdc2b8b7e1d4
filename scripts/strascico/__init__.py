"""strascico: Sigma detection pack for breach-driven harassment, on Elasticsearch."""

__version__ = "0.1.0"
