"""A batch's fastText predictions as arrays: one `predict` call, then label columns in numpy, no per-document dicts.

`predict_line(text)` is what fastText reads of a text (a line ended by '\\n'), in one regex pass: the same words as the
text's whitespace-collapsed form (`" ".join(text.split())`, what the models are trained on) at about
half its cost. fastText splits words on ' ', '\\t', '\\v', '\\f', '\\r' (and NUL) itself and reads
'\\n' as the end of the line, so only '\\n' and the whitespace Python splits on but fastText does not
(U+001C..U+001F, U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000)
become spaces.

fastText's `predict(lines, k)` gives, per line, its top-k labels (best first) and their probabilities.
`label_probabilities` turns that into one (lines x labels) float64 array, a column per model label
(a label not among a line's top-k gets 0.0), so a caller reads a label's probability for every line
as one column instead of searching each line's label list.

`predict_lines(model, lines, k)` is `model.predict(lines, k)` for lines that already end with
their '\\n': the wrapper's check searches and copies every line to append it, which the callers
(langid, the quality classifier) save by making their lines with it.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Sequence
from itertools import chain

import numpy as np

FASTTEXT_SEPARATORS = " \t\x0b\x0c\r"  # what fastText's reader splits words on, besides '\n' (the line's end) and NUL


@functools.cache
def python_whitespace() -> tuple[str, ...]:
    """Every character `str.split()` splits on; read on first use (every code point: ~80 ms, which no import should pay)."""
    return tuple(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())


@functools.cache
def _not_fasttext_space() -> re.Pattern:
    """Python's whitespace that fastText does not split on, as one character class."""
    return re.compile("[" + "".join(re.escape(c) for c in python_whitespace() if c not in FASTTEXT_SEPARATORS) + "]")


def predict_line(text: str) -> str:
    """A text on one line ended by its '\\n' (`predict_lines`), split by fastText into the same words as
    `" ".join(text.split())`."""
    return _not_fasttext_space().sub(" ", text) + "\n"


def predict_lines(model, lines: Sequence[str], k: int, threshold: float = 0.0) -> tuple[list[list[str]], list[np.ndarray]]:
    """fastText's `model.predict(lines, k, threshold)` (labels and probabilities per line, best first; none under
    `threshold`) for `lines` that each end with a '\\n' and hold no other: what the wrapper's `predict` passes to the
    same native call."""
    return model.f.multilinePredict(lines, k, threshold, "strict")


def label_probabilities(labels: Sequence[Sequence[str]], probs: Sequence[np.ndarray], columns: dict[str, int]) -> np.ndarray:
    """(lines x len(columns)) probabilities from fastText's `predict` output; `columns` maps each model label to its
    column. The values are fastText's own (float32 widened exactly to float64), not rescaled."""
    n = len(labels)
    out = np.zeros((n, len(columns)))
    if not n:
        return out
    lengths = np.fromiter(map(len, labels), dtype=np.int64, count=n)
    rows = np.repeat(np.arange(n), lengths)
    cols = np.fromiter(map(columns.__getitem__, chain.from_iterable(labels)), dtype=np.int64, count=int(lengths.sum()))
    out[rows, cols] = np.concatenate(probs)
    return out
