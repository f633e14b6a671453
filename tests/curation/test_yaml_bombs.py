"""YAML alias bombs (issue 11, item 8): refused at load, quickly, for catalogs and run configs."""

from __future__ import annotations

import time

from typer.testing import CliRunner

from curation.catalog.validate import validate_file
from curation.cli import app
from curation.yaml_safe import load_yaml, shown


def _bomb(depth: int = 9, fan: int = 9) -> str:
    """The classic: each level lists the previous one `fan` times (fan**depth values from a few hundred bytes)."""
    lines = ['a0: &a0 ["lol"]']
    for d in range(1, depth + 1):
        lines.append(f"a{d}: &a{d} [" + ", ".join([f"*a{d - 1}"] * fan) + "]")
    return "\n".join(lines) + "\n"


def test_a_catalog_alias_bomb_is_one_quick_problem(tmp_path):
    path = tmp_path / "catalog.yaml"
    path.write_text("sources:\n  - {id: x, name: x}\n" + _bomb(), encoding="utf-8")
    assert len(path.read_bytes()) < 1000
    start = time.perf_counter()
    _entries, problems = validate_file(path)
    assert time.perf_counter() - start < 5
    assert len(problems) == 1 and "aliases expand" in problems[0].message and len(str(problems[0])) < 500


def test_a_run_config_alias_bomb_stops_the_dry_run(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text(_bomb() + "workers: 1\n", encoding="utf-8")
    start = time.perf_counter()
    result = CliRunner().invoke(app, ["run", str(path), "--dry-run"])
    assert time.perf_counter() - start < 5
    assert result.exit_code == 2 and "aliases expand" in result.output


def test_modest_aliases_still_load_and_long_values_are_cut_in_messages():
    assert load_yaml("base: &b {min_words: 5}\nen: *b\nde: *b\n") == {
        "base": {"min_words": 5},
        "en": {"min_words": 5},
        "de": {"min_words": 5},
    }
    assert len(shown("x" * 10_000)) == 120
