"""Deploying the pack's assets to a cluster (templates now; Kibana and ElastAlert next)."""
