"""Peer side of bench_classifier.py: datatrove 0.10.1's FastTextClassifierFilter over the same documents.

Runs in the peer environment (`PEER_PYTHON`). Input: a JSONL file of documents (`{"text"}`), the
model file (read through its local path: nothing downloaded), the threshold on `__label__high` and
the number of rounds. The filter keeps a document when P(high) >= threshold, at document level,
newlines replaced by a space (datatrove's default joins the lines' words; ours collapses whitespace
too, so both models read the same words). Prints one JSON line: documents, kept, best CPU seconds.
"""

from __future__ import annotations

import json
import sys
import time


def main() -> None:
    docs_path, model_path, threshold, repeats = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    from datatrove.data import Document
    from datatrove.pipeline.filters import FastTextClassifierFilter

    with open(docs_path, encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f]
    classifier = FastTextClassifierFilter(model_path, keep_labels=("high", threshold), newline_replacement=" ")
    list(classifier.run(iter([Document(text="warm up: loads the model", id="warm-up")])))  # model load, not timed
    best, kept = float("inf"), 0
    for _ in range(repeats):
        docs = [Document(text=text, id=str(i)) for i, text in enumerate(texts)]  # as a reader yields them, not timed
        start = time.process_time()
        kept = sum(1 for _ in classifier.run(iter(docs)))
        best = min(best, time.process_time() - start)
    print(json.dumps({"docs": len(texts), "kept": kept, "cpu": best}))


if __name__ == "__main__":
    main()
