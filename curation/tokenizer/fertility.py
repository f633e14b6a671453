"""Fertility: tokens per word and per character, per language, on held-out parallel text.

On parallel text (the same sentences in every language) the numbers compare
languages fairly: a language the vocabulary serves badly needs more tokens for the
same content. Words are whitespace-separated pieces, so for languages written
without spaces (zh, ja, th) tokens per character is the figure to read.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path


class ParallelTextError(ValueError):
    pass


def read_parallel_text(path: str | Path) -> list[tuple[str, str]]:
    """(lang, text) rows of a TSV whose header names a `lang` and a `text` column."""
    path = Path(path)
    rows = []
    try:
        f = open(path, encoding="utf-8", newline="")
    except FileNotFoundError:
        raise ParallelTextError(f"{path}: held-out text file not found") from None
    with f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None or "lang" not in header or "text" not in header:
            raise ParallelTextError(f"{path}: line 1: the header must name a 'lang' and a 'text' column, got {header}")
        li, ti = header.index("lang"), header.index("text")
        for lineno, row in enumerate(reader, start=2):
            if not row:
                continue
            if len(row) != len(header):
                raise ParallelTextError(f"{path}: line {lineno}: {len(row)} fields, the header has {len(header)}")
            if not row[li]:
                raise ParallelTextError(f"{path}: line {lineno}: field 'lang' is empty")
            rows.append((row[li], row[ti]))
    return rows


def fertility(tokenizer, rows: Iterable[tuple[str, str]], batch_size: int = 512) -> dict[str, dict]:
    """Per language: sentences, words, characters, tokens, tokens per word and per character."""
    by_lang: dict[str, list[str]] = {}
    for lang, text in rows:
        by_lang.setdefault(lang, []).append(text)
    report = {}
    for lang in sorted(by_lang):
        texts = by_lang[lang]
        tokens = 0
        for start in range(0, len(texts), batch_size):
            tokens += sum(len(e.ids) for e in tokenizer.encode_batch_fast(texts[start : start + batch_size], add_special_tokens=False))
        words = sum(len(t.split()) for t in texts)
        chars = sum(len(t) for t in texts)
        report[lang] = {
            "sentences": len(texts),
            "words": words,
            "chars": chars,
            "tokens": tokens,
            "tokens_per_word": tokens / words if words else None,
            "tokens_per_char": tokens / chars if chars else None,
        }
    return report
