"""Regenerate the tiny corrupt fixtures beside this file from the bundled sample (maintainer tool).

PYTHONPATH=. python tests/data/sources/make_fixtures.py
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import zstandard

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
OSCAR = ROOT / "samples" / "data" / "multilingual" / "oscar2019_excerpts.jsonl.zst"


def oscar_lines(n: int) -> list[bytes]:
    reader = io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(open(OSCAR, "rb")))
    out = []
    for line in reader:
        out.append(line)
        if len(out) == n:
            return out
    raise SystemExit("sample too short")


def main() -> None:
    lines = oscar_lines(12)
    data = b"".join(lines)
    # gzip / zstd streams cut in the middle: 12 complete documents before compression
    gz = gzip.compress(data, mtime=0)
    (HERE / "truncated.jsonl.gz").write_bytes(gz[: len(gz) * 2 // 3])
    # one zstd block per line (as a streaming writer that flushes per record makes), so
    # the lines before the cut are decodable; a single block would hide them all
    cobj = zstandard.ZstdCompressor(level=3).compressobj()
    zst = b"".join(cobj.compress(line) + cobj.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK) for line in lines) + cobj.flush()
    (HERE / "truncated.jsonl.zst").write_bytes(zst[: len(zst) * 2 // 3])
    # two zstd frames back to back (what `cat a.zst b.zst` gives): all 12 lines readable
    (HERE / "two_frames.jsonl.zst").write_bytes(
        zstandard.ZstdCompressor(level=3).compress(b"".join(lines[:5])) + zstandard.ZstdCompressor(level=3).compress(b"".join(lines[5:]))
    )

    good = [json.loads(x) for x in lines[:3]]
    bad_lines = [
        json.dumps(good[0], ensure_ascii=False).encode(),  # 1 ok
        b'{"id": "broken", "text": "no closing brace"',  # 2 invalid_json
        b'{"id": "latin1", "text": "caf\xe9 cr\xe8me"}',  # 3 undecodable_bytes
        b'{"id": "empty", "text": "   "}',  # 4 empty_payload
        b'{"id": "notext", "body": "text under another key"}',  # 5 missing_text
        b"[1, 2, 3]",  # 6 not_an_object
        b'{"id": "surrogate", "text": "half a pair \\ud83d here"}',  # 7 undecodable_bytes
        b"",  # 8 blank line: skipped, not a record
        json.dumps(good[1], ensure_ascii=False).encode(),  # 9 ok
        b'{"id": 42, "text": null}',  # 10 missing_text
        json.dumps(good[2], ensure_ascii=False).encode(),  # 11 ok
    ]
    (HERE / "bad_lines.jsonl").write_bytes(b"\n".join(bad_lines) + b"\n")

    # text: undecodable bytes on line 3 of a file; an empty file; paragraphs with one bad line
    (HERE / "text_bad" / "files").mkdir(parents=True, exist_ok=True)
    texts = [g["text"] for g in good]
    (HERE / "text_bad" / "files" / "good.txt").write_text(texts[0] + "\n", encoding="utf-8")
    (HERE / "text_bad" / "files" / "latin1.txt").write_bytes(b"line one\nline two\nline thr\xe9e\n")
    (HERE / "text_bad" / "files" / "empty.txt").write_bytes(b" \n\n")
    (HERE / "text_bad" / "paragraphs.txt").write_bytes(
        b"first paragraph, line 1\nfirst paragraph, line 2\n\n"  # lines 1-2
        b"second paragraph with a bad byte \xff here\nits second line\n\n\n"  # lines 4-5
        b"third paragraph\n"  # line 8
    )

    # csv: header + rows, each broken in one way
    rows = io.StringIO()
    w = csv.writer(rows, lineterminator="\n")
    w.writerow(["id", "lang", "text"])
    w.writerow(["a1", good[0]["lang"], texts[0]])  # line 2 ok
    w.writerow(["a2", "xx"])  # line 3 missing_text
    w.writerow(["a3", "xx", "  "])  # line 4 empty_payload
    w.writerow(["a4", good[1]["lang"], "two\nlines"])  # lines 5-6 ok (quoted newline)
    w.writerow(["a5", "xx", "text", "extra"])  # line 7 wrong_field_count
    body = rows.getvalue().encode("utf-8")
    body += b"a6,xx,caf\xe9\n"  # line 8 undecodable_bytes
    body += b'a7,xx,"unterminated "quote" inside\n'  # line 9 malformed_csv
    tail = io.StringIO()
    csv.writer(tail, lineterminator="\n").writerow(["a8", good[2]["lang"], texts[2]])  # line 10 ok
    body += tail.getvalue().encode("utf-8")
    (HERE / "bad_rows.csv").write_bytes(body)

    # parquet: null, empty and binary (non-UTF-8) text; a file cut short
    table = pa.table(
        {
            "id": ["p1", "p2", "p3", "p4", "p5"],
            "text": pa.array([texts[0].encode(), None, b"  ", b"caf\xe9", texts[1].encode()], pa.binary()),
        }
    )
    pq.write_table(table, HERE / "bad_rows.parquet", row_group_size=2)
    whole = (ROOT / "samples" / "data" / "multilingual" / "ud_pud" / "parquet" / "zh.parquet").read_bytes()
    (HERE / "truncated.parquet").write_bytes(whole[: len(whole) // 2])


if __name__ == "__main__":
    main()
