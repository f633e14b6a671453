"""datatrove's SentenceDedup on lines, as `bench_dedup_lines.py` runs it (peer env: .venv-peers/bin/python).

    python bench_dedup_lines_peer.py DOCS_DIR WORK_DIR MIN_WORDS

Signature → find duplicates → filter, with `split_sentences=False` and `n_sentences=1` (one line is one unit, as ours
with `unit: line`), keeping the first occurrence and removing the rest (as ours with `keep: survivor`, `min_docs: 2`);
a document left under MIN_WORDS words is dropped (ours: the quality filter's `min_words`). Two tasks, two workers for the
parallel steps, one for the duplicate finder (it is a single priority queue). Prints one JSON line: lines removed
(datatrove's `removed_sentences` stat), documents kept.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import regex
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.dedup.sentence_dedup import SentDedupConfig, SentenceDedupFilter, SentenceDedupSignature, SentenceFindDedups
from datatrove.pipeline.readers import ParquetReader
from datatrove.pipeline.writers import JsonlWriter
from datatrove.utils.word_tokenizers import WordTokenizer

NO_SPACE = r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}]"


class SameAsOurs(WordTokenizer):
    """Whitespace words, code points for scripts written without spaces (no NLTK or spaCy data to download)."""

    def word_tokenize(self, text):
        return regex.findall(NO_SPACE + r"|[^\s" + NO_SPACE[1:-1] + r"]+", text)

    def sent_tokenize(self, text):
        return text.splitlines()

    def span_tokenize(self, text):
        return [(0, len(text))]


def _stat(stats: list[dict], name: str) -> int:
    """A counter summed over a stats file's steps."""
    total = 0
    for step in stats:
        value = step.get("stats", {}).get(name)
        if value is not None:
            total += value["total"] if isinstance(value, dict) else value
    return total


def main() -> None:
    docs, work, min_words = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    tok = SameAsOurs()
    cfg = SentDedupConfig(n_sentences=1, split_sentences=False, min_doc_words=min_words, min_num_sentences=0)
    common = dict(skip_completed=False)
    LocalPipelineExecutor(
        [ParquetReader(docs, id_key="id", text_key="text"), SentenceDedupSignature(f"{work}/sigs", config=cfg, language=tok)],
        tasks=2,
        workers=2,
        logging_dir=str(work / "logs1"),
        **common,
    ).run()
    LocalPipelineExecutor(
        [SentenceFindDedups(f"{work}/sigs", f"{work}/dups", config=cfg)], tasks=1, logging_dir=str(work / "logs2"), **common
    ).run()
    LocalPipelineExecutor(
        [
            ParquetReader(docs, id_key="id", text_key="text"),
            SentenceDedupFilter(f"{work}/dups", config=cfg, language=tok),
            JsonlWriter(f"{work}/kept"),
        ],
        tasks=2,
        workers=2,
        logging_dir=str(work / "logs3"),
        **common,
    ).run()
    stats = json.loads((work / "logs3" / "stats.json").read_text())
    kept = sum(1 for path in sorted((work / "kept").glob("*.jsonl.gz")) for _ in gzip.open(path, "rt", encoding="utf-8"))
    print(json.dumps({"lines_removed": _stat(stats, "removed_sentences"), "docs_kept": kept}))


if __name__ == "__main__":
    main()
