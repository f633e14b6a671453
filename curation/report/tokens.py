"""The final token mix: read from the token manifest, defensively.

The manifest (`tokens/manifest.json`) is written by the tokenize stage; this is
the one function that knows its shape, so adapting to it is a one-place change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from curation.layout import Layout


@dataclass(frozen=True)
class BlendEntry:
    dataset: str
    weight: float
    lang: str | None


@dataclass
class TokenMix:
    by_lang: dict[str, int] = field(default_factory=dict)
    by_source: dict[str, int] = field(default_factory=dict)
    blend: list[BlendEntry] = field(default_factory=list)
    tokenizer: str | None = None  # hash or name of the tokenizer, as the manifest gives it
    problems: list[str] = field(default_factory=list)  # parts of the manifest that could not be read

    def blend_by_lang(self) -> dict[str, float]:
        """Blend weights summed per language and normalised to 1 (empty when unknown)."""
        total = sum(b.weight for b in self.blend)
        out: dict[str, float] = {}
        for b in self.blend:
            if b.lang and total > 0:
                out[b.lang] = out.get(b.lang, 0.0) + b.weight / total
        return dict(sorted(out.items()))


def read_token_manifest(layout: Layout) -> TokenMix | None:
    """The manifest's token counts and blend, or None when the corpus is not tokenized yet.

    Shape (written by `curation.megatron.manifest`): `langs` and `sources` map a name to
    `{"docs", "tokens"}`; `datasets` lists each dataset's `name` and `group`; `blend.splits.train.weights`
    (the train blend) lists `{"dataset", "weight", "epochs"}`; `tokenizer.sha256`.
    """
    path = layout.token_manifest()
    if not path.exists():
        return None
    mix = TokenMix()
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        mix.by_lang = {k: int(v["tokens"]) for k, v in sorted(data["langs"].items())}
        mix.by_source = {k: int(v["tokens"]) for k, v in sorted(data["sources"].items())}
        mix.tokenizer = data["tokenizer"]["sha256"]
        groups = {d["name"]: d.get("group") for d in data["datasets"]}
        langs_of = {d["name"]: sorted(d.get("langs", {})) for d in data["datasets"]}
        for w in data["blend"]["splits"]["train"]["weights"]:
            name = w["dataset"]
            lang = groups.get(name) if data.get("group_by", "lang") == "lang" else (langs_of.get(name) or [None])[0]
            mix.blend.append(BlendEntry(name, float(w["weight"]), lang))
    except (ValueError, KeyError, TypeError) as exc:
        mix.problems.append(f"{path}: not a token manifest this version reads ({type(exc).__name__}: {exc})")
    return mix
