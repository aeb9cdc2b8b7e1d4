"""ingest --jobs writes what one process writes: same NDJSON bytes, rejects, counts.

Files are cut into pieces of a few bytes up to many lines, so every line break is tried as a
cut, including inside quoted multi-line CSV records and right after unterminated ones.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from strascico.ingest import IngestContext, format_class
from strascico.ingest.formats.asterisk import AsteriskCdrCsv
from strascico.ingest.parallel import PIECE_BYTES, encoded_events, encoded_events_parallel, pieces, write_ndjson_parallel
from strascico.ingest.runner import RejectWriter, Sources, normalized_events, write_ndjson

from .conftest import run_cli

SAMPLES = Path(__file__).resolve().parent / "ingest"
SPLIT_FORMATS = ("asterisk-cdr-csv", "freeswitch-cdr-csv", "kannel-access", "nginx-combined")
ROW = '"","{src}","800555123","from-trunk","<{src}>","SIP/t-1","SIP/20705-2","Queue","x","2024-06-18 08:00:{s:02d}",' \
      '"2024-06-18 08:00:{a:02d}","2024-06-18 08:03:13",179,157,"ANSWERED","DOCUMENTATION","{i}.0",""'


def tricky_csv(rows: int = 1200) -> str:
    """Asterisk lines with quoted fields over several lines, unterminated quotes, short rows."""
    lines = []
    for i in range(rows):
        line = ROW.format(src=f"02555{i:05d}", s=i % 60, a=(i + 7) % 60, i=i)
        if i % 61 == 0:
            line = line.replace('"Queue"', '"Que\nue"')
        if i % 97 == 0:
            line = 'garbage,"never closed'
        if i % 131 == 0:
            line = '"a","b'  # closes only with a later line's quote, or never
        lines.append(line)
    return "\n".join(lines) + "\n"


def inputs(fmt: str, tmp: Path) -> list[str]:
    files = sorted(str(p) for p in (SAMPLES / fmt).iterdir()
                   if p.is_file() and not p.name.startswith("expected") and p.name != "README.md")
    if fmt == "asterisk-cdr-csv":
        extra = tmp / "tricky.csv"
        extra.write_text(tricky_csv())
        files.append(str(extra))
    return files


def ingest(fmt: str, paths: list[str], tmp: Path, jobs: int, piece_bytes: int = 0) -> tuple[bytes, str, dict]:
    ctx = IngestContext()
    form = format_class(fmt)(ctx)
    rejects = RejectWriter(tmp / f"rejects-{jobs}-{piece_bytes}.ndjson")
    out = io.BytesIO()
    if jobs:
        write_ndjson_parallel(form, Sources(paths), out, rejects, jobs, piece_bytes=piece_bytes)
    else:
        write_ndjson(normalized_events(form, Sources(paths), rejects, lambda c: c, ctx.stats), out)
    rejects.close()
    text = rejects.path.read_text() if rejects.count else ""
    return out.getvalue(), text, vars(ctx.stats)


@pytest.mark.parametrize("fmt", SPLIT_FORMATS)
def test_pieces_normalize_to_the_same_bytes(fmt: str, tmp_path: Path) -> None:
    paths = inputs(fmt, tmp_path)
    expected = ingest(fmt, paths, tmp_path, jobs=0)
    assert expected[0]
    for piece_bytes in (7, 150, 1000, 1 << 20):
        assert ingest(fmt, paths, tmp_path, jobs=2, piece_bytes=piece_bytes) == expected, piece_bytes


def test_csv_is_never_cut_inside_an_open_quote(tmp_path: Path) -> None:
    path = tmp_path / "tricky.csv"
    path.write_text(tricky_csv())
    data = path.read_bytes()
    cuts = [p.offset for p in pieces(str(path), AsteriskCdrCsv, piece_bytes=10)]
    assert len(cuts) > 50
    for cut in cuts[1:]:
        window = data[:cut].split(b"\n")[-21:-1]
        assert all(line.count(b'"') % 2 == 0 for line in window)


def test_cli_jobs_output_equals_one_process(tmp_path: Path) -> None:
    source = tmp_path / "Master.csv"
    source.write_text(tricky_csv(rows=PIECE_BYTES // 80))  # more than one piece: --jobs cuts it
    assert source.stat().st_size > 2 * PIECE_BYTES
    outputs = []
    for jobs in ("1", "2"):
        out, rejects = tmp_path / f"out-{jobs}.ndjson", tmp_path / f"rejects-{jobs}.ndjson"
        result = run_cli("ingest", "-f", "asterisk-cdr-csv", str(source), "--out", str(out),
                         "--rejects", str(rejects), "--jobs", jobs, "--json")
        assert result.returncode == 1, result.stderr  # the tricky file has rejects
        summary = json.loads(result.stdout)
        summary.pop("rejects_file")
        outputs.append((out.read_bytes(), rejects.read_bytes(), summary))
    assert outputs[0] == outputs[1]


def test_a_file_without_allowed_breaks_is_read_on_in_process(tmp_path: Path) -> None:
    """Quoted fields every few lines leave no cut: after MAX_UNCUT_PIECES pieces' bytes (at
    least MIN_UNCUT_BYTES) the rest is read in the parent: bounded memory, the same output."""
    lines = tricky_csv(rows=3000).splitlines()
    for i in range(1000, 3000, 5):  # from line 1000 on, an open quote every 5 lines
        lines[i] = lines[i].replace('"Queue"', '"Que\nue"')
    path = tmp_path / "dense.csv"
    path.write_text("\n".join(lines) + "\n")
    cut = list(pieces(str(path), AsteriskCdrCsv, piece_bytes=5000))
    assert cut[-1].size == -1 and len(cut) > 3
    expected = ingest("asterisk-cdr-csv", [str(path)], tmp_path, jobs=0)
    assert ingest("asterisk-cdr-csv", [str(path)], tmp_path, jobs=2, piece_bytes=5000) == expected


def encode(fmt: str, paths: list[str], tmp: Path, jobs: int, piece_bytes: int = 0) -> tuple[list, str, dict]:
    """What bulk indexing is handed: (index, serialized event, id) in order, the rejects, the counts."""
    ctx = IngestContext()
    form = format_class(fmt)(ctx)
    rejects = RejectWriter(tmp / f"encoded-rejects-{jobs}-{piece_bytes}.ndjson")
    index_for = lambda category: f"strascico-{category}-{fmt}"  # noqa: E731
    if jobs:
        items = list(encoded_events_parallel(form, Sources(paths), rejects, index_for, jobs, piece_bytes=piece_bytes))
    else:
        items = list(encoded_events(form, Sources(paths), rejects, index_for, jobs=1))
    rejects.close()
    return items, rejects.path.read_text() if rejects.count else "", vars(ctx.stats)


@pytest.mark.parametrize("fmt", SPLIT_FORMATS)
def test_workers_hand_the_bulk_path_what_one_process_would(fmt: str, tmp_path: Path) -> None:
    paths = inputs(fmt, tmp_path)
    expected = encode(fmt, paths, tmp_path, jobs=0)
    assert expected[0] and all(doc_id and json.loads(source)["event.id"] == doc_id
                               for _, source, doc_id in expected[0])
    assert b"\n".join(source for _, source, _ in expected[0]) + b"\n" == ingest(fmt, paths, tmp_path, jobs=0)[0]
    for piece_bytes in (7, 1000, 1 << 20):
        assert encode(fmt, paths, tmp_path, jobs=2, piece_bytes=piece_bytes) == expected, piece_bytes


def test_encoded_rest_of_an_uncuttable_file_is_read_on_in_process(tmp_path: Path) -> None:
    lines = tricky_csv(rows=3000).splitlines()
    for i in range(1000, 3000, 5):
        lines[i] = lines[i].replace('"Queue"', '"Que\nue"')
    path = tmp_path / "dense.csv"
    path.write_text("\n".join(lines) + "\n")
    expected = encode("asterisk-cdr-csv", [str(path)], tmp_path, jobs=0)
    assert expected[1]  # rejects with their file line numbers
    assert encode("asterisk-cdr-csv", [str(path)], tmp_path, jobs=2, piece_bytes=5000) == expected
