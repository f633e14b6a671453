"""Contenders timed side by side (the language-ID and quality-classifier benchmarks).

A contender is timed in units: a batch in this process, or a whole pass of a peer in its own process.
`run_rounds` times every unit of every in-process contender in turn, then one pass of the peer, each round;
a unit counts with its best CPU time (`time.process_time`, one thread) over the rounds, so a change in a
shared machine's load hits the contenders alike.

Importing this module pins the numeric libraries to one thread (before numpy loads) and puts the project
and its `benchmarks` folder on the path.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):  # one thread, before numpy loads
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from curation.counts import Counts  # noqa: E402
from filters.base import Batch, apply_filter  # noqa: E402

PEER_PYTHON = os.environ.get("PEER_PYTHON", str(ROOT / ".venv-peers" / "bin" / "python"))


@dataclass
class Contender:
    """One side of the comparison, timed in units: a batch (in this process) or a whole pass (the peer).

    `measure(i)` returns (CPU seconds, documents kept or None) of unit `i`; a unit's figure is its
    best over the rounds, and the contender's CPU time the sum of its units' figures.
    """

    name: str
    note: str
    measure: Callable[[int], tuple[float, int | None]] | None  # None: not run (the note says why)
    best: dict[int, float] = field(default_factory=dict)
    kept_of: dict[int, int | None] = field(default_factory=dict)

    def time_unit(self, i: int) -> None:
        cpu, self.kept_of[i] = self.measure(i)
        self.best[i] = min(self.best.get(i, float("inf")), cpu)

    @property
    def cpu(self) -> float:
        return sum(self.best.values())

    @property
    def kept(self) -> int | None:
        return None if None in self.kept_of.values() else sum(self.kept_of.values())


def timed(run: Callable[[object], int | None], prepare: Callable[[int], object]) -> Callable[[int], tuple[float, int | None]]:
    """Unit `i` timed: `run` on the input that `prepare(i)` (untimed) builds fresh."""

    def measure(i: int) -> tuple[float, int | None]:
        prepared = prepare(i)
        start = time.process_time()
        result = run(prepared)
        return time.process_time() - start, result

    return measure


def filter_contender(the_filter, batches: list[Batch], label: str, note: str, copy: Callable[[Batch], Batch]) -> Contender:
    """A filter timed as the filter stage applies it (apply_filter: score, decide, signals, counts), each round on a
    copy of each batch made by `copy` (untimed: the filter sets languages and signals in place)."""
    the_filter.ensure_setup()
    counts = Counts()

    def run(batch: Batch) -> int:
        _, removals = apply_filter(the_filter, batch, counts)
        return len(batch) - len(removals)

    return Contender(label, note, timed(run, lambda i: copy(batches[i])))


def run_rounds(in_process: list[Contender], units: int, peer: Contender, rounds: int) -> None:
    """Each round times every batch on each in-process contender in turn (a change in the machine's load
    hits them alike; the first of them turns each round), then one pass of the peer."""
    for r in range(rounds):
        order = in_process[r % len(in_process) :] + in_process[: r % len(in_process)]
        for i in range(units):
            for contender in order:
                contender.time_unit(i)
        if peer.measure is not None:
            peer.time_unit(0)
