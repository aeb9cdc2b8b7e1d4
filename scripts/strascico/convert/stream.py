"""Convert a pack file by file: load, convert, write, drop — memory bounded by one file.

Correlation rules need their base rules, which may sit in any file. A cheap first pass finds
the files that hold correlations (a `correlation:` key at the start of a line) and loads only
those; the streaming pass then keeps, besides them, just the files holding a rule they refer
to. Correlations are converted last, from those kept files, and every output is written as if
in file order (a later rule of the same output name wins, as when converting all at once).
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from sigma.correlations import SigmaCorrelationRule

from ..findings import Finding
from ..pack import AnyRule, RuleFile, find_rule_files, load_rule_file
from .converter import Conversion, Converter
from .targets import Target

_CORRELATION_KEY = re.compile(rb"^correlation\s*:", re.MULTILINE)


@dataclass
class Outcome:
    """What became of one rule for one target; no rule kept, so thousands cost little."""

    path: Path
    rule_id: str
    target: str
    error: str | None = None
    skipped: str | None = None
    note: str | None = None

    @property
    def status(self) -> str:
        return "error" if self.error else "skipped" if self.skipped else "ok"


@dataclass
class StreamResult:
    outcomes: list[Outcome] = field(default_factory=list)  # file order, then rule, then target
    problems: list[Finding] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)


def _may_correlate(path: Path) -> bool:
    try:
        return _CORRELATION_KEY.search(path.read_bytes()) is not None
    except OSError:
        return False  # the streaming pass reports it


def _keys(rule: AnyRule) -> set[str]:
    return {k for k in (str(rule.id) if rule.id else None, rule.name) if k}


def _references(files: Iterable[RuleFile]) -> set[str]:
    return {ref.reference for f in files for r in f.rules
            if isinstance(r, SigmaCorrelationRule) for ref in r.rules or []}


class _Writer:
    """Writes into `<out>/.<target>.partial/` and swaps it in at the end (nothing half-replaced)."""

    def __init__(self, targets: list[Target], out: Path):
        self.targets, self.out = targets, out
        self.order: dict[Path, tuple[int, int]] = {}  # output path -> position of the rule written there
        self.bundles: dict[str, list[str]] = {t.name: [] for t in targets if t.bundle}
        self.listing: list[Path] = []  # one entry per rule written, duplicates included, as write_outputs
        for t in targets:
            shutil.rmtree(self._staging(t), ignore_errors=True)

    def _staging(self, target: Target) -> Path:
        return self.out / f".{target.name}.partial"

    def write(self, conv: Conversion, position: tuple[int, int]) -> None:
        if conv.text is None:
            return
        target = conv.target
        if target.bundle:
            self.bundles[target.name].append(conv.text)
            return
        relative = Path(f"{conv.relative_name}{target.extension}")
        self.listing.append(target.name / relative)
        if self.order.get(target.name / relative, (-1, -1)) > position:
            return  # a rule later in file order already wrote here
        self.order[target.name / relative] = position
        path = self._staging(target) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(conv.text, encoding="utf-8")

    def finish(self) -> list[Path]:
        written: list[Path] = []
        for t in self.targets:
            if t.bundle and self.bundles[t.name]:
                path = self._staging(t) / t.bundle
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text("".join(sorted(self.bundles[t.name])), encoding="utf-8")
                written.append(self.out / t.name / t.bundle)
            shutil.rmtree(self.out / t.name, ignore_errors=True)
            if self._staging(t).exists():
                self._staging(t).rename(self.out / t.name)
        return sorted(written + [self.out / p for p in self.listing])


def convert_stream(paths: Iterable[Path], targets: list[Target], index_prefix: str, out: Path,
                   progress: Callable[[list[Path]], Iterable[Path]] = lambda items: items) -> StreamResult:
    """Convert every rule under `paths` to every target, writing under `out/<target>/`."""
    rule_paths = find_rule_files(paths)
    early = {p: load_rule_file(p) for p in rule_paths if _may_correlate(p)}
    needed = _references(early.values())
    kept: list[RuleFile] = []  # filled below; the converter builds its plans from it only when
    converter = Converter(targets, index_prefix, kept)  # a correlation is converted, after the loop
    writer = _Writer(targets, out)
    result = StreamResult()
    slots: list[list[Outcome]] = []  # per rule, in file order; correlations filled in at the end
    deferred: list[tuple[int, RuleFile, AnyRule, tuple[int, int]]] = []
    for file_index, path in enumerate(progress(rule_paths)):
        rule_file = early.pop(path, None) or load_rule_file(path)
        result.problems += rule_file.problems
        correlates = any(isinstance(r, SigmaCorrelationRule) for r in rule_file.rules)
        keep = correlates or any(_keys(r) & needed for r in rule_file.rules)
        for rule_index, rule in enumerate(rule_file.rules):
            slots.append([])
            if isinstance(rule, SigmaCorrelationRule):
                deferred.append((len(slots) - 1, rule_file, rule, (file_index, rule_index)))
                continue
            for n, target in enumerate(targets):
                # The last target may rewrite the rule itself: nothing reads it afterwards.
                last = not keep and n == len(targets) - 1
                conv = converter.convert_rule(rule_file, rule, target, consume=last)
                slots[-1].append(_outcome(conv))
                writer.write(conv, (file_index, rule_index))
        if keep:
            kept.append(rule_file)
    missing = _references(f for _, f, _, _ in deferred) - needed
    if missing:  # a correlation the first pass did not spot (odd formatting): fetch its bases
        kept += [f for f in map(load_rule_file, rule_paths) if any(_keys(r) & missing for r in f.rules)
                 and f.path not in {k.path for k in kept}]
        kept.sort(key=lambda f: rule_paths.index(f.path))
    for slot, rule_file, rule, position in deferred:
        for target in targets:
            conv = converter.convert_rule(rule_file, rule, target)
            slots[slot].append(_outcome(conv))
            writer.write(conv, position)
    result.outcomes = [o for slot in slots for o in slot]
    result.written = writer.finish()
    return result


def _outcome(conv: Conversion) -> Outcome:
    return Outcome(conv.rule_file.path, str(conv.rule.id), conv.target.name,
                   conv.error, conv.skipped, conv.note)
