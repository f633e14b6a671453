"""The ingest stage end to end: shards, counts, resume, and kill -9 recovery."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from curation.catalog import load_catalog
from curation.config import load_config
from curation.ingest.stage import group_files, run_ingest
from curation.layout import Layout
from curation.shards import list_shards

ROOT = Path(__file__).resolve().parents[2]


def shard_bytes(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file() and "_markers" not in p.parts}


def test_ingest_writes_shards_counts_and_reports_bad_records(tmp_path: Path, make_jsonl_source):
    catalog = load_catalog(make_jsonl_source())
    cfg = load_config(None, {"output_dir": str(tmp_path / "out"), "workers": 1, "ingest.max_docs_per_shard": 6})
    summary = run_ingest(catalog, catalog.entries, cfg, progress=False)
    layout = Layout(cfg.output_dir)
    shards = [p.name for p in list_shards(layout.ingested("ccnet"))]
    # 3 small files x 10 docs read by one task, split at 6 per shard (no empty trailing shard)
    assert shards == ["part-00000.parquet"] + [f"part-00000-{c:03d}.parquet" for c in range(1, 5)]
    assert sum(pq.read_metadata(layout.ingested("ccnet") / s).num_rows for s in shards) == 30
    assert summary.counts.docs(outcome="kept") == 30
    assert summary.counts.docs(outcome="bad_record_invalid_json") == 1
    errors = [json.loads(line) for line in layout.errors("ingest").read_text().splitlines()]
    assert len(errors) == 1
    assert errors[0]["problem"] == "invalid_json" and errors[0]["offset"] == 5
    assert errors[0]["path"].endswith("docs-00.jsonl") and errors[0]["source"] == "ccnet"


def test_rerun_skips_completed_tasks_and_changes_no_byte(tmp_path: Path, make_jsonl_source):
    catalog = load_catalog(make_jsonl_source())
    cfg = load_config(None, {"output_dir": str(tmp_path / "out"), "workers": 2})
    first = run_ingest(catalog, catalog.entries, cfg, progress=False)
    before = shard_bytes(tmp_path / "out")
    second = run_ingest(catalog, catalog.entries, cfg, progress=False)
    assert (first.resumed, second.resumed) == (0, first.tasks)
    assert shard_bytes(tmp_path / "out") == before
    # a changed parameter invalidates the markers
    third = run_ingest(
        catalog, catalog.entries, load_config(None, {"output_dir": str(tmp_path / "out"), "ingest.max_docs_per_shard": 4}), progress=False
    )
    assert third.resumed == 0


def test_small_files_are_grouped_into_tasks_up_to_task_bytes(tmp_path: Path):
    sizes = [10, 10, 10, 50, 10, 0, 200, 10]
    files = []
    for i, size in enumerate(sizes):
        files.append(tmp_path / f"f{i}")
        files[-1].write_bytes(b"x" * size)
    groups = [(index, [p.name for p in paths]) for index, paths in group_files(files, 60)]
    assert groups == [(0, ["f0", "f1", "f2"]), (3, ["f3", "f4", "f5"]), (6, ["f6"]), (7, ["f7"])]
    assert [len(paths) for _i, paths in group_files(files, 1)] == [1] * 8  # every file its own task
    assert group_files([tmp_path / "missing", files[0]], 60) == [(0, [tmp_path / "missing"]), (1, [files[0]])]


def test_one_task_per_file_when_task_bytes_is_small(tmp_path: Path, make_jsonl_source):
    catalog = load_catalog(make_jsonl_source())
    cfg = load_config(None, {"output_dir": str(tmp_path / "out"), "workers": 1, "ingest.task_bytes": 1})
    summary = run_ingest(catalog, catalog.entries, cfg, progress=False)
    assert summary.tasks == 3
    assert [p.name for p in list_shards(Layout(cfg.output_dir).ingested("ccnet"))] == [f"part-{f:05d}.parquet" for f in range(3)]
    assert summary.counts.docs(outcome="kept") == 30


def test_regrouped_files_leave_no_stale_shard(tmp_path: Path, make_jsonl_source):
    catalog = load_catalog(make_jsonl_source())
    per_file = load_config(None, {"output_dir": str(tmp_path / "out"), "workers": 1, "ingest.task_bytes": 1})
    run_ingest(catalog, catalog.entries, per_file, progress=False)
    folder = Layout(per_file.output_dir).ingested("ccnet")
    assert len(list_shards(folder)) == 3
    grouped = load_config(None, {"output_dir": str(tmp_path / "out"), "workers": 1})
    run_ingest(catalog, catalog.entries, grouped, progress=False)
    # the earlier per-file shards would give every document twice to the next stages
    assert [p.name for p in sorted(folder.iterdir())] == ["part-00000.parquet", "part-00000.stats.json"]
    assert pq.read_metadata(folder / "part-00000.parquet").num_rows == 30


def test_kill_9_then_rerun_gives_identical_shards(tmp_path: Path, make_jsonl_source):
    catalog_path = make_jsonl_source(files=12, copies=40)
    cmd = [
        sys.executable,
        "-m",
        "curation",
        "ingest",
        "--catalog",
        str(catalog_path),
        "--workers",
        "1",
        "--no-progress",
        "--set",
        "ingest.task_bytes=1",
    ]  # a task per file, so the kill lands between tasks
    env = dict(os.environ, PYTHONPATH=str(ROOT))

    subprocess.run(cmd + ["--out", str(tmp_path / "clean")], check=True, env=env, capture_output=True)
    expected = shard_bytes(tmp_path / "clean")

    interrupted = tmp_path / "interrupted"
    markers = Layout(interrupted).markers("ingest")
    proc = subprocess.Popen(cmd + ["--out", str(interrupted)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (markers.exists() and any(markers.iterdir())):
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done_before_rerun = len(list(markers.iterdir()))
    assert 0 < done_before_rerun < 12, "the kill must land mid-run"

    subprocess.run(cmd + ["--out", str(interrupted)], check=True, env=env, capture_output=True)
    assert shard_bytes(interrupted) == expected
    shutil.rmtree(tmp_path / "clean")


@pytest.mark.spark
def test_spark_executor_writes_the_same_shards_as_the_process_pool(tmp_path: Path, make_jsonl_source):
    catalog = load_catalog(make_jsonl_source())
    local = load_config(None, {"output_dir": str(tmp_path / "local"), "workers": 2})
    spark = load_config(None, {"output_dir": str(tmp_path / "spark"), "executor": "spark", "spark.master": "local[2]"})
    run_ingest(catalog, catalog.entries, local, progress=False)
    summary = run_ingest(catalog, catalog.entries, spark, progress=False)
    assert summary.counts.docs(outcome="kept") == 30
    assert shard_bytes(tmp_path / "spark") == shard_bytes(tmp_path / "local")
