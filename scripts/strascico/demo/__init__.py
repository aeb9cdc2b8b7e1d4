"""`strascico demo`: simulate → ingest → hunt → score against ground truth → HTML report."""
