"""The sample's code source through ingest, filter, tokenizer, tokenize, stats and report (no Spark): every
programming language is its own `zxx-x-<language>` row in the stats, a section or row of the report, a data
card, a tokenizer sampling group and a token dataset of the manifest; the license filter removes the copyleft
packages; near-duplicate shingles of code are identifier tokens."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from curation.config import load_config
from curation.dedup.minhash import MinHasher, jaccard
from curation.layout import Layout
from curation.pipeline import run_pipeline
from curation.stats import collect

ROOT = Path(__file__).resolve().parents[2]
CODE = ROOT / "samples" / "data" / "code"
THIRTEEN = {f"zxx-x-{s}" for s in ("c", "cpp", "csharp", "go", "java", "js", "lua", "php", "python", "ruby", "rust", "scala", "ts")}
CATALOG = """sources:
  - id: debian_code
    name: Debian code
    languages: [zxx]
    license: unknown
    kind: code
    location: data/code
    proposed_by: tests
    status: approved
"""


@pytest.fixture(scope="module")
def code_run(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("code_run")
    (base / "data").mkdir()
    (base / "data" / "code").symlink_to(CODE, target_is_directory=True)
    (base / "catalog.yaml").write_text(CATALOG, encoding="utf-8")
    out = base / "out"
    config = load_config(
        None,
        {
            "catalog": str(base / "catalog.yaml"),
            "output_dir": str(out),
            "workers": 1,
            "filter": {"chain": ["langid", "quality", "code", "license", "secrets"]},
            "tokenizer": {"input_dir": str(out / "filtered")},
            "tokenize": {"input_dir": str(out / "filtered")},
        },
    )
    run_pipeline(config, ["ingest", "filter", "tokenizer", "tokenize", "stats", "report"], progress=False)
    return out


def _rows(out: Path) -> list[dict]:
    return collect(Layout(out)).to_json()


def test_stats_have_a_row_per_programming_language_and_the_license_removals(code_run):
    rows = _rows(code_run)
    ingested = {r["lang"] for r in rows if r["stage"] == "ingest" and r["outcome"] == "kept"}
    assert ingested == THIRTEEN
    removed = {(r["lang"], r["outcome"]) for r in rows if r["stage"] == "filter:license" and r["outcome"] != "kept"}
    assert removed == {("zxx-x-java", "license_not_allowed"), ("zxx-x-python", "license_not_allowed")}  # bsh (LGPL), python-debian (GPL)
    assert {r["stage"] for r in rows} >= {"filter:code", "filter:license", "filter:secrets"}
    assert not {r["stage"] for r in rows} & {"filter:langid", "filter:quality"}  # natural-language filters skip code
    skipped = {r["outcome"] for r in rows if r["stage"] == "ingest" and r["lang"] == "zxx"}
    assert "not_document_not_code" in skipped  # the LICENSE files and the README


def test_token_manifest_and_tokenizer_sampling_per_programming_language(code_run):
    layout = Layout(code_run)
    manifest = json.loads(layout.token_manifest().read_text(encoding="utf-8"))
    assert set(manifest["langs"]) == THIRTEEN
    assert all(v["tokens"] > 0 for v in manifest["langs"].values())
    sampling = json.loads((layout.tokenizer_file().parent / "sampling.json").read_text(encoding="utf-8"))
    assert {g["lang"] for g in sampling["languages"]} == THIRTEEN


def test_report_and_data_cards_name_the_programming_languages(code_run):
    layout = Layout(code_run)
    html = layout.report().read_text(encoding="utf-8")
    for name in ("Python code", "TypeScript code", "C# code", "Scala code", "Rust code"):
        assert name in html
    card = layout.datacard("zxx-x-python").read_text(encoding="utf-8")
    assert "# Data card: Python code (`zxx-x-python`)" in card and "language_bcp47:\n- zxx-x-python" in card


def test_near_duplicate_shingles_of_code_are_identifier_tokens():
    """Dedup's MinHash runs on code as on text (word shingles of the normalised text: identifiers and numbers)."""
    original = (CODE / "golang-github-pkg-errors-dev" / "errors.go").read_text(encoding="utf-8")
    renamed = original.replace("fundamental", "basic", 3)  # a fork that renamed a type in places
    other = (CODE / "golang-github-pkg-errors-dev" / "stack.go").read_text(encoding="utf-8")
    hasher = MinHasher()
    a, b, c = hasher.shingle_sets(pa.array([original, renamed, other]), pa.array(["zxx-x-go"] * 3))
    assert jaccard(a, b) > 0.9 > 0.1 > jaccard(a, c)
    sig, _ = hasher.signatures(pa.array([original, renamed]), pa.array(["zxx-x-go"] * 2))
    assert np.mean(sig[0] == sig[1]) > 0.8
