"""The progress bar counts each document once, though a stage also counts it per step."""

from __future__ import annotations

from pathlib import Path

from curation.runner import Task, TaskResult, run_tasks


def filter_like(task: Task) -> TaskResult:
    result = TaskResult(task=task.name)
    for i in range(3):
        result.counts.add("filter", "en", "src", "kept" if i else "too_short")
        for step in ("langid", "quality", "pii"):
            result.counts.add(f"filter:{step}", "en", "src", "kept")
    return result


def test_progress_counts_documents_not_rows(tmp_path: Path, capsys):
    tasks = [Task("filter", f"t{i}", (), "h", str(tmp_path / f"t{i}.done")) for i in range(2)]
    results = run_tasks(tasks, filter_like, workers=1, description="filter", progress=True)
    assert sum(r.counts.docs() for r in results) == 24  # 4 rows per document
    out = capsys.readouterr().out
    assert "6 docs" in out and "24 docs" not in out
