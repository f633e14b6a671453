"""One resume mechanism: `curation tokenizer train` and `curation run --stages tokenizer` share the trained
tokenizer; a changed parameter retrains it."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from curation.cli import app
from curation.layout import Layout


def _train_cmd(out: Path, vocab: int) -> list[str]:
    return ["tokenizer", "train", "--out", str(out), "--vocab-size", str(vocab)]


def _run_cmd(out: Path, vocab: int) -> list[str]:
    return ["run", "--out", str(out), "--stages", "tokenizer", "--no-progress", "--set", f"tokenizer.vocab_size={vocab}"]


def _invoke(args: list[str]) -> str:
    result = CliRunner().invoke(app, args + ["--set", "tokenizer.fertility_text=null"])
    assert result.exit_code == 0, result.output
    return result.output


def _stamp(out: Path) -> tuple[int, str]:
    path = Layout(out).tokenizer_file()
    return path.stat().st_mtime_ns, path.read_text(encoding="utf-8")


def _check_shared(first, second, out: Path) -> None:
    _invoke(first(out, 600))
    before = _stamp(out)
    _invoke(second(out, 600))
    assert _stamp(out) == before  # reused, not retrained
    _invoke(second(out, 700))
    assert _stamp(out)[1] != before[1]  # a changed parameter retrains


def test_tokenizer_train_then_run_stage_reuses_the_tokenizer(deduped_dir, tmp_path):
    out = tmp_path / "a"
    shutil.copytree(deduped_dir, Layout(out).deduped())
    _check_shared(_train_cmd, _run_cmd, out)


def test_run_stage_then_tokenizer_train_reuses_the_tokenizer(deduped_dir, tmp_path):
    out = tmp_path / "b"
    shutil.copytree(deduped_dir, Layout(out).deduped())
    _check_shared(_run_cmd, _train_cmd, out)
