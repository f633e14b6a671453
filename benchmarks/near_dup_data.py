"""Near-duplicate benchmark corpora from real multilingual text, with ground truth.

Base documents are real text, 4–8 units (sentences, lines or short paragraphs) of one
language's pool in 2–3 paragraphs. Two pools:

- the benchmark's (`corpus_pools`, used by `bench_dedup.py`): every distinct unit of 20–400
  characters of the benchmark corpus (`benchmarks/corpus.py`: news, Bible, UDHR, web pages and
  Debian manual pages; 380 k units in the 67 languages with at least `MIN_POOL` of them). A base's
  language is drawn in proportion to its pool, and its units are dealt from the pool shuffled, without
  replacement until the pool is used up, then reshuffled (a pass): bases of one pass share no unit,
  every unit is used as often as any other of its language, so at 1 M documents the bases are still
  distinct documents (`info.json` gives the passes: how often a unit recurs across bases);
- the tests' (`load_pools`, the default): UD PUD sentences of 10 languages (`tests/data/dedup/ud-pud/`)
  and OSCAR 2019 excerpt lines, a random sample of units per base, languages in turn.

Then, with a fixed seed:

- half of the bases get one variant (cluster = base + variant) made by ONE edit:
  - `words@R`: R × (number of tokens) random edits, each an insertion (a word of
    the same language), a deletion or a substitution, equally likely; tokens
    are words, or characters for zh/ja/th; R ∈ {0.01, 0.03, 0.05, 0.1, 0.2, 0.3};
  - `boilerplate`: a 20–35-word boilerplate block (two cookie / share /
    copyright lines) appended;
  - `reorder`: paragraphs shuffled;
  - `exact`: case, punctuation and whitespace changed only;
  - `url`: the same URL with another scheme, `www.`, a tracking parameter and a
    trailing slash, text re-edited at 5 %;
- 10 % of the other bases (the "shared boilerplate" set) get the same
  boilerplate block: distinct documents that must NOT be merged.

`truth.parquet` gives each document's cluster, edit and language.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "tests" / "data" / "dedup"
MIN_POOL = 200  # units: a language with fewer is left out of the benchmark's pool
RATES = (0.01, 0.03, 0.05, 0.1, 0.2, 0.3)
CHAR_LANGS = ("zh", "ja", "th")
MAX_LINE = 400
BOILERPLATE = [
    "We use cookies to improve your experience on our website. By continuing to browse you agree to our use of cookies.",
    "Share this article on Facebook, Twitter, LinkedIn or by email. Print this page.",
    "Copyright all rights reserved. Terms of use, privacy policy and contact information.",
    "Subscribe to our newsletter to receive the latest news and updates directly in your inbox.",
    "Related articles, most read stories and recommended for you.",
]


def load_pools() -> dict[str, list[str]]:
    """Sentences per language (UD PUD) plus OSCAR excerpt lines."""
    pools: dict[str, list[str]] = defaultdict(list)
    for path in sorted((DATA / "ud-pud").glob("*.tsv")):
        if path.name == "SOURCES.tsv":
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) == 4 and parts[3].strip():
                pools[parts[2]].append(parts[3].strip())
    for line in (DATA / "oscar2019_excerpts.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        for sent in r["text"].split("\n"):
            # lines of 20–400 characters: a single 30 k-character spam line would make
            # every base that draws it a near-duplicate of every other
            if 20 < len(sent.strip()) <= MAX_LINE:
                pools[r["lang"]].append(sent.strip())
    return dict(sorted(pools.items()))


def corpus_units(corpus: str, text: str) -> list[str]:
    """A benchmark-corpus document's units: lines, or for manual pages each paragraph with its lines joined (its lines when longer than MAX_LINE)."""
    if corpus != "debian-man":
        return text.split("\n")
    units = []
    for para in text.split("\n\n"):
        joined = " ".join(line.strip() for line in para.split("\n"))
        units += [joined] if len(joined) <= MAX_LINE else para.split("\n")
    return units


def corpus_pools() -> dict[str, list[str]]:
    """Distinct units of 20–400 characters per language of the benchmark corpus, in corpus order; languages with MIN_POOL or more."""
    sys.path.insert(0, str(HERE))
    import corpus

    pools: dict[str, dict[str, None]] = defaultdict(dict)
    for doc in corpus.load():
        for unit in corpus_units(doc.corpus, doc.text):
            unit = unit.strip()
            if 20 < len(unit) <= MAX_LINE:
                pools[doc.lang].setdefault(unit)
    return {lang: list(units) for lang, units in sorted(pools.items()) if len(units) >= MIN_POOL}


class Dealer:
    """Units of each language's pool dealt without replacement, reshuffled when used up; languages drawn in proportion to their pools."""

    def __init__(self, pools: dict[str, list[str]], seed: int):
        self.rng = random.Random(seed)
        self.pools = pools
        self.langs = sorted(pools)
        self.weights = list(itertools.accumulate(len(pools[lang]) for lang in self.langs))
        self.decks: dict[str, list[str]] = {}
        self.passes: Counter = Counter()

    def lang(self) -> str:
        return self.rng.choices(self.langs, cum_weights=self.weights)[0]

    def deal(self, lang: str, n: int) -> list[str]:
        out: list[str] = []
        while len(out) < n:
            deck = self.decks.get(lang)
            if not deck:
                deck = self.decks[lang] = self.pools[lang][:]
                self.rng.shuffle(deck)
                self.passes[lang] += 1
            unit = deck.pop()
            if unit not in out:
                out.append(unit)
        return out


def _joiner(lang: str) -> str:
    return "" if lang in CHAR_LANGS else " "


def make_base(rng: random.Random, pool: list[str], lang: str, dealer: Dealer | None = None) -> list[str]:
    """Paragraphs of a base document: 4–8 sentences in 2–3 paragraphs (dealt by `dealer`, else sampled from `pool`)."""
    n = rng.randint(4, 8)
    sents = dealer.deal(lang, n) if dealer else rng.sample(pool, n)
    cuts = sorted(rng.sample(range(1, len(sents)), min(len(sents) - 1, rng.randint(1, 2))))
    paras, last = [], 0
    for c in cuts + [len(sents)]:
        paras.append(_joiner(lang).join(sents[last:c]))
        last = c
    return paras


def edit_tokens(rng: random.Random, text: str, rate: float, lang: str, vocab: list[str]) -> str:
    """R × tokens random insertions / deletions / substitutions (tokens: words, or characters for zh/ja/th)."""
    char = lang in CHAR_LANGS
    paras = text.split("\n\n")
    toks = [(list(p) if char else p.split()) for p in paras]
    total = sum(len(t) for t in toks)
    for _ in range(max(1, round(rate * total))):
        p = rng.randrange(len(toks))
        t = toks[p]
        op = rng.randrange(3)
        word = rng.choice(vocab)
        if op == 0 or not t:
            t.insert(rng.randint(0, len(t)), word)
        elif op == 1 and len(t) > 1:
            del t[rng.randrange(len(t))]
        else:
            t[rng.randrange(len(t))] = word
    return "\n\n".join(("" if char else " ").join(t) for t in toks)


def boilerplate(rng: random.Random) -> str:
    return " ".join(rng.sample(BOILERPLATE, 2))


def surface_variant(rng: random.Random, text: str) -> str:
    """Same normalised text: case, punctuation and whitespace changes only."""
    out = text.upper() if rng.random() < 0.5 else text.lower()
    return out.replace(" ", "  ").replace("\n\n", " \n \n ") + " !!!"


def url_variant(url: str) -> str:
    return url.replace("https://", "http://www.") + "/?utm_source=feed"


def build(n_docs: int, seed: int = 0, pools: dict[str, list[str]] | None = None) -> tuple[pa.Table, pa.Table, dict]:
    """(documents in the project schema, truth, info) with about n_docs documents.

    `pools`: units per language dealt by a `Dealer` (the benchmark's `corpus_pools()`); None: the tests' `load_pools()`, sampled."""
    from curation.schema import doc_id, documents_table

    rng = random.Random(seed)
    dealer = Dealer(pools, seed + 3) if pools is not None else None
    pools = pools if pools is not None else load_pools()
    langs = [l for l in pools if len(pools[l]) >= 50]
    vocab = {l: sorted({w for s in pools[l] for w in (list(s) if l in CHAR_LANGS else s.split())}) for l in langs}
    edits = [f"words@{r}" for r in RATES] + ["boilerplate", "reorder", "exact", "url"]
    shared_block = boilerplate(random.Random(seed + 1))
    rows, truth = [], []
    cluster = 0
    while len(rows) < n_docs:
        lang = dealer.lang() if dealer else langs[cluster % len(langs)]
        paras = make_base(rng, pools[lang], lang, dealer)
        text = "\n\n".join(paras)
        url = f"https://news-{lang}.example.org/{cluster}"
        kind = "single"
        if rng.random() < 0.5:
            kind = edits[(cluster // len(langs)) % len(edits)]
        elif rng.random() < 0.1:
            kind = "shared_boilerplate"
            text = text + "\n\n" + shared_block
        docs = [(text, url, "base")]
        if kind.startswith("words@"):
            docs.append((edit_tokens(rng, text, float(kind[6:]), lang, vocab[lang]), url + "-copy", kind))
        elif kind == "boilerplate":
            docs.append((text + "\n\n" + boilerplate(rng), url + "-copy", kind))
        elif kind == "reorder":
            shuffled = paras[:]
            while shuffled == paras:
                rng.shuffle(shuffled)
            docs.append(("\n\n".join(shuffled), url + "-copy", kind))
        elif kind == "exact":
            docs.append((surface_variant(rng, text), url + "-copy", kind))
        elif kind == "url":
            docs.append((edit_tokens(rng, text, 0.05, lang, vocab[lang]), url_variant(url), kind))
        for i, (t, u, role) in enumerate(docs):
            source = "bench_a" if i == 0 else "bench_b"
            did = doc_id(source, f"{cluster}-{i}")
            rows.append({"id": did, "source": source, "url": u, "text": t, "lang": lang})
            truth.append({"id": did, "cluster": cluster, "kind": kind, "role": role, "lang": lang})
        cluster += 1
    info = {"bases": cluster, "languages": len({r["lang"] for r in truth}), "pool_units": sum(len(p) for p in pools.values())}
    if dealer:  # passes: how many times a language's units were dealt (1: no unit in two bases)
        info["max_passes"] = max(dealer.passes.values())
        info["passes_by_lang"] = dict(sorted(dealer.passes.items()))
    return documents_table(rows), pa.Table.from_pylist(truth), info


def write(
    out_dir: Path, n_docs: int, seed: int = 0, shard_docs: int = 50_000, pools: dict[str, list[str]] | None = None
) -> tuple[list[Path], Path]:
    """Shuffled documents in `out_dir/docs/part-NNNNN.parquet`, truth in `out_dir/truth.parquet`, `info.json` (see `build`)."""
    from curation.atomic import write_json_atomic
    from curation.shards import write_shard

    docs, truth, info = build(n_docs, seed, pools)
    order = list(range(docs.num_rows))
    random.Random(seed + 2).shuffle(order)
    docs = docs.take(pa.array(order))
    paths = []
    for k, start in enumerate(range(0, docs.num_rows, shard_docs)):
        paths.append(write_shard(out_dir / "docs" / f"part-{k:05d}.parquet", docs.slice(start, shard_docs)))
    write_json_atomic(out_dir / "info.json", info)
    pq.write_table(truth, out_dir / "truth.parquet")
    return paths, out_dir / "truth.parquet"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--tests-pool", action="store_true", help="the tests' small pool instead of the benchmark corpus's")
    args = ap.parse_args()
    paths, truth = write(args.out, args.docs, args.seed, pools=None if args.tests_pool else corpus_pools())
    print(f"{sum(pq.read_metadata(p).num_rows for p in paths):,} documents in {len(paths)} shards; truth: {truth}")


if __name__ == "__main__":
    main()
