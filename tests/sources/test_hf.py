"""hf adapter: the real saved dataset, a saved DatasetDict, local data files, and hub ids offline."""

from __future__ import annotations

import shutil

import datasets
import pytest
from adapter_helpers import FIXTURES, langs, make_entry, problems, read_source, sample

import sources.hf as hf
from curation.config import RunConfig
from curation.ingest.stage import plan
from sources.base import SourceLocationError


def test_saved_dataset_each_arrow_file_is_a_unit():
    entry = sample().get("ud_pud_hf")
    files = hf.list_files(entry, sample().root)
    assert [f.name for f in files] == ["data-00000-of-00002.arrow", "data-00001-of-00002.arrow"]
    docs, bad = read_source(entry, sample().root)
    assert bad == []
    assert langs(docs) == {"pt": 120, "it": 100, "id": 70, "pl": 50, "sv": 40, "cs": 30}
    assert docs[0].native_id == "pt/n01002"
    assert docs[0].text.startswith("Mas numa pausa da sua retórica passada acerca da restrição da imigração")
    assert docs[0].meta == {
        "doc_id": "n01002",
        "sentences": 4,
        "origin": {"file": "data-00000-of-00002.arrow", "row": 1, "id": "pt/n01002"},
    }
    assert len({d.native_id for d in docs}) == 410
    assert docs[-1].native_id.startswith("cs/") and "varhany" in docs[-1].text


def test_saved_dataset_dict_reads_the_chosen_split(tmp_path):
    # a copy, so that datasets' cache files land in tmp_path and never beside the sample
    shutil.copytree(sample().root / sample().get("ud_pud_hf").location, tmp_path / "saved")
    loaded = datasets.load_from_disk(str(tmp_path / "saved"))
    parts = loaded.train_test_split(test_size=10, shuffle=False)
    parts.save_to_disk(str(tmp_path / "dd"))
    docs, bad = read_source(make_entry("hf", "dd", id_field="id", lang_field="lang"), tmp_path)  # default: train
    assert bad == [] and len(docs) == 400
    docs, bad = read_source(make_entry("hf", "dd", id_field="id", split="test"), tmp_path)
    assert len(docs) == 10 and docs[-1].native_id == "cs/" + loaded[-1]["doc_id"]
    with pytest.raises(SourceLocationError, match="no split 'validation'; splits: train, test"):
        hf.list_files(make_entry("hf", "dd", split="validation"), tmp_path)


def test_local_data_files_stream_through_datasets():
    entry = make_entry("hf", "data/multilingual/ud_pud/parquet/zh.parquet", languages=["zh"], id_field="id")
    docs, bad = read_source(entry, sample().root)
    assert bad == [] and len(docs) == 90
    assert docs[-1].native_id == "zh/w02005"
    entry = make_entry("hf", "data/multilingual/ud_pud/ud_pud_mixed.csv", id_field="id", lang_field="lang")
    docs, bad = read_source(entry, sample().root)
    origin = {"file": "ud_pud_mixed.csv", "row": 1, "id": "ar/n02079"}
    assert len(docs) == 295 and docs[0].meta == {"doc_id": "n02079", "sentences": 1, "origin": origin}  # datasets types the csv


def test_rows_datasets_cannot_parse_are_reported_where_reading_stopped():
    docs, bad = read_source(make_entry("hf", "bad_lines.jsonl"), FIXTURES)
    assert docs == []
    assert problems(bad) == [(1, "unreadable_rows")]


def test_hub_id_fails_fast_offline_naming_the_source(monkeypatch):
    entry = make_entry("hf", "bigscience-catalogue-lm-data/lm_ar_arabench", source_id="ar_arabench", languages=["ar"])
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(hf.HubUnavailable) as err:
        hf.list_files(entry, FIXTURES)
    message = str(err.value)
    assert "source 'ar_arabench'" in message and "'bigscience-catalogue-lm-data/lm_ar_arabench'" in message
    assert "not reachable offline (HF_HUB_OFFLINE=1 is set)" in message and "save_to_disk" in message
    # no variable set: the connection probe fails (no network in tests) with the same clear error
    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.delenv("HF_DATASETS_OFFLINE", raising=False)
    with pytest.raises(hf.HubUnavailable, match="no connection to huggingface.co:443"):
        hf.list_files(entry, FIXTURES)


def test_ingest_reports_an_offline_hub_source_and_plans_the_others(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    hub = make_entry("hf", "bigscience-catalogue-lm-data/lm_ar_arabench", source_id="ar_arabench", languages=["ar"])
    saved = sample().get("ud_pud_hf")
    tasks, unlisted = plan(sample(), [hub, saved], RunConfig(output_dir=tmp_path))
    assert [(t.name, len(t.inputs)) for t in tasks] == [("ud_pud_hf.00000", 2)]  # two small files, one task
    assert [(p["source"], p["problem"]) for p in unlisted] == [("ar_arabench", "unlistable_source")]
    assert "not reachable offline" in unlisted[0]["detail"]


def test_location_that_is_neither_path_nor_hub_id():
    with pytest.raises(SourceLocationError, match="neither a path"):
        hf.list_files(make_entry("hf", "no/such/dir/here"), FIXTURES)
