"""Deploying the pack: index templates to Elasticsearch, rules to Kibana's Detection Engine,
rule files and a config for ElastAlert2 — each planned first, idempotent, never deleting by default.

Modules: templates (index/component templates), kibana_settings + kibana_api (reaching
Kibana), kibana_rules (the pack as rule bodies), lock (versions), kibana_plan (what would
change), backup + kibana_apply (doing it, with a report), kibana (the whole flow),
elastalert (ElastAlert2 files).
"""
