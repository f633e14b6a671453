"""Canonical forms of text and URLs, so trivial variants hash the same.

Text: Unicode NFKC, lower case, punctuation and symbols to spaces, whitespace
collapsed; computed with Arrow kernels over a whole batch. Near-dup shingling
also maps digit runs to `0` (as datatrove does), so dates and counters do not
break shingles.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# a run of punctuation, symbols and whitespace becomes one space, in one pass: a run of two or more, or a single
# punctuation mark, symbol or whitespace other than the space (a single space is left as it is: most matches of
# `\s+` were single spaces replaced by themselves). The same text as punctuation runs → space, then whitespace runs
# → space, 35 % faster.
_PUNCT_OR_SPACE = r"[\p{P}\p{S}\s]{2,}|[\p{P}\p{S}]|[^\S ]"
_DIGITS = r"\p{Nd}+"
_TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "yclid", "_ga")


def normalize_text(texts: pa.Array, digits: bool = False) -> pa.Array:
    """NFKC, lower case, punctuation → space, collapse whitespace (vectorised)."""
    x = pc.utf8_normalize(texts, "NFKC")
    x = pc.utf8_lower(x)
    x = pc.replace_substring_regex(x, _PUNCT_OR_SPACE, " ")
    x = pc.utf8_trim_whitespace(x)
    return zero_digits(x) if digits else x


def zero_digits(norm: pa.Array) -> pa.Array:
    """Digit runs → `0`. Digits, punctuation and spaces are disjoint classes, so doing this
    last gives the same text as doing it first: one normalisation serves exact and near dedup."""
    return pc.replace_substring_regex(norm, _DIGITS, "0")


def exact_hashes(texts: pa.Array, norm: pa.Array | None = None) -> np.ndarray:
    """64-bit BLAKE2b of each normalised text, as int64 (one C call per document);
    `norm`: `normalize_text(texts)` when the caller has it already."""
    norm = normalize_text(texts) if norm is None else norm
    out = np.empty(len(norm), dtype=np.int64)
    for i, t in enumerate(norm.to_pylist()):
        digest = hashlib.blake2b((t or "").encode("utf-8", "surrogatepass"), digest_size=8).digest()
        out[i] = int.from_bytes(digest, "little", signed=True)
    return out


def normalize_url(url: str | None) -> str | None:
    """Host + path + sorted query, without scheme, `www.`, default port, fragment,
    trailing slash or tracking parameters: the same page across crawls and sources."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url if "://" in url else "http://" + url)
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port
    except ValueError:
        return None
    if not host:
        return None
    if host.startswith("www."):
        host = host[4:]
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    path = parts.path or "/"
    while "//" in path:
        path = path.replace("//", "/")
    if len(path) > 1:
        path = path.rstrip("/")
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.lower().startswith(_TRACKING)]
    q = urlencode(sorted(query))
    return f"{host}{path}" + (f"?{q}" if q else "")
