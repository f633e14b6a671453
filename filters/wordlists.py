"""The word lists and parameter packs shipped in `filters/data/` (origins and licenses in its README)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def _primary(lang: str | None) -> str:
    return (lang or "").split("-")[0].split("_")[0].lower()


@cache
def roots_packs() -> dict[str, dict]:
    """ROOTS per-language filtering parameters (`default` plus 24 languages)."""
    return json.loads((DATA / "roots" / "parameters.json").read_text(encoding="utf-8"))["packs"]


@cache
def builtin_packs() -> dict[str, dict]:
    """Per-language parameters: the ROOTS packs, plus this project's partial packs over the ROOTS default."""
    roots = roots_packs()
    extra = json.loads((DATA / "parameters_extra.json").read_text(encoding="utf-8"))["packs"]
    return {lang: dict(roots.get(lang, roots["default"])) | extra.get(lang, {}) for lang in sorted(set(roots) | set(extra))}


@cache
def _json(path: str) -> dict[str, list[str]]:
    return json.loads((DATA / path).read_text(encoding="utf-8"))


@cache
def stopwords(lang: str | None) -> frozenset[str]:
    """ROOTS stopword list for the language, else stopwords-iso's; empty when neither has one."""
    code = _primary(lang)
    words = _json("roots/stopwords.json").get(code) or _json("stopwords-iso/stopwords-iso.json").get(code) or []
    # some ROOTS entries are comma-joined synonyms ("अथवा, या"): split them
    return frozenset(part.strip().lower() for w in words for part in w.split(",") if part.strip())


@cache
def ldnoobw(lang: str | None) -> frozenset[str]:
    path = DATA / "ldnoobw" / f"{_primary(lang)}.txt"
    if not path.exists():
        return frozenset()
    return frozenset(w.strip().lower() for w in path.read_text(encoding="utf-8").splitlines() if w.strip())


@cache
def flagged_words(lang: str | None) -> frozenset[str]:
    """ROOTS flagged words for the language (13 languages); empty for the others."""
    return frozenset(w.lower() for w in _json("roots/flagged_words.json").get(_primary(lang), []))


@cache
def adult_words(lang: str | None) -> frozenset[str]:
    """Union of the ROOTS flagged words and LDNOOBW for the language (the adult filter's text list)."""
    code = _primary(lang)
    return frozenset(w.lower() for w in _json("roots/flagged_words.json").get(code, [])) | ldnoobw(code)


@cache
def url_banned_words() -> tuple[frozenset[str], tuple[str, ...]]:
    """datatrove's URL word lists: whole tokens (banned + soft-banned) and substrings (banned subwords)."""

    def read(name: str) -> list[str]:
        return [w.strip().lower() for w in (DATA / "datatrove" / name).read_text(encoding="utf-8").splitlines() if w.strip()]

    return frozenset(read("banned_words.txt")), tuple(read("banned_subwords.txt"))
