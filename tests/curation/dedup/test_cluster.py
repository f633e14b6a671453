"""The dedup job on a real Spark standalone cluster (master + one worker on
loopback, started from the scripts shipped in the pyspark package), through the
CLI, with the same output bytes as local mode."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pyspark
import pytest

ROOT = Path(__file__).resolve().parents[3]
SPARK_HOME = Path(pyspark.__file__).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(path: Path, text: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if path.exists() and text in path.read_text(errors="replace"):
            return
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[1:3]} exited with {proc.returncode}:\n{path.read_text(errors='replace')[-3000:]}")
        time.sleep(0.5)
    raise TimeoutError(f"no {text!r} in {path} after {timeout} s:\n{path.read_text(errors='replace')[-3000:]}")


@pytest.fixture
def standalone(tmp_path):
    env = dict(
        os.environ, SPARK_HOME=str(SPARK_HOME), SPARK_LOCAL_IP="127.0.0.1", SPARK_LOG_DIR=str(tmp_path), PYSPARK_PYTHON=sys.executable
    )
    spark_class = str(SPARK_HOME / "bin" / "spark-class")
    port = _free_port()
    url = f"spark://127.0.0.1:{port}"
    procs = []
    try:
        master_log = tmp_path / "master.log"
        master = subprocess.Popen(
            [
                spark_class,
                "org.apache.spark.deploy.master.Master",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--webui-port",
                str(_free_port()),
            ],
            stdout=open(master_log, "w"),
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        procs.append(master)
        _wait_for(master_log, "I have been elected leader", master)
        worker_log = tmp_path / "worker.log"
        worker = subprocess.Popen(
            [
                spark_class,
                "org.apache.spark.deploy.worker.Worker",
                url,
                "--host",
                "127.0.0.1",
                "--cores",
                "2",
                "--memory",
                "2g",
                "--webui-port",
                str(_free_port()),
                "--work-dir",
                str(tmp_path / "work"),
            ],
            stdout=open(worker_log, "w"),
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        procs.append(worker)
        _wait_for(worker_log, "Successfully registered with master", worker)
        yield url
    finally:
        for proc in reversed(procs):
            try:
                os.killpg(proc.pid, 15)
            except ProcessLookupError:
                pass
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
                proc.wait()


def test_standalone_cluster_gives_same_output_as_local(standalone, result, corpus, tmp_path, digest):
    local_out, _, _ = result
    paths, _ = corpus
    out = tmp_path / "cluster-out"
    cmd = [
        sys.executable,
        "-m",
        "curation",
        "dedup",
        "--out",
        str(out),
        "--master",
        standalone,
        "--set",
        f"catalog={tmp_path / 'no-catalog.yaml'}",
        "--set",
        "dedup.decontaminate.benchmarks={}",  # the sample config's evaluation sets are not part of this comparison
        "--set",
        "dedup.lines.enabled=false",  # nor its line dedup: the local run has the code default (off)
        "--set",
        "spark.executor_memory=1g",
        "--set",
        "spark.driver_memory=1g",
        "--set",
        "dedup.word_ngram=3",
        "--set",
        "dedup.char_ngram=3",
        "--set",
        "dedup.bands=40",
        "--set",
        "dedup.rows=3",
        "--set",
        "dedup.verify_jaccard=0.5",
    ]
    for p in paths:
        cmd += ["--input", str(p)]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert "kept" in proc.stdout
    assert digest(out) == digest(local_out)
