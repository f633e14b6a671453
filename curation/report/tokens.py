"""The final token mix: read from the token manifest, defensively.

The manifest (`tokens/manifest.json`) is written by the tokenize stage; this is
the one function that knows its shape, so adapting to it is a one-place change.
It accepts counts as `{lang: n}` or `{lang: {"tokens": n}}` under a few key
names, and the blend as a Megatron flat list `[w1, prefix1, w2, prefix2, ...]`,
a list of `{"weight", "prefix"|"name"|"path", "lang"?}` objects or `{name: weight}`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


_LANG_KEYS = ("tokens_by_lang", "by_lang", "langs", "languages", "per_lang", "per_language")
_SOURCE_KEYS = ("tokens_by_source", "by_source", "sources", "per_source")


def read_token_manifest(layout: Layout) -> TokenMix | None:
    """The manifest's token counts and blend, or None when the corpus is not tokenized yet."""
    path = layout.token_manifest()
    if not path.exists():
        return None
    mix = TokenMix()
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except ValueError as exc:
        mix.problems.append(f"{path}: not valid JSON ({exc})")
        return mix
    if not isinstance(data, dict):
        mix.problems.append(f"{path}: expected an object at the top level")
        return mix
    scopes = [data] + [v for k, v in sorted(data.items()) if k in ("counts", "tokens") and isinstance(v, dict)]
    for scope in scopes:
        mix.by_lang = mix.by_lang or _counts(scope, _LANG_KEYS)
        mix.by_source = mix.by_source or _counts(scope, _SOURCE_KEYS)
    tok = data.get("tokenizer")
    if isinstance(tok, dict):
        mix.tokenizer = str(tok.get("sha256") or tok.get("hash") or tok.get("name") or "") or None
    elif tok is not None:
        mix.tokenizer = str(tok)
    mix.tokenizer = mix.tokenizer or (str(data["tokenizer_hash"]) if "tokenizer_hash" in data else None)
    if "blend" in data:
        try:
            mix.blend = _blend(data["blend"])
        except (TypeError, ValueError, KeyError) as exc:
            mix.problems.append(f"{path}: blend not understood ({exc})")
    return mix


def _counts(scope: dict, keys: tuple[str, ...]) -> dict[str, int]:
    for key in keys:
        value = scope.get(key)
        if isinstance(value, dict) and value:
            out = {}
            for name, v in value.items():
                if isinstance(v, dict):
                    v = v.get("tokens", v.get("count", 0))
                if isinstance(v, (int, float)):
                    out[str(name)] = int(v)
            if out:
                return dict(sorted(out.items()))
    return {}


def _lang_of(name: str, item: dict | None = None) -> str | None:
    if item and item.get("lang"):
        return str(item["lang"])
    stem = Path(str(name)).name
    return stem.split("_")[0] if "_" in stem else None


def _blend(value: Any) -> list[BlendEntry]:
    if isinstance(value, dict) and isinstance(value.get("datasets") or value.get("blend"), list):
        value = value.get("datasets") or value.get("blend")
    if isinstance(value, dict):
        return [BlendEntry(str(k), float(w), _lang_of(k)) for k, w in sorted(value.items())]
    if isinstance(value, list) and value and not isinstance(value[0], dict):
        if len(value) % 2:
            raise ValueError("a flat blend needs weight, prefix pairs")
        return [BlendEntry(str(p), float(w), _lang_of(str(p))) for w, p in zip(value[::2], value[1::2])]
    out = []
    for item in value or []:
        name = item.get("prefix") or item.get("name") or item.get("path") or item.get("dataset")
        out.append(BlendEntry(str(name), float(item["weight"]), _lang_of(str(name), item)))
    return out
