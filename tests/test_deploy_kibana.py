"""`strascico deploy kibana` against a fake Kibana that checks Kibana's published rule contract.

Kibana cannot run here; tests/kibana_contract/ holds the contract (written from Kibana's OpenAPI
bundle) and a loopback server that validates every request against it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from strascico.deploy.kibana import KibanaOptions, deploy_kibana
from strascico.deploy.kibana_api import KibanaClient, KibanaError
from strascico.deploy.kibana_plan import plan_rules
from strascico.deploy.kibana_rules import BASE_LANGUAGES, pack_rules
from strascico.deploy.kibana_settings import KibanaSettings
from strascico.deploy.lock import load_lock, updated_lock, write_lock
from strascico.pack import load_pack

from .conftest import RULES, run_cli
from .kibana_contract import schema as contract
from .kibana_contract.server import FakeKibana

API_KEY = "test-api-key"
NO_ENV = {
    k: ""
    for k in (
        "KIBANA_URL",
        "KIBANA_SPACE",
        "KIBANA_API_KEY",
        "KIBANA_API_KEY_FILE",
        "KIBANA_USERNAME",
        "KIBANA_PASSWORD",
        "KIBANA_PASSWORD_FILE",
        "KIBANA_CA_CERT",
    )
}


@pytest.fixture(scope="module")
def pack() -> dict[str, dict]:
    return pack_rules(load_pack([RULES])).bodies


@pytest.fixture(scope="module")
def lock_file(tmp_path_factory: pytest.TempPathFactory, pack: dict[str, dict]) -> Path:
    """A lock for the pack as it is now (the committed one is checked by test_lock.py)."""
    path = tmp_path_factory.mktemp("lock") / "rules.lock.json"
    write_lock(path, updated_lock({}, pack))
    return path


@pytest.fixture
def fake() -> Iterator[FakeKibana]:
    server = FakeKibana().start()
    yield server
    server.stop()


def deploy(
    fake: FakeKibana, tmp_path: Path, lock_file: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real entry point, with the fake's URL and a valid API key unless `env` says otherwise."""
    full_env = {**NO_ENV, "KIBANA_URL": fake.url, "KIBANA_API_KEY": API_KEY, **(env or {})}
    return run_cli(
        "deploy",
        "kibana",
        "--lock",
        str(lock_file),
        "--report",
        str(tmp_path / "report.json"),
        "--backup-dir",
        str(tmp_path / "backups"),
        *args,
        env=full_env,
    )


def report(tmp_path: Path) -> dict:
    return json.loads((tmp_path / "report.json").read_text())


def tagged_rule(rule_id: str, name: str, tags: list[str]) -> dict:
    """A rule as Kibana would hold it, created by someone else."""
    return {
        **contract.DEFAULTS,
        **contract.TYPE_DEFAULTS["query"],
        "rule_id": rule_id,
        "id": f"id-{rule_id}",
        "name": name,
        "description": name,
        "type": "query",
        "query": "*",
        "severity": "low",
        "risk_score": 1,
        "tags": tags,
        "immutable": False,
        "rule_source": {"type": "internal"},
        "created_at": "2026-01-01T00:00:00Z",
        "created_by": "x",
        "updated_at": "2026-01-01T00:00:00Z",
        "updated_by": "x",
        "revision": 3,
    }


# ---- the contract itself -----------------------------------------------------------------------


@pytest.mark.parametrize("language", sorted(BASE_LANGUAGES))
def test_every_pack_rule_satisfies_kibanas_create_contract(language: str) -> None:
    bodies = pack_rules(load_pack([RULES]), language=language).bodies
    for rule_id, body in bodies.items():
        unknown: list[str] = []
        problems = contract.validate(
            {**body, "version": 1}, contract.rule_schema(body["type"]), unknown=unknown
        )
        assert problems == [] and contract.extra_problems(body) == [], (rule_id, problems)
        assert unknown == [], f"{rule_id}: Kibana would silently drop {unknown}"
    types = {b["type"] for b in bodies.values()}
    assert {"threshold", "eql"} <= types and ({"query", "esql", "eql"} & types)


def test_the_contract_rejects_what_kibana_rejects(pack: dict[str, dict]) -> None:
    threshold = next(b for b in pack.values() if b["type"] == "threshold")
    query = next(b for b in pack.values() if b["type"] == "query")
    bad = {
        "severity": {**query, "severity": "informational"},
        "risk_score": {**query, "risk_score": 101},
        "name": {k: v for k, v in query.items() if k != "name"},
        "threshold.value": {**threshold, "threshold": {**threshold["threshold"], "value": 0}},
        "threat.0.tactic": {
            **query,
            "threat": [{"framework": "MITRE ATT&CK", "tactic": {"id": "TA0043"}}],
        },
        "version": {**query, "version": 0},
    }
    for field, body in bad.items():
        problems = contract.validate(body, contract.rule_schema(body["type"]))
        assert any(p.startswith(field) for p in problems), (field, problems)
    group_field = threshold["threshold"]["field"][0]
    same_field = {
        **threshold,
        "threshold": {
            **threshold["threshold"],
            "cardinality": [{"field": group_field, "value": 2}],
        },
    }
    assert contract.extra_problems(same_field) == [
        "Cardinality of a field that is being aggregated on is always 1"
    ]
    assert contract.extra_problems(
        {**query, "interval": "1h", "from": "now-6m"}
    )  # range shorter than interval


def test_the_fake_refuses_writes_without_kbn_xsrf_like_kibana(
    fake: FakeKibana, pack: dict[str, dict]
) -> None:
    body = json.dumps(next(iter(pack.values()))).encode()
    request = urllib.request.Request(
        f"{fake.url}/api/detection_engine/rules",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"ApiKey {API_KEY}"},
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)
    assert caught.value.code == 400
    assert json.loads(caught.value.read()) == {
        "statusCode": 400,
        "error": "Bad Request",
        "message": "Request must contain a kbn-xsrf header.",
    }


# ---- deploying ---------------------------------------------------------------------------------


def test_first_deploy_creates_every_rule_disabled_with_its_locked_version(
    fake: FakeKibana, tmp_path: Path, lock_file: Path, pack: dict[str, dict]
) -> None:
    result = deploy(fake, tmp_path, lock_file)
    assert result.returncode == 0, result.stderr
    stored = fake.space_rules()
    assert set(stored) == set(pack)
    versions = load_lock(lock_file)
    for rule_id, rule in stored.items():
        assert rule["enabled"] is False and rule["version"] == versions[rule_id].version
        assert rule["tags"][0] == "strascico" and rule["note"].startswith("## ")
    correlation = stored[
        "f18e440d-5e20-4158-b93a-f68e438a42e7"
    ]  # corr_flood_caller_hits_many_employees
    assert correlation["type"] == "threshold"
    assert correlation["threshold"]["cardinality"] == [
        {"field": "telephony.callee.number", "value": 5}
    ]
    assert correlation["index"] == ["strascico-messaging-*", "strascico-telephony-*"]
    assert fake.dropped_keys == []
    assert report(tmp_path)["counts"] == {"applied": len(pack), "failed": 0, "not_attempted": 0}


def test_redeploying_an_unchanged_pack_changes_nothing(
    fake: FakeKibana, tmp_path: Path, lock_file: Path, pack: dict[str, dict]
) -> None:
    assert deploy(fake, tmp_path, lock_file).returncode == 0
    before = json.dumps(fake.space_rules(), sort_keys=True)
    writes = len(fake.writes())
    again = deploy(fake, tmp_path, lock_file, "--json")
    assert again.returncode == 0, again.stderr
    assert len(fake.writes()) == writes  # not one write
    assert json.dumps(fake.space_rules(), sort_keys=True) == before
    assert json.loads(again.stdout)["counts"] == {
        "add": 0,
        "change": 0,
        "unchanged": len(pack),
        "remove": 0,
    }


def test_operator_choices_survive_a_redeploy_and_enable_turns_rules_on(
    fake: FakeKibana, tmp_path: Path, lock_file: Path
) -> None:
    assert deploy(fake, tmp_path, lock_file).returncode == 0
    rules = fake.space_rules()
    enabled, edited = sorted(rules)[:2]
    exceptions = [
        {"id": "e1", "list_id": "trusted-callers", "type": "detection", "namespace_type": "single"}
    ]
    rules[enabled].update(enabled=True, exceptions_list=exceptions)
    rules[edited]["query"] = "edited in kibana"
    assert deploy(fake, tmp_path, lock_file).returncode == 0
    assert rules[enabled]["enabled"] is True and rules[enabled]["exceptions_list"] == exceptions
    assert rules[enabled]["revision"] == 0  # left alone: enabled state is not content
    assert rules[edited]["query"] != "edited in kibana" and rules[edited]["enabled"] is False
    assert deploy(fake, tmp_path, lock_file, "--enable").returncode == 0
    assert all(rule["enabled"] for rule in rules.values())
    assert rules[enabled]["exceptions_list"] == exceptions


def test_dry_run_prints_exactly_what_the_deploy_then_does(
    fake: FakeKibana, tmp_path: Path, lock_file: Path
) -> None:
    assert deploy(fake, tmp_path, lock_file).returncode == 0
    rules = fake.space_rules()
    gone, drifted = sorted(rules)[:2]
    del rules[gone]
    old_query, old_severity = rules[drifted]["query"], rules[drifted]["severity"]
    rules[drifted].update(query="drifted", severity="critical")
    rules["retired-rule"] = tagged_rule("retired-rule", "Retired strascico rule", ["strascico"])
    rules["someone-elses"] = tagged_rule("someone-elses", "Not ours", ["prebuilt"])
    fake.requests.clear()

    dry = deploy(fake, tmp_path, lock_file, "--dry-run", "--prune", "--json")
    assert dry.returncode == 0, dry.stderr
    assert fake.writes() == []
    plan = {i["rule_id"]: i for i in json.loads(dry.stdout)["plan"] if i["action"] != "unchanged"}
    assert {r: i["action"] for r, i in plan.items()} == {
        gone: "add",
        drifted: "change",
        "retired-rule": "remove",
    }
    assert plan[drifted]["changes"] == [
        {"field": "query", "before": "drifted", "after": old_query},
        {"field": "severity", "before": "critical", "after": old_severity},
    ]
    text = deploy(fake, tmp_path, lock_file, "--dry-run")
    assert "             query: drifted -> " in text.stdout
    assert "retired-rule  Retired strascico rule  (kept: pass --prune to delete)" in text.stdout

    applied = deploy(fake, tmp_path, lock_file, "--prune")
    assert applied.returncode == 0, applied.stderr
    writes = [
        (r.method, r.body["rule_id"] if r.body else r.query["rule_id"][0]) for r in fake.writes()
    ]
    assert writes == [("POST", gone), ("PUT", drifted), ("DELETE", "retired-rule")]
    assert "someone-elses" in rules and "retired-rule" not in rules
    assert rules[drifted]["revision"] == 1


def test_prune_deletes_only_tagged_rules_and_only_after_a_complete_backup(
    fake: FakeKibana, tmp_path: Path, lock_file: Path
) -> None:
    assert deploy(fake, tmp_path, lock_file).returncode == 0
    rules = fake.space_rules()
    for rule_id in ("old-1", "old-2"):
        rules[rule_id] = tagged_rule(
            rule_id, f"Old {rule_id}", ["strascico", "strascico.stage.flood"]
        )
    rules["prebuilt"] = tagged_rule("prebuilt", "Elastic prebuilt", ["Domain: Endpoint"])
    kept = deploy(fake, tmp_path, lock_file)  # no --prune: nothing deleted
    assert kept.returncode == 0 and {"old-1", "old-2"} <= set(rules)
    assert report(tmp_path)["kept"] == ["old-1", "old-2"]

    fake.export_omits = {"old-2"}  # an export that is not complete stops everything
    refused = deploy(fake, tmp_path, lock_file, "--prune")
    assert refused.returncode == 2 and "nothing deleted" in refused.stderr
    assert refused.stderr.count("\n") == 1 and {"old-1", "old-2"} <= set(rules)

    fake.export_omits = set()
    fake.requests.clear()
    pruned = deploy(fake, tmp_path, lock_file, "--prune")
    assert pruned.returncode == 0, pruned.stderr
    assert "old-1" not in rules and "old-2" not in rules and "prebuilt" in rules
    calls = [(r.method, r.path.rsplit("/", 1)[-1]) for r in fake.requests if r.method != "GET"]
    assert calls == [("POST", "_export"), ("DELETE", "rules"), ("DELETE", "rules")]
    backups = list((tmp_path / "backups").glob("kibana-default-*.ndjson"))
    assert len(backups) == 1 and report(tmp_path)["backup"] == str(backups[0])
    lines = [json.loads(line) for line in backups[0].read_text().splitlines()]
    assert [line.get("rule_id") for line in lines[:-1]] == ["old-1", "old-2"]
    assert lines[-1]["exported_rules_count"] == 2 and lines[-1]["missing_rules"] == []


def test_throttling_and_server_errors_are_retried(
    fake: FakeKibana, tmp_path: Path, lock_file: Path, pack: dict[str, dict]
) -> None:
    fake.transient = [(429, "0"), (503, "0"), (502, "0")]
    result = deploy(fake, tmp_path, lock_file)
    assert result.returncode == 0, result.stderr
    assert len(fake.space_rules()) == len(pack)
    assert report(tmp_path)["retries"] == 3


def test_backoff_grows_without_retry_after_and_gives_up(fake: FakeKibana) -> None:
    waits: list[float] = []
    client = KibanaClient(KibanaSettings(fake.url, api_key=API_KEY), retries=2, sleep=waits.append)
    fake.transient = [(503, None), (429, None)]
    assert client.find_tagged("strascico") == []
    assert waits == [0.5, 1.0]
    fake.transient = [(503, None)] * 3
    with pytest.raises(KibanaError) as caught:
        client.find_tagged("strascico")
    assert caught.value.status == 503 and "injected by the test" in str(caught.value)


def test_refused_rules_are_reported_with_kibanas_message_and_the_rest_applied(
    fake: FakeKibana, tmp_path: Path, lock_file: Path, pack: dict[str, dict]
) -> None:
    bad, taken = sorted(pack)[3], sorted(pack)[7]
    fake.fail_rule_ids = {
        bad: (400, "[request body]: query: invalid Lucene"),
        taken: (409, f'rule_id: "{taken}" already exists'),
    }
    result = deploy(fake, tmp_path, lock_file)
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2
    assert any(
        bad in line and "400 [request body]: query: invalid Lucene" in line for line in errors
    )
    assert any(taken in line and "409" in line and "already exists" in line for line in errors)
    assert set(fake.space_rules()) == set(pack) - {bad, taken}
    outcome = {o["rule_id"]: o for o in report(tmp_path)["outcomes"]}
    assert (outcome[bad]["outcome"], outcome[bad]["status"]) == ("failed", 400)
    assert sum(o["outcome"] == "applied" for o in outcome.values()) == len(pack) - 2


def test_a_batch_that_breaks_halfway_leaves_an_exact_report_and_resumes(
    fake: FakeKibana, tmp_path: Path, lock_file: Path, pack: dict[str, dict]
) -> None:
    fake.broken_after_writes = 5
    result = deploy(fake, tmp_path, lock_file)
    assert result.returncode == 2
    record = report(tmp_path)
    assert record["counts"] == {"applied": 5, "failed": 1, "not_attempted": len(pack) - 6}
    applied = {o["rule_id"] for o in record["outcomes"] if o["outcome"] == "applied"}
    assert applied == set(fake.space_rules())
    failed = next(o for o in record["outcomes"] if o["outcome"] == "failed")
    assert failed["status"] == 503 and failed["message"] == "Kibana server is not ready yet"
    assert record["retries"] == 5

    fake.broken_after_writes = None
    resumed = deploy(fake, tmp_path, lock_file, "--json")
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads(resumed.stdout)["counts"]["add"] == len(pack) - 5
    assert set(fake.space_rules()) == set(pack)


@pytest.mark.parametrize(
    "auth",
    [
        {"KIBANA_API_KEY": "wrong-key-0123456789"},
        {"KIBANA_USERNAME": "deployer", "KIBANA_PASSWORD": "not-the-password-987"},
        {},
    ],
)
def test_bad_credentials_stop_before_any_change_and_are_never_printed(
    fake: FakeKibana, tmp_path: Path, lock_file: Path, auth: dict[str, str]
) -> None:
    result = deploy(fake, tmp_path, lock_file, "--json", env={"KIBANA_API_KEY": "", **auth})
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        (
            "error: GET /api/detection_engine/rules/_find: 401 "
            "[security_exception]: unable to authenticate user"
        )
    ]
    assert fake.writes() == [] and fake.space_rules() == {}
    for secret in auth.values():
        if secret != "deployer":
            assert secret not in result.stdout + result.stderr


def test_secrets_from_files_work_and_appear_nowhere(
    fake: FakeKibana, tmp_path: Path, lock_file: Path
) -> None:
    password_file = tmp_path / "kibana-password"
    password_file.write_text("s3cret-pass\n")
    result = deploy(
        fake,
        tmp_path,
        lock_file,
        "--json",
        env={
            "KIBANA_API_KEY": "",
            "KIBANA_USERNAME": "deployer",
            "KIBANA_PASSWORD_FILE": str(password_file),
        },
    )
    assert result.returncode == 0, result.stderr
    assert "basic (deployer)" in json.loads(result.stdout)["target"]
    everything = result.stdout + result.stderr + (tmp_path / "report.json").read_text()
    assert "s3cret-pass" not in everything and API_KEY not in everything


def test_spaces_are_separate_and_an_unknown_space_is_an_error(
    fake: FakeKibana, tmp_path: Path, lock_file: Path, pack: dict[str, dict]
) -> None:
    assert deploy(fake, tmp_path, lock_file, "--space", "soc").returncode == 0
    assert set(fake.space_rules("soc")) == set(pack) and fake.space_rules("default") == {}
    assert all(r.space == "soc" for r in fake.requests)
    missing = deploy(fake, tmp_path, lock_file, "--space", "nope")
    assert missing.returncode == 2 and "404" in missing.stderr


def test_a_stale_lock_stops_the_deploy_before_any_request(
    fake: FakeKibana, tmp_path: Path, lock_file: Path
) -> None:
    stale = tmp_path / "stale.lock.json"
    data = json.loads(lock_file.read_text())
    data["rules"][min(data["rules"])]["content_hash"] = "0" * 16
    stale.write_text(json.dumps(data))
    result = deploy(fake, tmp_path, stale)
    assert result.returncode == 2 and "strascico deploy lock --update" in result.stderr
    assert fake.requests == []


def test_base_rules_can_be_deployed_as_esql_rules_and_back(
    fake: FakeKibana, tmp_path: Path, lock_file: Path, pack: dict[str, dict]
) -> None:
    assert deploy(fake, tmp_path, lock_file, "--language", "esql").returncode == 0
    rules = fake.space_rules()
    esql = [r for r in rules.values() if r["type"] == "esql"]
    base_rules = sum(b["type"] == "query" for b in pack.values())
    # the unordered temporal correlations are ES|QL in either language
    assert len(esql) == base_rules + sum(b["type"] == "esql" for b in pack.values())
    assert all("index" not in r and r["query"].startswith("from strascico-") for r in esql)
    back = deploy(fake, tmp_path, lock_file, "--json")
    changed = [i for i in json.loads(back.stdout)["plan"] if i["action"] == "change"]
    assert len(changed) == base_rules
    assert {c["field"] for c in changed[0]["changes"]} == {"index", "language", "query", "type"}
    assert {r["type"] for r in rules.values()} == {"query", "threshold", "eql", "esql"}


def test_tls_is_verified_unless_given_the_ca(tmp_path: Path, lock_file: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    if shutil.which("openssl") is None:
        pytest.skip("no openssl to make a test certificate")
    subject = ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
    made = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", *subject,
         "-keyout", str(key), "-out", str(cert)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    server = FakeKibana().start(str(cert), str(key))
    try:
        refused = deploy(server, tmp_path, lock_file, "--dry-run")
        assert (
            refused.returncode == 2
            and "TLS error" in refused.stderr
            and "--ca-cert" in refused.stderr
        )
        trusted = deploy(server, tmp_path, lock_file, "--dry-run", "--ca-cert", str(cert))
        assert trusted.returncode == 0, trusted.stderr
    finally:
        server.stop()


def test_plan_compares_only_the_fields_we_send(pack: dict[str, dict]) -> None:
    rule_id, body = next(iter(pack.items()))
    deployed = {
        rule_id: {
            **contract.DEFAULTS,
            **body,
            "version": 1,
            "id": "x",
            "revision": 4,
            "enabled": True,
            "created_by": "someone",
        }
    }
    plan = plan_rules({rule_id: {**body, "version": 1}}, deployed, "strascico")
    assert plan.counts()["unchanged"] == 1
    plan = plan_rules({rule_id: {**body, "version": 2}}, deployed, "strascico", enable=True)
    assert [(c.field, c.before, c.after) for c in plan.items[0].changes] == [("version", 1, 2)]
    assert plan.items[0].body["enabled"] is True and plan.items[0].body["version"] == 2


def test_library_dry_run_sends_no_writes(
    fake: FakeKibana, lock_file: Path, pack: dict[str, dict]
) -> None:
    client = KibanaClient(KibanaSettings(fake.url, api_key=API_KEY))
    result = deploy_kibana(
        client, load_pack([RULES]), KibanaOptions(dry_run=True, lock_path=lock_file)
    )
    assert result.report is None and result.plan.counts()["add"] == len(pack)
    assert fake.writes() == [] and {r.method for r in fake.requests} == {"GET"}


# ---- every rule reaches Kibana -----------------------------------------------------------------


def test_every_rule_of_the_pack_is_a_kibana_rule(pack: dict[str, dict]) -> None:
    """45/45 (every rule): the unordered temporal correlations too (as ES|QL), with their approximation noted."""
    from strascico.check.queries import esql_syntax_error

    files = load_pack([RULES])
    assert len(pack) == sum(len(f.rules) for f in files) == 45
    temporal = [b for b in pack.values() if b["name"].startswith("Reported Foreign Number Also")]
    assert len(temporal) == 2 and {b["type"] for b in temporal} == {"esql"}
    for body in temporal:
        assert esql_syntax_error(body["query"]) is None
        assert body["from"] == "now-1209600s" and "index" not in body
        assert "How this Kibana rule departs from the Sigma rule" in body["note"]
        # one flag per base rule, restricted to that rule's own index, and alert only when all matched
        assert '_index like "strascico-user_report-*" and (event.action.lower=="contact-reported"' in body["query"]
        assert body["query"].endswith("| where strascico_rule_0 == 1 and strascico_rule_1 == 1")
        problems = contract.validate({**body, "version": 1}, contract.rule_schema("esql"))
        assert problems == [] and contract.extra_problems(body) == []


def test_a_rule_kibana_cannot_take_is_one_line_in_the_dry_run_and_in_json(
        fake: FakeKibana, tmp_path: Path) -> None:
    import yaml

    rules = tmp_path / "rules"
    rules.mkdir()
    shutil.copy(RULES / "flood" / "user_report_foreign_contact.yml", rules / "base.yml")
    corr = yaml.safe_load((RULES / "correlation" / "corr_flood_user_report_surge.yml").read_text())
    corr["correlation"]["condition"] = {"lt": 2}  # no Kibana form
    (rules / "corr.yml").write_text(yaml.safe_dump(corr))
    lock = tmp_path / "lock.json"
    write_lock(lock, updated_lock({}, pack_rules(load_pack([rules]), site={}).bodies))
    full_env = {**NO_ENV, "KIBANA_URL": fake.url, "KIBANA_API_KEY": API_KEY}
    text = run_cli("deploy", "kibana", str(rules), "--lock", str(lock), "--dry-run", env=full_env)
    skipped = [line for line in text.stderr.splitlines() if line.endswith("(not deployed)")]
    assert skipped == [f"{rules / 'corr.yml'}: not expressible exactly: operator lt has no threshold form "
                       "(only gte/gt) (not deployed)"], text.stderr
    as_json = run_cli("deploy", "kibana", str(rules), "--lock", str(lock), "--dry-run", "--json",
                      env=full_env)
    assert json.loads(as_json.stdout)["skipped"] == [skipped[0].removesuffix(" (not deployed)")]
    assert fake.writes() == []
