"""Line dedup in the dedup job: planted boilerplate lines shared by several real documents in five languages (CJK and
Thai among them) are removed from all documents but the survivor (or from all), counts reconcile per language, a
document left too short is removed with its reason, and the bytes do not depend on partitions."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pytest

from curation.counts import Counts
from curation.dedup.lines import spans, unit_lists, units, without_units
from curation.dedup.stage import run_dedup
from curation.layout import Layout
from curation.schema import doc_id, documents_table
from curation.shards import list_shards, read_stats, read_table, write_shard
from curation.stats import byte_mismatches

LANGS = ("en", "fr", "zh", "ja", "th")
# two planted lines per language; the second carries a year that one document writes differently (digits normalise)
BOILERPLATE = {
    "en": ("Home | News | Sport | Contact us: desk@example-news.org", "Copyright © 2024 Example News. All rights reserved."),
    "fr": ("Accueil | Actualités | Sport | Contact", "© 2024 Exemple Presse. Tous droits réservés."),
    "zh": ("首页 | 新闻 | 体育 | 联系我们", "版权所有 © 2024 示例新闻网 保留所有权利"),
    "ja": ("ホーム | ニュース | スポーツ | お問い合わせ", "Copyright © 2024 サンプル新聞社 無断転載を禁じます"),
    "th": ("หน้าแรก | ข่าว | กีฬา | ติดต่อเรา", "สงวนลิขสิทธิ์ © 2024 ข่าวตัวอย่าง"),
}
DOCS_PER_LANG = 8
HOLDERS = 6  # documents 0..5 of each language carry both planted lines
PRIORITIES = {"news": 1, "spam": 0}  # the survivor rule prefers `news`: the thin `spam` page never keeps a line


def unit_hashes(keys: list[int], texts: list[str | None], unit: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(key, position, hash) of every hashed unit of every text, from `unit_lists`."""
    lists = unit_lists(pa.array(texts, pa.string()), unit)
    counts = [len(found) for found in lists.to_pylist()]
    flat = lists.flatten()
    return np.repeat(np.asarray(keys, dtype=np.int64), counts), flat.field("pos").to_numpy(), flat.field("hash").to_numpy()


@pytest.fixture(scope="module")
def line_corpus(near_dup_data, tmp_path_factory):
    """(shard paths, {id: (lang, source, text)}): 8 documents of 5 real sentences per language, 6 with the planted lines,
    plus one English `spam` page made of the planted lines and two words."""
    pools = near_dup_data.load_pools()
    rows = []
    for lang in LANGS:
        top, bottom = BOILERPLATE[lang]
        for i in range(DOCS_PER_LANG):
            body = pools[lang][i * 5 : (i + 1) * 5]
            lines = [top, *body, bottom.replace("2024", "2023") if i == 3 else bottom] if i < HOLDERS else body
            rows.append({"id": doc_id("news", f"{lang}-{i}"), "source": "news", "text": "\n".join(lines), "lang": lang})
    top, bottom = BOILERPLATE["en"]
    rows.append({"id": doc_id("spam", "en-thin"), "source": "spam", "text": f"{top}\nRead more.\n{bottom}\n", "lang": "en"})
    out = tmp_path_factory.mktemp("line-corpus")
    paths = [
        write_shard(out / "part-00000.parquet", documents_table(rows[:20])),
        write_shard(out / "part-00001.parquet", documents_table(rows[20:])),
    ]
    return paths, {r["id"]: (r["lang"], r["source"], r["text"]) for r in rows}


def _run(spark, dedup_config, out, paths, **overrides):
    cfg = dedup_config(out, paths, recall=False, **({"dedup__lines__enabled": True} | overrides))
    return run_dedup(cfg, spark=spark, priorities=PRIORITIES, log=lambda m: None)


@pytest.fixture(scope="module")
def kept_one(spark, line_corpus, dedup_config, tmp_path_factory):
    out = tmp_path_factory.mktemp("lines-survivor")
    return out, _run(spark, dedup_config, out, line_corpus[0], dedup__partitions=2)


def _outputs(out):
    layout = Layout(out)
    kept = read_table(list_shards(layout.deduped())).to_pydict()
    shards = list_shards(layout.removed("dedup"))
    removed = read_table(shards).to_pydict() if shards else {"id": [], "reason": [], "detail": []}
    return dict(zip(kept["id"], kept["text"])), {
        i: (r, json.loads(d)) for i, r, d in zip(removed["id"], removed["reason"], removed["detail"])
    }


def _holders(docs, lang):
    return sorted(i for i, (lg, source, text) in docs.items() if lg == lang and BOILERPLATE[lang][0] in text)


def test_planted_lines_stay_only_in_the_survivor_in_five_languages(kept_one, line_corpus):
    out, _ = kept_one
    _, docs = line_corpus
    kept, removed = _outputs(out)
    for lang in LANGS:
        holders = _holders(docs, lang)
        survivor = min(i for i in holders if docs[i][1] == "news")  # priority first, then the smallest id
        for doc in holders:
            if doc in removed:
                continue
            planted = [u for u in docs[doc][2].split("\n") if u == BOILERPLATE[lang][0] or u.endswith(BOILERPLATE[lang][1][-8:])]
            assert len(planted) == 2
            assert [u in kept[doc] for u in planted] == [doc == survivor] * 2, (lang, doc, kept[doc][:80])
            body = [u for u in docs[doc][2].split("\n") if u not in planted]
            assert "\n".join(body) in kept[doc]  # every other line is still there, in order
        for doc, (lg, _, text) in docs.items():
            if lg == lang and doc not in holders:
                assert kept[doc] == text  # documents without the lines are untouched, byte for byte


def test_a_document_left_too_short_is_removed_with_its_reason(kept_one, line_corpus):
    out, _ = kept_one
    kept, removed = _outputs(out)
    thin = doc_id("spam", "en-thin")
    reason, detail = removed[thin]
    assert reason == "dedup_lines_emptied"
    assert detail == {"method": "line_hash", "lines_removed": 2, "words_left": 2}
    assert set(removed) == {thin}  # nothing else is removed
    original = read_table(list_shards(Layout(out).removed("dedup")))
    assert original["text"].to_pylist() == [line_corpus[1][thin][2]]  # removed/ holds the document as it came in


def test_counts_reconcile_per_language(kept_one, line_corpus):
    out, summary = kept_one
    _, docs = line_corpus
    layout = Layout(out)
    rows = [r for shard in list_shards(layout.deduped()) + list_shards(layout.removed("dedup")) for r in read_stats(shard)["counts"]]
    for lang in LANGS:
        holders = _holders(docs, lang)
        news = [d for d in holders if docs[d][1] == "news"]
        cut = [r for r in rows if r["stage"] == "dedup:lines" and r["lang"] == lang and r["outcome"] == "removed"]
        assert sum(r["docs"] for r in cut) == 2 * (len(news) - 1), lang  # two lines from every holder but the survivor
        bytes_in = sum(len(docs[d][2].encode()) for d in docs if docs[d][0] == lang)
        docs_out = sum(r["bytes"] for r in rows if r["stage"] == "dedup" and r["lang"] == lang)
        assert bytes_in == docs_out + sum(r["bytes"] for r in cut), lang
    # the stats stage's byte check: what the filter stage kept == documents out + bytes cut, per source
    filtered = Counts()
    for lang, source, text in docs.values():
        filtered.add("filter", lang, source, "kept", text)
    stats = Counts.from_json(rows).merge(filtered)
    assert byte_mismatches(stats) == []
    without_cuts = Counts.from_json([r for r in rows if r["stage"] != "dedup:lines"]).merge(filtered)
    assert byte_mismatches(without_cuts) and "source 'news'" in byte_mismatches(without_cuts)[0]
    emptied = [r for r in rows if r["stage"] == "dedup:lines" and r["outcome"] == "emptied"]
    assert [(r["lang"], r["source"], r["docs"]) for r in emptied] == [("en", "spam", 2)]
    assert summary.counts.docs("dedup") == len(docs)
    assert summary.facts["lines removed"].startswith(f"{2 * (HOLDERS - 1) * len(LANGS):,} (")


def test_removed_line_samples_reach_the_stats_folder(kept_one):
    out, _ = kept_one
    samples = json.loads(Layout(out).dedup_line_samples().read_text(encoding="utf-8"))
    assert samples["unit"] == "line"
    by_lang = {}
    for s in samples["samples"]:
        by_lang.setdefault(s["lang"], []).append(s)
    assert sorted(by_lang) == sorted(LANGS)
    assert {s["text"] for s in by_lang["zh"]} == set(BOILERPLATE["zh"])
    assert max(s["docs"] for s in by_lang["en"]) == HOLDERS  # 5 other news pages and the spam page lost it
    assert "Home | News | Sport | Contact us: <EMAIL>" in {s["text"] for s in by_lang["en"]}  # redacted when written
    assert "desk@example-news.org" not in Layout(out).dedup_line_samples().read_text(encoding="utf-8")


def test_keep_none_removes_the_lines_from_every_document(spark, line_corpus, dedup_config, tmp_path):
    paths, docs = line_corpus
    _run(spark, dedup_config, tmp_path, paths, dedup__lines__keep="none")
    kept, removed = _outputs(tmp_path)
    for lang in LANGS:
        for doc in _holders(docs, lang):
            assert doc in removed or not any(line in kept[doc] for line in BOILERPLATE[lang]), (lang, doc)


def test_same_bytes_with_1_2_8_partitions(kept_one, spark, line_corpus, dedup_config, tmp_path, digest):
    out, _ = kept_one
    expected = digest(out)
    for partitions in (1, 8):
        again = tmp_path / f"p{partitions}"
        _run(spark, dedup_config, again, list(reversed(line_corpus[0])), dedup__partitions=partitions)
        assert digest(again) == expected, partitions
    assert Layout(again).dedup_line_samples().read_bytes() == Layout(out).dedup_line_samples().read_bytes()


def test_sentence_units_find_a_boilerplate_sentence_inside_one_line_chinese_text(spark, near_dup_data, dedup_config, tmp_path):
    pools = near_dup_data.load_pools()
    notice = "本站所有文章均为原创，未经许可不得转载。"
    rows = []
    for i in range(4):
        text = "".join(pools["zh"][i * 3 : (i + 1) * 3]) + notice + pools["zh"][100 + i]  # one line, no newline
        rows.append({"id": doc_id("news", f"zh-{i}"), "source": "news", "text": text, "lang": "zh"})
    paths = [write_shard(tmp_path / "in" / "part-00000.parquet", documents_table(rows))]
    _run(spark, dedup_config, tmp_path / "out", paths, dedup__lines__unit="sentence")
    kept, _ = _outputs(tmp_path / "out")
    assert sum(notice in text for text in kept.values()) == 1
    for row in rows:
        assert kept[row["id"]].replace(notice, "") == row["text"].replace(notice, "")


def test_units_cover_the_text_and_cjk_sentences_split_without_spaces():
    text = "第一句。第二句！\nSecond line. Third sentence?  Fourth\n\nสวัสดีครับ ขอบคุณครับ"
    for unit in ("line", "paragraph", "sentence"):
        assert "".join(units(text, unit)) == text
        assert all(b > a for a, b in spans(text, unit))
    assert units(text, "sentence")[:3] == ["第一句。", "第二句！\n", "Second line. "]
    assert units(text, "sentence")[-2:] == ["สวัสดีครับ ", "ขอบคุณครับ"]
    assert len(units(text, "paragraph")) == 2
    # blank and punctuation-only units have no hash; digits and case do not matter
    keys, pos, hashes = unit_hashes([7, 8], ["© 2024 Example\n\n---\n", "(c) 1999 EXAMPLE"], "line")
    assert keys.tolist() == [7, 8] and pos.tolist() == [0, 0]
    assert hashes[0] != hashes[1]  # "c" is a letter: (c) is not ©
    _, _, same = unit_hashes([1, 2], ["Copyright 2024 Example", "copyright 1999, example!"], "line")
    assert same[0] == same[1]
    assert without_units("Menu\nBody text here.\nFooter\n", [0, 2], "line") == ("Body text here.", 2)


def test_a_finished_job_leaves_the_session_as_it_found_it_and_code_alone(spark, line_corpus, near_dup_data, dedup_config, tmp_path):
    """Two line-dedup jobs (with exact and near dedup, cluster sizes) in one session: nothing they cached, persisted
    or locally checkpointed stays (CI's shared session filled its 2 GB heap with what earlier jobs had left). Code
    files sharing lines (`return None`) keep them: there a repeated line is syntax, not boilerplate."""
    from curation.dedup.work import persistent_rdd_ids

    body = ("import os", "", "def {name}(path):", "    if not os.path.exists(path):", "        return None", "    return {name}_of(path)")
    notes = near_dup_data.load_pools()["en"][200:212]  # a docstring of its own per file: no file is a near copy of another
    code = [
        {
            "id": doc_id("code", f"f{i}.py"),
            "source": "code",
            "text": '"""' + " ".join(notes[3 * i : 3 * i + 3]) + '"""\n' + "\n".join(body).format(name=f"read_{i}"),
            "lang": "zxx-x-python",
        }
        for i in range(4)
    ]
    paths = [*line_corpus[0], write_shard(tmp_path / "code" / "part-00000.parquet", documents_table(code))]
    before = persistent_rdd_ids(spark)
    for run in range(2):
        out = tmp_path / f"run{run}"
        _run(spark, dedup_config, out, paths, dedup__partitions=2)
        assert persistent_rdd_ids(spark) == before, run
        assert not Layout(out).scratch("dedup").exists()  # the settled frames went with the job
    kept, removed = _outputs(tmp_path / "run1")
    assert [kept.get(row["id"]) for row in code] == [row["text"] for row in code]
    assert doc_id("spam", "en-thin") in removed and sum("Home | News" in t for t in kept.values()) == 1  # prose still deduplicated


def test_line_units_by_one_arrow_split_are_those_of_the_spans(near_dup_data):
    """Lines hashed from one Arrow split per batch, and cut by str.split, have the positions, hashes and texts the
    span pattern gives (blank lines, CRLF, a final newline or none, CJK, empty and null texts); `first` marks a
    hash's first position in its text."""
    pools = near_dup_data.load_pools()
    real = ["\n".join(pool[i : i + 4]) + ("\n" if i % 8 else "") for pool in pools.values() for i in range(0, 200, 4)]
    odd = ["", "\n", "\n\n", "a", "a\n", "\na", "a\r\nb\n\n", "第一句。\n第二句！", "  \n---\nx\n\n\ny\n", "x\ny\nX!\n"]
    texts = [*odd, *real, None]
    for text in texts[:-1]:
        parts = [text[a:b] for a, b in spans(text, "line")]
        assert units(text, "line") == parts
        for drop in ([], [0], list(range(0, len(parts), 2)), [len(parts) - 1, len(parts) + 3]):
            kept = "".join(p for i, p in enumerate(parts) if i not in drop)
            n = sum(1 for i in range(len(parts)) if i in drop)
            assert without_units(text, drop, "line") == ((kept.strip() if n else kept), n)
    keys, pos, hashes = unit_hashes(list(range(len(texts))), texts, "line")
    expected = [(i, p) for i, t in enumerate(texts[:-1]) for p, (a, b) in enumerate(spans(t, "line")) if t[a:b].strip(" \n\r\t-")]
    assert list(zip(keys.tolist(), pos.tolist())) == expected
    assert hashes.tolist() == [unit_hashes([0], [texts[k][slice(*spans(texts[k], "line")[p])]], "line")[2][0] for k, p in expected]
    lists = unit_lists(pa.array(texts, pa.string()), "line")
    assert len(lists) == len(texts) and lists[0].as_py() == [] and lists[len(texts) - 1].as_py() == []
    assert np.array_equal(lists.flatten().field("hash").to_numpy(), hashes)
    assert lists[4].as_py() == [{"pos": 0, "hash": hashes[keys.tolist().index(4)], "first": True}]
    assert [u["first"] for u in lists[9].as_py()] == [True, True, False]  # "X!" is "x" normalised
