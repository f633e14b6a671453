"""Text normalisation shared by LM training and scoring (cc_net's recipe).

Training and scoring must see text the same way, or perplexities drift: lower case,
accents stripped, digits folded to 0, unicode punctuation mapped to ASCII, and
non-printing characters removed.
"""

from __future__ import annotations

import re
import unicodedata

_DIGITS = re.compile(r"\d")
_SPACES = re.compile(r"\s+")
_PUNCT = str.maketrans(
    {
        "，": ",",
        "。": ".",
        "、": ",",
        "„": '"',
        "”": '"',
        "“": '"',
        "«": '"',
        "»": '"',
        "」": '"',
        "「": '"',
        "《": '"',
        "》": '"',
        "´": "'",
        "∶": ":",
        "：": ":",
        "？": "?",
        "）": ")",
        "！": "!",
        "（": "(",
        "；": ";",
        "’": "'",
        "‘": "'",
        "–": "-",
        "—": " - ",
        "…": "...",
        "‚": ",",
        "―": "-",
        "‹": '"',
        "›": '"',
    }
)


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    # only the Latin-style combining diacritics: Indic vowel signs are letters, not accents
    stripped = "".join(c for c in decomposed if not "\u0300" <= c <= "\u036f")
    return unicodedata.normalize("NFC", stripped)


def normalize_line(line: str) -> str:
    line = unicodedata.normalize("NFKC", line).strip().lower()
    line = _strip_accents(line)
    line = _DIGITS.sub("0", line)
    line = line.translate(_PUNCT)
    line = "".join(c for c in line if unicodedata.category(c)[0] != "C" or c in "\t")
    return _SPACES.sub(" ", line).strip()
