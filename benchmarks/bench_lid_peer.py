"""Peer side of bench_lid.py: datatrove 0.10.1's LanguageFilter over the same documents.

Runs in the peer environment (`PEER_PYTHON`). Input: a JSONL file of sources, each
`{"source", "labels", "texts"}` where `labels` are the lid.176 labels the source's declared
language accepts, and the path of the lid.176 model file, which datatrove reads through a
`file://` URL instead of downloading it from the hub. One LanguageFilter (default threshold
0.65, all labels predicted, as datatrove does) is told each source's labels in turn through
its public `languages` attributes. Prints one JSON line: documents, kept, best CPU seconds.
"""

from __future__ import annotations

import json
import sys
import time


def main() -> None:
    sources_path, model_path, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
    from datatrove.data import Document
    from datatrove.pipeline.filters import LanguageFilter
    from datatrove.utils.lid import FT176LID

    FT176LID.MODEL_URL = "file://" + model_path  # the same lid.176.ftz as ours: no hub download
    with open(sources_path, encoding="utf-8") as f:
        sources = [json.loads(line) for line in f]
    lang_filter = LanguageFilter(languages=["en"])
    list(lang_filter.run(iter([Document(text="warm up: loads the model", id="warm-up")])))  # model load, not timed

    def documents(source: dict) -> list[Document]:
        return [Document(text=text, id=f"{source['source']}/{i}") for i, text in enumerate(source["texts"])]

    best, kept = float("inf"), 0
    for _ in range(repeats):
        inputs = [(source["labels"], documents(source)) for source in sources]  # as a reader yields them, not timed
        start, kept = time.process_time(), 0
        for labels, docs in inputs:
            lang_filter.languages = lang_filter.model.languages = labels
            kept += sum(1 for _ in lang_filter.run(iter(docs)))
        best = min(best, time.process_time() - start)
    print(json.dumps({"docs": sum(len(s["texts"]) for s in sources), "kept": kept, "cpu": best}))


if __name__ == "__main__":
    main()
