"""A stage is one declared object: a new stage is its module, one line in `pipeline.STAGES`, a config
section and an output path, and `curation run` then runs, resumes, counts and reports it."""

from __future__ import annotations

from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from pydantic import Field
from typer.testing import CliRunner

import curation.config
from curation import pipeline
from curation.cli import app
from curation.config import RunConfig, Section
from curation.counts import KEPT, Counts
from curation.layout import Layout
from curation.runner import Task, TaskResult, run_tasks, shard_task
from curation.shards import ShardWriter, list_shards, read_table
from curation.stage import Stage, StageResult, default_input

# --- the toy stage's module: keeps documents of at least `min_chars` characters ---------------------


class ToyConfig(Section):
    min_chars: int = Field(500, ge=0)


def toy_output(layout: Layout) -> Path:
    return layout.root / "toy"


def toy_shard(task: Task) -> TaskResult:
    table = read_table([task.inputs[0]])
    long = pc.greater_equal(pc.utf8_length(table["text"]), task.payload["min_chars"])
    counts = Counts()
    for row, keep in zip(table.select(["lang", "source", "text"]).to_pylist(), long.to_pylist()):
        counts.add("toy", row["lang"], row["source"], KEPT if keep else "too_short", row["text"])
    writer = ShardWriter(Path(task.payload["out"]))
    writer.write(table.filter(long))
    return TaskResult(task.name, outputs=[str(writer.close({"stage": "toy", "counts": counts.to_json()}))], counts=counts)


def run_toy(config, progress: bool = True) -> StageResult:
    layout = Layout(config.output_dir)
    source = default_input(TOY, layout)
    tasks = [
        shard_task(
            layout,
            "toy",
            str(shard.relative_to(source).with_suffix("")).replace("/", "."),
            [shard],
            config.section_hash(TOY.section),
            out=str(toy_output(layout) / shard.relative_to(source)),
            min_chars=config.toy.min_chars,
        )
        for shard in list_shards(source)
    ]
    return StageResult.of_tasks(run_tasks(tasks, toy_shard, workers=1, description="toy", progress=progress))


TOY = Stage("toy", run_toy, section="toy", label="after toy", reads="ingest", output=toy_output)


class ToyRunConfig(RunConfig):
    toy: ToyConfig = Field(default_factory=ToyConfig)


# --- the test ---------------------------------------------------------------------------------------


@pytest.fixture
def with_toy(monkeypatch):
    stages = list(pipeline.STAGES)
    stages.insert(stages.index(pipeline.stage_named("ingest")) + 1, TOY)  # the one line in the list
    monkeypatch.setattr(pipeline, "STAGES", stages)
    monkeypatch.setattr(curation.config, "RunConfig", ToyRunConfig)  # the config section


def _run(catalog: Path, out: Path, *extra: str) -> str:
    """`curation run` in this process; the toy stage's line of `logs/run.log`."""
    args = [
        "run",
        "--out",
        str(out),
        "--stages",
        "ingest,toy,stats,report",
        "--no-progress",
        "--set",
        f"catalog={catalog}",
        "--set",
        "workers=1",
        *extra,
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return [line for line in Layout(out).logs().joinpath("run.log").read_text().splitlines() if " stage=toy " in line][-1]


def _toy_counts(out: Path) -> dict[str, int]:
    return {r["outcome"]: r["docs"] for r in pq.read_table(Layout(out).stats()).to_pylist() if r["stage"] == "toy"}


def test_a_toy_stage_runs_resumes_counts_and_reports_with_no_other_edit(with_toy, tmp_path, make_jsonl_source):
    catalog = make_jsonl_source()
    out = tmp_path / "out"
    assert "tasks: 1" in _run(catalog, out)  # the 3 small files are ingested as one shard
    toy = _toy_counts(out)
    assert sum(toy.values()) == 30 and toy[KEPT] == len(read_table(list_shards(out / "toy")))
    assert 0 < toy[KEPT] < 30  # the threshold cut the real documents somewhere in the middle
    assert "docs after toy" in Layout(out).report().read_text(encoding="utf-8")

    assert "tasks: 1 (1 resumed)" in _run(catalog, out)
    assert "resumed" not in _run(catalog, out, "--set", "toy.min_chars=0")  # its own parameter reruns it
    assert _toy_counts(out) == {KEPT: 30}
