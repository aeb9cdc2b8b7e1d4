"""The version lock (rules.lock.json): current for the pack, bumped only by content changes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from strascico.deploy.kibana_rules import pack_rules
from strascico.deploy.lock import (
    LockEntry,
    content_hash,
    load_lock,
    pack_staleness,
    staleness,
    updated_lock,
    versioned,
)
from strascico.errors import InputError
from strascico.pack import load_pack

from .conftest import ROOT, RULES, run_cli

CALLER_CORRELATION = "f18e440d-5e20-4158-b93a-f68e438a42e7"


def test_the_committed_lock_matches_the_pack() -> None:
    """Fails when a rule changed without `strascico deploy lock --update` (CI runs this)."""
    stale = pack_staleness(load_pack([RULES]), ROOT / "rules.lock.json")
    assert not stale, stale.summary()


def test_versions_bump_only_when_content_changes() -> None:
    bodies = pack_rules(load_pack([RULES])).bodies
    first = updated_lock({}, bodies)
    assert {e.version for e in first.values()} == {1}
    assert updated_lock(first, bodies) == first

    switched = {r: {**b, "enabled": True, "version": 9} for r, b in bodies.items()}
    assert updated_lock(first, switched) == first  # deploy-time switches are not content

    edited = {**bodies, CALLER_CORRELATION: {**bodies[CALLER_CORRELATION], "severity": "critical"}}
    second = updated_lock(first, edited)
    assert second[CALLER_CORRELATION].version == 2
    assert {r: e for r, e in second.items() if r != CALLER_CORRELATION} == {
        r: e for r, e in first.items() if r != CALLER_CORRELATION
    }
    assert updated_lock(second, edited)[CALLER_CORRELATION].version == 2  # no second bump

    fewer = {r: b for r, b in edited.items() if r != CALLER_CORRELATION}
    assert CALLER_CORRELATION not in updated_lock(second, fewer)
    assert [c for _, _, c in staleness(second, fewer).entries] == ["removed"]


def test_versions_come_from_the_lock_whatever_the_base_language() -> None:
    files = load_pack([RULES])
    canonical = pack_rules(files).bodies
    esql = pack_rules(files, language="esql").bodies
    lock = {r: LockEntry(e.name, e.content_hash, 3) for r, e in updated_lock({}, canonical).items()}
    assert any(content_hash(esql[r]) != content_hash(canonical[r]) for r in canonical)
    assert {b["version"] for b in versioned(esql, lock, canonical).values()} == {3}
    del lock[CALLER_CORRELATION]
    with pytest.raises(InputError, match="deploy lock --update"):
        versioned(esql, lock, canonical)


def test_a_malformed_lock_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "rules.lock.json"
    path.write_text('{"rules": {"x": {"version": 1}}}')
    with pytest.raises(InputError, match="not a strascico lock file"):
        load_lock(path)


def test_cli_check_fails_on_a_stale_lock_and_update_fixes_it(tmp_path: Path) -> None:
    pack = tmp_path / "rules"
    shutil.copytree(RULES, pack)
    lock = tmp_path / "rules.lock.json"
    assert run_cli("deploy", "lock", "--update", "--lock", str(lock), str(pack)).returncode == 0
    written = lock.read_bytes()
    assert run_cli("deploy", "lock", "--update", "--lock", str(lock), str(pack)).returncode == 0
    assert lock.read_bytes() == written  # regenerating an up-to-date lock changes nothing
    assert run_cli("deploy", "lock", "--check", "--lock", str(lock), str(pack)).returncode == 0

    rule = pack / "correlation" / "corr_flood_caller_hits_many_employees.yml"
    rule.write_text(rule.read_text().replace("level: high", "level: critical"))
    stale = run_cli("deploy", "lock", "--lock", str(lock), str(pack))
    assert stale.returncode == 1
    assert stale.stdout.split() == [
        "changed",
        CALLER_CORRELATION,
        *["One", "Foreign", "Number", "Reaches", "Many", "Employees"],
    ]
    assert "strascico deploy lock --update" in stale.stderr

    assert run_cli("deploy", "lock", "--update", "--lock", str(lock), str(pack)).returncode == 0
    versions = {r: e["version"] for r, e in json.loads(lock.read_text())["rules"].items()}
    assert versions[CALLER_CORRELATION] == 2 and set(versions.values()) == {1, 2}
    assert run_cli("deploy", "lock", "--lock", str(lock), str(pack)).returncode == 0
