"""The same config run from another folder gives the same tasks (issue 11, item 6): every path resolves
against the config file or the catalog, and no absolute output path is hashed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from curation.config import load_config, path_fields
from curation.layout import Layout

ROOT = Path(__file__).resolve().parents[2]


def _ingest(config: str, out: Path, cwd: Path) -> str:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    args = [sys.executable, "-m", "curation", "run", config, "--out", str(out), "--stages", "ingest,lm", "--no-progress"]
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return Layout(out).logs().joinpath("run.log").read_text()


def test_same_config_from_another_directory_resumes_every_task(tmp_path):
    out = tmp_path / "out"
    _ingest("samples/run.yaml", out, ROOT)
    shards = sorted(p.relative_to(out) for p in Layout(out).ingested().rglob("*.parquet"))
    log = _ingest(os.path.relpath(ROOT / "samples" / "run.yaml", tmp_path), out, tmp_path)
    last = [line for line in log.splitlines() if " stage=ingest " in line or " stage=lm " in line][-2:]
    assert all("resumed)" in line for line in last), last
    ingest_line = last[0]
    tasks = ingest_line.split("tasks: ")[1].split(" ")[0]
    assert f"tasks: {tasks} ({tasks} resumed)" in ingest_line
    assert sorted(p.relative_to(out) for p in Layout(out).ingested().rglob("*.parquet")) == shards


def _set(data: dict, dotted: str, value) -> None:
    *parents, key = dotted.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[key] = value


def _get(data: dict, dotted: str):
    for part in dotted.split("."):
        data = data[part]
    return data


def test_every_path_field_of_a_config_file_is_relative_to_the_file(tmp_path):
    import yaml

    shapes = {
        "reference": {"en": ["x"]},
        "dedup.input_dirs": ["x"],
        "dedup.decontaminate.benchmarks": {"en": ["x"]},
    }  # the mapping and the list fields
    data: dict = {}
    for name in path_fields():
        _set(data, name, shapes.get(name, "x"))
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "run.yaml").write_text(yaml.safe_dump(data))
    config = load_config(tmp_path / "conf" / "run.yaml").model_dump(mode="json")
    expected = str(tmp_path / "conf" / "x")
    for name in path_fields():
        value = _get(config, name)
        assert value in (expected, [expected], {"en": [expected]}), (name, value)
