"""The Python environment Spark's workers get: the project's own packages importable without PYTHONPATH."""

from __future__ import annotations

import os
from pathlib import Path

from curation.spark import worker_env


def test_workers_import_the_project_packages_without_pythonpath(monkeypatch):
    monkeypatch.delenv("PYTHONPATH", raising=False)
    first = Path(worker_env()["PYTHONPATH"].split(os.pathsep)[0])
    for package in ("curation", "filters", "sources"):
        assert (first / package / "__init__.py").is_file()
