"""Shared fixtures: the bundled sample, a temporary output dir, and no network."""

from __future__ import annotations

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
