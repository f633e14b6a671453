"""fastText supervised training in a fresh process (the LID extension, the quality classifiers).

In a process that has loaded another fastText model (lid.176), one-thread training with a fixed
seed no longer gives the same bytes twice; a spawned process does."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor


def fit_in_fresh_process(jobs: list[tuple[str, str, dict]]) -> None:
    """Each job is (training file, model path, fastText parameters); all run in one spawned process, in order."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        pool.submit(fit_all, jobs).result()


def fit_all(jobs: list[tuple[str, str, dict]]) -> None:
    import fasttext

    for data, path, params in jobs:
        model = fasttext.train_supervised(input=data, loss="softmax", thread=1, verbose=0, **params)
        model.save_model(path)
