"""Code filtering and secrets detection: MB/s per core, ours beside BigCode's filter and detect-secrets, same files.

Input: the files the `code` adapter yields from the sample's code source (`samples/data/code`, 13 languages from
pinned Debian packages) and the real files of `tests/data/code`, repeated `--repeat` times (default 12, about
10 MB), so timings are not dominated by setup. The first line printed says what was measured:

    input: 9.66 MB, 2,148 files, 179 distinct, 13 languages, repetition factor 12.00

Contenders, each on one core (CPU time of this process, best of `--rounds`):
- ours, code: `filters.code.CodeHeuristics` then `filters.license.LicenseFilter` through `apply_filter`, as the
  filter stage runs them (signals, decisions, counts; batches of 1,024 files);
- BigCode: `add_stats` + `basic_filters` of bigcode-dataset's preprocessing/filtering.py (mean and max line length,
  alphanumeric fraction, numpy as they wrote it), rewritten here since the repository is no package; run in the peer
  environment (`PEER_PYTHON`, default .venv-peers/bin/python). Ours checks more (generated markers, encoded data,
  content, license), so the decisions of the three shared checks are compared too;
- ours, secrets: `filters.secrets.find_and_redact` (regular expressions, redaction included);
- detect-secrets 1.5.0 (`SecretsCollection.scan_file` with its default plugins, in the peer environment): the
  secrets each finds are counted; detect-secrets does not redact.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_code.py [--repeat 12] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PEER_PYTHON = os.environ.get("PEER_PYTHON", str(ROOT / ".venv-peers" / "bin" / "python"))

PEER_SCRIPT = r"""
import json, sys, time
import numpy as np

job = json.load(open(sys.argv[1]))
texts, repeat, rounds = job["texts"], job["repeat"], job["rounds"]

# bigcode-dataset preprocessing/filtering.py: add_stats, basic_filters (line_max 1000, line_mean 100, alpha_frac 0.25)
def add_stats(content):
    line_lengths = [len(line) for line in content.splitlines()]
    alpha_frac = np.mean([c.isalnum() for c in content])
    return {"size": len(content), "avg_line_length": np.mean(line_lengths), "max_line_length": max(line_lengths), "alphanum_fraction": alpha_frac}

def basic_filters(example):
    if example["max_line_length"] > 1000:
        return False
    elif example["avg_line_length"] > 100:
        return False
    elif example["alphanum_fraction"] < 0.25:
        return False
    return True

best, keep = float("inf"), []
for _ in range(rounds):
    start = time.process_time()
    keep = [basic_filters(add_stats(t)) for _ in range(repeat) for t in texts]
    best = min(best, time.process_time() - start)
result = {"bigcode_seconds": best, "bigcode_keep": keep[: len(texts)]}

from detect_secrets import SecretsCollection
from detect_secrets.settings import default_settings
best, found = float("inf"), 0
for _ in range(rounds):
    start = time.process_time()
    with default_settings():
        secrets = SecretsCollection()
        for _ in range(repeat):
            for path in job["paths"]:
                secrets.scan_file(path)
    best = min(best, time.process_time() - start)
    found = sum(len(v) for _, v in secrets.data.items())
result |= {"detect_secrets_seconds": best, "detect_secrets_found": found}
json.dump(result, open(sys.argv[2], "w"))
"""


def corpus() -> list[tuple[str, str, str, str | None]]:
    """(path on disk, text, lang, meta JSON) of every file the code adapter yields from the two folders."""
    from curation.catalog import CatalogEntry
    from curation.schema import dump_meta
    from sources import code
    from sources.code_languages import detect

    entry = CatalogEntry(
        id="bench",
        name="bench",
        languages=["zxx"],
        license="MIT",
        kind="code",
        location="samples/data/code",
        proposed_by="bench",
        status="approved",
    )
    rows = [
        (str(path), doc.text, doc.lang, dump_meta(doc.meta))
        for path in code.list_files(entry, ROOT)
        for doc in code.read(path, entry, None, Counter())
    ]
    # the real files the filter tests expect to fail (a minified file the adapter would skip by name, a program's output)
    for path in sorted((ROOT / "tests" / "data" / "code").glob("*")):
        text = path.read_text(encoding="utf-8")
        lang = detect(path.name, text[:256])
        rows.append((str(path), text, lang.tag if lang else "zxx-x-js", dump_meta({"license": "MIT"})))
    return rows


def time_ours(rows, repeat: int, rounds: int) -> tuple[float, list[str | None], float, int]:
    from curation.counts import Counts
    from filters.base import Batch, apply_filter
    from filters.code import CodeHeuristics
    from filters.license import LicenseFilter
    from filters.secrets import find_and_redact

    chain = [CodeHeuristics(), LicenseFilter()]
    for f in chain:
        f.ensure_setup()
    docs = rows * repeat
    best, first_reasons = float("inf"), []
    for _ in range(rounds):
        start = time.process_time()
        reasons: list[str | None] = []
        for lo in range(0, len(docs), 1024):
            part = docs[lo : lo + 1024]
            n = len(part)
            batch = Batch(
                [str(i) for i in range(n)], ["bench"] * n, [None] * n, [r[1] for r in part], [r[2] for r in part], [None] * n,
                [{} for _ in range(n)], [("zxx",)] * n, [r[3] for r in part],
            )  # fmt: skip
            why: dict[int, str] = {}
            for f in chain:
                batch, removals = apply_filter(f, batch, Counts())
                why |= {i: r for i, (r, _) in removals if i not in why}
                # removed files stay in the batch here: the BigCode side decides on every file too
            reasons += [why.get(i) for i in range(n)]
        best = min(best, time.process_time() - start)
        first_reasons = reasons[: len(rows)]
    secrets_best, found = float("inf"), 0
    for _ in range(rounds):
        start = time.process_time()
        found = sum(len(find_and_redact(r[1])[1]) for r in docs)
        secrets_best = min(secrets_best, time.process_time() - start)
    return best, first_reasons, secrets_best, found


def shared_checks_keep(rows) -> list[bool]:
    """Our decision on BigCode's three checks alone, from our own signals."""
    from filters.code import CodeParams, measure

    p = CodeParams()
    keep = []
    for r in rows:
        s = measure(r[1], p)
        keep.append(
            s["max_line_length"] <= p.max_line_length
            and s["mean_line_length"] <= p.max_mean_line_length
            and s["alnum_fraction"] >= p.min_alnum_fraction
        )
    return keep


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=12)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-peer", action="store_true", help="ours only")
    args = ap.parse_args()
    rows = corpus()
    total = sum(len(r[1].encode("utf-8")) for r in rows) * args.repeat
    mb = total / 1e6
    langs = {r[2] for r in rows}
    print(
        f"input: {mb:.2f} MB, {len(rows) * args.repeat:,} files, {len({r[1] for r in rows}):,} distinct, {len(langs)} languages, "
        f"repetition factor {args.repeat:.2f} (samples/data/code + tests/data/code)"
    )
    seconds, reasons, secrets_seconds, found = time_ours(rows, args.repeat, args.rounds)
    removed = Counter(r for r in reasons if r)
    print(
        f"ours, code + license filters: {mb / seconds:.2f} MB/s per core ({seconds:.2f} s); removed per reason: {dict(sorted(removed.items()))}"
    )
    print(f"ours, secrets (find + redact): {mb / secrets_seconds:.2f} MB/s per core ({secrets_seconds:.2f} s); secrets found: {found:,}")
    peer_python = PEER_PYTHON if Path(PEER_PYTHON).exists() else None
    if args.no_peer:
        return 0
    if peer_python is None:
        print(f"peer environment missing ({PEER_PYTHON}): `make .venv-peers/.installed`")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        job, result = Path(tmp) / "job.json", Path(tmp) / "result.json"
        job.write_text(
            json.dumps({"texts": [r[1] for r in rows], "paths": [r[0] for r in rows], "repeat": args.repeat, "rounds": args.rounds})
        )
        subprocess.run([peer_python, "-c", PEER_SCRIPT, str(job), str(result)], check=True)
        peer = json.loads(result.read_text())
    same = sum(a == b for a, b in zip(shared_checks_keep(rows), peer["bigcode_keep"]))
    bigcode = mb / peer["bigcode_seconds"]
    print(
        f"BigCode add_stats + basic_filters: {bigcode:.2f} MB/s per core ({peer['bigcode_seconds']:.2f} s); "
        f"ours {mb / seconds / bigcode:.2f}x; same decision on the three shared checks for {same} of the {len(rows)} input files"
    )
    ds = mb / peer["detect_secrets_seconds"]
    print(
        f"detect-secrets 1.5.0 scan_file (default plugins): {ds:.3f} MB/s per core ({peer['detect_secrets_seconds']:.2f} s), "
        f"secrets found: {peer['detect_secrets_found']:,}; ours {mb / secrets_seconds / ds:.0f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
