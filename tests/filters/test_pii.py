"""PII filter: presidio offline, ROOTS's extra categories, typed redaction, policies, no leaks, fast path = plain path."""

from __future__ import annotations

import gzip
import importlib.util
import json
import logging
import pickle
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pytest

from curation.counts import Counts
from curation.schema import REMOVED_SCHEMA
from curation.shards import read_table, write_shard
from filters import get_filter_class
from filters.base import Batch, apply_filter
from filters.pii import PiiRedaction, regions_for
from filters.pii_patterns import Finding, candidate_spans, candidate_windows, entity_windows, looks_like_secret, redact, resolve_overlaps

SAMPLES = Path(__file__).resolve().parents[2] / "samples"

DATA = Path(__file__).resolve().parent.parent / "data" / "pii"
ROWS = [json.loads(line) for line in (DATA / "pii_set.jsonl").read_text(encoding="utf-8").splitlines()]
KINDS = ("email", "phone", "ip", "credit_card", "iban", "user", "secret")


def _batch(texts, langs, source="src"):
    n = len(texts)
    return Batch([f"d{i}" for i in range(n)], [source] * n, [None] * n, list(texts), list(langs), [1.0] * n, [{} for _ in range(n)], [()] * n)


def _overlaps(a, b) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


@pytest.fixture(scope="module")
def pii():
    f = PiiRedaction()
    f.ensure_setup()
    return f


def test_name_table_points_here():
    assert get_filter_class("pii") is PiiRedaction


def test_labelled_set_is_what_the_seeded_generator_writes():
    spec = importlib.util.spec_from_file_location("make_pii_set", DATA / "make_pii_set.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    assert gen.dumps(gen.build()) == (DATA / "pii_set.jsonl").read_text(encoding="utf-8")
    # the generator's checksums are real: valid items pass, invalid ones fail
    for row in ROWS:
        for s in row["spans"]:
            value = row["text"][s["start"] : s["end"]]
            if s["kind"] == "credit_card":
                assert gen.luhn_valid(value.replace(" ", "").replace("-", "")) is s["valid"]
            if s["kind"] == "iban":
                assert gen.iban_valid(value) is s["valid"]
    assert len({r["lang"] for r in ROWS}) == 8
    assert Counter(s["kind"] for r in ROWS for s in r["spans"] if not s["valid"]) == {"credit_card": 62, "iban": 62}


def evaluate(f: PiiRedaction) -> tuple[dict, list]:
    """Precision and recall per kind (a finding matches a valid inserted item of its kind it overlaps)."""
    tp, fn, predicted, false_pos, stray = Counter(), Counter(), Counter(), Counter(), []
    for row in ROWS:
        found = [{"kind": x.kind, "start": x.start, "end": x.end} for x in f.find(row["text"], row["lang"])]
        gold = [s for s in row["spans"] if s["valid"]]
        for s in gold:
            hit = any(x["kind"] == s["kind"] and _overlaps(x, s) for x in found)
            (tp if hit else fn)[s["kind"]] += 1
        for x in found:
            predicted[x["kind"]] += 1
            if not any(x["kind"] == s["kind"] and _overlaps(x, s) for s in gold):
                false_pos[x["kind"]] += 1
                if not any(_overlaps(x, s) for s in row["spans"]):
                    stray.append((row["id"], x["kind"]))  # a finding in the natural sentence itself
    table = {
        k: {
            "recall": tp[k] / (tp[k] + fn[k]),
            "precision": (predicted[k] - false_pos[k]) / predicted[k] if predicted[k] else 0.0,
            "support": tp[k] + fn[k],
        }
        for k in KINDS
    }
    return table, stray


def test_precision_and_recall_per_entity_on_the_labelled_set(pii, capsys):
    table, stray = evaluate(pii)
    with capsys.disabled():
        print("\nPII labelled set (320 UD PUD sentences, 8 languages):")
        for k, v in table.items():
            print(f"  {k:12s} precision {v['precision']:.3f}  recall {v['recall']:.3f}  (n={v['support']})")
    for kind in ("email", "ip", "credit_card", "iban"):
        assert table[kind]["recall"] >= 0.95, (kind, table[kind])
    assert table["phone"]["recall"] >= 0.95 and table["user"]["recall"] >= 0.95 and table["secret"]["recall"] >= 0.95
    for kind in ("email", "ip", "iban", "user", "secret"):
        assert table[kind]["precision"] == 1.0, (kind, table[kind])
    # the only false positives sit on the invalid cards/IBANs (digit runs that happen to form a phone
    # number or a Luhn-valid card); the natural sentences themselves yield none
    assert table["credit_card"]["precision"] >= 0.95 and table["phone"]["precision"] >= 0.9
    assert stray == []


def test_invalid_checksums_are_not_cards_or_ibans(pii):
    for row in ROWS:
        found = pii.find(row["text"], row["lang"])
        for s in row["spans"]:
            if not s["valid"]:
                exact = [x for x in found if (x.start, x.end) == (s["start"], s["end"])]
                assert all(x.kind != s["kind"] for x in exact), (row["id"], s["kind"])


def test_windowed_findings_equal_whole_document_findings(pii):
    whole = PiiRedaction({"windows": False})
    real = [json.loads(line)["text"] for line in gzip.open(SAMPLES / "data" / "cc_en_head-0091.jsonl.gz", "rt", encoding="utf-8")]
    docs = [(r["text"], r["lang"]) for r in ROWS] + [(t, "en") for t in real]
    # whole sample documents, then the same with every labelled sentence appended (PII deep inside long text)
    docs += [(real[i % len(real)] + "\n" + ROWS[i]["text"] + "\n" + real[(i + 1) % len(real)], ROWS[i]["lang"]) for i in range(0, len(ROWS), 7)]
    # extensions, odd separators and numbers glued to other runs: the narrow phone windows must see them whole
    tricky = ["Call +1 650-253-0000 ext. 1234 today", "Tel. (030) 1234-5678 Durchwahl 12, Fax 030/1234-5679",
              "Ligne 01 42 68 53 00 poste 123456 ou le 06.12.34.56.78.", "Звоните 8 (495) 123-45-67 доб. 123",
              "In 2014-2016 we sold 12 345 units, 1 500 000 euros, ref 2014/12/05 and +44 20 7946 0018 x 42."]
    docs += [(t, lang) for t in tricky for lang in ("en", "de", "fr", "ru")]
    for text, lang in docs:
        assert pii.find(text, lang) == whole.find(text, lang)


def test_no_pii_survives_redaction_stats_logs_or_removed_shards(tmp_path, caplog):
    secrets = [row["text"][s["start"] : s["end"]] for row in ROWS for s in row["spans"] if s["valid"]]
    caplog.set_level(logging.DEBUG)
    texts, langs = [r["text"] for r in ROWS], [r["lang"] for r in ROWS]

    counts = Counts()
    kept, removed = apply_filter(PiiRedaction(), _batch(texts, langs), counts)
    assert removed == []
    counts_drop = Counts()
    dropped, removals = apply_filter(PiiRedaction({"policy": "drop"}), _batch(texts, langs, "forum"), counts_drop)
    # exactly the 280 sentences that received PII; the 40 untouched ones stay
    assert [i for i, _ in removals] == [i for i, r in enumerate(ROWS) if r["spans"]] and len(removals) == 280
    shard = write_shard(
        tmp_path / "removed" / "part-00000.parquet",
        pa.Table.from_pylist(
            [{"id": dropped.ids[i], "source": "forum", "url": None, "text": dropped.texts[i], "lang": dropped.langs[i],
              "lang_score": 1.0, "meta": None, "signals": sorted(dropped.signals[i].items()),
              "stage": "filter:pii", "reason": reason, "detail": detail} for i, (reason, detail) in removals],
            schema=REMOVED_SCHEMA,
        ),
        stats=counts_drop.to_json(),
        schema=REMOVED_SCHEMA,
    )
    stored = read_table(shard).to_pylist()
    outputs = "\n".join(
        kept.texts + [json.dumps(r, default=str) for r in stored] + [json.dumps(counts.to_json()), json.dumps(counts_drop.to_json())]
    ) + caplog.text
    leaked = [s for s in secrets if s in outputs]
    assert leaked == []
    assert {r["reason"] for r in stored} == {"contains_pii"}
    assert all(set(r["detail"].split()) <= {f"{k}={n}" for k in KINDS for n in range(1, 4)} for r in stored)


def test_redaction_uses_typed_placeholders_and_counts_entities_per_kind():
    text = ("Write to ana.lopez@example.es or call +34 612 34 56 78; server 10.0.0.12, card 4111-1111-1111-1111, "
            "IBAN ES91 2100 0418 4502 0005 1332, follow @ana_lopez, token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789.")
    counts = Counts()
    batch, removed = apply_filter(PiiRedaction(), _batch([text, "Nothing personal here, since 2014."], ["es", "es"]), counts)
    assert batch.texts[0] == ("Write to <EMAIL> or call <PHONE>; server <IP_ADDRESS>, card <CREDIT_CARD>, "
                              "IBAN <IBAN>, follow <USER>, token <SECRET>.")
    assert batch.texts[1] == "Nothing personal here, since 2014."
    assert {k: v for k, v in batch.signals[0].items()} == {f"pii_{k}": 1.0 for k in KINDS}
    assert all(v == 0.0 for v in batch.signals[1].values())
    rows = {(r["stage"], r["outcome"]): r["docs"] for r in counts.to_json()}
    assert rows[("filter:pii", "kept")] == 2
    assert rows[("filter:pii:rewritten", "rewritten")] == 1
    assert {k: rows[("filter:pii:rewritten", k)] for k in KINDS} == {k: 1 for k in KINDS}


def test_policies_keep_and_drop():
    text = "Mail me at olga@example.ru, twice: olga@example.ru."
    keep = PiiRedaction({"policy": "keep"})
    batch, removed = apply_filter(keep, _batch([text], ["ru"]), counts := Counts())
    assert batch.texts == [text] and removed == [] and batch.signals[0]["pii_email"] == 2.0
    assert counts.docs("filter:pii:rewritten") == 0
    drop = PiiRedaction({"policy": "drop"})
    batch, removed = apply_filter(drop, _batch([text, "Без личных данных."], ["ru", "ru"]), Counts())
    assert removed == [(0, ("contains_pii", "email=2"))]
    assert batch.texts[0] == "Mail me at <EMAIL>, twice: <EMAIL>."  # what the removed shard stores
    # per-language override of the source policy
    mixed = PiiRedaction({"policy": "redact"}, langs={"ru": {"policy": "drop"}})
    assert mixed.decide({"pii_email": 1.0}, "ru") == ("contains_pii", "email=1")
    assert mixed.decide({"pii_email": 1.0}, "en") is None


@pytest.mark.parametrize("lang", ["sw", "eu", "yo", "und", None, "ja"])
def test_every_pipeline_language_gets_the_pattern_recognizers(pii, lang):
    text = "contact: info@example.org 192.0.2.44 5500 0000 0000 0004"
    assert [f.kind for f in pii.find(text, lang)] == ["email", "ip", "credit_card"]


def test_phone_regions_follow_the_language():
    assert regions_for("de")[:8] == ("US", "GB", "DE", "FR", "IL", "IN", "CA", "BR")
    assert "ES" in regions_for("es") and "ES" not in regions_for("en") and "LU" not in regions_for("fr")
    f = PiiRedaction()
    spanish_national = "Llame al 912 345 678 hoy."
    assert [x.kind for x in f.find(spanish_national, "es")] == ["phone"]
    assert f.find(spanish_national, "en") == []  # a Spanish national number means nothing in US/GB plans


def test_cheap_precheck_skips_plain_text_and_years():
    assert candidate_spans("In 2014 the council met 3 times in Paris.") == []
    assert candidate_windows("Plain text without any digits or at-signs.") == []
    text = "Intro words here. Call 030 1234567 now. " + "filler " * 40 + "end."
    (lo, hi, entities), = entity_windows(text, margin=10, phone_margin=10)
    assert entities == {"PHONE_NUMBER"} and text[lo:hi].startswith("here.") and "030 1234567" in text[lo:hi] and hi < len(text) - 100


def test_secret_heuristic_spares_words_and_ibans():
    assert looks_like_secret("aB3dE5gH7jK9mN1pQ3sT5vW7yZ9")
    assert not looks_like_secret("DE89370400440532013000")
    assert not looks_like_secret("internationalisation_and_localisation")
    assert not looks_like_secret("ThisIsACamelCaseIdentifier2")


def test_overlapping_findings_merge_so_nothing_leaks():
    merged = resolve_overlaps([Finding("phone", 5, 15, 0.4), Finding("credit_card", 5, 24, 1.0), Finding("email", 30, 40, 1.0)])
    assert merged == [Finding("credit_card", 5, 24, 1.0), Finding("email", 30, 40, 1.0)]
    assert redact("0123456789" * 5, merged) == "01234<CREDIT_CARD>456789<EMAIL>0123456789"


def test_ner_entities_with_a_spacy_pipeline_from_disk(tmp_path):
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PERSON", "pattern": [{"LOWER": "kori"}, {"LOWER": "schulman"}]}])
    nlp.to_disk(tmp_path / "ner-en")
    f = PiiRedaction(langs={"en": {"ner_model": str(tmp_path / "ner-en")}})
    text = "Obama special assistant Kori Schulman wrote in a blog post, schulman@example.com."
    batch, _ = apply_filter(f, _batch([text, "Kori Schulman a écrit."], ["en", "fr"]), Counts())
    assert batch.texts[0] == "Obama special assistant <PERSON> wrote in a blog post, <EMAIL>."
    assert batch.texts[1] == "Kori Schulman a écrit."  # no NER configured for fr
    assert batch.signals[0]["pii_person"] == 1.0 and batch.signals[1]["pii_person"] == 0.0


def test_missing_spacy_model_is_a_clear_error():
    f = PiiRedaction({"ner_model": "xx_no_such_model_sm"})
    with pytest.raises(ValueError, match=r"spaCy model 'xx_no_such_model_sm' is not installed"):
        f.find("text", "en")
    with pytest.raises(ValueError, match="unknown entities"):
        PiiRedaction({"entities": ("email", "passport")}).find("x", "en")


def test_pickles_without_analyzers(pii):
    pii.find("a@example.com", "en")
    clone = pickle.loads(pickle.dumps(pii))
    assert clone._ready is False and "_analyzers" not in clone.__dict__
    assert [f.kind for f in clone.find("mail a@example.com", "en")] == ["email"]


def test_four_digit_runs_are_never_phone_numbers():
    import os

    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    from presidio_analyzer.predefined_recognizers import PhoneRecognizer

    text = "The treaty was signed in 1648, the war ended in 1650."
    plain = PhoneRecognizer(supported_language="de", supported_regions=("DE",)).analyze(text, ["PHONE_NUMBER"])
    assert [text[r.start : r.end] for r in plain] == ["1648"]  # the German numbering plan makes it valid
    assert PiiRedaction().find(text, "de") == []


def test_windows_run_only_the_recognizers_their_candidates_call_for():
    text = "Mail bob@example.org. " + "x " * 60 + "Phone 0171 2345678. " + "y " * 60 + "Born 1990 in Rome."
    windows = entity_windows(text, margin=16)
    assert [sorted(e) for _, _, e in windows] == [["EMAIL_ADDRESS", "USER_HANDLE"], ["PHONE_NUMBER"]]
    # phone numbers get their own narrow windows; the other recognizers share theirs
    assert [e for _, _, e in entity_windows("pay 4111 1111 1111 1111 now")] == [{"CREDIT_CARD"}, {"PHONE_NUMBER"}]
    assert [e for _, _, e in entity_windows("at 10.0.0.1 and fe80::1 and DE89 3704")] == [
        {"IP_ADDRESS", "IBAN_CODE"}, {"PHONE_NUMBER"}]


def test_entities_glued_to_unspaced_scripts_are_found(pii):
    # presidio's \b anchors fail between a CJK character and ASCII; the unspaced-script variants do not
    cases = {
        "请联系jean@example.com获取更多信息。": [("email", "jean@example.com")],
        "IP地址192.168.1.1已封禁": [("ip", "192.168.1.1")],
        "卡号4111111111111111已冻结": [("credit_card", "4111111111111111")],
        "地址2001:db8::1和用户@karl615以及密钥sk-AbC123dEf456GhI789jKl012mNo。": [
            ("ip", "2001:db8::1"), ("user", "@karl615"), ("secret", "sk-AbC123dEf456GhI789jKl012mNo")],
        "version v1.2.3.4 and build a1.2.3.4": [],  # ASCII neighbours still block them
    }
    for text, expected in cases.items():
        assert [(f.kind, text[f.start : f.end]) for f in pii.find(text, "zh")] == expected
