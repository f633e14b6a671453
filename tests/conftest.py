"""Shared fixtures: the bundled sample, a temporary output dir, and no network."""

from __future__ import annotations

import gzip
import json
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
DATA = SAMPLES / "data"


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Tests must pass offline: any connection to a non-loopback address fails loudly."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1", "0.0.0.0")) and self.family != socket.AF_UNIX:
            raise RuntimeError(f"network access attempted in a test: {address}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    yield


@pytest.fixture
def sample_catalog() -> Path:
    return SAMPLES / "catalog.yaml"


def _make(tmp_path: Path, files: int = 3, copies: int = 1) -> Path:
    """A catalog with one jsonl source of `files` files of real CCNet documents (and one broken line)."""
    lines = gzip.open(ROOT / "tests" / "data" / "core" / "cc_en_head-0091.jsonl.gz", "rt", encoding="utf-8").read().splitlines()
    src = tmp_path / "data"
    src.mkdir()
    for f in range(files):
        with open(src / f"docs-{f:02d}.jsonl", "w", encoding="utf-8") as out:
            for c in range(copies):
                for i, line in enumerate(lines):
                    obj = json.loads(line)
                    obj["id"] = f"{obj['id']}#{f}-{c}"
                    out.write(json.dumps(obj, ensure_ascii=False) + "\n")
                    if f == 0 and c == 0 and i == 3:
                        out.write('{"text": "unterminated\n')
    (tmp_path / "catalog.yaml").write_text(
        "sources:\n"
        "  - {id: ccnet, name: CCNet, languages: [en], license: Common Crawl terms, kind: jsonl,\n"
        "     location: 'data/*.jsonl', proposed_by: test, status: approved}\n"
    )
    return tmp_path / "catalog.yaml"


@pytest.fixture
def make_jsonl_source(tmp_path: Path):
    """Factory: a catalog with one jsonl source of real CCNet documents (and one broken line)."""
    return lambda files=3, copies=1: _make(tmp_path, files, copies)
