"""Deduplication: exact, URL and MinHash near-duplicates, as one Spark job.

Modules: `normalize` (text and URL canonical forms), `minhash` (vectorised
shingles and signatures), `features` (per-document keys computed inside Spark),
`components` (connected components in Spark), `survivors` (the survivor rule),
`index` (incremental signature index), `stage` (orchestration and outputs),
`spark` (session builder).
"""
