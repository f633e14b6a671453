"""`curation tokenize`: document shards → Megatron indexed datasets, one per language (or source).

Two steps, so the work parallelises and resumes per shard yet the output does not
depend on scheduling:
1. one runner task per input shard encodes its documents (end-of-document token
   appended) into `tokens/_parts/<task>/<group>.bin/.idx` plus a side table of its
   documents; a completion marker makes a rerun skip it;
2. a merge copies the parts' token bytes, group by group in sorted shard order, into
   `tokens/<group>_NNNNN.bin/.idx`, starting a new file before one would pass
   `max_bin_bytes`, with each dataset's document side table, then writes the manifest.
Step 2 is a byte copy and is simply redone on a rerun; it writes every file under a
temporary name first, so an interrupted run leaves no complete-looking file.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from curation.atomic import write_json_atomic
from curation.config import RunConfig, TokenizeConfig, json_digest
from curation.counts import KEPT, Counts
from curation.layout import Layout
from curation.megatron.blend import BlendError
from curation.megatron.doc_table import PART_COLUMNS, PART_SCHEMA, finish_table, shard_label, with_place, write_doc_table
from curation.megatron.indexed import IndexedReader, IndexedWriter, bin_path, idx_path, token_dtype
from curation.megatron.manifest import SPLITS, DatasetInfo, build_manifest
from curation.megatron.piece_encoder import Encoder, make_encoder
from curation.megatron.rehydration import cluster_sizes, parse_tiers, split_group, tier_suffixes
from curation.runner import Task, TaskResult, remove_stale, run_tasks, shard_task
from curation.shards import list_shards, may_hold_documents, read_batches, sha256_file
from curation.stage import Stage, StageResult, default_input
from curation.tokenizer.folder import load_encoding_tokenizer, special_ids
from curation.tokenizer.sampling import uniform

NAME = "tokenize"
UNDETERMINED = "und"
EMPTY = "empty_text"
UNREADABLE = "unreadable_shard"
_SAFE = re.compile(r"[^A-Za-z0-9_.-]")
HELDOUT_SEED = 957  # not the tokenizer sample's seed: held-out documents are not the ones it favoured


class TokenizeError(RuntimeError):
    pass


@functools.lru_cache(maxsize=4096)
def safe_name(group: str) -> str:
    """A group name usable in file names (`zh-Hant` stays, `a/b` becomes `a-b`)."""
    name = _SAFE.sub("-", group) or "-"
    return "x" + name if name.startswith(".") else name


def task_name(shard: Path, input_dir: Path) -> str:
    """Keyed by the shard's place in the input, not by a task count: stable when shards are added."""
    rel = shard.relative_to(input_dir).with_suffix("")
    return safe_name(".".join(rel.parts))


# --- the tokenizer, loaded once per worker process --------------------------------------------

_TOKENIZERS: dict[tuple[str, str], tuple] = {}


def load_tokenizer(path: str | Path, sha256: str, eod_token: str) -> tuple:
    """(tokenizer, eod id, token dtype, special ids); special-token strings inside documents are text
    (the policy of `curation.tokenizer.folder`, the same as the shipped tokenizer folder's)."""
    key = (str(path), sha256)
    if key not in _TOKENIZERS:
        actual = sha256_file(Path(path))
        if actual != sha256:
            raise TokenizeError(f"{path}: changed during the run (sha256 {actual[:12]}…, expected {sha256[:12]}…)")
        tokenizer = load_encoding_tokenizer(path)
        eod = tokenizer.token_to_id(eod_token)
        if eod is None:
            raise TokenizeError(f"{path}: the end-of-document token {eod_token!r} is not in the vocabulary")
        specials = np.array(sorted(special_ids(tokenizer)), dtype=np.int64)
        _TOKENIZERS[key] = (tokenizer, eod, token_dtype(tokenizer.get_vocab_size(with_added_tokens=True)), specials)
    return _TOKENIZERS[key]


@functools.lru_cache(maxsize=4)
def load_encoder(path: str, sha256: str, eod_token: str, piece_cache: int) -> Encoder:
    """The tokenizer's ids for a batch of texts, through the piece cache when the pipeline allows."""
    return make_encoder(load_tokenizer(path, sha256, eod_token)[0], piece_cache)


# --- step 1: one task per input shard -----------------------------------------------------------


def plan(config: RunConfig, input_dir: Path, tokenizer_path: Path) -> list[Task]:
    layout = Layout(config.output_dir)
    sha = sha256_file(tokenizer_path)
    config_hash = f"{_encoding_hash(config.tokenize)}:{sha[:16]}"
    options = config.tokenize.model_dump(mode="json")
    tasks = []
    for shard in list_shards(input_dir):
        name = task_name(shard, input_dir)
        tasks.append(
            shard_task(
                layout,
                NAME,
                name,
                [shard],
                config_hash,
                tokenizer=str(tokenizer_path),
                tokenizer_sha256=sha,
                part_dir=str(layout.token_parts() / name),
                input_dir=str(input_dir),
                shard_label=shard_label(shard, layout.root),
                options=options,
            )
        )
    if len({t.name for t in tasks}) != len(tasks):
        raise TokenizeError(f"{input_dir}: two shards map to the same task name; rename them")
    return tasks


def _encoding_hash(options: TokenizeConfig) -> str:
    """Only what changes a shard's parts: the cap, blend and clean-up settings act in the merge."""
    key = {"eod_token": options.eod_token, "group_by": options.group_by, "doc_columns": PART_COLUMNS}
    if options.rehydrate:  # documents go to a dataset per cluster-size range
        key["rehydrate"] = [(t.label, t.low, t.high) for t in parse_tiers(options.rehydrate)]
    return json_digest(key)


class _Group:
    """One group's part of a shard: a Megatron writer plus its side-table columns."""

    def __init__(self, prefix: Path, dtype: np.dtype):
        self.writer = IndexedWriter(prefix, dtype)
        self.tables: list[pa.Table] = []  # side-table slices, one per batch run


class SpecialIdInText(TokenizeError):
    """A document's text encoded to a special id: the tokenizer breaks the special-token policy."""


def _encode(encoder: Encoder, texts: list[str], eod: int, dtype: np.dtype, specials: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Concatenated tokens of the texts, each followed by `eod`, and each document's length.
    A special id from a document's own text (a tokenizer whose merges rebuild `</s>`) is an error."""
    ids = encoder(texts)
    lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
    flat = np.fromiter(itertools.chain.from_iterable(ids), dtype=dtype, count=int(lengths.sum()))
    bad = np.flatnonzero(np.isin(flat, specials))
    if len(bad):
        doc = int(np.searchsorted(np.cumsum(lengths), bad[0], side="right"))
        raise SpecialIdInText(doc, int(flat[bad[0]]))
    return np.insert(flat, np.cumsum(lengths), dtype.type(eod)), lengths + 1


def encode_shard(task: Task) -> TaskResult:
    """Encode one shard into per-group parts; an unreadable shard is reported, not fatal."""
    options = TokenizeConfig.model_validate(task.payload["options"])
    _tokenizer, eod, dtype, specials = load_tokenizer(task.payload["tokenizer"], task.payload["tokenizer_sha256"], options.eod_token)
    encoder = load_encoder(task.payload["tokenizer"], task.payload["tokenizer_sha256"], options.eod_token, options.piece_cache)
    shard = Path(task.inputs[0])
    part_dir = Path(task.payload["part_dir"])
    shutil.rmtree(part_dir, ignore_errors=True)  # leftovers of an interrupted attempt
    result = TaskResult(task=task.name)
    groups: dict[str, _Group] = {}
    try:
        names = pq.read_schema(shard).names
        wanted = ("id", "source", "lang", "url", "text") + (("signals",) if options.rehydrate else ())
        columns = [c for c in wanted if c not in ("url", "signals") or c in names]
        row = 0
        for batch in read_batches(shard, columns=columns, batch_size=options.batch_docs):
            placed = with_place(batch, task.payload["shard_label"], row)
            row += batch.num_rows
            _encode_batch(placed, encoder, eod, dtype, specials, options, part_dir, groups, result)
    except SpecialIdInText as exc:  # the tokenizer's fault, not the shard's: stops the run
        raise SpecialIdInText(f"{shard}: {exc}") from None
    except Exception as exc:  # corrupt Parquet, missing column: report this shard, keep the run going
        for g in groups.values():
            g.writer.abort()
        shutil.rmtree(part_dir, ignore_errors=True)
        result.outputs.clear()
        result.counts = Counts()
        result.counts.add(NAME, None, shard.name, UNREADABLE)
        result.errors.append({"path": str(shard), "problem": UNREADABLE, "detail": f"{type(exc).__name__}: {exc}"})
        return result
    for key in sorted(groups):
        g = groups[key]
        prefix = g.writer.close()
        docs = part_dir / f"{key}.docs.parquet"
        pq.write_table(pa.concat_tables(g.tables), docs, compression="zstd")
        result.outputs += [str(bin_path(prefix)), str(idx_path(prefix)), str(docs)]
    return result


def _count(counts: Counts, table: pa.Table, outcome: str) -> None:
    """Add a batch's documents to the counts, one aggregation per (language, source)."""
    if table.num_rows == 0:
        return
    sums = table.group_by(["lang", "source"], use_threads=False).aggregate(
        [("id", "count"), ("bytes", "sum"), ("chars", "sum"), ("tokens", "sum")]
    )
    for r in sums.to_pylist():
        row = counts.rows.setdefault((NAME, r["lang"] or UNDETERMINED, r["source"] or "", outcome), [0, 0, 0, 0])
        row[0] += r["id_count"]
        row[1] += r["bytes_sum"] or 0
        row[2] += r["chars_sum"] or 0
        row[3] += r["tokens_sum"] or 0


def _count_empty(counts: Counts, empty) -> None:
    zeros = pa.array(np.zeros(empty.num_rows, dtype=np.int64))
    columns = {name: empty.column(name) for name in ("id", "lang", "source")} | {"bytes": zeros, "chars": zeros, "tokens": zeros}
    _count(counts, pa.table(columns), EMPTY)


def _encode_batch(batch, encoder, eod, dtype, specials, options, part_dir, groups, result) -> None:
    text = batch.column("text")
    nbytes = pc.binary_length(text).fill_null(0)
    keep = pc.greater(nbytes, 0)
    if not pc.all(keep).as_py():  # empty or null text: counted, not written
        _count_empty(result.counts, batch.filter(pc.invert(keep)))
        batch, nbytes = batch.filter(keep), nbytes.filter(keep)
        text = batch.column("text")
    if batch.num_rows == 0:
        return
    try:
        tokens, lengths = _encode(encoder, text.to_pylist(), eod, dtype, specials)
    except SpecialIdInText as exc:
        doc, token = exc.args
        raise SpecialIdInText(
            f"document {batch.column('id')[doc].as_py()}: field 'text' encodes to special id {token}: the tokenizer's merges "
            "rebuild a special-token string, so a literal special token in text would become a special id; retrain it with "
            "`curation tokenizer train` (which never learns special-token strings)"
        ) from None
    measured = {
        "tokens": pa.array(lengths.astype(np.int32)),
        "bytes": nbytes.cast(pa.int64()),
        "chars": pc.utf8_length(text).cast(pa.int64()),
    }
    side = pa.table({name: measured[name] if name in measured else batch.column(name) for name in PART_COLUMNS}, schema=PART_SCHEMA)
    _count(result.counts, side, KEPT)
    column = batch.column("lang" if options.group_by == "lang" else "source").to_pylist()
    keys = [safe_name(v or (UNDETERMINED if options.group_by == "lang" else "")) for v in column]
    if options.rehydrate:  # `<group>@dup<range>` for documents in a rehydration range
        signals = batch.column("signals") if "signals" in batch.schema.names else None
        suffixes = tier_suffixes(cluster_sizes(signals, batch.num_rows), parse_tiers(options.rehydrate))
        keys = [k + s for k, s in zip(keys, suffixes)]
    starts = np.concatenate([[0], np.cumsum(lengths)])
    # contiguous runs of one group (a whole batch, for language-partitioned input) are written at once
    j = 0
    for key, run in itertools.groupby(keys):
        n = sum(1 for _ in run)
        g = groups.get(key)
        if g is None:
            g = groups[key] = _Group(part_dir / key, dtype)
        g.writer.add_documents(tokens[starts[j] : starts[j + n]], lengths[j : j + n])
        g.tables.append(side.slice(j, n))
        j += n


# --- step 2: deterministic merge into capped datasets --------------------------------------------


class _Output:
    """The dataset being filled for one group and split."""

    def __init__(self, layout: Layout, group: str, index: int, dtype: np.dtype, split: str):
        self.layout, self.group, self.index, self.split = layout, group, index, split
        self.prefix = layout.token_prefix(group, index, split)
        self.name = self.prefix.relative_to(layout.tokens()).as_posix()
        self.writer = IndexedWriter(self.prefix, dtype)
        self.tables: list[pa.Table] = []

    def add(self, reader: IndexedReader, table: pa.Table, first: int, last: int) -> None:
        lengths = reader.sizes[first:last]
        self.writer.add_raw(reader.raw(first, last), lengths)
        self.tables.append(table.slice(first, last - first))

    def close(self) -> DatasetInfo:
        self.writer.close()
        part = pa.concat_tables(self.tables) if self.tables else PART_SCHEMA.empty_table()
        docs_path = self.layout.token_docs(self.group, self.index, self.split)
        table = finish_table(part)
        write_doc_table(docs_path, table)
        info = DatasetInfo(name=self.name, group=self.group, split=self.split, docs=self.writer.documents, tokens=self.writer.tokens)
        info.bytes, info.chars = (int(pc.sum(table.column(c)).as_py() or 0) for c in ("bytes", "chars"))
        counts = Counts()
        _count(counts, table, KEPT)
        for (_stage, lang, source, _outcome), (docs, _b, _c, tokens) in counts.rows.items():
            for attr, key in (("langs", lang), ("sources", source)):
                entry = getattr(info, attr).setdefault(key, [0, 0])
                entry[0] += docs
                entry[1] += tokens
        stats = self.layout.token_stats(self.group, self.index, self.split)
        write_json_atomic(stats, {"stage": NAME, "dataset": self.name, "counts": counts.to_json()})
        files = {"bin": bin_path(self.prefix), "idx": idx_path(self.prefix), "docs": docs_path, "stats": stats}
        sha = {"bin": self.writer.sha256["bin"], "idx": self.writer.sha256["idx"]}
        info.files = {
            kind: {
                "name": path.relative_to(self.layout.tokens()).as_posix(),
                "bytes": path.stat().st_size,
                "sha256": sha.get(kind) or sha256_file(path),
            }
            for kind, path in files.items()
        }
        return info


class _GroupWriter:
    """One group's datasets, per split, each closed before it would pass `max_bin_bytes`."""

    def __init__(self, layout: Layout, group: str, dtype: np.dtype, max_bin_bytes: int):
        self.layout, self.group, self.dtype, self.max_bin_bytes = layout, group, dtype, max_bin_bytes
        self.current: dict[str, _Output] = {}
        self.count: dict[str, int] = {}
        self.infos: list[DatasetInfo] = []

    def add(self, split: str, reader: IndexedReader, table: pa.Table, first: int, last: int) -> None:
        sizes = reader.sizes[first:last].astype(np.int64) * self.dtype.itemsize
        i = first
        while i < last:
            current = self.current.get(split)
            if current is None:
                index = self.count[split] = self.count.get(split, -1) + 1
                current = self.current[split] = _Output(self.layout, self.group, index, self.dtype, split)
            room = self.max_bin_bytes - current.writer.bin_bytes
            fit = int(np.searchsorted(np.cumsum(sizes[i - first :]), room, side="right"))
            if fit == 0 and current.writer.documents == 0:
                fit = 1  # a document larger than the cap gets a file of its own
            if fit == 0:
                self.infos.append(self.current.pop(split).close())
                continue
            current.add(reader, table, i, i + fit)
            i += fit

    def close(self) -> list[DatasetInfo]:
        self.infos += [self.current.pop(split).close() for split in SPLITS if split in self.current]
        return sorted(self.infos, key=lambda info: (SPLITS.index(info.split), info.name))


def split_labels(ids: list[str], options: TokenizeConfig) -> np.ndarray:
    """Each document's split (index into SPLITS), from a seeded hash of its id: the same on every run."""
    u = np.array([uniform(HELDOUT_SEED, i) for i in ids])
    return np.where(u < options.valid_fraction, 1, np.where(u < options.valid_fraction + options.test_fraction, 2, 0))


def merge(results: list[TaskResult], layout: Layout, options: TokenizeConfig, dtype: np.dtype) -> list[DatasetInfo]:
    """Parts → datasets, group by group, in task (sorted shard) order; each group's documents of all shards
    go to one dataset per split (more only past `max_bin_bytes`). Only a group of at least
    `heldout_min_docs` documents gives documents to valid and test."""
    parts: dict[str, list[Path]] = {}
    for r in results:
        for out in r.outputs:
            if out.endswith(".idx"):
                prefix = Path(out[: -len(".idx")])
                parts.setdefault(prefix.name, []).append(prefix)
    infos = []
    group_docs: dict[str, int] = {}  # documents per blend group, its rehydration ranges together
    for key, prefixes in parts.items():
        base = split_group(key)[0]
        group_docs[base] = group_docs.get(base, 0) + sum(len(IndexedReader(p)) for p in prefixes)
    for group in sorted(parts):
        readers = [IndexedReader(prefix) for prefix in parts[group]]
        heldout = group_docs[split_group(group)[0]] >= options.heldout_min_docs
        writer = _GroupWriter(layout, group, dtype, options.max_bin_bytes)
        for prefix, reader in zip(parts[group], readers):
            if reader.dtype != dtype:
                raise TokenizeError(f"{prefix}: part has dtype {reader.dtype}, expected {dtype}")
            table = pq.read_table(Path(f"{prefix}.docs.parquet"))
            labels = split_labels(table.column("id").to_pylist(), options) if heldout else np.zeros(len(reader), dtype=np.int64)
            first = 0
            for label, run in itertools.groupby(labels.tolist()):
                last = first + sum(1 for _ in run)
                writer.add(SPLITS[label], reader, table, first, last)
                first = last
        infos += writer.close()
    weights = {t.label: t.weight for t in parse_tiers(options.rehydrate)}
    for info in infos:  # a range's datasets blend within their group, upsampled by the range's weight
        info.group, info.cluster_sizes = split_group(info.group)
        info.upsample = weights[info.cluster_sizes] if info.cluster_sizes else 1.0
    return sorted(infos, key=lambda info: (SPLITS.index(info.split), info.name))


def _remove_stale(layout: Layout, infos: list[DatasetInfo]) -> None:
    """Dataset files of an earlier run that this run did not produce, and temporary leftovers."""
    produced = [layout.tokens() / f["name"] for info in infos for f in info.files.values()]
    folders = [layout.token_split_dir(split) for split in SPLITS]
    remove_stale(folders, produced, pattern="*_[0-9][0-9][0-9][0-9][0-9].*")
    remove_stale(folders, [], pattern=".*.tmp-*")


def _clear(layout: Layout) -> None:
    """No datasets and no manifest: what is left of an earlier run must not pass for this run's tokens."""
    layout.token_manifest().unlink(missing_ok=True)
    if layout.tokens().is_dir():
        _remove_stale(layout, [])
    shutil.rmtree(layout.token_parts(), ignore_errors=True)


def run_tokenize(config: RunConfig, progress: bool = True) -> StageResult:
    """Encode every input shard (resumable) and merge into datasets with a manifest."""
    options = config.tokenize
    layout = Layout(config.output_dir)
    input_dir = Path(options.input_dir or default_input(STAGE, layout))
    if options.input_dir and not input_dir.exists():
        raise TokenizeError(f"{input_dir}: tokenize.input_dir does not exist")
    if not may_hold_documents(list_shards(input_dir)):  # every document was removed upstream
        _clear(layout)
        return StageResult(facts={"documents": 0, "tokens": 0, "note": f"no documents in {input_dir}: earlier token datasets removed"})
    tokenizer_path = Path(options.tokenizer or layout.tokenizer_file())
    if not tokenizer_path.exists():
        raise TokenizeError(f"{tokenizer_path}: no tokenizer (run `curation tokenizer train` first, or set tokenize.tokenizer)")
    tasks = plan(config, input_dir, tokenizer_path)
    if not tasks:
        raise TokenizeError(f"{input_dir}: no Parquet shards to tokenize")
    tokenizer, eod, dtype, _specials = load_tokenizer(tokenizer_path, tasks[0].payload["tokenizer_sha256"], options.eod_token)
    results = run_tasks(tasks, encode_shard, workers=config.workers, description=NAME, progress=progress, spark=config.spark_executor())
    layout.tokens().mkdir(parents=True, exist_ok=True)
    # no manifest while datasets are being replaced: its presence means the set is complete
    layout.token_manifest().unlink(missing_ok=True)
    infos = merge(results, layout, options, dtype)
    _remove_stale(layout, infos)
    result = StageResult.of_tasks(results)
    skipped: dict[str, int] = {}
    for (_stage, _lang, _source, outcome), row in result.counts.rows.items():
        if outcome != KEPT:
            skipped[outcome] = skipped.get(outcome, 0) + row[0]
    errors_path = layout.errors(NAME)
    errors_path.parent.mkdir(parents=True, exist_ok=True)
    errors_path.write_text("".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in result.errors), encoding="utf-8")
    tokenizer_info = {
        "file": tokenizer_path.name,
        "sha256": tasks[0].payload["tokenizer_sha256"],
        "vocab_size": tokenizer.get_vocab_size(with_added_tokens=True),
        "eod_token": options.eod_token,
        "eod_id": eod,
        "dtype": dtype.name,
    }
    try:
        manifest = build_manifest(infos, tokenizer_info, options, skipped, len(result.errors))
    except BlendError as exc:
        raise TokenizeError(f"tokenize.train_tokens: {exc}") from None
    write_json_atomic(layout.token_manifest(), manifest)
    if not options.keep_parts:
        shutil.rmtree(layout.token_parts(), ignore_errors=True)
    result.outputs = [str(layout.token_manifest())]
    result.facts |= {
        "documents": result.counts.docs(outcome=KEPT),
        "tokens": manifest["totals"]["tokens"],
        "datasets": len(manifest["datasets"]),
    }
    return result


def run(config: RunConfig, progress: bool = True) -> StageResult:
    return run_tokenize(config, progress)


STAGE = Stage(NAME, run, section="tokenize", label="tokenized", reads="dedup", output=Layout.tokens, holds_documents=False)
