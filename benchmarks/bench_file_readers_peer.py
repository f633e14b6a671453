"""Peer side of bench_file_readers.py: datatrove 0.10.1's readers over the same files.

Runs in the peer environment; prints one JSON line: documents, characters, CPU seconds.
"""

from __future__ import annotations

import json
import os
import sys


def cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def main() -> None:
    folder, fmt = sys.argv[1], sys.argv[2]
    from datatrove.pipeline.readers import CSVReader, JsonlReader, ParquetReader

    if fmt.startswith("jsonl"):
        reader = JsonlReader(folder, text_key="text", id_key="id")
    elif fmt == "parquet":
        reader = ParquetReader(folder, text_key="text", id_key="id")
    else:
        reader = CSVReader(folder, text_key="text", id_key="id")
    start = cpu_seconds()
    docs = chars = 0
    for doc in reader.run():
        docs += 1
        chars += len(doc.text)
    print(json.dumps({"docs": docs, "chars": chars, "cpu": cpu_seconds() - start}))


if __name__ == "__main__":
    main()
