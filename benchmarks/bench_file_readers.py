"""File-source reading throughput: our adapters beside datatrove's readers, same files.

    PYTHONPATH=. /work/main/.venv/bin/python benchmarks/bench_file_readers.py [--repeat 1] [--rounds 3]

The benchmark corpus (`benchmarks/corpus.py`: 46,704 distinct real documents, 56 MB, 450
languages; `--repeat` copies, default 1, ids made unique) is written once as jsonl (plain,
.gz, .zst), Parquet (zstd) and CSV in a temporary folder. Each variant reads one format on one core, end to end
to documents in memory:

- ours: `sources.<kind>.read` (the ingest adapters: text, id, lang and meta per record,
  bad-record checks included)
- datatrove: datatrove 0.10.1 `JsonlReader` / `ParquetReader` / `CsvReader` with
  `text_key`/`id_key`, run by `benchmarks/bench_file_readers_peer.py` in the peer
  environment (`PEER_PYTHON`, default /work/main/.venv-peers/bin/python). Its
  JsonlReader parses with orjson.

Figures per CPU second, best of `--rounds`: documents/s and MB/s of uncompressed
JSON-lines text. Document and character counts are printed to show both sides did
the same work.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

PEER_PYTHON = os.environ.get("PEER_PYTHON", "/work/main/.venv-peers/bin/python")
PEER_SCRIPT = Path(__file__).resolve().parent / "bench_file_readers_peer.py"
FORMATS = {  # name: (our kind, file name)
    "jsonl": ("jsonl", "docs.jsonl"),
    "jsonl.gz": ("jsonl", "docs.jsonl.gz"),
    "jsonl.zst": ("jsonl", "docs.jsonl.zst"),
    "parquet": ("parquet", "docs.parquet"),
    "csv": ("csv", "docs.csv"),
}


def cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def make_files(folder: Path, docs: list, repeat: int) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq
    import zstandard

    rows = [{"id": f"{i}#{k}", "text": d.text, "lang": d.lang} for k in range(repeat) for i, d in enumerate(docs)]
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
    for name in ("jsonl", "jsonl.gz", "jsonl.zst", "parquet", "csv"):
        (folder / name).mkdir()
    (folder / "jsonl" / "docs.jsonl").write_bytes(data)
    (folder / "jsonl.gz" / "docs.jsonl.gz").write_bytes(gzip.compress(data, compresslevel=6, mtime=0))
    (folder / "jsonl.zst" / "docs.jsonl.zst").write_bytes(zstandard.ZstdCompressor(level=3).compress(data))
    pq.write_table(pa.Table.from_pylist(rows), folder / "parquet" / "docs.parquet", compression="zstd")
    with open(folder / "csv" / "docs.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return len(data)


def run_ours(folder: Path, fmt: str) -> dict:
    from curation.catalog import CatalogEntry
    from sources import get_adapter
    from sources.base import RawDocument

    kind, name = FORMATS[fmt]
    entry = CatalogEntry(
        id="bench",
        name="bench",
        languages=["en"],
        license="CC0-1.0",
        kind=kind,
        location=str(folder / fmt),
        proposed_by="bench",
        options={"id_field": "id", "lang_field": "lang"},
    )
    adapter = get_adapter(kind)
    start = cpu_seconds()
    docs = chars = 0
    for path in adapter.list_files(entry, folder):
        for record in adapter.read(path, entry, None):
            if isinstance(record, RawDocument):
                docs += 1
                chars += len(record.text)
    return {"docs": docs, "chars": chars, "cpu": cpu_seconds() - start}


def run_peer(folder: Path, fmt: str) -> dict | None:
    try:
        out = subprocess.run([PEER_PYTHON, str(PEER_SCRIPT), str(folder / fmt), fmt], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"  (peer failed for {fmt}: {getattr(exc, 'stderr', exc)!s:.300})", file=sys.stderr)
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=1, help="copies of the corpus (1: every document once)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    import corpus

    docs = corpus.load()
    print(corpus.input_line(docs * args.repeat))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        size = make_files(folder, docs, args.repeat)
        mb = size / 1e6
        print(f"{mb:.1f} MB of JSON lines; best of {args.rounds}, CPU seconds")
        print(f"{'format':<10} {'reader':<10} {'docs':>8} {'chars':>12} {'docs/s':>10} {'MB/s':>7}")
        for fmt in FORMATS:
            for who, fn in (("ours", run_ours), ("datatrove", run_peer)):
                best = None
                for _ in range(args.rounds):
                    result = fn(folder, fmt)
                    if result is None:
                        break
                    if best is None or result["cpu"] < best["cpu"]:
                        best = result
                if best is None:
                    print(f"{fmt:<10} {who:<10} {'n/a':>8}")
                    continue
                cpu = max(best["cpu"], 1e-9)
                print(f"{fmt:<10} {who:<10} {best['docs']:>8,} {best['chars']:>12,} {best['docs'] / cpu:>10,.0f} {mb / cpu:>7.1f}")


if __name__ == "__main__":
    main()
