"""A fake Kibana speaking the Detection Engine contract strascico relies on (tests only)."""
