"""Assemble the sample run's data and the test fixtures from the shared data (run at setup).

    python scripts/assemble_data.py                  # build (or refresh) every assembled file
    python scripts/assemble_data.py --list           # print the paths it writes (gitignored)
    python scripts/assemble_data.py --update-manifest  # maintainers: re-record the input sums

Third-party text is not committed: it is read from the shared data folder
(`CURATION_SHARED_DATA`, default `../shared/data`, see curation/shared_data.py) and from
pinned registry packages, and written to the same paths the code and tests have always
used (samples/data/..., tests/data/..., filters/data/...). Every input's sha256 is checked
against `scripts/shared_data.sha256`, so a changed input stops the build with a clear
error. Registry assets: stopwords-iso from the PyPI wheel stopwordsiso==0.7.1, datatrove's
URL word lists and the UT1 lists from the PyPI wheel datatrove==0.10.1 (pinned,
sha256-checked, cached in ~/.cache/curation/wheels); the sample's code source from pinned
Debian packages (scripts/assemble_code_sample.py). The output is deterministic: the same bytes on every run.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from curation.shared_data import ENV, SharedDataMissing, shared_data_dir  # noqa: E402

MANIFEST = ROOT / "scripts" / "shared_data.sha256"

# runtime assets from package registries (pinned, checked by sha256)
STOPWORDSISO_WHEEL = ("stopwordsiso", "0.7.1", "e23edcffca952f98cd26f54a5c56f93b2fa435c88d3ee60f3beffb4c44279380")
DATATROVE_WHEEL = ("datatrove", "0.10.1", "b0846fc28482b25c9dbeaa09445066ff68266b58d762e9344c64fe5f6d92d14c")  # as filters/adult.py
DATATROVE_WORDLISTS = ("banned_words.txt", "banned_subwords.txt", "soft_banned_words.txt")

UD_LANGS_ALL = "ar zh cs en fi fr gl de hi is id it ja ko pl pt ru es sv th tr".split()  # SOURCES.tsv order


class InputChanged(RuntimeError):
    pass


class Inputs:
    """Reads files of the shared data folder, each checked against the committed manifest."""

    def __init__(self, shared: Path, record: bool = False):
        self.shared = shared
        self.record = record
        self.seen: dict[str, str] = {}
        self.expected: dict[str, str] = {}
        if MANIFEST.exists():
            for line in MANIFEST.read_text(encoding="utf-8").splitlines():
                if line.strip() and not line.startswith("#"):
                    digest, rel = line.split(None, 1)
                    self.expected[rel.strip()] = digest

    def path(self, rel: str) -> Path:
        p = self.shared / rel
        if rel not in self.seen:
            if not p.is_file():
                raise InputChanged(f"{p}: missing from the shared data folder ({ENV}={self.shared})")
            digest = hashlib.sha256(p.read_bytes()).hexdigest()
            if not self.record:
                want = self.expected.get(rel)
                if want is None:
                    raise InputChanged(f"{rel}: not listed in {MANIFEST.relative_to(ROOT)} (run with --update-manifest)")
                if digest != want:
                    raise InputChanged(
                        f"{p}: sha256 {digest} differs from {want} recorded in {MANIFEST.relative_to(ROOT)}; "
                        f"the shared data changed (check {ENV}, or review the change and run --update-manifest)"
                    )
            self.seen[rel] = digest
        return p

    def bytes(self, rel: str) -> bytes:
        return self.path(rel).read_bytes()

    def text(self, rel: str) -> str:
        return self.path(rel).read_text(encoding="utf-8")

    def write_manifest(self) -> None:
        lines = ["# sha256 of every file scripts/assemble_data.py reads from the shared data folder (CURATION_SHARED_DATA)"]
        lines += [f"{d}  {rel}" for rel, d in sorted(self.seen.items())]
        MANIFEST.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --- helpers ------------------------------------------------------------------------------


def gzip_named(data: bytes, name: str) -> bytes:
    """gzip as Python's GzipFile writes it: the file name in the header, mtime 0, level 9."""
    buf = io.BytesIO()
    with gzip.GzipFile(filename=name, mode="wb", fileobj=buf, mtime=0, compresslevel=9) as f:
        f.write(data)
    return buf.getvalue()


def gzip_cli(data: bytes) -> bytes:
    """gzip as `gzip -9n` writes it (no name, no time stamp)."""
    return subprocess.run(["gzip", "-9n"], input=data, capture_output=True, check=True).stdout


def ud_sentences(inp: Inputs, lang: str) -> list[tuple[str, str, str]]:
    """(sent_id, doc_id, text) of a UD PUD language, in file order."""
    out = []
    for line in inp.bytes(f"lid/ud-pud/{lang}.tsv").decode("utf-8").split("\n")[:-1]:  # not splitlines: U+2028 is text
        sent_id, doc_id, tsv_lang, text = line.split("\t", 3)
        assert tsv_lang == lang, (lang, line)
        out.append((sent_id, doc_id, text))
    return out


def ud_docs(inp: Inputs, lang: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """(doc_id, [(sent_id, text)]) in file order; a missing doc id is the sentence id's first six characters."""
    docs: dict[str, list[tuple[str, str]]] = {}
    for sent_id, doc_id, text in ud_sentences(inp, lang):
        if doc_id == "None":
            doc_id = sent_id[:6]
        docs.setdefault(doc_id, []).append((sent_id, text))
    return list(docs.items())


def joiner(lang: str) -> str:
    return "" if lang in ("zh", "ja") else " "


def jsonl(records: list[dict], ascii: bool = False) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=ascii) + "\n" for r in records).encode("utf-8")


def tsv(rows: list[tuple], header: tuple | None = None) -> bytes:
    lines = (["\t".join(header)] if header else []) + ["\t".join(map(str, r)) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


# --- what is built -----------------------------------------------------------------------

COPIES = {
    # samples/
    "samples/data/cc_en_head-0091.jsonl.gz": "web-archives/dolma/cc_en_head-0091.jsonl.gz",
    "samples/data/web/cc/warcfile.warc.gz": "web-archives/resiliparse/warcfile.warc.gz",
    "samples/data/web/cc/whirlwind.warc.gz": "web-archives/cc-whirlwind/whirlwind.warc.gz",
    "samples/data/web/cc-wet/whirlwind.warc.wet.gz": "web-archives/cc-whirlwind/whirlwind.warc.wet.gz",
    "samples/data/web/dolma/sample-0000.warc.gz": "web-archives/dolma/sample-0000.warc.gz",
    "samples/data/web/dolma/sample-0001.warc.gz": "web-archives/dolma/sample-0001.warc.gz",
    # tests/data/
    "tests/data/core/cc_en_head-0091.jsonl.gz": "web-archives/dolma/cc_en_head-0091.jsonl.gz",
    "tests/data/filters/cc_en_head-0091.jsonl.gz": "web-archives/dolma/cc_en_head-0091.jsonl.gz",
    "tests/data/lid/SOURCES.tsv": "lid/ud-pud/SOURCES.tsv",
    "tests/data/dedup/ud-pud/SOURCES.tsv": "lid/ud-pud/SOURCES.tsv",
    **{f"tests/data/dedup/ud-pud/{lang}.tsv": f"lid/ud-pud/{lang}.tsv" for lang in "ar de en es fr hi ja ru th zh".split()},
    "tests/data/web/clipped.warc.gz": "web-archives/resiliparse/clipped.warc.gz",
    "tests/data/web/example.warc.gz": "web-archives/warcio/example.warc.gz",
    "tests/data/web/example-iana.org-chunked.warc": "web-archives/warcio/example-iana.org-chunked.warc",
    "tests/data/web/cc_net_sample.warc.txt": "web-archives/cc_net/sample.warc.txt",
    # filters/data/
    "filters/data/udhr/udhr2.zip": "lid/udhr2/udhr2.zip",  # built-in LID reference text (curation.lid.builtin_reference)
    "filters/data/roots/stopwords.json": "wordlists/bigscience-ac_dc/stopwords.json",
    "filters/data/roots/flagged_words.json": "wordlists/bigscience-ac_dc/flagged_words.json",
    "filters/data/stopwords-iso/LICENSE": "wordlists/stopwords-iso/LICENSE",
    "filters/data/ldnoobw/LICENSE": "wordlists/ldnoobw/LICENSE",
    **{
        f"filters/data/ldnoobw/{lang}.txt": f"wordlists/ldnoobw/{lang}.txt"
        for lang in "ar cs da de en eo es fa fi fil fr fr-CA-u-sd-caqc hi hu it ja kab ko nl no pl pt ru sv th tlh tr zh".split()
    },
}


# tests/data/filters/adult_url_docs.jsonl.gz: hand-picked URLs (ours) over English UD PUD sentences
ADULT_URL_DOCS = [
    ("web-0", "https://morbosos.es/galeria/1.html", ["n01021007", "n01021011", "n01021012"]),
    ("web-1", "http://www.videos.morbosos.es/index.php", ["n01022002", "n01022005", "n01022010", "n01022016", "n01022027"]),
    ("web-2", "http://moosejawnaturopathicclinic.ca/page-39212/photos", ["n01023020", "n01023034", "n01023043"]),
    ("web-3", "https://blog.example.com/free-porn-videos", ["n01024010", "n01024013", "n01024016"]),
    ("web-4", "https://en.wikipedia.org/wiki/Main_Page", ["n01025025", "n01025040", "n01025045"]),
]

# tests/data/lid/udhr_reference.tsv: UDHR text of languages lid.176 lacks or confuses (file stem -> BCP-47)
UDHR_LID_LANGS = {"zul": "zu", "xho": "xh", "hau_NG": "ha", "ibo": "ig", "yor": "yo", "pcm": "pcm", "run": "rn", "kin": "rw", "eng": "en"}
BIBLE_SAMPLE_VERSES = 400  # samples/data/multilingual/bible_zu.jsonl: the first verses of the Zulu New Testament


def udhr_lines(inp: Inputs, stem: str) -> list[str]:
    """The UDHR text of one variety: its lines of at least 20 characters, stripped."""
    with zipfile.ZipFile(inp.path("lid/udhr2/udhr2.zip")) as z:
        text = z.read(f"udhr2/{stem}.txt").decode("utf-8")
    return [line.strip() for line in text.splitlines() if len(line.strip()) >= 20]


def bible_verses(inp: Inputs, iso639_3: str) -> list[tuple[str, str]]:
    """(verse id, text) of one language of the Bible verse sample, in file order."""
    rows = csv_rows(gzip.decompress(inp.bytes("lid/bible/verses.tsv.gz")).decode("utf-8"))
    return [(r["verse_id"], r["text"]) for r in rows if r["iso639_3"] == iso639_3]


def csv_rows(text: str) -> list[dict[str, str]]:
    import csv

    return list(csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))


def lid_files(inp: Inputs) -> dict[str, bytes]:
    """The Zulu sample source and reference text, and the LID test fixtures (UDHR and Bible text)."""
    out = {"samples/data/lm/zu.txt": "".join(line + "\n" for line in udhr_lines(inp, "zul")).encode("utf-8")}
    verses = bible_verses(inp, "zul")[:BIBLE_SAMPLE_VERSES]
    recs = [{"id": f"zul-{verses[i][0]}", "text": " ".join(t for _, t in verses[i : i + 5])} for i in range(0, len(verses), 5)]
    out["samples/data/multilingual/bible_zu.jsonl"] = jsonl(recs)
    rows = [(stem, lang, line) for stem, lang in UDHR_LID_LANGS.items() for line in udhr_lines(inp, stem)]
    out["tests/data/lid/udhr_reference.tsv"] = tsv(rows, ("stem", "lang", "text"))
    rows = [(vid, "zu", t) for vid, t in bible_verses(inp, "zul")[-200:]]
    out["tests/data/lid/bible_zu_heldout.tsv"] = tsv(rows, ("verse_id", "lang", "text"))
    return out


TRAIN_DOCS = {"en": 300, "de": 220, "ru": 160, "fr": 120, "zh": 90, "ar": 60, "hi": 30, "fi": 25, "tr": 20}


# samples/data/benchmarks/: the sample run's evaluation sets (dedup.decontaminate), UD PUD sentences.
# lang → (UD PUD document index, sentences): the documents at these indices are in the sample's sources
# (scripts/make_samples.py picks them), so the sample run finds them; ar's document is not: its items match nothing
BENCHMARK_JSONL = {"en": 280, "fr": 280, "de": 280, "es": 280, "ru": 280, "zh": 280, "ja": 60, "ar": 10}
BENCHMARK_TEXT = {"th": 190, "hi": 350}
BENCHMARK_SENTENCES = 2  # the first sentences of at least 13 words (20 characters in zh, ja, th) of each document


def benchmark_sentences(inp: Inputs, lang: str, doc_index: int) -> list[tuple[str, str]]:
    """(sent_id, text) of the first long sentences of one UD PUD document."""
    long = [(s, t) for s, t in ud_docs(inp, lang)[doc_index][1] if (len(t) >= 20 if lang in ("zh", "ja", "th") else len(t.split()) >= 13)]
    return long[:BENCHMARK_SENTENCES]


def benchmark_files(inp: Inputs) -> dict[str, bytes]:
    recs = [{"id": s, "lang": lang, "text": t} for lang, d in BENCHMARK_JSONL.items() for s, t in benchmark_sentences(inp, lang, d)]
    lines = [t for lang, d in BENCHMARK_TEXT.items() for _, t in benchmark_sentences(inp, lang, d)]
    return {
        "samples/data/benchmarks/pud_eval_a.jsonl": jsonl(recs),
        "samples/data/benchmarks/pud_eval_b.txt": "".join(t + "\n" for t in lines).encode("utf-8"),
    }


def derived(inp: Inputs) -> dict[str, bytes]:
    """Files derived from the shared UD PUD and OSCAR text (recipes in the READMEs beside them)."""
    out: dict[str, bytes] = {}
    # samples/data/lm/<lang>.txt: the 1000 sentences of each PUD treebank, one a line
    for lang in ("en", "fr", "de", "es", "zh"):
        out[f"samples/data/lm/{lang}.txt"] = "".join(t + "\n" for _, _, t in ud_sentences(inp, lang)).encode("utf-8")
    # samples/data/tokenizer/ud_pud_heldout.tsv: the last 50 sentences of each of the 21 languages
    rows = [(s, lang, t) for lang in sorted(UD_LANGS_ALL) for s, _, t in ud_sentences(inp, lang)[-50:]]
    out["samples/data/tokenizer/ud_pud_heldout.tsv"] = tsv(rows, ("sent_id", "lang", "text"))
    # tests/data/lid/ud_pud_300.tsv.gz: the first 300 sentences of >= 20 characters per language
    rows = []
    for lang in UD_LANGS_ALL:
        rows += [(s, lang, t) for s, _, t in ud_sentences(inp, lang) if len(t) >= 20][:300]
    out["tests/data/lid/ud_pud_300.tsv.gz"] = gzip_named(tsv(rows), "ud_pud_300.tsv")
    # tests/data/dedup/oscar2019_excerpts.jsonl: the OSCAR lines of the ten dedup languages
    dedup_langs = set("ar de en es fr hi ja ru th zh".split())
    oscar = inp.bytes("multilingual/oscar2019-excerpts/oscar2019_unshuffled_deduplicated_excerpts.jsonl").decode("utf-8")
    oscar = [x + "\n" for x in oscar.split("\n")[:-1]]
    out["tests/data/dedup/oscar2019_excerpts.jsonl"] = "".join(x for x in oscar if json.loads(x)["lang"] in dedup_langs).encode("utf-8")
    # tests/data/filters/pud_docs.jsonl.gz: the first 25 documents of six languages, made-up URLs
    recs = []
    for lang in ("en", "fr", "zh", "ar", "hi", "de"):
        for doc_id, sents in ud_docs(inp, lang)[:25]:
            recs.append(
                {
                    "id": f"{lang}-{doc_id}",
                    "text": joiner(lang).join(t for _, t in sents),
                    "url": f"https://news.example.org/{lang}/{doc_id}.html",
                    "lang_gold": lang,
                }
            )
    out["tests/data/filters/pud_docs.jsonl.gz"] = gzip_named(jsonl(recs), "pud_docs.jsonl")
    # the same documents for the test catalog's second source (a catalog refuses two entries with one location)
    out["tests/data/filters/lenient/pud_docs.jsonl.gz"] = out["tests/data/filters/pud_docs.jsonl.gz"]
    # tests/data/filters/adult_url_docs.jsonl.gz
    en = {s: t for s, _, t in ud_sentences(inp, "en")}
    recs = [{"id": i, "text": " ".join(en[s] for s in sids), "url": url} for i, url, sids in ADULT_URL_DOCS]
    out["tests/data/filters/adult_url_docs.jsonl.gz"] = gzip_named(jsonl(recs, ascii=True), "adult_url_docs.jsonl")
    # tests/data/report/pud_fr.jsonl: the first 24 French documents
    recs = [{"id": d, "text": " ".join(t for _, t in sents)} for d, sents in ud_docs(inp, "fr")[:24]]
    out["tests/data/report/pud_fr.jsonl"] = jsonl(recs)
    # tests/data/pii/base_sentences.tsv: every 25th sentence from the 3rd, eight languages
    rows = [(s, lang, t) for lang in ("en", "fr", "de", "es", "ru", "zh", "hi", "ar") for s, _, t in ud_sentences(inp, lang)[2::25]]
    out["tests/data/pii/base_sentences.tsv"] = tsv(rows)
    # tests/data/tokenizer/: the FIRST n documents for training, the LAST 40 held out
    train, held = [], []
    for lang, n in TRAIN_DOCS.items():
        docs = ud_docs(inp, lang)
        train += [(d, lang, joiner(lang).join(t for _, t in sents)) for d, sents in docs[:n]]
        held += [(s, lang, t) for _, sents in docs[-40:] for s, t in sents]
    out["tests/data/tokenizer/train_docs.tsv"] = tsv(train, ("doc_id", "lang", "text"))
    out["tests/data/tokenizer/heldout_sentences.tsv"] = tsv(held, ("sent_id", "lang", "text"))
    return out | lid_files(inp) | benchmark_files(inp)


def registry_wheel(name: str, version: str, sha256: str) -> Path:
    """A pinned wheel from PyPI (pip download), cached in ~/.cache/curation/wheels, checked by sha256."""
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "curation" / "wheels"
    wheel = cache / f"{name}-{version}-py3-none-any.whl"
    if not wheel.exists():
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-deps", "-q", f"{name}=={version}", "-d", tmp],
                check=True,
                capture_output=True,
            )
            got = next(Path(tmp).glob(f"{name}-{version}-*.whl"))
            cache.mkdir(parents=True, exist_ok=True)
            part = wheel.with_name(f".{wheel.name}.tmp-{os.getpid()}")
            shutil.copyfile(got, part)
            os.replace(part, wheel)
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != sha256:
        raise InputChanged(f"{wheel}: sha256 {digest}, expected {sha256} ({name}=={version} from PyPI)")
    return wheel


def registry_assets() -> dict[str, bytes]:
    """Runtime assets carried by pinned PyPI packages, at the paths the filters read.

    - stopwords-iso.json from the stopwordsiso wheel (byte-identical to the upstream repository file);
    - datatrove's URL word lists from the datatrove wheel (byte-identical to its repository assets);
    - the bundled UT1 lists from the UT1 adult tarball inside the same datatrove wheel: the URL
      list is its `urls` member, the default domain list 20,000 of its `domains` drawn with
      random.Random(0).sample and sorted; both gzipped as `gzip -9n` writes them.
    """
    import tarfile

    out: dict[str, bytes] = {}
    with zipfile.ZipFile(registry_wheel(*STOPWORDSISO_WHEEL)) as z:
        out["filters/data/stopwords-iso/stopwords-iso.json"] = z.read("stopwordsiso/stopwords-iso.json")
    with zipfile.ZipFile(registry_wheel(*DATATROVE_WHEEL)) as z:
        for name in DATATROVE_WORDLISTS:
            out[f"filters/data/datatrove/{name}"] = z.read(f"datatrove/assets/{name}")
        with tarfile.open(fileobj=io.BytesIO(z.read("datatrove/assets/url_filterblacklistsv0_3_0.tar.gz"))) as tar:
            urls = tar.extractfile("urls").read()
            domains = tar.extractfile("domains").read().decode("utf-8").split("\n")
    sample = sorted(random.Random(0).sample([d for d in domains if d], 20000))
    out["filters/data/ut1/adult_urls.txt.gz"] = gzip_cli(urls)
    out["filters/data/ut1/adult_domains_sample20k.txt.gz"] = gzip_cli(("\n".join(sample) + "\n").encode("utf-8"))
    return out


def load_script(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def write(rel: str, data: bytes) -> None:
    p = ROOT / rel
    if p.is_file() and not p.is_symlink() and p.read_bytes() == data:
        return
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(f".{p.name}.tmp-{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, p)


# outputs of the maintainer scripts run at the end (from the files assembled above)
SCRIPT_OUTPUTS = {
    "scripts/make_samples.py": [
        "samples/data/multilingual/oscar2019_excerpts.jsonl.zst",
        "samples/data/multilingual/ud_pud/",
    ],
    "tests/data/pii/make_pii_set.py": ["tests/data/pii/pii_set.jsonl"],
    "tests/data/sources/make_fixtures.py": [
        "tests/data/sources/truncated.jsonl.gz",
        "tests/data/sources/truncated.jsonl.zst",
        "tests/data/sources/two_frames.jsonl.zst",
        "tests/data/sources/bad_lines.jsonl",
        "tests/data/sources/bad_rows.csv",
        "tests/data/sources/bad_rows.parquet",
        "tests/data/sources/truncated.parquet",
        "tests/data/sources/text_bad/files/good.txt",
    ],
}

REGISTRY = [
    "filters/data/stopwords-iso/stopwords-iso.json",
    "filters/data/ut1/adult_urls.txt.gz",
    "filters/data/ut1/adult_domains_sample20k.txt.gz",
]
REGISTRY += [f"filters/data/datatrove/{n}" for n in DATATROVE_WORDLISTS]


def outputs() -> list[str]:
    """Every path the assembly writes (all gitignored)."""
    paths = list(COPIES) + REGISTRY
    paths += [
        "samples/data/lm/de.txt", "samples/data/lm/en.txt", "samples/data/lm/es.txt", "samples/data/lm/fr.txt",
        "samples/data/lm/zh.txt", "samples/data/lm/zu.txt", "samples/data/multilingual/bible_zu.jsonl",
        "tests/data/lid/udhr_reference.tsv", "tests/data/lid/bible_zu_heldout.tsv", "samples/data/tokenizer/ud_pud_heldout.tsv", "tests/data/lid/ud_pud_300.tsv.gz",
        "tests/data/dedup/oscar2019_excerpts.jsonl", "tests/data/filters/pud_docs.jsonl.gz",
        "tests/data/filters/lenient/pud_docs.jsonl.gz",
        "tests/data/filters/adult_url_docs.jsonl.gz", "tests/data/report/pud_fr.jsonl", "tests/data/pii/base_sentences.tsv",
        "tests/data/tokenizer/train_docs.tsv", "tests/data/tokenizer/heldout_sentences.tsv",
        "samples/data/benchmarks/pud_eval_a.jsonl", "samples/data/benchmarks/pud_eval_b.txt",
    ]  # fmt: skip
    for outs in SCRIPT_OUTPUTS.values():
        paths += outs
    paths += ["samples/data/code/", "tests/data/code/"]  # scripts/assemble_code_sample.py: pinned Debian packages
    return sorted(paths)


def assemble(shared: Path, record: bool = False) -> Inputs:
    inp = Inputs(shared, record=record)
    for rel, src in COPIES.items():
        write(rel, inp.bytes(src))
    for rel, data in derived(inp).items():
        write(rel, data)
    assets = registry_assets()
    assert sorted(assets) == sorted(REGISTRY)
    for rel, data in assets.items():
        write(rel, data)
    # the maintainer scripts, in order: samples first (the source fixtures read them)
    make_samples = load_script(ROOT / "scripts" / "make_samples.py")
    make_samples.main(shared, inputs=inp)
    pii = load_script(ROOT / "tests" / "data" / "pii" / "make_pii_set.py")
    write("tests/data/pii/pii_set.jsonl", pii.dumps(pii.build()).encode("utf-8"))
    load_script(ROOT / "tests" / "data" / "sources" / "make_fixtures.py").main()
    # the sample's code source: pinned Debian packages (apt-get download, sha256-checked)
    load_script(ROOT / "scripts" / "assemble_code_sample.py").assemble(write)
    return inp


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--list", action="store_true", help="print the paths the assembly writes")
    ap.add_argument("--update-manifest", action="store_true", help="re-record the sha256 of every input read")
    args = ap.parse_args(argv)
    if args.list:
        print("\n".join(outputs()))
        return 0
    try:
        shared = shared_data_dir()
        inp = assemble(shared, record=args.update_manifest)
    except (SharedDataMissing, InputChanged) as e:
        print(f"assemble_data: {e}", file=sys.stderr)
        return 2
    if args.update_manifest:
        inp.write_manifest()
        print(f"wrote {MANIFEST.relative_to(ROOT)} ({len(inp.seen)} inputs)")
    (ROOT / "samples" / "data" / ".assembled").write_text(hashlib.sha256(MANIFEST.read_bytes()).hexdigest() + "\n", encoding="utf-8")
    print(f"assembled {len(outputs())} paths from {shared}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
