"""One place that builds the SparkSession from `RunConfig.spark`.

Workers must run this interpreter (it has the project's dependencies) and see the
project code: `PYTHONPATH` is passed to executors, and the project root is put on
it, so a standalone cluster on the same machine (or one sharing the environment
and the file system) runs the job unchanged.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from curation.config import SparkConfig

PROJECT_ROOT = Path(__file__).resolve().parents[1]  # the folder holding curation/, filters/ and sources/
QUIET_LOG_CONFIG = Path(__file__).with_name("spark_log4j2.properties")
VERBOSITY_ENV = "CURATION_VERBOSITY"  # set by `curation -v` (1) / `-q` (-1); see curation.cli.common


def verbose() -> bool:
    """Whether Spark's own WARN logs should show (`curation -v`)."""
    return os.environ.get(VERBOSITY_ENV, "0").strip() not in ("", "0", "-1")


def log_settings() -> dict[str, str]:
    """JVM options that keep Spark's WARN lines and start-up banner out of the output unless -v."""
    if verbose():
        return {}
    option = f"-Dlog4j2.configurationFile=file:{QUIET_LOG_CONFIG}"
    return {"spark.driver.extraJavaOptions": option, "spark.executor.extraJavaOptions": option}


def worker_env() -> dict[str, str]:
    paths = [str(PROJECT_ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    return {
        "PYSPARK_PYTHON": sys.executable,
        "PYSPARK_DRIVER_PYTHON": sys.executable,
        "SPARK_LOCAL_IP": "127.0.0.1",
        "PYTHONPATH": os.pathsep.join(dict.fromkeys(paths)),
    }


def build_session(config: SparkConfig, app_name: str = "curation", local_dir: Path | None = None):
    env = worker_env()
    os.environ.setdefault("SPARK_LOCAL_IP", env.pop("SPARK_LOCAL_IP"))
    os.environ.update(env)
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.appName(app_name)
        .master(config.master)
        .config("spark.driver.memory", config.driver_memory)
        .config("spark.executor.memory", config.executor_memory)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        # the status store keeps every finished query's plan graph and metrics even with the UI off
        # (1000 by default): a long job of many queries over large plans filled the driver's heap
        .config("spark.sql.ui.retainedExecutions", "20")
        .config("spark.ui.retainedJobs", "100")
        .config("spark.ui.retainedStages", "100")
        .config("spark.ui.retainedTasks", "1000")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.adaptive.enabled", "true")
        # few, larger shuffle partitions: each Python task has a start-up cost (override in spark.conf)
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.executorEnv.PYTHONPATH", env["PYTHONPATH"])
        .config("spark.executorEnv.PYSPARK_PYTHON", env["PYSPARK_PYTHON"])
        .config("spark.pyspark.python", env["PYSPARK_PYTHON"])
        .config("spark.pyspark.driver.python", env["PYSPARK_PYTHON"])
    )
    if local_dir is not None:
        builder = builder.config("spark.local.dir", str(local_dir))
    for key, value in (log_settings() | config.conf).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("WARN" if verbose() else "ERROR")
    return spark
