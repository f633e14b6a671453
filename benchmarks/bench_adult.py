"""Adult URL lookups against the full UT1 list (4.56 M domains): lookups/s and memory.

Ours: sorted 64-bit hashes + vectorised searchsorted over each host and its parents,
memory-mapped from a cache. Beside it, the straightforward way datatrove's URLFilter
holds the list: a Python set of the domain strings (measured in a separate process so
the two memory figures do not mix). The full list comes from the datatrove 0.10.1
wheel on PyPI (or $CURATION_UT1_FULL). Run from the project root:
    PYTHONPATH=. /work/main/.venv/bin/python benchmarks/bench_adult.py
"""

from __future__ import annotations

import gzip
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

N_LOOKUPS = int(os.environ.get("BENCH_LOOKUPS", "200000"))


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def hosts() -> list[str]:
    """Half listed hosts (from the bundled sample, some as subdomains), half unlisted."""
    with gzip.open(ROOT / "filters/data/ut1/adult_domains_sample20k.txt.gz", "rt") as f:
        listed = [l.strip() for l in f if l.strip()]
    rng = random.Random(0)
    out = []
    for i in range(N_LOOKUPS):
        if i % 2:
            d = rng.choice(listed)
            out.append(f"www.{d}" if i % 4 == 1 else d)
        else:
            out.append(f"news{rng.randrange(10**6)}.example{rng.randrange(1000)}.org")
    return out


SET_SCRIPT = r"""
import json, sys, tarfile, time
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
before = rss()
t0 = time.perf_counter()
with tarfile.open(sys.argv[1]) as tar:
    data = tar.extractfile("domains").read().decode()
domains = set(data.split())
del data
load = time.perf_counter() - t0
hosts = json.load(open(sys.argv[2]))
t0 = time.perf_counter()
hits = 0
for h in hosts:
    labels = h.split(".")
    hits += any(".".join(labels[i:]) in domains for i in range(max(1, len(labels) - 1)))
elapsed = time.perf_counter() - t0
print(json.dumps({"load_s": load, "rss_mb": rss() - before, "lookups_s": len(hosts) / elapsed, "hits": hits}))
"""


def main() -> None:
    from filters.adult import AdultContent, fetch_full_list

    full = fetch_full_list()
    sample = hosts()
    cache = Path(tempfile.gettempdir()) / "curation-bench-cache"
    before = rss_mb()
    t0 = time.perf_counter()
    f = AdultContent({"domains_path": str(full), "cache_dir": str(cache)})
    f.ensure_setup()
    load = time.perf_counter() - t0
    mem = rss_mb() - before
    t0 = time.perf_counter()
    hits = 0
    for start in range(0, len(sample), 1024):
        hits += sum(d is not None for d in f.blocked_domains(sample[start : start + 1024]))
    elapsed = time.perf_counter() - t0
    from corpus import summary_line

    mb = sum(len(h.encode()) for h in sample) / 1e6
    print(
        summary_line(
            mb, len(sample), len(set(sample)), None, "half of them on the list, each looked up with its parents", items="host names"
        )
    )
    print(f"UT1 adult: {f.domain_count:,} domains; {len(sample):,} host lookups (half listed), each host and its parents")
    print(f"{'':26} {'lookups/s':>12} {'RSS MB':>8} {'load s':>8} {'hits':>8}")
    print(f"{'curation (hashes, mmap)':26} {len(sample) / elapsed:12,.0f} {mem:8.1f} {load:8.1f} {hits:8,}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "hosts.json"
        path.write_text(json.dumps(sample))
        proc = subprocess.run([sys.executable, "-c", SET_SCRIPT, str(full), str(path)], capture_output=True, text=True)
        if proc.returncode == 0:
            r = json.loads(proc.stdout)
            print(f"{'python set of str':26} {r['lookups_s']:12,.0f} {r['rss_mb']:8.1f} {r['load_s']:8.1f} {r['hits']:8,}")
        else:
            print(proc.stderr[-2000:])
    print("(first run builds the hash cache; RSS counts the mapped pages touched so far)")


if __name__ == "__main__":
    main()
