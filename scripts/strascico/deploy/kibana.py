"""`deploy kibana`: the pack, versioned by the lock, planned against a Kibana space, applied."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sigma.backends.strascico.kibana import PACK_TAG
from sigma.pipelines.strascico.pipeline import DEFAULT_INDEX_PREFIX

from ..pack import RuleFile
from .kibana_api import KibanaClient
from .kibana_apply import ApplyReport, apply_plan, deployed_rules
from .kibana_plan import KibanaPlan, plan_rules
from .kibana_rules import DEFAULT_LANGUAGE, pack_rules
from .lock import LOCK_FILE, load_lock, versioned


@dataclass
class KibanaOptions:
    """The switches of one deploy (defaults: safe — disabled rules, no deletion)."""

    index_prefix: str = DEFAULT_INDEX_PREFIX
    language: str = DEFAULT_LANGUAGE
    enable: bool = False
    prune: bool = False
    dry_run: bool = False
    lock_path: Path = Path(LOCK_FILE)
    backup_dir: Path = Path("build/kibana-backups")


@dataclass
class KibanaResult:
    """The plan, and what applying it did (None on a dry run)."""

    plan: KibanaPlan
    report: ApplyReport | None = None
    skipped: list[str] = field(default_factory=list)


def desired_bodies(
    files: list[RuleFile], options: KibanaOptions
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """rule_id → request body with its locked version; InputError if pack or lock is not ready."""
    canonical = pack_rules(files, site={})  # what the lock is about: no site values
    canonical.require_clean()
    chosen = pack_rules(files, options.index_prefix, options.language)  # site values from the environment
    chosen.require_clean()
    return versioned(chosen.bodies, load_lock(options.lock_path), canonical.bodies), chosen.skipped


def deploy_kibana(
    client: KibanaClient, files: list[RuleFile], options: KibanaOptions, now: datetime | None = None
) -> KibanaResult:
    """Plan the pack against the space and, unless dry_run, apply the plan."""
    bodies, skipped = desired_bodies(files, options)
    plan = plan_rules(
        bodies, deployed_rules(client, list(bodies), PACK_TAG), PACK_TAG, options.enable
    )
    if options.dry_run:
        return KibanaResult(plan, None, skipped)
    report = apply_plan(
        client, plan, options.prune, options.backup_dir, now or datetime.now(timezone.utc)
    )
    return KibanaResult(plan, report, skipped)
