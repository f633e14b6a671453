"""What a dedup job keeps between its steps, and its release: a finished job leaves the Spark session as it found it.

- `persist(frame)`: cached in memory, spilling to disk, for a frame later steps read again; unpersisted by `release`.
- `settle(frame, name)`: written to the job's scratch folder as Parquet and read back. From then on its plan is a file
  scan: steps that read each other's results do not repeat each other's subtrees (plans of hundreds of thousands of
  nodes filled a 2 GB driver's heap), and nothing of it stays in the session (the scratch folder goes with the job).
  Parquet keeps every value, so the result is the same bytes as without it.
- `release()`: unpersists every frame `persist` cached, then every RDD persisted since the job began that is still
  persisted (connected components' local checkpoints), through Spark's own API.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

TIMING_ENV = "CURATION_DEDUP_TIMING"  # set (to 1): every settled step's seconds go to stderr (profiling a job's steps)


def persistent_rdd_ids(spark) -> set[int]:
    """Ids of the RDDs the session's context holds persisted (cached frames, local checkpoints)."""
    return {int(i) for i in spark.sparkContext._jsc.getPersistentRDDs().keySet()}


class JobFrames:
    """The persisted and settled frames of one dedup job (`folder`: its scratch folder, removed with the job)."""

    def __init__(self, spark, folder: Path):
        self.spark = spark
        self.folder = Path(folder)
        self.persisted: list = []
        self.settled = 0
        self.before = persistent_rdd_ids(spark)

    def persist(self, frame):
        """`frame` cached in memory, spilling to disk: read again by later steps."""
        from pyspark import StorageLevel

        self.persisted.append(frame.persist(StorageLevel.MEMORY_AND_DISK))
        return frame

    def settle(self, frame, name: str):
        """`frame` computed once into `<folder>/NN-<name>/` and read back: its lineage is cut, nothing stays in memory."""
        self.settled += 1
        path = str(self.folder / f"{self.settled:02d}-{name}")
        start = time.time()
        frame.write.mode("overwrite").parquet(path)
        if os.environ.get(TIMING_ENV, "") not in ("", "0"):
            print(f"dedup: settled {self.settled:02d}-{name} in {time.time() - start:.1f} s", file=sys.stderr)
        return self.spark.read.parquet(path)

    def release(self) -> None:
        for frame in self.persisted:
            frame.unpersist()
        self.persisted.clear()
        rdds = self.spark.sparkContext._jsc.getPersistentRDDs()
        for rdd_id in sorted({int(i) for i in rdds.keySet()} - self.before):
            rdds.get(rdd_id).unpersist(False)
