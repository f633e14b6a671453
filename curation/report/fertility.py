"""Fertility per language for the report: tokens per word, or per character where words are not spaced.

The tokenizer stage measures tokens, whitespace words and characters per language on held-out text
(`tokenizer/fertility.json`). For a language whose script is written without spaces between words
(Han, Kana, Thai, Lao, Khmer, Myanmar: the scripts `filters.text_units` splits into characters), a
whitespace "word" is a whole sentence, so the figure shown is tokens per character. The script is the
language's likely script (CLDR likely subtags, through langcodes), or the one its tag names.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from curation.layout import Layout

# ISO 15924 codes of the scripts written without spaces between words
UNSPACED_SCRIPTS = frozenset({"Hani", "Hans", "Hant", "Jpan", "Hira", "Kana", "Thai", "Laoo", "Khmr", "Mymr"})


@lru_cache(maxsize=1024)
def script_of_language(lang: str) -> str | None:
    import langcodes

    try:
        return langcodes.Language.get(lang).maximize().script
    except (ValueError, LookupError):
        return None


def written_without_spaces(lang: str) -> bool:
    return script_of_language(lang) in UNSPACED_SCRIPTS


@dataclass(frozen=True)
class Fertility:
    lang: str
    tokens: int
    per: str  # "word" or "character"
    value: float | None  # tokens per word or per character


def read_fertility(layout: Layout) -> list[Fertility]:
    """Per language, the fertility figure that means something for its script (empty when not measured)."""
    path = layout.tokenizer_fertility()
    if not path.exists():
        return []
    rows = json.loads(path.read_text(encoding="utf-8")).get("languages", {})
    out = []
    for lang, r in sorted(rows.items()):
        if written_without_spaces(lang):
            out.append(Fertility(lang, int(r["tokens"]), "character", r.get("tokens_per_char")))
        else:
            out.append(Fertility(lang, int(r["tokens"]), "word", r.get("tokens_per_word")))
    return out
