"""The README's run command, end to end on the bundled sample (plus one planted source).

One run of `curation run` over a copy of `samples/`, shared by the tests below: outputs of
every stage exist, a second run changes no output byte, counts reconcile across all stages,
and a planted e-mail address and phone number reach no report, stats file, data card, log,
removed shard or inspection output.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from curation.layout import Layout
from curation.pipeline import STAGES, counted_stages
from curation.stats import collect, reconcile

pytestmark = [pytest.mark.spark, pytest.mark.kenlm]  # `curation run`: dedup on Spark, perplexity models trained with KenLM

ROOT = Path(__file__).resolve().parents[1]
EMAIL = "olga.petrova@example.org"
PHONE = "+44 20 7946 0958"
PLANTED = "planted_forum"
COUNTED = [s.name for s in counted_stages()]


POSTS = (
    "Our community garden opened its third season last weekend, and more than forty neighbours came to help. "
    "We planted tomatoes, beans and a long row of sunflowers along the fence, and the children painted new signs "
    "for every bed. The water tank that was damaged in the winter storm has been repaired, so the beds near the "
    "school can finally be watered without carrying buckets across the street. Volunteers are still needed on "
    "Thursday evenings, when we turn the compost and share whatever the beds have produced that week.",
    "The reading club will meet in the library annex from next month, because the old room above the bakery is "
    "being renovated. We are starting a novel about a family of lighthouse keepers on a northern island, and the "
    "librarian has ordered enough copies for everyone who signed up. New members are always welcome, and you do "
    "not need to have finished the book to join the discussion; most of us read slowly and talk about the first "
    "chapters for weeks before anyone reaches the end.",
)


def _plant(samples: Path) -> None:
    """A forum-like English source written for this test, with contact details inserted: one long
    post (kept, so the PII filter redacts it), one too short (removed by quality), one clean."""
    docs = [
        {"id": "post-1", "text": f"{POSTS[0]}\nQuestions? Write to {EMAIL} or call {PHONE} any weekday."},
        {"id": "post-2", "text": f"Contact {EMAIL} / {PHONE}"},
        {"id": "post-3", "text": POSTS[1]},
    ]
    (samples / "data" / "planted").mkdir()
    (samples / "data" / "planted" / "forum.jsonl").write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    with open(samples / "catalog.yaml", "a", encoding="utf-8") as f:
        f.write(
            f"\n  - id: {PLANTED}\n    name: Planted forum posts\n    languages: [en]\n    license: CC0-1.0\n"
            "    kind: jsonl\n    location: data/planted/forum.jsonl\n    proposed_by: tests\n    status: approved\n"
        )


def _run(config: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "curation", "run", str(config), "--no-progress"], env=env, capture_output=True, text=True, timeout=1500
    )


def _outputs(out: Path) -> dict[str, str]:
    """Digest of every output file; markers, logs and the run record (its start and end times) are bookkeeping, not outputs."""
    return {
        str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not ({"_markers", "logs"} & set(p.relative_to(out).parts)) and p.name != "run.json"
    }


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("e2e")
    samples = base / "samples"
    shutil.copytree(ROOT / "samples", samples)
    _plant(samples)
    first = _run(samples / "run.yaml")
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    out = base / "out"
    digests = _outputs(out)
    record = json.loads(Layout(out).run_record().read_text(encoding="utf-8"))
    second = _run(samples / "run.yaml")
    assert second.returncode == 0, second.stderr[-3000:]
    return {"out": out, "first": first, "second": second, "digests": digests, "samples": samples, "record": record}


def test_run_produces_token_shards_report_and_datacards(sample_run):
    out: Path = sample_run["out"]
    layout = Layout(out)
    manifest = json.loads(layout.token_manifest().read_text())
    assert manifest["tokenizer"]["sha256"] == hashlib.sha256(layout.tokenizer_file().read_bytes()).hexdigest()
    bins = sorted(layout.tokens().glob("*.bin"))
    assert bins and all(b.with_suffix(".idx").exists() for b in bins)
    assert {"en", "fr", "zh"} <= {b.name.rsplit("_", 1)[0] for b in bins}
    assert layout.report().read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert layout.datacard("en").exists() and layout.datacard("fr").exists()
    assert f"outputs are in {out.resolve()}" in sample_run["first"].stdout.replace("\n", "")


def test_the_sample_token_manifest_counts_code_per_programming_language(sample_run):
    manifest = json.loads(Layout(sample_run["out"]).token_manifest().read_text())
    code = {lang: v["tokens"] for lang, v in manifest["langs"].items() if lang.startswith("zxx-x-")}
    subtags = ("c", "cpp", "csharp", "go", "java", "js", "lua", "php", "python", "ruby", "rust", "scala", "ts")
    assert set(code) == {f"zxx-x-{s}" for s in subtags} and all(code.values())
    assert "debian_code" in manifest["sources"]


def test_second_run_changes_no_output_byte(sample_run):
    assert _outputs(sample_run["out"]) == sample_run["digests"]
    assert "trained: none" in sample_run["second"].stdout
    # the run record: a new run, the same provenance of every stage that only resumed
    first, second = sample_run["record"], json.loads(Layout(sample_run["out"]).run_record().read_text(encoding="utf-8"))
    assert first["status"] == second["status"] == "complete" and first["config_hash"] == second["config_hash"]
    configured = [s.name for s in STAGES if s.section]
    assert {k: first["stages"][k] for k in configured} == {k: second["stages"][k] for k in configured}


# what a person can read: a page of this size, not 3.5 MB and 1,300 histograms
REPORT_MAX_BYTES = 500_000
REPORT_MAX_CHARTS = 120


def test_the_sample_report_is_small_with_few_charts(sample_run):
    html = Layout(sample_run["out"]).report().read_text(encoding="utf-8")
    size, charts = len(html.encode("utf-8")), html.count("<svg")
    print(f"sample report: {size:,} bytes, {charts} charts (targets: under {REPORT_MAX_BYTES:,} bytes and {REPORT_MAX_CHARTS} charts)")
    assert size < REPORT_MAX_BYTES and charts < REPORT_MAX_CHARTS
    assert html.index('<h2 id="totals">') < html.index('<h2 id="languages">') and "Outputs of <b>" in html


def test_counts_reconcile_across_all_stages(sample_run):
    counts = collect(Layout(sample_run["out"]))
    assert reconcile(counts) == []
    present = {stage for (stage, _l, _s, _o) in counts.rows}
    assert set(COUNTED) <= present
    # the planted source flows through every stage: 3 in, 1 removed by quality, 2 tokenized
    by_stage = {s: sum(v[0] for (st, _l, src, _o), v in counts.rows.items() if st == s and src == PLANTED) for s in COUNTED}
    assert by_stage == {"ingest": 3, "filter": 3, "dedup": 2, "tokenize": 2}
    tokens = sum(v[3] for (st, _l, _s, _o), v in counts.rows.items() if st == "tokenize")
    manifest = json.loads(Layout(sample_run["out"]).token_manifest().read_text())
    assert tokens == manifest["totals"]["tokens"] == sum(v["tokens"] for v in manifest["langs"].values())


@pytest.mark.parametrize("folder", ["filtered", "deduped", "removed"])
def test_shards_load_in_hf_datasets_with_signals_and_origin(sample_run, folder, tmp_path):
    """The real run's shards load with `datasets.load_dataset("parquet")`, in memory and streaming; signals and meta.origin survive."""
    import datasets

    from curation.schema import signals_of
    from curation.shards import list_shards, read_table

    def measured(value) -> dict:  # NaN (a filter could not measure) compares unequal to itself: None stands for it
        return {k: None if v != v else v for k, v in signals_of(value).items()}

    shards = list_shards(getattr(Layout(sample_run["out"]), folder)())
    table = read_table(shards, columns=["id", "signals"])
    expected = {i: measured(s) for i, s in zip(table.column("id").to_pylist(), table.column("signals").to_pylist())}
    files = [str(p) for p in shards]
    ds = datasets.load_dataset("parquet", data_files=files, split="train", cache_dir=str(tmp_path))
    assert {r["id"]: measured(r["signals"]) for r in ds} == expected
    streamed = list(datasets.load_dataset("parquet", data_files=files, split="train", streaming=True))
    assert {r["id"]: measured(r["signals"]) for r in streamed} == expected
    planted = [r for r in streamed if r["source"] == PLANTED]
    assert planted, f"the planted source has no document in {folder}/"
    for r in planted:
        assert 0 < signals_of(r["signals"])["lang_score"] <= 1  # every planted document reached langid
        origin = json.loads(r["meta"])["origin"]
        assert origin["file"] == "forum.jsonl" and origin["id"] in {"post-1", "post-2", "post-3"}
        assert origin["line"] == int(origin["id"][-1])


def test_token_side_tables_name_url_and_shard(sample_run):
    out: Path = sample_run["out"]
    docs = pq.read_table(sorted(Layout(out).tokens().glob("en_*.docs.parquet"))[0]).to_pylist()
    for row in docs[:50]:
        assert row["shard"].startswith("deduped/en/")
        assert pq.read_table(out / row["shard"], columns=["id"]).column("id")[row["shard_row"]].as_py() == row["id"]
    assert any(row["url"] for row in docs), "no English document with a url in the sample"


def _texts(paths) -> str:
    return "\n".join(t for p in paths for t in pq.read_table(p, columns=["text"]).column("text").to_pylist())


def test_planted_pii_reaches_no_report_stats_datacard_log_or_inspection(sample_run):
    out: Path = sample_run["out"]
    layout = Layout(out)
    # the raw ingested copy holds it (so the checks below can fail) ...
    assert EMAIL in _texts(layout.ingested(PLANTED).glob("*.parquet"))
    # ... nothing written for people or downstream does
    downstream = (
        list(layout.filtered().rglob("*.parquet")) + list(layout.removed().rglob("*.parquet")) + list(layout.deduped().rglob("*.parquet"))
    )
    text = _texts(downstream)
    assert "<EMAIL>" in text and "<PHONE>" in text
    readable = [p for p in out.rglob("*") if p.is_file() and p.suffix in {".html", ".md", ".json", ".jsonl", ".log", ".csv"}]
    readable += [layout.stats()]
    assert any(p.suffix == ".log" for p in readable)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    shown = sample_run["first"].stdout + sample_run["first"].stderr
    for args in (["--stage", "filter", "--source", PLANTED], ["--stage", "filter", "--kept", "--source", PLANTED]):
        result = subprocess.run(
            [sys.executable, "-m", "curation", "inspect", "--out", str(out), "-n", "5", *args], env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        shown += result.stdout + result.stderr
    stats_text = pq.read_table(layout.stats()).to_pandas().to_csv()
    for secret in (EMAIL, PHONE, PHONE.replace(" ", "")):
        assert secret not in text
        assert secret not in shown and secret not in stats_text
        for p in readable:
            assert secret not in p.read_text(encoding="utf-8", errors="replace"), p
