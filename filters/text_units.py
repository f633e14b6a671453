"""Words, n-gram repetition, special characters and scripts: the measurements several filters share.

Word splitting must work for writing systems without spaces. No segmenter model is
used (none is small, dependency-free and covers zh, ja and th at once): Han and
Kana characters are one unit each, and Thai, Lao, Khmer and Myanmar split into
character clusters (a base letter plus its combining marks). Stopword and
flagged-word matching then also looks at joined 2- and 3-unit groups, the ROOTS
"words augmentation", so multi-character words such as 我们 or ที่ still match.
Unit counts for those scripts are therefore larger than true word counts; the
per-language minimum-word thresholds are set with that in mind.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np

# ROOTS `special_characters_default` (bigscience data_tooling ac_dc/parameters_filtering.py):
# punctuation, digits, whitespace and a list of other symbols, plus emoji. The letters and
# marks in the ROOTS list are left out (一 上 士 ン ツ ー, Devanagari/Bengali vowel signs,
# Arabic ه, Turkish ı, ø ...): they are ordinary text in some language, and counting them made
# clean Hindi news exceed the ROOTS Hindi maximum. Ratios here are therefore ≤ the ROOTS ones.
_ROOTS_OTHER = (
    "    　    ￼’“”–ー一▬…✦�£•€«»°·═"
    "×士＾˘⇓↓↑←→（）§″′´¿−±∈¢ø‚„½¼¾¹²³―⁃，ˌ¸‹›ʺˈʻ¦‐⠀‰‑≤≥‖"
    "◆●■►▼▲▴∆▻¡★☆✱ːº。¯˜¥ɪ≈†上ン：∼⁄・♡✓⊕․．⋅÷１‟；،、¨ाাी्े◦˚"
    "゜ʼ≖ʼ¤ッツシ℃√！【】‿∞➤～πه۩☛₨➩☻๑٪♥ıॽ《‘©﴿٬？▷Г♫∟™ª₪®「—❖"
    "」﴾》"
)
# emoji and pictographs, instead of the `emoji` package's list
_EMOJI_RANGES = "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d"
# ... plus every punctuation mark, digit and currency / math sign of the Basic Multilingual Plane, so
# the Devanagari danda (।), the Arabic question mark (؟) or Devanagari digits count (and are stripped
# from words) as their ASCII counterparts are.
_UNICODE_SPECIAL = (
    chr(c)
    for c in range(0x80, 0x10000)
    if unicodedata.category(chr(c)) in ("Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Nd", "Sc", "Sm", "Zs")
)
SPECIAL_CHARACTERS = frozenset(
    c
    for c in (*(string.punctuation + string.digits + string.whitespace + _ROOTS_OTHER), *_UNICODE_SPECIAL)
    if unicodedata.category(c)[0] not in "LM"
)


def _char_class(chars: Iterable[str]) -> str:
    return "".join(re.escape(c) for c in sorted(set(chars)))


_SPECIAL_CLASS = _char_class(SPECIAL_CHARACTERS) + _EMOJI_RANGES
_SPECIAL_RUN = re.compile(f"[{_SPECIAL_CLASS}]+")
_STRIP = "".join(sorted(SPECIAL_CHARACTERS))

# scripts written without spaces between words
_HAN_KANA = "\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0002fa1f"
_SEA_BASE = "\u0e00-\u0e30\u0e32\u0e33\u0e3f-\u0e46\u0e4f-\u0e7f\u0e80-\u0eb0\u0eb2\u0eb3\u0ebd-\u0ec6\u0ed0-\u0eff\u1000-\u102a\u103f-\u1055\u1780-\u17b3\u17d4-\u17ff"
_SEA_MARK = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0eb1\u0eb4-\u0ebc\u0ec8-\u0ecd\u102b-\u103e\u1056-\u109f\u17b4-\u17d3"
_TOKEN = re.compile(f"[{_HAN_KANA}]|[{_SEA_BASE}][{_SEA_MARK}]*|[^\\s{_HAN_KANA}{_SEA_BASE}{_SEA_MARK}]+")
_UNSPACED = re.compile(f"[{_HAN_KANA}{_SEA_BASE}]")


def words(text: str, lower: bool = False) -> list[str]:
    """Words as ROOTS counts them: whitespace-split, special characters stripped from both ends.

    Han/Kana characters and South-East Asian character clusters are one word each.
    """
    if lower:
        text = text.lower()
    tokens = _TOKEN.findall(text) if _UNSPACED.search(text) else text.split()
    special = SPECIAL_CHARACTERS
    out = []
    for token in tokens:
        if token[0] in special or token[-1] in special:
            token = token.strip(_STRIP)
            if not token:
                continue
        out.append(token)
    return out


def is_unspaced(text: str, sample: int = 200) -> bool:
    """Whether the text is mostly in a script without spaces (zh, ja, th ...)."""
    head = text[:sample]
    return len(_UNSPACED.findall(head)) * 3 > len(head.replace(" ", ""))


def augmented(units: Sequence[str], group_sizes: Sequence[int] = (2, 3)) -> list[str]:
    """Units plus their joined neighbour groups (ROOTS words augmentation, join char "")."""
    out = list(units)
    for n in group_sizes:
        out.extend("".join(units[i : i + n]) for i in range(len(units) - n + 1))
    return out


def ratio_in(units: Sequence[str], vocabulary: frozenset[str] | set[str], min_len: int = 1) -> float:
    """Share of units found in a word list (0 for no units); matches shorter than `min_len` do not count.

    Flagged-word matching in unspaced text uses `min_len=2`: single Han characters such as 性
    are part of ordinary words (競爭性) far more often than they are the flagged word.
    """
    if not units:
        return 0.0
    if min_len <= 1:
        return sum(map(vocabulary.__contains__, units)) / len(units)
    return sum(1 for u in units if len(u) >= min_len and u in vocabulary) / len(units)


_SMALL = 600  # below this many characters the n-gram counts use a dict, above it numpy
_P = np.uint64(1099511628211)  # FNV prime: mixes well under uint64 wrap-around


def _ngram_counts(ids: np.ndarray, n: int) -> np.ndarray:
    """Counts of each distinct n-gram of an integer sequence, via 64-bit rolling products."""
    m = len(ids) - n + 1
    if m <= 0:
        return np.zeros(0, dtype=np.int64)
    h = np.zeros(m, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            h = h * _P + ids[k : k + m]
    h.sort()
    edges = np.flatnonzero(h[1:] != h[:-1]) + 1
    return np.diff(np.concatenate(([0], edges, [m])))


def char_repetition_ratio(text: str, n: int = 10) -> float:
    """ROOTS character repetition: share of n-gram occurrences taken by the sqrt(#distinct) most frequent
    repeated n-grams."""
    if len(text) < _SMALL:  # a dict beats numpy's per-call overhead on short texts; same result
        m = len(text) - n + 1
        grams = map(text.__getitem__, map(slice, range(max(m, 0)), range(n, n + max(m, 0))))
        counts_list = sorted(Counter(grams).values(), reverse=True)
        if not counts_list:
            return 0.0
        repeated = sum(1 for c in counts_list if c > 1)
        top = min(int(np.sqrt(len(counts_list))), repeated)
        return sum(counts_list[:top]) / sum(counts_list)
    ids = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    counts = _ngram_counts(ids, n)
    if counts.size == 0:
        return 0.0
    counts = np.sort(counts)[::-1]
    repeated = int(np.count_nonzero(counts > 1))
    top = min(int(np.sqrt(counts.size)), repeated)
    return float(counts[:top].sum() / counts.sum())


def word_repetition_ratio(units: Sequence[str], n: int = 5) -> float:
    """ROOTS word repetition: share of word n-gram occurrences whose n-gram occurs more than once."""
    if len(units) < n:
        return 0.0
    if len(units) < _SMALL // 4:
        counts_list = Counter(zip(*(units[k:] for k in range(n)))).values()
        return sum(c for c in counts_list if c > 1) / sum(counts_list)
    # str hashes (cached by Python) as word ids: only equality matters, and a 64-bit collision
    # inside one document is negligible; the result does not depend on the hash seed otherwise
    ids = np.fromiter(map(hash, units), dtype=np.int64, count=len(units)).view(np.uint64)
    counts = _ngram_counts(ids, n)
    return float(counts[counts > 1].sum() / counts.sum())


def special_character_ratio(text: str) -> float:
    """Share of characters that are punctuation, digits, whitespace, symbols or emoji."""
    if not text:
        return 0.0
    return sum(map(len, _SPECIAL_RUN.findall(text))) / len(text)


# --- scripts -----------------------------------------------------------------------------

# Unicode character-name prefixes → ISO 15924 codes, for letters only
_SCRIPT_PREFIXES = {
    "LATIN": "Latn",
    "CYRILLIC": "Cyrl",
    "GREEK": "Grek",
    "ARABIC": "Arab",
    "HEBREW": "Hebr",
    "CJK": "Hani",
    "HIRAGANA": "Hira",
    "KATAKANA": "Kana",
    "HALFWIDTH KATAKANA": "Kana",
    "HANGUL": "Hang",
    "DEVANAGARI": "Deva",
    "BENGALI": "Beng",
    "GURMUKHI": "Guru",
    "GUJARATI": "Gujr",
    "ORIYA": "Orya",
    "TAMIL": "Taml",
    "TELUGU": "Telu",
    "KANNADA": "Knda",
    "MALAYALAM": "Mlym",
    "SINHALA": "Sinh",
    "THAI": "Thai",
    "LAO": "Laoo",
    "TIBETAN": "Tibt",
    "MYANMAR": "Mymr",
    "GEORGIAN": "Geor",
    "ARMENIAN": "Armn",
    "ETHIOPIC": "Ethi",
    "KHMER": "Khmr",
    "MONGOLIAN": "Mong",
    "THAANA": "Thaa",
    "SYRIAC": "Syrc",
    "NKO": "Nkoo",
    "TIFINAGH": "Tfng",
    "CHEROKEE": "Cher",
    "CANADIAN": "Cans",
    "BOPOMOFO": "Bopo",
    "YI": "Yiii",
    "JAVANESE": "Java",
    "BALINESE": "Bali",
    "SUNDANESE": "Sund",
    "FULLWIDTH LATIN": "Latn",
}
_PREFIX_ORDER = sorted(_SCRIPT_PREFIXES, key=len, reverse=True)


@lru_cache(maxsize=65536)
def char_script(ch: str) -> str | None:
    """ISO 15924 code of a letter or mark; None for digits, punctuation, spaces, symbols."""
    if unicodedata.category(ch)[0] not in "LM":
        return None
    name = unicodedata.name(ch, "")
    for prefix in _PREFIX_ORDER:
        if name.startswith(prefix):
            return _SCRIPT_PREFIXES[prefix]
    return "Zyyy"


# per code point: 1 + the index of its script in `_SCRIPTS`, 0 for a non-letter, `_UNFILLED` until its block is first seen
_SCRIPTS = tuple(sorted({*_SCRIPT_PREFIXES.values(), "Zyyy"}))
_SCRIPT_ID = {script: i + 1 for i, script in enumerate(_SCRIPTS)}
_UNFILLED = 255
_BLOCK = 256  # code points filled at once
_SCRIPT_TABLE = np.full(0x110000, _UNFILLED, dtype=np.uint8)


def _fill_script_table(codepoints: np.ndarray) -> None:
    """Fill the blocks of the code points not seen yet (from `char_script`): a lookup table without the start-up cost of all of Unicode."""
    for block in np.unique(codepoints[_SCRIPT_TABLE[codepoints] == _UNFILLED] // _BLOCK).tolist():
        start = block * _BLOCK
        _SCRIPT_TABLE[start : start + _BLOCK] = [_SCRIPT_ID.get(char_script(chr(c)), 0) for c in range(start, start + _BLOCK)]


# what `dominant_script` can answer, sorted (ties go to the last): Hiragana and Katakana count as Japanese
_ANSWERS = tuple(sorted({*_SCRIPTS, "Jpan"} - {"Hira", "Kana"}))
_ANSWER_COLUMN = {script: _ANSWERS.index(script) for script in _ANSWERS}
_HANI, _HIRA, _KANA = (_SCRIPTS.index(s) for s in ("Hani", "Hira", "Kana"))
_ANSWER_SOURCE = np.array([_SCRIPTS.index("Hani" if script == "Jpan" else script) for script in _ANSWERS])  # column in `_SCRIPTS`


def script_ids(text: str) -> np.ndarray:
    """Per character: 1 + the index of its script in `_SCRIPTS`, 0 for a character that is not a letter."""
    codepoints = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    ids = _SCRIPT_TABLE.take(codepoints)  # `take`: a uint32 index as it is (fancy indexing first copies it to int64)
    if ids.size and ids.max() == _UNFILLED:
        _fill_script_table(codepoints)
        ids = _SCRIPT_TABLE.take(codepoints)
    return ids


def present_scripts(ids: np.ndarray) -> list[int]:
    """The script ids (not 0) among `ids`; a batch in one script is seen in three fast passes, without a histogram."""
    top = int(ids.max()) if ids.size else 0
    if top == 0:
        return []
    if np.count_nonzero(ids == top) == np.count_nonzero(ids):
        return [top]
    return (np.flatnonzero(np.bincount(ids)[1:]) + 1).tolist()


def script_counts(texts: Sequence[str]) -> np.ndarray:
    """Letters per script: one row per text, one column per script of `_SCRIPTS`.

    One lookup pass over the batch's code points, then, per script present in the batch (one or two
    in most batches), its letters summed per text (`reduceat` over the texts' offsets): no per-character
    row index, which cost more than the lookup itself."""
    n = len(texts)
    counts = np.zeros((n, len(_SCRIPTS)), dtype=np.int64)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    ids = script_ids("".join(texts))
    if not ids.size:
        return counts
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    empty = lengths == 0
    padded = np.append(ids, np.uint8(0))  # an empty text at the end starts past the last character
    for script in present_scripts(ids):
        per_text = np.add.reduceat(padded == script, starts, dtype=np.int64)
        per_text[empty] = 0  # reduceat gives an empty text its next character
        counts[:, script - 1] = per_text
    return counts


_ASCII_LETTER = re.compile("[A-Za-z]")  # the only letters in ASCII, all Latin


def dominant_script_arrays(texts: Sequence[str], sample: int = 1000) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """`dominant_scripts` as arrays: (the scripts it can answer, per text the index of its answer, per text the share).

    A text whose sample is ASCII (`str.isascii` reads a flag) is Latin with share 1.0, or has no letter (Zyyy, 0.0),
    without counting; the others are counted together (`script_counts`)."""
    samples = [t[:sample] for t in texts]
    best = np.full(len(samples), _ANSWER_COLUMN["Latn"], dtype=np.int64)
    shares = np.ones(len(samples))
    wide = [i for i, s in enumerate(samples) if not s.isascii()]
    if len(wide) < len(samples):
        unlettered = [i for i, s in enumerate(samples) if s.isascii() and _ASCII_LETTER.search(s) is None]
        best[unlettered], shares[unlettered] = _ANSWER_COLUMN["Zyyy"], 0.0
    if wide:
        best[wide], shares[wide] = counted_scripts([samples[i] for i in wide])
    return _ANSWERS, best, shares


def counted_scripts(samples: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Per text, the index of its dominant script in `_ANSWERS` and that script's share of the letters, counted."""
    counts = script_counts(samples)
    totals = counts.sum(axis=1)
    answers = counts[:, _ANSWER_SOURCE]  # a copy, one column per answer (Jpan and Hani set below)
    kana = counts[:, _HIRA] + counts[:, _KANA]
    answers[:, _ANSWER_COLUMN["Jpan"]] = np.where(kana > 0, counts[:, _HANI] + kana, 0)
    answers[:, _ANSWER_COLUMN["Hani"]] = np.where(kana > 0, 0, counts[:, _HANI])
    best = len(_ANSWERS) - 1 - np.argmax(answers[:, ::-1], axis=1)  # the last of the scripts with the most letters
    letters = answers[np.arange(len(samples)), best]
    none = totals == 0
    best[none] = _ANSWER_COLUMN["Zyyy"]
    shares = np.divide(letters, np.where(none, 1, totals), dtype=np.float64)  # int / int as Python divides: the same double
    shares[none] = 0.0
    return best, shares


def dominant_scripts(texts: Sequence[str], sample: int = 1000) -> list[tuple[str, float]]:
    """`dominant_script` of each text, computed for all at once (a batch costs about what a few single calls do)."""
    if not texts:
        return []
    names, best, shares = dominant_script_arrays(texts, sample)
    return list(zip(map(names.__getitem__, best.tolist()), shares.tolist()))


def dominant_script(text: str, sample: int = 1000) -> tuple[str, float]:
    """The script of most letters in the text's first `sample` characters, and its share of them.

    Japanese (Han + Kana) is reported as `Jpan` when Kana letters are present. Ties go to the
    script code that sorts last. (`dominant_scripts` answers the same for a batch at once.)
    """
    ids = np.bincount(script_ids(text[:sample]), minlength=len(_SCRIPTS) + 1).tolist()
    counts = {script: ids[i + 1] for i, script in enumerate(_SCRIPTS) if ids[i + 1]}
    total = sum(counts.values())
    if not total:
        return "Zyyy", 0.0
    kana = counts.pop("Hira", 0) + counts.pop("Kana", 0)
    if kana:
        counts["Jpan"] = counts.pop("Hani", 0) + kana
    script, n = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    return script, n / total
