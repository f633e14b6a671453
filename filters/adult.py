"""Adult content: UT1 `adult` URL blocklist, banned words in the URL, flagged-word ratio of the text.

The full UT1 list has 4.56 M domains. Held as Python strings it would take
~400 MB per worker; here it is a sorted numpy array of 64-bit xxhash values
(36 MB), and a URL's host and each of its parent domains are looked up with one
vectorised `searchsorted` per batch. A false match needs a 64-bit collision
(probability ~ n/2^64 per lookup, ~2.5e-13 at this size). URL prefixes (19.6 k)
are a plain set probed at each path boundary.

By default the bundled lists are used (a 20 k-domain sample of UT1 adult and the
full 19.6 k URL list, `filters/data/ut1/`); `domains_path` loads the full list,
either datatrove's `url_filterblacklistsv0_3_0.tar.gz` or a plain (optionally
gzipped) one-domain-per-line file.
"""

from __future__ import annotations

import array
import gzip
import io
import os
import re
import tarfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Annotated

import numpy as np
import xxhash
from pydantic import Field

from filters.base import Batch, Filter, Params, PathParam, Scores, Verdict
from filters.text_units import augmented, is_unspaced, ratio_in, words
from filters.wordlists import DATA, adult_words, builtin_packs, url_banned_words

BUNDLED_DOMAINS = DATA / "ut1" / "adult_domains_sample20k.txt.gz"
BUNDLED_URLS = DATA / "ut1" / "adult_urls.txt.gz"


class AdultParams(Params):
    # None: the bundled 20 k sample; a datatrove tar.gz or a domain list
    domains_path: Annotated[str | None, PathParam()] = None
    urls_path: Annotated[str | None, PathParam()] = None  # None: the tar's `urls` member, else the bundled 19.6 k list
    # where hashed domain lists are cached (memory-mapped); None: no cache
    cache_dir: Annotated[str | None, PathParam()] = None
    url_words: bool = True  # datatrove's banned words / subwords in the URL
    soft_word_threshold: int = Field(2, ge=1)  # this many soft-banned words in a URL also block it
    flagged_max: float = Field(0.1, ge=0, le=1)  # flagged-word ratio of the text (ROOTS values per language)


def _open_list(path: Path, member: str | None = None) -> io.BufferedIOBase:
    """A binary stream over a plain, gzipped or tar.gz list (the tar member named `member`)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"adult: blocklist {path} not found")
    if member is not None and tarfile.is_tarfile(path):
        tar = tarfile.open(path, "r:*")
        for info in tar:
            if info.isfile() and Path(info.name).name == member:
                return tar.extractfile(info)
        raise ValueError(f"adult: {path} has no member named {member!r}")
    with open(path, "rb") as f:
        magic = f.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")


def _entries(path: Path, member: str | None = None) -> Iterator[bytes]:
    """Non-empty, non-comment lines, lower-cased, streamed (the full list never sits in memory as strings)."""
    with _open_list(path, member) as f:
        for line in f:
            line = line.strip().lower()
            if line and not line.startswith(b"#"):
                yield line


def _clean_domain(domain: bytes) -> bytes:
    domain = domain.strip(b".")
    return domain[4:] if domain.startswith(b"www.") else domain


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """Sort-based unique (numpy's hash-based `unique` is several times slower and bigger at 4.5 M)."""
    s = np.sort(values)
    if s.size == 0:
        return s
    keep = np.empty(s.size, dtype=bool)
    keep[0] = True
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    return s[keep]


def hash_domains(domains: Iterable[bytes]) -> np.ndarray:
    """Sorted unique 64-bit hashes of lower-cased domains (leading `www.` removed)."""
    h = xxhash.xxh3_64_intdigest
    values = array.array("Q", (h(_clean_domain(d)) for d in domains))
    return sorted_unique(np.frombuffer(values, dtype=np.uint64))


def load_domain_hashes(path: Path, member: str | None, cache_dir: Path | None) -> np.ndarray:
    """Hashes of a domain list, from a `.npy` cache keyed by the list's content when one is set.

    The cache is memory-mapped, so worker processes share one copy through the page cache.
    """
    if cache_dir is None:
        return hash_domains(_entries(path, member))
    from curation.runner import fingerprint

    cache = Path(cache_dir) / f"adult-domains-{fingerprint([path])[:20]}-{member or 'plain'}.npy"
    if not cache.exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(f".{cache.name}.tmp-{os.getpid()}")
        with open(tmp, "wb") as f:
            np.save(f, hash_domains(_entries(path, member)))
        os.replace(tmp, cache)
    return np.load(cache, mmap_mode="r")


def split_url(url: str) -> tuple[str, str]:
    """(host, url without scheme, `www.` and port); a lenient parse, much faster than urllib."""
    rest = url.strip()
    scheme = rest.find("://")
    if 0 <= scheme < 12:
        rest = rest[scheme + 3 :]
    end = len(rest)
    for sep in "/?#":
        i = rest.find(sep)
        if 0 <= i < end:
            end = i
    host = rest[:end]
    if "@" in host:
        host = host.rsplit("@", 1)[1]
    if ":" in host and not host.startswith("["):
        host = host.split(":", 1)[0]
    host = host.lower().strip(".")
    if host.startswith("www."):
        host = host[4:]
    return host, host + rest[end:]


def parent_domains(host: str) -> list[str]:
    """The host and its parents down to two labels: a.b.example.com → a.b.example.com, b.example.com, example.com."""
    labels = host.split(".")
    return [".".join(labels[i:]) for i in range(max(1, len(labels) - 1))]


_URL_TOKEN = re.compile(r"[^a-z0-9]+")


class AdultContent(Filter):
    name = "adult"
    version = "1"
    Params = AdultParams
    thresholds = {"adult_flagged_ratio": ("flagged_max", "max")}

    _worker_state = ("_domains", "_urls")
    _domains = np.zeros(0, dtype=np.uint64)
    _urls: frozenset[str] = frozenset()

    @classmethod
    def builtin_langs(cls) -> dict[str, dict]:
        return {lang: {"flagged_max": p["flagged_max"]} for lang, p in builtin_packs().items() if lang != "default"}

    def setup(self) -> None:
        p = self.defaults
        domains_path = Path(p.domains_path) if p.domains_path else BUNDLED_DOMAINS
        is_tar = domains_path.name.endswith((".tar.gz", ".tgz", ".tar"))
        cache = Path(p.cache_dir) if p.cache_dir else None
        self._domains = load_domain_hashes(domains_path, "domains" if is_tar else None, cache)
        if p.urls_path:
            urls = _entries(Path(p.urls_path), "urls" if p.urls_path.endswith((".tar.gz", ".tgz", ".tar")) else None)
        elif is_tar:
            urls = _entries(domains_path, "urls")
        else:
            urls = _entries(BUNDLED_URLS)
        self._urls = frozenset(split_url(u.decode("utf-8", "replace"))[1].rstrip("/") for u in urls)
        banned, subwords = url_banned_words()
        soft = (DATA / "datatrove" / "soft_banned_words.txt").read_text(encoding="utf-8").split("\n")
        self._banned = banned
        self._soft = frozenset(w.strip().lower() for w in soft if w.strip())
        self._subwords = re.compile("|".join(sorted(re.escape(_URL_TOKEN.sub("", w)) for w in subwords if _URL_TOKEN.sub("", w))))

    @property
    def domain_count(self) -> int:
        return int(self._domains.size)

    def blocked_domains(self, hosts: list[str]) -> list[str | None]:
        """For each host, the listed domain it falls under (itself or a parent), or None."""
        owners: list[int] = []
        candidates: list[str] = []
        add_owner, add_candidate = owners.append, candidates.append
        for i, host in enumerate(hosts):
            if not host:
                continue
            last = host.rfind(".")  # parents stop at two labels: never the bare TLD
            pos = 0
            while True:
                add_owner(i)
                add_candidate(host[pos:])
                nxt = host.find(".", pos)
                if nxt < 0 or nxt >= last:
                    break
                pos = nxt + 1
        out: list[str | None] = [None] * len(hosts)
        if not candidates or not self._domains.size:
            return out
        values = np.fromiter(map(xxhash.xxh3_64_intdigest, map(str.encode, candidates)), dtype=np.uint64, count=len(candidates))
        pos_arr = np.searchsorted(self._domains, values)
        pos_arr[pos_arr == self._domains.size] = 0
        hits = np.flatnonzero(self._domains[pos_arr] == values)
        for k in hits[::-1].tolist():  # the most specific listed domain wins (children come first)
            out[owners[k]] = candidates[k]
        return out

    def blocked_prefix(self, bare_url: str) -> bool:
        """Whether the URL (no scheme) starts with a listed URL at a path boundary."""
        urls = self._urls
        if bare_url.rstrip("/") in urls:
            return True
        i = bare_url.find("/")
        while i != -1:
            if bare_url[:i] in urls:
                return True
            i = bare_url.find("/", i + 1)
        return False

    def url_word_hit(self, url: str) -> str | None:
        """Which URL word rule matched: `banned`, `soft` or `subword`."""
        lowered = url.lower()
        tokens = set(_URL_TOKEN.split(lowered))
        if tokens & self._banned:
            return "banned"
        if self.defaults.soft_word_threshold > 0 and len(tokens & self._soft) >= self.defaults.soft_word_threshold:
            return "soft"
        if self._subwords.search(_URL_TOKEN.sub("", lowered)):
            return "subword"
        return None

    def score(self, batch: Batch) -> Scores:
        parsed = [split_url(u) if u else ("", "") for u in batch.urls]
        listed = self.blocked_domains([h for h, _ in parsed])
        domain_col, prefix_col, words_col, flagged_col = [], [], [], []
        for i, (url, (_host, bare)) in enumerate(zip(batch.urls, parsed)):
            if url:
                domain_col.append(1.0 if listed[i] else 0.0)
                prefix_col.append(1.0 if self.blocked_prefix(bare) else 0.0)
                words_col.append(1.0 if self.defaults.url_words and self.url_word_hit(url) else 0.0)
            else:
                domain_col.append(None)
                prefix_col.append(None)
                words_col.append(None)
            vocab = adult_words(batch.langs[i])
            if vocab:
                text = batch.texts[i]
                units = words(text, lower=True)
                if is_unspaced(text):
                    flagged_col.append(round(ratio_in(augmented(units), vocab, 2), 6))
                else:
                    flagged_col.append(round(ratio_in(units, vocab), 6))
            else:
                flagged_col.append(None)
        return Scores(
            signals={
                "adult_url_domain": domain_col,
                "adult_url_prefix": prefix_col,
                "adult_url_words": words_col,
                "adult_flagged_ratio": flagged_col,
            },
            details=[f"domain={d}" if d else None for d in listed],
        )

    def decide(self, signals: Mapping[str, float], lang: str | None) -> Verdict | None:
        if signals.get("adult_url_domain") == 1.0:
            return "adult_url_domain", "listed domain (UT1 adult)"
        if signals.get("adult_url_prefix") == 1.0:
            return "adult_url_prefix", "listed URL prefix (UT1 adult)"
        if signals.get("adult_url_words") == 1.0:
            return "adult_url_words", "banned word in URL"
        p = self.params_for(lang)
        ratio = signals.get("adult_flagged_ratio")
        if ratio is not None and ratio > p.flagged_max:
            return "adult_flagged_words", f"ratio={ratio:.4f} max={p.flagged_max}"
        return None


# --- the full UT1 list, from its PyPI distribution -------------------------------------------

DATATROVE_WHEEL = "datatrove==0.10.1"
DATATROVE_WHEEL_SHA256 = "b0846fc28482b25c9dbeaa09445066ff68266b58d762e9344c64fe5f6d92d14c"
UT1_MEMBER = "datatrove/assets/url_filterblacklistsv0_3_0.tar.gz"


def full_list_path(cache_dir: Path | None = None) -> Path:
    """Where the full UT1 adult tarball lives: `$CURATION_UT1_FULL`, else the user cache."""
    env = os.environ.get("CURATION_UT1_FULL")
    if env:
        return Path(env)
    base = cache_dir or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "curation"
    return Path(base) / "ut1" / "url_filterblacklistsv0_3_0.tar.gz"


def fetch_full_list(dest: Path | None = None) -> Path:
    """The full UT1 adult list (4.56 M domains) exactly as datatrove ships it.

    It is too large to commit (17.7 MB), and PyPI is its public home: the datatrove 0.10.1
    wheel is downloaded with pip (checked against its sha256) and the tarball taken out of it.
    """
    import hashlib
    import subprocess
    import sys
    import tempfile
    import zipfile

    dest = Path(dest) if dest else full_list_path()
    if dest.exists():
        return dest
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", DATATROVE_WHEEL, "-d", tmp], check=True, capture_output=True
        )
        wheel = next(Path(tmp).glob("datatrove-*.whl"))
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        if digest != DATATROVE_WHEEL_SHA256:
            raise RuntimeError(f"adult: {wheel.name} has sha256 {digest}, expected {DATATROVE_WHEEL_SHA256}")
        dest.parent.mkdir(parents=True, exist_ok=True)
        part = dest.with_name(f".{dest.name}.tmp-{os.getpid()}")
        with zipfile.ZipFile(wheel) as z:
            part.write_bytes(z.read(UT1_MEMBER))
        os.replace(part, dest)
    return dest
