"""The scheduled-backup exception is a per-site setting: it changes the query, and the real node."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from sigma.collection import SigmaCollection
from sigma.pipelines.strascico import strascico_pipeline
from sigma.pipelines.strascico.site import site_placeholders

from sigma.backends.strascico import StrascicoLuceneBackend

from .conftest import ROOT, run_cli

RULES = ("db_bulk_read_applicant_archive", "proc_lnx_db_dump_of_applicant_archive",
         "proc_lnx_db_dump_tool_execution")
SITE_ENV = {"STRASCICO_BACKUP_ACCOUNTS": "bck_nightly, svc_bck*", "STRASCICO_BACKUP_HOSTS": "db-concorsi-01"}


def lucene(name: str, site: dict[str, list[str]] | None) -> str:
    rule = SigmaCollection.from_yaml((ROOT / "rules" / "breach" / f"{name}.yml").read_text(encoding="utf-8"))
    return StrascicoLuceneBackend(strascico_pipeline(site=site)).convert(rule)[0]


@pytest.mark.parametrize("name", RULES)
def test_the_site_setting_changes_the_generated_query(name: str) -> None:
    unset = lucene(name, {})
    configured = lucene(name, {"backup_accounts": ["Bck_Nightly", "svc_bck*"], "backup_hosts": ["db-concorsi-01"]})
    assert "unset\\-strascico_backup_accounts" in unset and "bck_nightly" not in unset
    assert "user.name.lower:(bck_nightly OR svc_bck*)" in configured
    assert "host.name.lower:db\\-concorsi\\-01" in configured and "unset" not in configured


def test_the_environment_is_read_when_the_pipeline_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STRASCICO_BACKUP_HOSTS", raising=False)
    monkeypatch.setenv("STRASCICO_BACKUP_ACCOUNTS", " bck_nightly ,, svc_bck ")
    assert site_placeholders() == {"backup_accounts": ["bck_nightly", "svc_bck"],
                                   "backup_hosts": ["unset-STRASCICO_BACKUP_HOSTS"]}


def test_strascico_test_on_the_real_node_excepts_the_configured_backup_only(es_url: str, tmp_path: Path) -> None:
    """The rules' own default-case backup events, replayed with the site set: they no longer fire;
    the same account on another host, and the rules' other positive cases, still do."""
    for name in RULES[:2]:
        shutil.copy(ROOT / "rules" / "breach" / f"{name}.yml", tmp_path / f"{name}.yml")
        cases = yaml.safe_load((ROOT / "rules" / "breach" / f"{name}.cases.yaml").read_text(encoding="utf-8"))
        default_case = next(c for c in cases["cases"] if c["name"].startswith("default"))
        assert default_case["hits"] == 1  # without the setting the backup alerts (the rule's own case)
        default_case["hits"] = 0
        default_case["name"] = "configured: the scheduled backup is excepted"
        elsewhere = yaml.safe_load(yaml.safe_dump(default_case))
        for event in elsewhere["events"]:
            event["host.name"] = "laptop-17"
            event["event.id"] += "-elsewhere"
        elsewhere.update(name="configured: the backup account on another host still alerts", hits=1)
        cases["cases"].append(elsewhere)
        (tmp_path / f"{name}.cases.yaml").write_text(yaml.safe_dump(cases, sort_keys=False), encoding="utf-8")
    configured = run_cli("test", "--path", str(tmp_path), "--es-url", es_url, env=SITE_ENV)
    assert configured.returncode == 0, configured.stdout + configured.stderr
    unconfigured = run_cli("test", "--path", str(tmp_path), "--es-url", es_url)
    assert unconfigured.returncode == 1, unconfigured.stdout  # the hits: 0 cases now fail


def test_site_values_reach_the_deployed_body_without_making_the_lock_stale(monkeypatch: pytest.MonkeyPatch) -> None:
    """The lock hashes the site-free content: one committed lock serves every site."""
    from strascico.deploy.kibana import KibanaOptions, desired_bodies
    from strascico.deploy.lock import pack_staleness
    from strascico.pack import load_pack

    for name, value in SITE_ENV.items():
        monkeypatch.setenv(name, value)
    files = load_pack([ROOT / "rules"])
    assert not pack_staleness(files, ROOT / "rules.lock.json")
    bodies, _ = desired_bodies(files, KibanaOptions(lock_path=ROOT / "rules.lock.json"))
    queries = [b.get("query", "") for b in bodies.values()]
    assert sum("bck_nightly" in q for q in queries) == len(RULES)
    assert not any("unset\\-strascico_backup" in q for q in queries)
