"""`deploy elastalert`: ElastAlert2 rule files (base rules, correlations) and a cluster config.

Correlations keep the mapping of correlation_targets.py: event_count → `frequency`,
value_count → `cardinality`, both sliding per event like Sigma; what ElastAlert2 cannot
express is listed as skipped. The config names the cluster but never holds a secret:
ElastAlert2 reads ES_USERNAME / ES_PASSWORD / ES_API_KEY from its own environment.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml
from sigma.pipelines.strascico.pipeline import DEFAULT_INDEX_PREFIX

from ..convert import TARGETS, Converter
from ..es.connection import ClusterSettings
from ..pack import RuleFile

WRITEBACK_INDEX = "elastalert_status"
CONFIG_FILE = "config.yaml"
RULES_FOLDER = "rules"


@dataclass
class ElastalertOptions:
    """What the files say besides the rules themselves."""

    index_prefix: str = DEFAULT_INDEX_PREFIX
    alerts: tuple[str, ...] = (
        "debug",
    )  # alerter for rules that name none; ElastAlert2 requires one
    writeback_index: str = WRITEBACK_INDEX
    run_every_s: int = 60
    buffer_time_s: int = 900


@dataclass
class ElastalertFiles:
    """What was written, and which rules have no ElastAlert2 form (with why)."""

    config: Path
    rules: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def cluster_config(settings: ClusterSettings, options: ElastalertOptions) -> dict[str, Any]:
    """ElastAlert2's global config (`rules_folder` is relative: run ElastAlert2 from `out`)."""
    url = urlparse(settings.url)
    https = url.scheme == "https"
    config: dict[str, Any] = {
        "rules_folder": RULES_FOLDER,
        "run_every": {"seconds": options.run_every_s},
        "buffer_time": {"seconds": options.buffer_time_s},
        "es_host": url.hostname,
        "es_port": url.port or (443 if https else 9200),
        "use_ssl": https,
        "verify_certs": settings.verify_certs,
        "writeback_index": options.writeback_index,
        "alert_time_limit": {"days": 2},
    }
    if url.path.strip("/"):
        config["es_url_prefix"] = url.path.strip("/")
    if settings.ca_cert:
        config["ca_certs"] = str(Path(settings.ca_cert).resolve())
    return config


def _rule_dict(output: Any, options: ElastalertOptions) -> dict[str, Any]:
    rule = yaml.safe_load(output) if isinstance(output, str) else dict(output)
    rule.setdefault("alert", list(options.alerts))
    return rule


def write_elastalert(
    files: list[RuleFile], settings: ClusterSettings, out: Path, options: ElastalertOptions
) -> ElastalertFiles:
    """Write `<out>/config.yaml` and `<out>/rules/<stage>/<rule>.yml` (old rule files replaced)."""
    target = TARGETS["elastalert"]
    result = ElastalertFiles(out / CONFIG_FILE)
    result.problems = [p.render() for f in files for p in f.problems]
    rules_dir = out / RULES_FOLDER
    shutil.rmtree(rules_dir, ignore_errors=True)
    for conv in Converter([target], options.index_prefix, files).convert(files):
        if conv.error:
            result.problems.append(f"{conv.rule_file.path}: {conv.error}")
        elif conv.skipped:
            result.skipped.append(f"{conv.rule_file.path}: {conv.skipped}")
        else:
            path = rules_dir / f"{conv.relative_name}{target.extension}"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(target.render(_rule_dict(conv.output, options)), encoding="utf-8")
            result.rules.append(path)
    out.mkdir(parents=True, exist_ok=True)
    result.config.write_text(
        yaml.safe_dump(cluster_config(settings, options), sort_keys=True), encoding="utf-8"
    )
    return result
