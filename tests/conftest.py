"""Shared fixtures: the bundled sample, a temporary output dir, and no network."""

from __future__ import annotations

import gzip
import json
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
DATA = SAMPLES / "data"


ASSEMBLED = DATA / ".assembled"  # written by scripts/assemble_data.py (make setup)
MANIFEST = ROOT / "scripts" / "shared_data.sha256"


def pytest_sessionstart(session):
    """The sample and test data are assembled at setup from the shared data folder, not committed."""
    import hashlib

    how = (
        "run `python scripts/assemble_data.py` (part of `make setup`); it reads the shared third-party data "
        "from CURATION_SHARED_DATA (default ../shared/data)"
    )
    if not ASSEMBLED.exists():
        pytest.exit(f"the sample and test data are not assembled: {how}", returncode=4)
    if ASSEMBLED.read_text(encoding="utf-8").strip() != hashlib.sha256(MANIFEST.read_bytes()).hexdigest():
        pytest.exit(f"the assembled data is stale (scripts/shared_data.sha256 changed): {how}", returncode=4)


# fixture → marker: a test that uses the fixture (directly or through another fixture) gets the marker
MARKERS_BY_FIXTURE = {"spark": "spark"}


def pytest_collection_modifyitems(items):
    """Mark the tests that use a heavy fixture, so `-m "not spark"` leaves them out wherever they live."""
    for item in items:
        for fixture, marker in MARKERS_BY_FIXTURE.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(marker)


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Tests must pass offline: any connection to a non-loopback address fails loudly."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if (
            isinstance(host, str)
            and not (host.startswith("127.") or host in ("localhost", "::1", "0.0.0.0"))
            and self.family != socket.AF_UNIX
        ):
            raise RuntimeError(f"network access attempted in a test: {address}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    yield


@pytest.fixture
def sample_catalog() -> Path:
    return SAMPLES / "catalog.yaml"


def _make(tmp_path: Path, files: int = 3, copies: int = 1) -> Path:
    """A catalog with one jsonl source of `files` files of real CCNet documents (and one broken line)."""
    lines = gzip.open(ROOT / "tests" / "data" / "core" / "cc_en_head-0091.jsonl.gz", "rt", encoding="utf-8").read().splitlines()
    src = tmp_path / "data"
    src.mkdir()
    for f in range(files):
        with open(src / f"docs-{f:02d}.jsonl", "w", encoding="utf-8") as out:
            for c in range(copies):
                for i, line in enumerate(lines):
                    obj = json.loads(line)
                    obj["id"] = f"{obj['id']}#{f}-{c}"
                    out.write(json.dumps(obj, ensure_ascii=False) + "\n")
                    if f == 0 and c == 0 and i == 3:
                        out.write('{"text": "unterminated\n')
    (tmp_path / "catalog.yaml").write_text(
        "sources:\n"
        "  - {id: ccnet, name: CCNet, languages: [en], license: Common Crawl terms, kind: jsonl,\n"
        "     location: 'data/*.jsonl', proposed_by: test, status: approved}\n"
    )
    return tmp_path / "catalog.yaml"


@pytest.fixture
def make_jsonl_source(tmp_path: Path):
    """Factory: a catalog with one jsonl source of real CCNet documents (and one broken line)."""
    return lambda files=3, copies=1: _make(tmp_path, files, copies)


# --- a small but complete run directory for the auditor tools (report, inspect, notebooks) ---

PLANTED_EMAIL = "jane.doe@example.org"
PLANTED_PHONE = "+1 415-555-0134"
AUDIT_STAGES = ("ingest", "filter", "dedup", "tokenize")


def _build_audit_run(root: Path, stages=AUDIT_STAGES) -> Path:
    """A run over real English (CCNet) and French (UD PUD) documents: the real ingest stage, then
    filter / dedup / tokenize outputs written with the real shard writers and counters (simple
    word-count and alphabetic-ratio signals, exact dedup by text, a real BPE tokenizer). A forum
    source carries a planted e-mail address and phone number, in a kept and in a removed document."""
    import hashlib

    from curation.atomic import write_json_atomic
    from curation.catalog import load_catalog
    from curation.config import load_config
    from curation.counts import Counts
    from curation.ingest.stage import run_ingest
    from curation.layout import Layout, part_name
    from curation.schema import REMOVED_SCHEMA, documents_table
    from curation.shards import list_shards, read_table, write_shard
    from curation.stats import write_stats

    data = root / "data"
    data.mkdir(parents=True)
    en = gzip.open(ROOT / "tests" / "data" / "core" / "cc_en_head-0091.jsonl.gz", "rt", encoding="utf-8").read()
    (data / "ccnet_en.jsonl").write_text(en, encoding="utf-8")
    fr = (ROOT / "tests" / "data" / "report" / "pud_fr.jsonl").read_text(encoding="utf-8").splitlines()
    dup = [json.dumps(json.loads(line) | {"id": json.loads(line)["id"] + "-copy"}, ensure_ascii=False) for line in fr[:3]]
    (data / "pud_fr.jsonl").write_text("\n".join(fr + dup + ['{"id": "broken", "text": ']) + "\n", encoding="utf-8")
    long_post = " ".join(["The meeting about the community garden moved to the library hall next Tuesday evening."] * 8)
    forum = [
        {
            "id": "p1",
            "url": f"https://forum.example.org/u/{PLANTED_EMAIL}",
            "text": f"{long_post} Questions? Write to {PLANTED_EMAIL} or call {PLANTED_PHONE} before noon.",
        },
        {"id": "p2", "text": f"Selling my bike, call {PLANTED_PHONE} or mail {PLANTED_EMAIL}"},
        {"id": "p3", "text": "$$$ 1111 2222 ### !!! ??? 9999 %%%% &&&& 0000 //// " * 5},
    ]
    (data / "forum_en.jsonl").write_text("".join(json.dumps(p) + "\n" for p in forum), encoding="utf-8")
    (root / "catalog.yaml").write_text(
        "sources:\n"
        "  - {id: ccnet_en, name: CCNet English head, languages: [en], license: Common Crawl terms of use, kind: jsonl,\n"
        "     location: data/ccnet_en.jsonl, proposed_by: test, status: approved}\n"
        "  - {id: pud_fr, name: UD French PUD, languages: [fr], license: CC BY-SA 3.0, kind: jsonl,\n"
        "     location: data/pud_fr.jsonl, proposed_by: test, status: approved}\n"
        "  - {id: forum_en, name: Community forum, languages: [en], license: CC BY 4.0, kind: jsonl,\n"
        "     location: data/forum_en.jsonl, proposed_by: test, status: approved}\n",
        encoding="utf-8",
    )
    catalog = load_catalog(root / "catalog.yaml")
    out = root / "out"
    cfg = load_config(None, {"output_dir": str(out), "workers": 1, "catalog": str(root / "catalog.yaml")})
    run_ingest(catalog, list(catalog.entries), cfg, progress=False)
    layout = Layout(out)

    if "filter" in stages:
        for entry in catalog.entries:
            for index, shard in enumerate(list_shards(layout.ingested(entry.id))):
                rows = read_table(shard).to_pylist()
                counts, kept, removed = Counts(), [], []
                for row in rows:
                    words = row["text"].split()
                    alpha = sum(c.isalpha() for c in row["text"]) / max(len(row["text"]), 1)
                    row["signals"] = {
                        "words": float(len(words)),
                        "alpha_ratio": round(alpha, 6),
                        "mean_word_length": round(sum(map(len, words)) / max(len(words), 1), 6),
                    }
                    reason = "too_few_words" if len(words) < 50 else "low_alpha_ratio" if alpha < 0.6 else None
                    detail = f"words={len(words)} < 50" if reason == "too_few_words" else f"alpha_ratio={alpha:.2f} < 0.6"
                    outcome = reason or "kept"
                    counts.add("filter:quality", row["lang"], row["source"], outcome, row["text"])
                    counts.add("filter", row["lang"], row["source"], outcome, row["text"])
                    if reason:
                        removed.append(row | {"stage": "quality", "reason": reason, "detail": detail})
                    else:
                        kept.append(row)
                write_shard(
                    layout.filtered(entry.id) / part_name(index), documents_table(kept), {"stage": "filter", "counts": counts.to_json()}
                )
                if removed:
                    write_shard(
                        layout.removed("quality", entry.id) / part_name(index),
                        documents_table(removed, REMOVED_SCHEMA),
                        schema=REMOVED_SCHEMA,
                    )

    if "dedup" in stages:
        docs = read_table(list_shards(layout.filtered())).to_pylist()
        by_lang: dict[str, list[dict]] = {}
        for row in sorted(docs, key=lambda r: r["id"]):
            by_lang.setdefault(row["lang"], []).append(row)
        removed_by_source: dict[str, list[dict]] = {}
        for lang, rows in sorted(by_lang.items()):
            counts, seen, kept = Counts(), {}, []
            for row in rows:
                key = hashlib.sha256(row["text"].encode()).hexdigest()
                if key in seen:
                    counts.add("dedup", lang, row["source"], "exact_duplicate", row["text"])
                    removed_by_source.setdefault(row["source"], []).append(
                        row | {"stage": "dedup", "reason": "exact_duplicate", "detail": f"same text as {seen[key]}"}
                    )
                else:
                    seen[key] = row["id"]
                    counts.add("dedup", lang, row["source"], "kept", row["text"])
                    kept.append(row)
            write_shard(layout.deduped(lang) / part_name(0), documents_table(kept), {"stage": "dedup", "counts": counts.to_json()})
        for source, rows in sorted(removed_by_source.items()):
            write_shard(layout.removed("dedup", source) / part_name(0), documents_table(rows, REMOVED_SCHEMA), schema=REMOVED_SCHEMA)

    if "tokenize" in stages:
        from tokenizers import ByteLevelBPETokenizer

        final = read_table(list_shards(layout.deduped())).to_pylist()
        tokenizer = ByteLevelBPETokenizer()
        tokenizer.train_from_iterator([r["text"] for r in final], vocab_size=400, min_frequency=2, show_progress=False)
        by_lang_tokens, by_source_tokens = {}, {}
        for lang in sorted({r["lang"] for r in final}):
            counts = Counts()
            for row in (r for r in final if r["lang"] == lang):
                n = len(tokenizer.encode(row["text"]).ids) + 1  # + end of document
                counts.add("tokenize", lang, row["source"], "kept", row["text"], tokens=n)
                by_lang_tokens[lang] = by_lang_tokens.get(lang, 0) + n
                by_source_tokens[row["source"]] = by_source_tokens.get(row["source"], 0) + n
            write_json_atomic(layout.tokens() / f"{lang}_00000.stats.json", {"stage": "tokenize", "counts": counts.to_json()})
        from curation.config import TokenizeConfig
        from curation.megatron.manifest import DatasetInfo, build_manifest

        infos = [
            DatasetInfo(
                f"{lang}_00000",
                lang,
                tokens=n,
                bytes=sum(len(r["text"].encode()) for r in final if r["lang"] == lang),
                docs=sum(1 for r in final if r["lang"] == lang),
                langs={lang: [0, n]},
                sources={
                    src: [0, sum(len(tokenizer.encode(r["text"]).ids) + 1 for r in final if r["lang"] == lang and r["source"] == src)]
                    for src in sorted({r["source"] for r in final if r["lang"] == lang})
                },
            )
            for lang, n in sorted(by_lang_tokens.items())
        ]
        write_json_atomic(layout.token_manifest(), build_manifest(infos, {"sha256": "0" * 64}, TokenizeConfig(), {}, 0))
    write_stats(layout)
    return out


@pytest.fixture(scope="session")
def _audit_run_base(tmp_path_factory) -> Path:
    return _build_audit_run(tmp_path_factory.mktemp("audit"))


@pytest.fixture
def audit_run(_audit_run_base: Path, tmp_path: Path) -> Path:
    """The output directory of a complete small run (a private copy: tests may write into it)."""
    import shutil

    shutil.copytree(_audit_run_base.parent, tmp_path / "run")
    return tmp_path / "run" / "out"


@pytest.fixture
def make_audit_run(tmp_path: Path):
    """Factory: a run with only the given stages, e.g. make_audit_run(("ingest",))."""
    return lambda stages=AUDIT_STAGES: _build_audit_run(tmp_path / "partial", tuple(stages))


@pytest.fixture
def planted_pii() -> tuple[str, str]:
    return PLANTED_EMAIL, PLANTED_PHONE
