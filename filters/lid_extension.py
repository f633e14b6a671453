"""The LID extension: a fastText model trained on reference text (`curation lid train`), beside the base model.

The base model (lid.176) cannot output Zulu, Hausa, Kirundi... and says `en` for
Nigerian Pidgin or `am` for Tigrinya. The extension is a small supervised fastText
model over the languages of the run's reference text, with a sidecar JSON
(`<model>.json`) that records, per language, the base model's labels on its
reference text (`confusers`: `pcm` -> `en`, `ti` -> `am`, `ln` -> `sw`).

It is consulted for a declared language it knows when the base model's answer is
one it cannot tell apart from that language or does not know:

* the base model's top label is the declared language's own (or of its cluster),
* or one it gave that language's reference text (a confuser),
* or its probability is under `unsure_below` (the base model does not know the text).

Otherwise the base model's confident answer about a language it knows stands: a
French page in a Zulu source is not rescued by an extension that never saw French.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from curation.fasttext_predict import predict_lines
from filters.lang_labels import accepts, normalise_label

FORMAT = "curation.lid-extension/1"
Prediction = list[tuple[str, float]]


def sidecar(model_path: str | Path) -> Path:
    """The JSON beside an extension model (`ext.bin` -> `ext.json`)."""
    return Path(model_path).with_suffix(".json")


@dataclass(frozen=True)
class ExtensionLanguage:
    tag: str
    confusers: frozenset[str]  # base-model labels given to this language's reference text


class Extension:
    """A loaded extension: predict, and when it applies to a declared language."""

    def __init__(self, model_path: str | Path):
        import fasttext

        path = Path(model_path)
        meta_path = sidecar(path)
        if not path.is_file() or not meta_path.is_file():
            raise RuntimeError(f"langid: extension model {path} or its {meta_path.name} not found (train it with `curation lid train`)")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT:
            raise RuntimeError(f"langid: {meta_path}: format {meta.get('format')!r} is not {FORMAT!r}")
        self.languages = {
            tag: ExtensionLanguage(tag, frozenset(info.get("confusers", {}))) for tag, info in sorted(meta["languages"].items())
        }
        self.model = fasttext.load_model(str(path))

    def knows(self, declared: str) -> str | None:
        """The extension's language a declared tag accepts (`zu` for `zu`, `sw` for `swh`), None if none."""
        return next((tag for tag in self.languages if accepts(declared, tag)), None)

    def applies(self, tag: str, base: Prediction, unsure_below: float) -> bool:
        """Whether the base prediction leaves room for the extension's language `tag` (see the module docstring)."""
        if not base:
            return False
        top, p = base[0]
        return p < unsure_below or self.leaves_room(tag, top)

    def leaves_room(self, tag: str, top: str) -> bool:
        """Whether a confident base top label `top` still leaves room for the extension's language `tag`."""
        return accepts(tag, top) or top in self.languages[tag].confusers

    def predict(self, lines: list[str], k: int) -> list[Prediction]:
        """Top-k normalised labels per line (lines as the base model reads them, each ended by its '\\n')."""
        labels, probs = predict_lines(self.model, lines, k)
        return [[(normalise_label(label), min(1.0, float(p))) for label, p in zip(ls, ps)] for ls, ps in zip(labels, probs)]
