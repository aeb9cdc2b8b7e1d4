"""`strascico attribute`: the statistics against exact values, simulated populations (the leaked
list ranks first; random victims name nothing; near-duplicate lists are not told apart), the
command on real files (hashes only: no number in any output), and the simulator's ground truth."""

from __future__ import annotations

import csv
import json
import math
import random
import re
from fractions import Fraction
from pathlib import Path

import pytest

from strascico.attribute import Dataset, Victims, attribute, verdict
from strascico.attribute.stats import enrichment, expected_overlap, format_p, holm, jaccard, log_sf, sf
from strascico.ingest.formats.reports import ReportCsv, ReportOptions
from strascico.ingest import IngestContext
from strascico.ingest.report_mapping import load_mapping
from strascico.ingest.runner import RejectWriter, Sources, normalized_events, write_ndjson
from strascico.simulate import SimulationOptions, simulate
from strascico.watchlist import Watchlist, number_hash

from .conftest import run_cli

KEY = "attribute-test-key-not-a-secret"
ENV = {"STRASCICO_WATCHLIST_KEY": KEY}


def exact_sf(k: int, N: int, K: int, n: int) -> Fraction:
    total = sum(math.comb(K, x) * math.comb(N - K, n - x) for x in range(k, min(K, n) + 1))
    return Fraction(total, math.comb(N, n))


# --- the statistics -------------------------------------------------------------------------------

def test_hypergeometric_tail_known_values() -> None:
    # Fisher's lady tasting tea: 8 cups, 4 with milk first, she picks 4
    assert sf(4, 8, 4, 4) == pytest.approx(1 / 70, rel=1e-12)
    assert sf(3, 8, 4, 4) == pytest.approx(17 / 70, rel=1e-12)
    assert sf(0, 8, 4, 4) == 1.0 and log_sf(5, 8, 4, 4) == -math.inf
    assert sf(2, 10, 10, 2) == 1.0  # everyone is marked: the overlap is certain


def test_hypergeometric_tail_equals_exact_fractions() -> None:
    rng = random.Random(5)
    for _ in range(2000):
        N = rng.randint(1, 250)
        K, n = rng.randint(0, N), rng.randint(0, N)
        k = rng.randint(0, min(K, n) + 1)
        expected = float(exact_sf(k, N, K, n))
        assert sf(k, N, K, n) == pytest.approx(expected, rel=1e-9, abs=1e-300), (k, N, K, n)


def test_hypergeometric_tail_keeps_the_exponent_far_below_double_range() -> None:
    def exact_log(k: int, N: int, K: int, n: int) -> float:  # logs of the big integers: no underflow
        tail = sum(math.comb(K, x) * math.comb(N - K, n - x) for x in range(k, min(K, n) + 1))
        return math.log(tail) - math.log(math.comb(N, n))

    assert log_sf(160, 3000, 600, 600) == pytest.approx(exact_log(160, 3000, 600, 600), rel=1e-10)
    deep = log_sf(1300, 3000, 1500, 1500)
    assert sf(1300, 3000, 1500, 1500) == 0.0  # about 1e-393: the float underflows, the log does not
    assert deep == pytest.approx(exact_log(1300, 3000, 1500, 1500), rel=1e-10)
    assert log_sf(12_000, 100_000, 20_000, 20_000) < -3000  # and it is quick at benchmark scale
    assert format_p(deep) == "p < 1e-12" and format_p(math.log(0.0412)) == "p = 0.041"


def test_holm_expected_enrichment_jaccard() -> None:
    adjusted = [math.exp(p) for p in holm([math.log(p) for p in (0.01, 0.04, 0.03, 0.005)])]
    assert adjusted == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert math.exp(holm([math.log(0.6), math.log(0.9)])[1]) == 1.0  # capped at 1
    assert expected_overlap(1000, 200, 50) == 10.0 and enrichment(25, 10.0) == 2.5 and enrichment(3, 0) is None
    assert jaccard({1, 2, 3}, {2, 3, 4}) == 0.5 and jaccard(set(), set()) == 0.0


# --- simulated populations -------------------------------------------------------------------------

N = 5000


def world(seed: int, near_duplicate: bool = False) -> dict[str, frozenset[int]]:
    """Three overlapping candidate lists over N staff."""
    rng = random.Random(seed)
    people = range(N)
    a = frozenset(rng.sample(people, 1500))
    b = frozenset(set(rng.sample(sorted(a), 600)) | set(rng.sample(people, 900)))  # shares 40% of a
    if near_duplicate:  # b: a re-export of a with 5% of its people changed
        b = frozenset(set(rng.sample(sorted(a), 1425)) | set(rng.sample(sorted(set(people) - a), 75)))
    c = frozenset(rng.sample(people, 2000))
    return {"A": a, "B": b, "C": c}


def victims_of(members: set[int]) -> Victims:
    victims = Victims()
    for m in members:
        victims.add(m, None)
    return victims


def datasets(lists: dict[str, frozenset[int]]) -> list[Dataset]:
    return [Dataset(name, members, len(members), len(members), 0) for name, members in lists.items()]


def test_victims_drawn_from_one_of_three_overlapping_lists_name_it() -> None:
    for seed in range(5):
        lists, rng = world(seed), random.Random(100 + seed)
        hit = set(rng.sample(sorted(lists["A"]), 200)) | set(rng.sample(range(N), 60))  # + unrelated noise
        result = attribute(N, victims_of(hit), datasets(lists))
        assert result.datasets[0].name == "A" and math.exp(result.datasets[0].log_p_adjusted) < 0.001
        assert result.kind == "single" and result.named == [["A"]]
        assert result.explained.get("B") == "A"  # B is enriched only through the people it shares with A
        assert not next(r for r in result.datasets if r.name == "C").significant
        text = verdict(result)
        assert re.match(r"Victims are \d+\.\d× more likely than staff at large to be in A \(", text)
        assert "p < 1e-12" in text and "B (its members outside A" in text


def test_random_victims_name_no_list_at_the_corrected_level() -> None:
    """Over many seeds: the observed false-positive rate stays at or below alpha (0.01)."""
    seeds, false_positives = 400, 0
    for seed in range(seeds):
        lists, rng = world(seed), random.Random(10_000 + seed)
        result = attribute(N, victims_of(set(rng.sample(range(N), 300))), datasets(lists))
        false_positives += result.kind != "none"
        if result.kind == "none":
            assert verdict(result).startswith("No candidate dataset is significantly enriched")
    rate = false_positives / seeds
    print(f"observed family-wise false-positive rate: {rate:.4f} over {seeds} seeds (alpha 0.01)")
    assert rate <= 0.02


def test_near_duplicate_lists_cannot_be_told_apart() -> None:
    for seed in range(5):
        lists, rng = world(seed, near_duplicate=True), random.Random(200 + seed)
        hit = set(rng.sample(sorted(lists["A"]), 200)) | set(rng.sample(range(N), 60))
        result = attribute(N, victims_of(hit), datasets(lists))
        assert result.kind == "indistinguishable" and sorted(result.named[0]) == ["A", "B"]
        pair = result.pairs[0]
        assert pair.jaccard > 0.8 and pair.reason == "near-duplicates"
        text = verdict(result)
        assert "cannot be told apart" in text and "A" in text and "B" in text and "more likely" not in text


def test_two_lists_each_carrying_victims_are_both_named() -> None:
    lists, rng = world(3), random.Random(7)
    only_c = sorted(lists["C"] - lists["A"] - lists["B"])
    hit = set(rng.sample(sorted(lists["A"] - lists["C"]), 150)) | set(rng.sample(only_c, 150))
    result = attribute(N, victims_of(hit), datasets(lists))
    assert result.kind == "several" and ["A"] in result.named and ["C"] in result.named
    assert "more than one" in verdict(result)


def test_first_harassment_of_members_and_non_members() -> None:
    victims = Victims()
    for member, when in ((1, "2025-01-13T09:00:00Z"), (2, "2025-01-20T09:00:00Z"), (3, "2025-02-10T09:00:00Z")):
        victims.add(member, when)
    victims.add(1, "2025-01-15T00:00:00Z")  # a later report does not move the first harassment
    victims.add(4, None)
    result = attribute(10, victims, [Dataset("X", frozenset({1, 2, 5}), 3, 3, 0)])
    first = result.datasets[0].first_harassed
    assert first["members"] == {"victims_with_time": 2, "first": "2025-01-13T09:00:00Z",
                                "median": "2025-01-13T09:00:00Z"}
    assert first["non_members"]["first"] == "2025-02-10T09:00:00Z"


# --- the command, on files --------------------------------------------------------------------------

def _staff_number(i: int) -> str:
    return f"+39347{5550000 + i:07d}"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """400 staff; a leaked list holding staff 0-119; 40 of them and 4 others report through a form."""
    root = tmp_path_factory.mktemp("attribute")
    with (root / "staff.csv").open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["employee_id", "email", "mobile"])
        for i in range(400):
            out.writerow([f"E{i}", f"person{i}@example.org", _staff_number(i)[3:]])  # national format
    for name, members in (("leaked", range(0, 120)), ("other", range(100, 260))):
        with (root / f"{name}.csv").open("w", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(["nome", "telefono"])
            for i in members:
                number = _staff_number(i)
                out.writerow([f"P{i}", f"0039 {number[3:6]} {number[6:]}" if i % 2 else number])
            out.writerow(["outsider", "+393495550999"])
            out.writerow(["bad", "not a number"])
    header = "Ora di completamento;Posta elettronica;Quale numero l'ha contattata?;Quale suo numero è stato contattato?"
    lines = [header]
    reporters = list(range(0, 120, 3)) + [300, 301, 302, 303]
    for n, i in enumerate(reporters):
        lines.append(f"{1 + n % 28:02d}/02/2025 10:00:00;person{i}@example.org;+234 803 555 12{n % 100:02d};"
                     f"{_staff_number(i)[3:]}")
    (root / "forms.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    ctx = IngestContext()
    fmt = ReportCsv(ctx, ReportOptions(load_mapping("microsoft-forms"), KEY.encode()))
    rejects = RejectWriter(root / "rejects.ndjson")
    write_ndjson(normalized_events(fmt, Sources([str(root / "forms.csv")]), rejects, lambda c: c, ctx.stats),
                 root / "reports.ndjson")
    assert rejects.count == 0
    return root


def _all_numbers(root: Path) -> set[str]:
    """The national significant digits of every staff and dataset number."""
    return {_staff_number(i)[3:] for i in range(400)} | {"3495550999"}


def test_attribute_command_names_the_leaked_list_and_prints_no_number(files: Path) -> None:
    result = run_cli("attribute", "--population", str(files / "staff.csv"), "--reports", str(files / "reports.ndjson"),
                     "--dataset", f"leaked={files / 'leaked.csv'}", "--dataset", f"other={files / 'other.csv'}",
                     "--json", env=ENV)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["verdict"]["kind"] == "single" and data["verdict"]["datasets"] == [["leaked"]]
    top = data["datasets"][0]
    assert top["dataset"] == "leaked" and top["observed"] == 40 and top["members"] == 120
    assert top["expected"] == pytest.approx(44 * 120 / 400) and top["p_adjusted"] < 1e-12
    assert data["victims"]["total"] == 44 and data["method"]["correction"] == "holm"
    assert top["rows"] == 122 and top["unusable_rows"] == 1 and top["numbers"] == 121
    text = run_cli("attribute", "--population", str(files / "staff.csv"), "--reports", str(files / "reports.ndjson"),
                   "--dataset", f"leaked={files / 'leaked.csv'}", "--dataset", f"other={files / 'other.csv'}", env=ENV)
    assert text.returncode == 0 and "more likely than staff at large to be in leaked" in text.stdout
    for output in (result.stdout, result.stderr, text.stdout, text.stderr,
                   (files / "reports.ndjson").read_text()):
        digits = re.sub(r"\D", "", output)
        assert not [n for n in _all_numbers(files) if n in digits]


def test_attribute_reads_hunt_output_and_prehashed_lists(files: Path, tmp_path: Path) -> None:
    hunt = tmp_path / "hunt.jsonl"
    alerts = [{"type": "alert", "stage": "flood", "kind": "rule", "level": "medium", "rule": "x",
               "victim": _staff_number(i), "first": "2025-01-20T10:00:00Z"} for i in range(0, 120, 2)]
    alerts.append({"type": "alert", "stage": "flood", "kind": "rule", "level": "low", "victim": _staff_number(399)})
    # today's hunt lists victims as their own lines
    alerts += [{"type": "victim", "number": _staff_number(i), "exposed": True, "first": "2025-01-21T10:00:00Z"}
               for i in range(120, 130)]
    alerts.append({"type": "summary", "alerts": 61})
    hunt.write_text("".join(json.dumps(a) + "\n" for a in alerts))
    prehashed = tmp_path / "leaked.wl"
    Watchlist(KEY.encode(), {number_hash(KEY.encode(), _staff_number(i)) for i in range(120)}).save(prehashed)
    result = run_cli("attribute", "--population", str(files / "staff.csv"), "--hunt", str(hunt),
                     "--dataset", f"leaked={prehashed}", "--dataset", f"other={files / 'other.csv'}", "--json", env=ENV)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["victims"]["sources"]["hunt"] == {"alerts": 71, "counted": 70, "new_victims": 70,
                                                  "not_in_population": 0}
    assert data["datasets"][0]["dataset"] == "leaked"
    assert data["datasets"][0]["first_harassed"]["members"]["first"] == "2025-01-20T10:00:00Z"
    wrong = run_cli("attribute", "--population", str(files / "staff.csv"), "--hunt", str(hunt),
                    "--dataset", f"leaked={prehashed}", env={"STRASCICO_WATCHLIST_KEY": "another-key-0123456789"})
    assert wrong.returncode == 2 and wrong.stderr.strip().splitlines() == [
        f"error: {prehashed}:1: watchlist was built with a different key"]


@pytest.mark.parametrize("args, message", [
    ([], "give the victims"),
    (["--reports", "{r}", "--dataset", "leaked"], "expected NAME=FILE"),
    (["--reports", "{r}", "--dataset", "a={d}", "--dataset", "a={d}"], "dataset names must be distinct"),
])
def test_attribute_refuses_bad_input_in_one_line(files: Path, args: list[str], message: str) -> None:
    filled = [a.format(r=files / "reports.ndjson", d=files / "leaked.csv") for a in args]
    base = ["--population", str(files / "staff.csv")] + ([] if "--dataset" in filled else
                                                          ["--dataset", f"x={files / 'leaked.csv'}"])
    result = run_cli("attribute", *base, *filled, env=ENV)
    assert result.returncode == 2 and message in result.stderr


def test_attribute_without_a_key_says_so(files: Path) -> None:
    result = run_cli("attribute", "--population", str(files / "staff.csv"), "--reports", str(files / "reports.ndjson"),
                     "--dataset", f"x={files / 'leaked.csv'}")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: a watchlist key of at least 16 bytes is needed: set STRASCICO_WATCHLIST_KEY or pass --key-file"]


# --- the simulator's candidate lists ------------------------------------------------------------------

def test_attribute_finds_the_leaked_list_of_a_simulation(tmp_path: Path) -> None:
    sim = tmp_path / "sim"
    simulate(SimulationOptions(seed=3, size="small"), sim)
    manifest = json.loads((sim / "manifest.json").read_text())
    truth = json.loads((sim / "ground-truth.json").read_text())["attribution"]
    reports = []
    for entry in (e for e in manifest["files"] if e["format"] == "report-csv"):
        out = tmp_path / f"{Path(entry['path']).stem}.ndjson"
        result = run_cli("ingest", "-f", "report-csv", str(sim / entry["path"]), "--mapping",
                         str(sim / entry["mapping"]), "--out", str(out), "--rejects", str(tmp_path / "r.ndjson"),
                         env=ENV)
        assert result.returncode == 0, result.stderr
        reports += ["--reports", str(out)]
    specs = [a for d in manifest["datasets"] for a in ("--dataset", f"{d['name']}={sim / d['path']}")]
    result = run_cli("attribute", "--population", str(sim / "staff.csv"), *reports, *specs, "--json", env=ENV)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["datasets"][0]["dataset"] == truth["leaked"] and data["datasets"][0]["p_adjusted"] < 0.001
    assert data["verdict"]["kind"] == "single" and data["verdict"]["datasets"] == [[truth["leaked"]]]
