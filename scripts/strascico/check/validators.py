"""pySigma's own validators and the SigmaHQ convention validators, offline."""

from __future__ import annotations

import atexit
import importlib
import shutil
import tempfile
from importlib import resources
from typing import Iterable

from sigma.backends.strascico.attack import attack_data_path
from sigma.data import mitre_attack
from sigma.plugins import InstalledSigmaPlugins
from sigma.rule import SigmaDetectionItem
from sigma.validators.base import SigmaValidationIssueSeverity

from ..findings import Finding
from .context import CheckContext

# Validators that assume SigmaHQ's own taxonomy or would download data; why each is off:
EXCLUDED: dict[str, str] = {
    "sigmahq_logsource_unknown": "telephony/messaging/user_report are this pack's own logsources",
    "sigmahq_filename_convention": "SigmaHQ file prefixes name SigmaHQ logsources",
    "sigmahq_filename_prefix": "SigmaHQ file prefixes name SigmaHQ logsources",
    "sigmahq_correlation_filename_prefix": "SigmaHQ file prefixes name SigmaHQ logsources",
    "sigmahq_invalid_fieldname": "fields follow the strascico registry (checked by 'fields'), not SigmaHQ's",
    "sigmahq_unknown_field": "fields follow the strascico registry (checked by 'fields'), not SigmaHQ's",
    "fieldname_logsource": "fields follow the strascico registry (checked by 'fields'), not SigmaHQ's",
    "namespace_tag": "strascico.* is this pack's tag namespace (checked by 'metadata')",
    "number_as_string": "calling codes and phone numbers are keyword fields in the registry; quoting them is right",
    "d3_fendtag": "would download MITRE D3FEND data; the pack uses no D3FEND tags",
}
_SEVERITY = {
    SigmaValidationIssueSeverity.HIGH: "error",
    SigmaValidationIssueSeverity.MEDIUM: "error",
    SigmaValidationIssueSeverity.LOW: "warning",
}


SIGMAHQ_DATA_MODULES = ("data_taxonomy", "data_filename", "data_windows_eventid", "data_windows_provider")


def use_offline_data() -> None:
    """Point pySigma's and the SigmaHQ validators' data loaders at shipped files, privately cached.

    Upstream downloads ATT&CK and SigmaHQ data from GitHub at validation time. We give the
    ATT&CK loader the pack's subset and the SigmaHQ loaders an empty dataset (their data
    describe SigmaHQ's Windows/Sysmon logsources, none of which this pack uses). The loaders
    cache under fixed keys, so a private cache keeps ~/.cache/pysigma untouched both ways.
    """
    cache = tempfile.mkdtemp(prefix="strascico-validators-")
    atexit.register(shutil.rmtree, cache, ignore_errors=True)
    mitre_attack.set_cache_dir(cache + "/attack")
    mitre_attack.set_url(str(attack_data_path()))
    empty = str(resources.files("strascico.check").joinpath("data/sigmahq_empty.json"))
    for name in SIGMAHQ_DATA_MODULES:
        module = importlib.import_module(f"sigma.validators.sigmahq.data.{name}")
        module.set_cache_dir(f"{cache}/{name}")
        module.set_url(empty)


def check_validators(ctx: CheckContext) -> Iterable[Finding]:
    """Every installed pySigma validator except EXCLUDED, one finding per issue and rule."""
    use_offline_data()
    validators = InstalledSigmaPlugins.autodiscover().validators
    by_rule = {id(rule): (rule_file, rule) for rule_file, rule in ctx.rules()}
    for name in sorted(validators):
        if name in EXCLUDED:
            continue
        validator = validators[name]()
        issues = [i for _, rule in ctx.rules() for i in validator.validate(rule)]
        issues += validator.finalize()
        for issue in issues:
            for rule in issue.rules:
                rule_file, _ = by_rule.get(id(rule), (None, rule))
                where = str(rule_file.path) if rule_file else str(rule.source or rule.id)
                yield Finding(where, None, _SEVERITY[issue.severity], name,
                              _describe(issue), str(rule.id))


def _describe(issue) -> str:  # type: ignore[no-untyped-def]
    extra = {k: _short(v) for k, v in vars(issue).items() if k != "rules"}
    details = ", ".join(f"{k}={v}" for k, v in extra.items())
    return f"{issue.description}" + (f" ({details})" if details else "")


def _short(value: object) -> str:
    """Readable detail: detection items as `field: values`, anything long cut at 120 chars."""
    if isinstance(value, SigmaDetectionItem):
        text = f"{value.field}: {', '.join(str(v) for v in value.value)}"
    else:
        text = str(value)
    return text if len(text) <= 120 else text[:117] + "..."
