"""The pySigma plugin as plain sigma-cli users see it after `pip install`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

SIGMA = str(Path(sys.executable).with_name("sigma"))


def sigma(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([SIGMA, *args], capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_sigma_cli_lists_our_pipeline_and_targets() -> None:
    assert shutil.which(SIGMA) or Path(SIGMA).exists()
    pipelines = sigma("list", "pipelines").stdout
    targets = sigma("list", "targets").stdout
    assert "strascico" in pipelines
    for name in ("strascico_lucene", "strascico_esql", "strascico_eql", "strascico_elastalert"):
        assert name in targets


def test_sigma_cli_converts_the_pack_with_our_plugin() -> None:
    result = sigma("convert", "-t", "strascico_lucene", "-p", "strascico", "rules/flood")
    assert result.returncode == 0, result.stderr
    assert "NOT telephony.caller.country_code.lower:39" in result.stdout


def test_cases_files_are_invisible_to_sigma_cli() -> None:
    """`.cases.yaml` does not match sigma-cli's default `*.yml`, so the rules dir converts as is."""
    result = sigma("convert", "-t", "strascico_esql", "-p", "strascico", "rules/breach")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("from strascico-") == len(list((ROOT / "rules" / "breach").glob("*.yml")))
