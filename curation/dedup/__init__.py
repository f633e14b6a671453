"""Deduplication: exact, URL and MinHash near-duplicates, as one Spark job.

Modules: `normalize` (text and URL canonical forms), `minhash` (vectorised
shingles and signatures), `features` (per-document keys computed inside Spark),
`components` (connected components in Spark), `survivors` (the survivor rule),
`index` (incremental signature index), `lines` and `line_job` (line / paragraph
dedup of the surviving documents), `benchmarks`, `contamination` and `decontaminate`
(benchmark decontamination), `cluster_sizes` (the dup_cluster_size signal), `stage` (orchestration and outputs),
`spark` (session builder).
"""

# step → (reason of a document it removes, method named in the document's `detail`), in the job's order;
# `decontaminate`: the document shares n-grams with an evaluation benchmark (`curation.dedup.decontaminate`);
# `indexed`: the document itself is already in another corpus of the incremental index
REMOVALS = {
    "decontaminate": ("benchmark_contamination", "ngram_overlap"),
    "indexed": ("already_indexed", "index_id"),
    "exact": ("exact_duplicate", "exact_hash"),
    "url": ("url_duplicate", "normalized_url"),
    "near": ("near_duplicate", "minhash_lsh"),
    # line dedup left the document under the quality filter's minimum words / bytes (`line_job`)
    "lines": ("dedup_lines_emptied", "line_hash"),
}
# steps that also cut text out of documents they keep, counted under `dedup:<step>` with outcome `removed`
CUTTING_STEPS = ("decontaminate", "lines")
REASONS = {step: reason for step, (reason, _) in REMOVALS.items()}
METHODS = {step: method for step, (_, method) in REMOVALS.items()}
