"""Elasticsearch: the local node, connections, templates and bulk indexing."""
