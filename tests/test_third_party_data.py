"""Third-party data is read where it lives (the shared data folder), never committed (issue 12).

No tracked file may hold the bytes of a file under CURATION_SHARED_DATA (default
../shared/data), compared raw and, for gzip files on either side, decompressed.
"""

from __future__ import annotations

import gzip
import hashlib
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from curation.shared_data import ENV, SharedDataMissing, shared_data_dir

ROOT = Path(__file__).resolve().parent.parent
# the setup step assembles the sample and test data from this folder, so the suite cannot run without it
SHARED = shared_data_dir(root=ROOT)


def _digests(path: Path) -> set[str]:
    """sha256 of the file's bytes and, for a gzip file, of its decompressed content (streamed)."""
    out = {hashlib.sha256(path.read_bytes()).hexdigest()}
    with open(path, "rb") as f:
        gz = f.read(2) == b"\x1f\x8b"
    if gz:
        h = hashlib.sha256()
        try:
            with gzip.open(path, "rb") as f:
                while chunk := f.read(1 << 20):
                    h.update(chunk)
        except (OSError, EOFError, zlib.error):  # a deliberately clipped archive: no decompressed form
            return out
        out.add(h.hexdigest())
    return out


def _tracked() -> list[Path]:
    names = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    return [ROOT / n for n in names if n and (ROOT / n).is_file()]  # a tracked symlink is checked through its target


def test_no_tracked_file_is_shared_data():
    shared: dict[str, str] = {}
    for p in sorted(SHARED.rglob("*")):
        if p.is_file() and p.name != "MANIFEST.md":
            for d in _digests(p):
                shared.setdefault(d, str(p.relative_to(SHARED)))
    hits = [f"{p.relative_to(ROOT)} == {shared[d]}" for p in _tracked() for d in _digests(p) if d in shared]
    assert not hits, "tracked files hold third-party data from the shared folder:\n" + "\n".join(hits)


def test_manifest_matches_shared_data():
    """The inputs the assembly reads are the ones recorded in scripts/shared_data.sha256."""
    changed = []
    for line in (ROOT / "scripts" / "shared_data.sha256").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            digest, rel = line.split(None, 1)
            p = SHARED / rel
            if not p.is_file() or hashlib.sha256(p.read_bytes()).hexdigest() != digest:
                changed.append(rel)
    assert not changed, f"shared inputs changed since the manifest was recorded: {changed}"


def test_assembled_files_are_gitignored():
    outs = subprocess.run(
        [sys.executable, "scripts/assemble_data.py", "--list"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert outs
    ignored = subprocess.run(["git", "check-ignore", "--no-index", *outs], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert sorted(set(outs) - set(ignored)) == []
    for rel in outs:
        assert (ROOT / rel).exists(), f"{rel} is not assembled (run scripts/assemble_data.py)"


def test_missing_shared_folder_names_the_setting(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV, str(tmp_path / "nowhere"))
    with pytest.raises(SharedDataMissing, match=ENV):
        shared_data_dir()
    assert shared_data_dir(required=False) is None


def test_assembly_refuses_a_changed_input(tmp_path, monkeypatch):
    """A shared input whose sha256 differs from the manifest stops the build with a clear error."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("assemble_data", ROOT / "scripts" / "assemble_data.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    fake = tmp_path / "lid" / "ud-pud"
    fake.mkdir(parents=True)
    (fake / "en.tsv").write_text("x\tx\ten\tchanged\n", encoding="utf-8")
    inp = mod.Inputs(tmp_path)
    with pytest.raises(mod.InputChanged, match="differs from"):
        inp.bytes("lid/ud-pud/en.tsv")
    with pytest.raises(mod.InputChanged, match="missing"):
        inp.bytes("lid/ud-pud/fr.tsv")
