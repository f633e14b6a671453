"""Resumable task execution: the one resume mechanism of every stage.

A task turns input files into outputs: a shard stage runs one per input shard (`run_tasks`), a
whole-stage job (dedup, a language model, the tokenizer) is one task run in this process
(`run_job`). When a task finishes, a completion marker is written keyed by the inputs' content
fingerprint and the stage's config hash (never by worker or task count), so a rerun skips exactly
the tasks whose inputs and parameters are unchanged, whichever command runs them and however
many workers it uses.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curation.atomic import write_json_atomic
from curation.counts import Counts
from curation.shards import stats_path

_SAMPLE = 1 << 16


def fingerprint(paths: Iterable[str | Path]) -> str:
    """Content fingerprint of input files: size plus first and last 64 KiB of each.

    Cheap on multi-gigabyte dumps, yet it changes when a file is replaced or grows.
    """
    h = hashlib.sha256()
    for p in paths:
        p = Path(p)
        size = p.stat().st_size
        h.update(f"{p.name}\x00{size}\x00".encode())
        with open(p, "rb") as f:
            h.update(f.read(_SAMPLE))
            if size > 2 * _SAMPLE:
                f.seek(size - _SAMPLE)
                h.update(f.read(_SAMPLE))
    return h.hexdigest()


@dataclass(frozen=True)
class Task:
    """One unit of work; `name` is unique in its stage and safe as a file name."""

    stage: str
    name: str
    inputs: tuple[str, ...]
    config_hash: str
    marker: str  # path of the completion marker
    payload: dict[str, Any] = field(default_factory=dict)


def shard_task(layout: Any, stage: str, name: str, inputs: Iterable[str | Path], config_hash: str, **payload: Any) -> Task:
    """A stage's task with its completion marker where the layout keeps that stage's markers."""
    return Task(stage, name, tuple(str(p) for p in inputs), config_hash, str(layout.marker(stage, name)), payload)


@dataclass
class TaskResult:
    task: str
    outputs: list[str] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)
    errors: list[dict] = field(default_factory=list)
    skipped: bool = False  # completed by an earlier run
    facts: dict[str, Any] = field(default_factory=dict)  # small JSON values a stage reports (a job's threshold, ...)

    def to_json(self) -> dict:
        data = {"task": self.task, "outputs": self.outputs, "counts": self.counts.to_json(), "errors": self.errors}
        return data | ({"facts": self.facts} if self.facts else {})

    @classmethod
    def from_json(cls, data: dict, skipped: bool = False) -> TaskResult:
        return cls(data["task"], data["outputs"], Counts.from_json(data["counts"]), data["errors"], skipped, data.get("facts", {}))


def completed(task: Task) -> TaskResult | None:
    """The earlier result if the task is complete for these inputs and parameters."""
    marker = Path(task.marker)
    if not marker.exists():
        return None
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("fingerprint") != fingerprint(task.inputs) or data.get("config_hash") != task.config_hash:
        return None
    if not all(Path(o).exists() for o in data["result"]["outputs"]):
        return None
    return TaskResult.from_json(data["result"], skipped=True)


def _execute(fn: Callable[[Task], TaskResult], task: Task) -> TaskResult:
    result = fn(task)
    write_json_atomic(
        Path(task.marker),
        {"fingerprint": fingerprint(task.inputs), "config_hash": task.config_hash, "result": result.to_json()},
    )
    return result


def run_job(task: Task, fn: Callable[[Task], TaskResult]) -> TaskResult:
    """A whole-stage job, in this process: the earlier result when complete for these inputs and parameters."""
    return completed(task) or _execute(fn, task)


def remove_stale(folders: Iterable[Path], outputs: Iterable[str | Path], pattern: str = "part-*") -> list[Path]:
    """Remove what an earlier run left in these folders that this run did not produce (shards of files
    regrouped or gone, of a changed shard size, temporary files of a killed run): left in place, the
    next stages would read them. `outputs`: this run's files; their stats sidecars are kept too."""
    produced = {Path(o).resolve() for o in outputs}
    produced |= {stats_path(p) for p in produced}
    removed = []
    for folder in sorted(set(folders)):
        if folder.is_dir():
            for path in sorted(folder.glob(pattern)):
                if path.is_file() and path.resolve() not in produced:
                    path.unlink()
                    removed.append(path)
    return removed


def run_tasks(
    tasks: Sequence[Task],
    fn: Callable[[Task], TaskResult],
    workers: int = 1,
    description: str = "",
    progress: bool = True,
    spark: Any = None,
) -> list[TaskResult]:
    """Run the incomplete tasks; results come back in task order.

    On a local process pool by default; with `spark` (a `SparkConfig`) as one Spark task per
    shard task, the same function, on whatever `spark.master` names. Outputs and markers are
    written by the executors, so on a cluster the output directory must be shared storage.
    """
    results: dict[str, TaskResult] = {}
    todo = []
    for task in tasks:
        done = completed(task)
        if done is not None:
            results[task.name] = done
        else:
            todo.append(task)

    with _progress(progress, description, len(tasks), len(tasks) - len(todo)) as advance:
        if spark is not None and todo:
            for result in _run_on_spark(todo, fn, spark, description):
                results[result.task] = result
                advance(result)
        elif workers <= 1 or len(todo) <= 1:
            for task in todo:
                results[task.name] = _execute(fn, task)
                advance(results[task.name])
        else:
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            ctx = multiprocessing.get_context("forkserver")
            with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
                pending = {pool.submit(_execute, fn, t): t for t in todo}
                while pending:
                    finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for fut in finished:
                        task = pending.pop(fut)
                        results[task.name] = fut.result()
                        advance(results[task.name])
    return [results[t.name] for t in tasks]


def _run_on_spark(todo: Sequence[Task], fn: Callable[[Task], TaskResult], spark_config: Any, description: str) -> list[TaskResult]:
    from functools import partial

    from curation.spark import build_session

    session = build_session(spark_config, app_name=f"curation-{description or 'tasks'}")
    try:
        return session.sparkContext.parallelize(list(todo), len(todo)).map(partial(_execute, fn)).collect()
    finally:
        session.stop()


class _progress:
    """A rich progress bar over tasks, counting documents as tasks finish."""

    def __init__(self, enabled: bool, description: str, total: int, already: int):
        self.enabled = enabled and total > 0
        self.description = description
        self.total = total
        self.already = already

    def __enter__(self) -> Callable[[TaskResult], None]:
        if not self.enabled:
            return lambda result: None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._bar = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[docs]:,} docs"),
            TimeElapsedColumn(),
            transient=False,
        )
        self._bar.__enter__()
        self._id = self._bar.add_task(self.description, total=self.total, completed=self.already, docs=0)
        self._docs = 0

        def advance(result: TaskResult) -> None:
            # a stage also counts per step (filter:<name>); the stage's own rows count each document once
            self._docs += result.counts.docs(stage=self.description) or result.counts.docs()
            self._bar.update(self._id, advance=1, docs=self._docs)

        return advance

    def __exit__(self, *exc) -> None:
        if self.enabled:
            self._bar.__exit__(*exc)
