"""Benchmark decontamination and cluster sizes in the dedup job, on real UD PUD text.

Benchmarks (JSONL, Parquet and text files) hold one sentence of each of six languages; the corpus
holds each of them verbatim and embedded in a longer document, clean documents of the same
languages, and planted duplicate clusters of known sizes."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from curation.dedup.stage import run_dedup
from curation.layout import Layout
from curation.schema import documents_table, signals_of
from curation.shards import list_shards, read_stats, read_table, write_shard

ROOT = Path(__file__).resolve().parents[3]
PUD = ROOT / "tests" / "data" / "dedup" / "ud-pud"
# benchmark → (file kind, languages of its items): five languages and more, one CJK and one Thai
BENCHMARKS = {"qa_jsonl": ("jsonl", ["en", "de", "ru"]), "read_pq": ("parquet", ["ar", "es"]), "cloze_txt": ("txt", ["zh", "ja"])}
JOIN = {"zh": "", "ja": ""}


def pud_docs(lang: str) -> list[list[str]]:
    """The sentences of each UD PUD document of a language, in file order."""
    docs: dict[str, list[str]] = {}
    for line in (PUD / f"{lang}.tsv").read_text(encoding="utf-8").split("\n")[:-1]:
        sent_id, doc_id, _lang, text = line.split("\t", 3)
        docs.setdefault(doc_id if doc_id != "None" else sent_id[:6], []).append(text)
    return list(docs.values())


def long_sentence(sentences: list[str], lang: str) -> str:
    return next(s for s in sentences if (len(s) >= 30 if lang in JOIN else len(s.split()) >= 16))


def build(tmp: Path) -> tuple[list[Path], dict[str, Path], dict]:
    """(document shards, benchmark files, truth: item per language, ids by role, cluster sizes)."""
    rows, truth = [], {"item": {}, "verbatim": {}, "embedded": {}, "clean": [], "sizes": {}}
    for bench, (_kind, langs) in BENCHMARKS.items():
        for lang in langs:
            docs = pud_docs(lang)
            item = long_sentence(docs[0], lang)
            truth["item"][lang] = (bench, item)
            j = JOIN.get(lang, " ")
            embedded = j.join(docs[1][:3] + [item] + docs[2][:3])
            for role, text in (("verbatim", item), ("embedded", embedded)):
                doc_id = f"{lang}-{role}"
                truth[role][lang] = doc_id
                rows.append({"id": doc_id, "source": "web", "text": text, "lang": lang})
            for k, doc in enumerate(docs[3:9]):
                rows.append({"id": f"{lang}-clean-{k}", "source": "web", "text": j.join(doc), "lang": lang})
                truth["clean"].append(f"{lang}-clean-{k}")
    en = [" ".join(d) for d in pud_docs("en")[20:40]]
    # clusters: 3 exact copies; a near copy of a near copy's exact copy (chain); a URL duplicate; singletons
    rows += [{"id": f"exact-{k}", "source": "web", "text": en[0], "lang": "en"} for k in range(3)]
    changed = en[1].replace(" the ", " a ", 1)
    rows += [
        {"id": "near-a", "source": "web", "text": en[1] + " " + en[2], "lang": "en"},
        {"id": "near-b", "source": "web", "text": changed + " " + en[2], "lang": "en"},
        {"id": "near-c", "source": "web", "text": changed + " " + en[2], "lang": "en"},
        {"id": "url-a", "source": "web", "text": en[3], "lang": "en", "url": "https://example.org/a"},
        {"id": "url-b", "source": "web", "text": en[4], "lang": "en", "url": "http://www.example.org/a/"},
    ]
    truth["sizes"] = {"exact": 3, "near": 3, "url": 2}
    rows += [{"id": f"single-{k}", "source": "web", "text": en[5 + k], "lang": "en"} for k in range(5)]
    shards = [write_shard(tmp / "docs" / f"part-{k:05d}.parquet", documents_table(rows[k::3])) for k in range(3)]
    files = {}
    for bench, (kind, langs) in BENCHMARKS.items():
        items = [truth["item"][lang][1] for lang in langs] + [
            long_sentence(sum(pud_docs(langs[0])[60:], []), langs[0])
        ]  # one item matches nothing
        path = tmp / "bench" / f"{bench}.{kind}"
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "jsonl":
            path.write_text("".join(json.dumps({"id": f"q{i}", "question": t}) + "\n" for i, t in enumerate(items)), encoding="utf-8")
        elif kind == "parquet":
            pq.write_table(pa.table({"id": [f"p{i}" for i in range(len(items))], "question": items}), path)
        else:
            path.write_text("".join(t + "\n" for t in items), encoding="utf-8")
        files[bench] = path
    return shards, files, truth


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    return build(tmp_path_factory.mktemp("decon"))


def run(spark, dedup_config, out: Path, planted, **overrides):
    shards, files, _ = planted
    cfg = dedup_config(
        out,
        shards,
        recall=False,
        dedup__decontaminate__benchmarks={k: [str(v)] for k, v in files.items()},
        dedup__decontaminate__text_fields=["question"],
        **overrides,
    )
    return run_dedup(cfg, spark=spark, priorities={}, log=lambda m: None)


@pytest.fixture(scope="module")
def removed_mode(spark, dedup_config, planted, tmp_path_factory):
    out = tmp_path_factory.mktemp("decon-remove")
    summary = run(spark, dedup_config, out, planted, dedup__partitions=2)
    return out, summary


def _tables(out: Path) -> tuple[pa.Table, pa.Table]:
    layout = Layout(out)
    return read_table(list_shards(layout.deduped())), read_table(list_shards(layout.removed("dedup")))


def test_planted_items_removed_in_six_languages_with_benchmark_in_detail(removed_mode, planted):
    out, summary = removed_mode
    _, _, truth = planted
    kept, removed = _tables(out)
    reasons = dict(zip(removed["id"].to_pylist(), removed["reason"].to_pylist()))
    details = dict(zip(removed["id"].to_pylist(), map(json.loads, removed["detail"].to_pylist())))
    for lang, (bench, _item) in truth["item"].items():
        for role in ("verbatim", "embedded"):
            doc = truth[role][lang]
            assert reasons.get(doc) == "benchmark_contamination", (lang, role)
            assert details[doc]["benchmarks"] == [bench] and details[doc]["method"] == "ngram_overlap"
            assert details[doc]["items"][0].startswith(f"{bench}/") and details[doc]["ngrams"] >= 1
    # clean documents are untouched: kept with their text
    kept_ids = set(kept["id"].to_pylist())
    assert set(truth["clean"]) <= kept_ids
    assert sum(r == "benchmark_contamination" for r in reasons.values()) == 2 * len(truth["item"])
    assert summary.facts["benchmark_items"] == 4 + 3 + 3


def test_per_benchmark_counts_in_shard_stats(removed_mode, planted):
    out, _ = removed_mode
    _, _, truth = planted
    rows = [r for shard in list_shards(Layout(out).removed("dedup")) for r in read_stats(shard)["counts"]]
    per = {}
    for r in rows:
        if r["stage"].startswith("dedup:decontaminate:"):
            per[(r["stage"].rsplit(":", 1)[1], r["lang"], r["outcome"])] = r["docs"]
    expected = {(bench, lang, "removed"): 2 for lang, (bench, _) in truth["item"].items()}
    assert per == expected


def test_cluster_sizes_are_signals_of_every_survivor(removed_mode):
    out, _ = removed_mode
    kept, removed = _tables(out)
    sizes = {i: signals_of(s).get("dup_cluster_size") for i, s in zip(kept["id"].to_pylist(), kept["signals"].to_pylist())}
    assert None not in sizes.values()
    assert sizes["exact-0"] == 3 and "exact-1" not in sizes
    assert [sizes.get(f"near-{x}") for x in "abc"].count(3.0) == 1 and sum(f"near-{x}" in sizes for x in "abc") == 1
    assert sizes.get("url-a", sizes.get("url-b")) == 2
    assert all(sizes[f"single-{k}"] == 1 for k in range(5))
    assert {r for r in removed["reason"].to_pylist()} == {"benchmark_contamination", "exact_duplicate", "near_duplicate", "url_duplicate"}
    # signals stay sorted by name
    for s in kept["signals"].to_pylist():
        assert [e["name"] for e in s] == sorted(e["name"] for e in s)


def test_same_bytes_with_1_and_8_partitions(removed_mode, spark, dedup_config, planted, tmp_path_factory, digest):
    out, _ = removed_mode
    expected = digest(out)
    for partitions in (1, 8):
        again = tmp_path_factory.mktemp(f"decon-p{partitions}")
        run(spark, dedup_config, again, planted, dedup__partitions=partitions)
        assert digest(again) == expected, partitions


def test_cut_mode_cuts_embedded_items_and_removes_verbatim_copies(spark, dedup_config, planted, tmp_path_factory):
    _, _, truth = planted
    out = tmp_path_factory.mktemp("decon-cut")
    run(spark, dedup_config, out, planted, dedup__partitions=2, dedup__decontaminate__mode="cut", dedup__decontaminate__cut_min_chars=40)
    kept, removed = _tables(out)
    texts = dict(zip(kept["id"].to_pylist(), kept["text"].to_pylist()))
    signals = dict(zip(kept["id"].to_pylist(), map(signals_of, kept["signals"].to_pylist())))
    reasons = dict(zip(removed["id"].to_pylist(), removed["reason"].to_pylist()))
    for lang, (_bench, item) in truth["item"].items():
        assert reasons[truth["verbatim"][lang]] == "benchmark_contamination", lang  # nothing left of it
        doc = truth["embedded"][lang]
        assert item not in texts[doc] and len(texts[doc]) > 40, lang
        assert signals[doc]["contamination_cut_chars"] >= len(item) - 1, lang  # an ASCII quote before it may stay
    originals = {r["id"]: r["text"] for r in read_table(planted[0]).to_pylist()}
    assert all(texts[i] == originals[i] and "contamination_cut_chars" not in signals[i] for i in truth["clean"])
    stats = [r for shard in list_shards(Layout(out).deduped()) for r in read_stats(shard)["counts"]]
    cut = {
        (r["stage"].rsplit(":", 1)[1], r["lang"]) for r in stats if r["stage"].startswith("dedup:decontaminate:") and r["outcome"] == "cut"
    }
    assert cut == {(bench, lang) for lang, (bench, _) in truth["item"].items()}
    # the bytes reconcile: what came in == the documents written (kept and removed) + the bytes cut out of kept ones
    stats += [r for shard in list_shards(Layout(out).removed("dedup")) for r in read_stats(shard)["counts"]]
    came_in = sum(len(t.encode("utf-8")) for t in originals.values())
    written = sum(r["bytes"] for r in stats if r["stage"] == "dedup")
    cut_out = [r for r in stats if r["stage"] == "dedup:decontaminate"]
    assert {r["outcome"] for r in cut_out} == {"removed"} and sum(r["docs"] for r in cut_out) == len(truth["item"])
    assert written + sum(r["bytes"] for r in cut_out) == came_in
