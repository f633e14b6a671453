"""A batch's LID predictions as arrays, and the probability mass a language gets in each document.

The langid filter decides on the probability mass of the labels a declared language
accepts. Computed per document in Python, that cost about as much as a fifth of the
model's own `predict`; here a batch's top-k labels become a (documents x k) array of
tag ids into a `LabelTable` (the model's labels normalised once, `filters.lang_labels`)
beside a (documents x k) array of probabilities, and a language's mass is one masked
sum per batch, the mask over the table computed once per language.

Same numbers as the per-document code (`LanguageId.choose_lang`): each row holds the
document's normalised, merged and sorted top-k labels (`merged_prediction`), and a mass
adds the accepted probabilities column by column, left to right, as Python's `sum` over
the labels does (a skipped label adds an exact 0.0). Rows that need the text or a merge
(a `zh` label, whose script comes from the text; two labels normalising alike; labels out
of order) are built by `merged_prediction` itself and written back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import chain

import numpy as np

from filters.lang_labels import accepts, normalise_label, own_label, same_language, with_text_script

Prediction = list[tuple[str, float]]  # a document's top-k (normalised label, probability), best first
PAD = 0  # tag id of an empty slot (a row with fewer labels than the widest)
SCRIPT_TAGS = ("zh", "zh-Hans", "zh-Hant")  # what `with_text_script` can make of a Chinese label


def merged_prediction(labels: Sequence[str], probs: Sequence[float], text: str) -> Prediction:
    """One document's normalised labels, those that normalise alike summed, best first (`zh` gets the text's script)."""
    merged: dict[str, float] = {}
    for label, prob in zip(labels, probs):
        tag = normalise_label(label)
        if tag.startswith("zh"):  # the only labels whose script comes from the text
            tag = with_text_script(tag, text)
        merged[tag] = merged.get(tag, 0.0) + min(1.0, float(prob))
    return sorted(merged.items(), key=lambda kv: -kv[1])


class LabelTable:
    """A model's labels as tag ids (each label registered when first seen), and per language a boolean mask over
    the tags (cached)."""

    def __init__(self):
        self.tags: list[str] = []
        self.ids: dict[str, int] = {}
        self.by_text: list[bool] = []  # per tag id: a row holding it is built by `merged_prediction` (zh, or shared by labels)
        self.label_ids: dict[str, int] = {}
        self._masks: dict[tuple[str, str], np.ndarray] = {}
        self._shown: dict[tuple[int, int], str] = {}
        for tag in ["", *SCRIPT_TAGS]:  # id 0: PAD, accepted by nothing
            self.id_of(tag)

    def label_id(self, label: str) -> int:
        """The tag id of a model label; a second label normalising to a known tag marks that tag for merging."""
        known = self.label_ids.get(label)
        if known is not None:
            return known
        tag = normalise_label(label)
        shared = tag in self.ids
        i = self.label_ids[label] = self.id_of(tag, tag.startswith("zh"))
        if shared and not self.by_text[i]:
            self.by_text[i] = True
            self._masks = {}
        return i

    def tag_ids(self, labels: Iterable[str], count: int) -> np.ndarray:
        """The tag ids of `count` model labels (those not seen before registered)."""
        labels = list(labels)
        try:
            return np.fromiter(map(self.label_ids.__getitem__, labels), dtype=np.int64, count=count)
        except KeyError:
            return np.fromiter(map(self.label_id, labels), dtype=np.int64, count=count)

    def id_of(self, tag: str, by_text: bool = True) -> int:
        if tag not in self.ids:
            self.ids[tag] = len(self.tags)
            self.tags.append(tag)
            self.by_text.append(by_text)
            self._masks = {}  # a longer table: masks are computed again
        return self.ids[tag]

    def shown(self, tag_id: int, cents: int) -> str:
        """`tag:0.53` for a tag id and a probability in hundredths (cached: a model has few labels)."""
        key = (tag_id, cents)
        text = self._shown.get(key)
        if text is None:
            text = self._shown[key] = f"{self.tags[tag_id]}:{cents // 100}.{cents % 100:02d}"
        return text

    def merges(self) -> np.ndarray:
        """`by_text` as a mask over the tag ids."""
        return self.mask("merges", "", lambda _, tag: self.by_text[self.ids[tag]])

    def mask(self, kind: str, lang: str, test: Callable[[str, str], bool] | None = None) -> np.ndarray:
        """Over the tag ids: `accepts` (labels a source declaring `lang` keeps), `same` (labels naming `lang` itself),
        `own` (the tag `lang`, or a macrolanguage label standing for it: `lang_labels.own_label`), or another kind with its `test(lang, tag)`."""
        key = (kind, lang)
        if key not in self._masks:
            self._masks[key] = self.mask_of(test or MASK_KINDS[kind], lang)
        return self._masks[key]

    def mask_of(self, test: Callable[[str, str], bool], lang: str) -> np.ndarray:
        """Over the tag ids, where `test(lang, tag)` holds (PAD never)."""
        mask = np.array([test(lang, tag) for tag in self.tags])
        mask[PAD] = False
        return mask

    def masks(self, kind: str, langs: Sequence[str]) -> np.ndarray:
        return np.stack([self.mask(kind, lang) for lang in langs]) if langs else np.zeros((0, len(self.tags)), dtype=bool)


MASK_KINDS: dict[str, Callable[[str, str], bool]] = {
    "accepts": accepts,
    "same": same_language,
    "own": own_label,
}


class BatchPrediction:
    """The base model's top-k of a batch: `ids` and `probs` (documents x k; PAD and 0.0 past a row's `lengths`)."""

    def __init__(self, table: LabelTable, ids: np.ndarray, probs: np.ndarray, lengths: np.ndarray):
        self.table, self.ids, self.probs, self.lengths = table, ids, probs, lengths
        self._lists: tuple[list, list, list] | None = None  # the arrays as lists, made on the first `prediction`
        self._cents: list[list[int]] | None = None  # probabilities x 100, rounded: made on the first `shown`
        self.summed: set[int] = set()  # rows `set_row` wrote: probabilities summed in float64, not fastText's float32

    @classmethod
    def from_model(cls, table: LabelTable, labels: Sequence[Sequence[str]], probs: Sequence[np.ndarray], texts: Sequence[str]):
        """From fastText's `predict(lines, k)` output, rows of any length (labels under the call's threshold are left
        out); a blank text has no labels (nothing to identify)."""
        n = len(texts)
        lengths = np.fromiter(map(len, labels), dtype=np.int64, count=n)
        width = int(lengths.max()) if n else 0
        ids, values = np.zeros((n, width), dtype=np.int64), np.zeros((n, width))
        total = int(lengths.sum())
        if total:
            flat_ids = table.tag_ids(chain.from_iterable(labels), total)
            flat_probs = np.concatenate(probs)
            if total == n * width:
                ids[:], values[:] = flat_ids.reshape(n, width), flat_probs.reshape(n, width)
            else:  # rows of fewer labels: each label at (its row, its rank)
                rows = np.repeat(np.arange(n), lengths)
                ranks = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
                ids[rows, ranks], values[rows, ranks] = flat_ids, flat_probs
        np.minimum(values, 1.0, out=values)
        batch = cls(table, ids, values, lengths)
        if not all(texts) or any(map(str.isspace, texts)):
            batch.clear([i for i, text in enumerate(texts) if not text or text.isspace()])
        unordered = (np.diff(values, axis=1) > 0).any(axis=1) if width > 1 else np.zeros(n, dtype=bool)
        by_text = table.merges()[ids].any(axis=1) | unordered
        for i in np.flatnonzero(by_text & (batch.lengths > 0)).tolist():
            batch.set_row(i, merged_prediction(labels[i], probs[i], texts[i]))
        return batch

    def __len__(self) -> int:
        return len(self.lengths)

    def clear(self, rows: Sequence[int]) -> None:
        for i in rows:
            self.set_row(i, [])

    def set_row(self, i: int, prediction: Prediction) -> None:
        self._lists = self._cents = None
        self.summed.add(i)
        self.ids[i] = PAD
        self.probs[i] = 0.0
        self.lengths[i] = len(prediction)
        for j, (tag, p) in enumerate(prediction):
            self.ids[i, j] = self.table.id_of(tag)
            self.probs[i, j] = p

    def lists(self) -> tuple[list, list, list]:
        """`ids`, `probs` and `lengths` as lists (made once)."""
        if self._lists is None:
            self._lists = (self.ids.tolist(), self.probs.tolist(), self.lengths.tolist())
        return self._lists

    def prediction(self, i: int, limit: int | None = None, min_p: float = 0.0) -> Prediction:
        """Row `i`'s labels, best first; only the first `limit` and those of probability at least `min_p` when asked."""
        ids, probs, lengths = self.lists()
        n, tags = lengths[i] if limit is None else min(lengths[i], limit), self.table.tags
        return [(tags[t], p) for t, p in zip(ids[i][:n], probs[i][:n]) if p >= min_p]

    def shown(self, i: int, limit: int, min_p: float) -> list[str]:
        """`prediction(i, limit, min_p)` as `tag:0.53`, what f"{tag}:{p:.2f}" writes. fastText's probabilities are
        float32, so p x 100 is exact in float64 and `rint` rounds it as `.2f` does (half to even); a row `set_row`
        wrote (sums) is formatted as such."""
        if i in self.summed:
            return [f"{tag}:{p:.2f}" for tag, p in self.prediction(i, limit, min_p)]
        ids, probs, lengths = self.lists()
        if self._cents is None:
            self._cents = np.rint(self.probs * 100).astype(np.int64).tolist()
        n, cents, text = min(lengths[i], limit), self._cents[i], self.table.shown
        return [text(t, c) for t, p, c in zip(ids[i][:n], probs[i][:n], cents[:n]) if p >= min_p]

    def predictions(self) -> list[Prediction]:
        return [self.prediction(i) for i in range(len(self))]

    def mass(self, rows: np.ndarray, masks: np.ndarray, which: np.ndarray | int) -> np.ndarray:
        """Per row of `rows`: the probability of its labels that `masks[which]` (one mask, or one per row) holds,
        added column by column as `sum` adds a document's labels."""
        whole = len(rows) == len(self.lengths)  # rows are distinct and in order: every row, no copy needed
        ids, probs = (self.ids, self.probs) if whole else (self.ids[rows], self.probs[rows])
        hit = masks[which, ids] if isinstance(which, int) else masks[which[:, None], ids]
        masked = np.where(hit, probs, 0.0)
        total = np.zeros(len(rows))
        for j in range(masked.shape[1]):
            total += masked[:, j]
        return total
