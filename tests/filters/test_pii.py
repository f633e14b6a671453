"""PII filter: presidio offline, ROOTS's extra categories, typed redaction, policies, no leaks, fast path = plain path."""

from __future__ import annotations

import gzip
import importlib.util
import json
import logging
import pickle
import sys
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

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"

DATA = Path(__file__).resolve().parent.parent / "data" / "pii"
ROWS = [json.loads(line) for line in (DATA / "pii_set.jsonl").read_text(encoding="utf-8").splitlines()]
KINDS = ("email", "phone", "ip", "credit_card", "iban", "user", "secret")


def _batch(texts, langs, source="src"):
    n = len(texts)
    return Batch(
        [f"d{i}" for i in range(n)], [source] * n, [None] * n, list(texts), list(langs), [1.0] * n, [{} for _ in range(n)], [()] * n
    )


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


def _eval_module():
    spec = importlib.util.spec_from_file_location("eval_pii", ROOT / "benchmarks" / "eval_pii.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_precision_and_recall_per_entity_on_planted_and_number_rich_text(pii, capsys):
    """The acceptance targets (benchmarks/eval_pii.py): phone precision >= 0.98 over the planted set and
    every number-rich UD PUD sentence (where any finding is false), recall 1.000 for every type."""
    evaluation = _eval_module()
    result = evaluation.evaluate(pii.find)
    with capsys.disabled():
        print("\n" + evaluation.format_table(result))
    table = result["table"]
    assert all(v["recall"] == 1.0 for v in table.values()), table
    assert table["phone"]["precision"] >= evaluation.TARGET_PHONE_PRECISION, table["phone"]
    assert result["numbers"].stray == []  # no finding at all in real number-rich text
    for kind in ("email", "phone", "ip", "iban", "user", "secret"):
        assert table[kind]["precision_planted"] == 1.0, (kind, table[kind])
    # the only false cards are Luhn-valid digit runs inside invalid IBANs; the natural sentences yield nothing
    assert table["credit_card"]["precision_planted"] >= 0.95 and result["planted"].stray == []


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
    docs += [
        (real[i % len(real)] + "\n" + ROWS[i]["text"] + "\n" + real[(i + 1) % len(real)], ROWS[i]["lang"]) for i in range(0, len(ROWS), 7)
    ]
    # extensions, odd separators and numbers glued to other runs: the narrow phone windows must see them whole
    tricky = [
        "Call +1 650-253-0000 ext. 1234 today",
        "Tel. (030) 1234-5678 Durchwahl 12, Fax 030/1234-5679",
        "Ligne 01 42 68 53 00 poste 123456 ou le 06.12.34.56.78.",
        "Звоните 8 (495) 123-45-67 доб. 123",
        "In 2014-2016 we sold 12 345 units, 1 500 000 euros, ref 2014/12/05 and +44 20 7946 0018 x 42.",
    ]
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
            [
                {
                    "id": dropped.ids[i],
                    "source": "forum",
                    "url": None,
                    "text": dropped.texts[i],
                    "lang": dropped.langs[i],
                    "lang_score": 1.0,
                    "meta": None,
                    "signals": sorted(dropped.signals[i].items()),
                    "stage": "filter:pii",
                    "reason": reason,
                    "detail": detail,
                }
                for i, (reason, detail) in removals
            ],
            schema=REMOVED_SCHEMA,
        ),
        stats=counts_drop.to_json(),
        schema=REMOVED_SCHEMA,
    )
    stored = read_table(shard).to_pylist()
    outputs = (
        "\n".join(
            kept.texts + [json.dumps(r, default=str) for r in stored] + [json.dumps(counts.to_json()), json.dumps(counts_drop.to_json())]
        )
        + caplog.text
    )
    leaked = [s for s in secrets if s in outputs]
    assert leaked == []
    assert {r["reason"] for r in stored} == {"contains_pii"}
    assert all(set(r["detail"].split()) <= {f"{k}={n}" for k in KINDS for n in range(1, 4)} for r in stored)


def test_redaction_uses_typed_placeholders_and_counts_entities_per_kind():
    text = (
        "Write to ana.lopez@example.es or call +34 612 34 56 78; server 10.0.0.12, card 4111-1111-1111-1111, "
        "IBAN ES91 2100 0418 4502 0005 1332, follow @ana_lopez, token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789."
    )
    counts = Counts()
    batch, removed = apply_filter(PiiRedaction(), _batch([text, "Nothing personal here, since 2014."], ["es", "es"]), counts)
    assert batch.texts[0] == (
        "Write to <EMAIL> or call <PHONE>; server <IP_ADDRESS>, card <CREDIT_CARD>, IBAN <IBAN>, follow <USER>, token <SECRET>."
    )
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
    ((lo, hi, entities),) = entity_windows(text, margin=10, phone_margin=10)
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
    assert [e for _, _, e in entity_windows("at 10.0.0.1 and fe80::1 and DE89 3704")] == [{"IP_ADDRESS", "IBAN_CODE"}, {"PHONE_NUMBER"}]


def test_entities_glued_to_unspaced_scripts_are_found(pii):
    # presidio's \b anchors fail between a CJK character and ASCII; the unspaced-script variants do not
    cases = {
        "请联系jean@example.com获取更多信息。": [("email", "jean@example.com")],
        "IP地址192.168.1.1已封禁": [("ip", "192.168.1.1")],
        "卡号4111111111111111已冻结": [("credit_card", "4111111111111111")],
        "地址2001:db8::1和用户@karl615以及密钥sk-AbC123dEf456GhI789jKl012mNo。": [
            ("ip", "2001:db8::1"),
            ("user", "@karl615"),
            ("secret", "sk-AbC123dEf456GhI789jKl012mNo"),
        ],
        "version v1.2.3.4 and build a1.2.3.4": [],  # ASCII neighbours still block them
    }
    for text, expected in cases.items():
        assert [(f.kind, text[f.start : f.end]) for f in pii.find(text, "zh")] == expected


# --- issue 11: precision and recall both ---

UD_PUD = ROOT / "tests" / "data" / "dedup" / "ud-pud"  # the same 1000 PUD sentences in 10 languages


def _number_sentences() -> list[tuple[str, str, str]]:
    """(sent_id, lang, text) of every UD PUD sentence here that holds a run of 5+ digits (separators allowed)."""
    rows = []
    for path in sorted(UD_PUD.glob("*.tsv")):
        if path.name != "SOURCES.tsv":
            for line in path.read_text(encoding="utf-8").splitlines():
                sent_id, _doc, lang, text = line.split("\t")
                if candidate_spans(text):
                    rows.append((sent_id, lang, text))
    return rows


def test_ordinary_numbers_in_real_sentences_are_not_phone_numbers(pii):
    """Populations (168 000, 168.000, 330 000), ranges (3000-5000), amounts and dates in real news and
    Wikipedia sentences stay in the training text as they are."""
    rows = _number_sentences()
    assert len(rows) > 100 and {"168 000", "168.000", "168000", "330 000"} <= {
        m for _, _, t in rows for m in ("168 000", "168.000", "168000", "330 000") if m in t
    }
    found = [(sent_id, lang, t[f.start : f.end]) for sent_id, lang, t in rows for f in pii.find(t, lang) if f.kind == "phone"]
    assert found == []
    batch, _ = apply_filter(PiiRedaction(), _batch([t for _, _, t in rows], [lang for _, lang, _ in rows]), Counts())
    assert "<PHONE>" not in "".join(batch.texts)


@pytest.mark.parametrize(
    "text, lang",
    [
        ("The appeal against decision No. 0216007047/16.05.2017 of the director was rejected.", "bg"),
        ("Die Kettensäge Modell CS 3500-14 schneidet schnell.", "de"),
        ("Between 3.000-5.000 pounds, and 12 345 678 euros in 2014-2016.", "tr"),
        ("Il numero 330000 e la cifra 168000 non sono telefoni.", "it"),
    ],
)
def test_document_numbers_models_and_amounts_are_not_phone_numbers(pii, text, lang):
    assert [f for f in pii.find(text, lang) if f.kind == "phone"] == []


@pytest.mark.parametrize(
    "text, lang, phone, evidence",
    [
        ("Ruf an: +49 30 1234567.", "en", "+49 30 1234567", "international"),
        ("Appelez le 0033 1 23 45 67 89.", "en", "0033 1 23 45 67 89", "international"),
        ("Tel. 030 1234567, bitte.", "en", "030 1234567", "context"),
        ("Llame al 912 345 678 hoy.", "es", "912 345 678", "context"),
        ("电话：010 1234 5678。", "en", "010 1234 5678", "context"),
        ("Bürozeiten (030) 1234567 werktags.", "en", "(030) 1234567", "punctuation"),
        ("Office +44 (0)20 7946 0958.", "de", "+44 (0)20 7946 0958", "international"),
        ("Büro 030/1234567 werktags.", "en", "030/1234567", "punctuation"),
        ("Office 415-555-0134 today.", "de", "415-555-0134", "punctuation"),
        ("Bureau 06 12 34 56 78 le matin.", "en", "06 12 34 56 78", "punctuation"),
        ("Écrivez au 06 12 34 56 78 ou au 0612345678.", "fr", "0612345678", "national"),
        ("Escriba al 612 34 56 78 mañana.", "es", "612 34 56 78", "national"),
        ("Mi numero 138 0013 8000 oppure 13800138000.", "it", "13800138000", "mobile"),
    ],
)
def test_phone_numbers_need_phone_shaped_evidence(pii, text, lang, phone, evidence):
    import phonenumbers

    from filters.pii import home_regions, regions_for
    from filters.pii_phone import phone_evidence

    assert phone in [text[f.start : f.end] for f in pii.find(text, lang) if f.kind == "phone"]
    start = text.index(phone)
    kinds = {
        phone_evidence(text, m.start, m.end, m.number, region, home_regions(lang))
        for region in regions_for(lang)
        for m in phonenumbers.PhoneNumberMatcher(text, region, leniency=1)
        if m.start == start
    }
    assert evidence in kinds


def test_a_number_valid_only_in_another_plan_is_not_a_phone_number(pii):
    # "168 000" is a valid German pager number, "3000-5000" a Brazilian shared-cost one: neither is written as a phone
    assert pii.find("Venedig hatte 168 000 Einwohner, die Spanne lag bei 3000-5000 Pfund.", "de") == []
    assert pii.find("Venedig hatte 168 000 Einwohner, die Spanne lag bei 3000-5000 Pfund.", "pt") == []


@pytest.mark.parametrize(
    "text, lang, expected",
    [
        ("Write to contact(at)domain.org for help.", "en", "Write to <EMAIL> for help."),
        ("Schreiben Sie an info [at] beispiel [dot] de bitte.", "de", "Schreiben Sie an <EMAIL> bitte."),
        ("Call 138 0013 8000 or 13800138000 today.", "en", "Call <PHONE> or <PHONE> today."),
        ("Sie erreichen ihn unter 138 0013 8000 in Peking.", "de", "Sie erreichen ihn unter <PHONE> in Peking."),
        ("Son numéro chinois est le 13800138000.", "fr", "Son numéro chinois est le <PHONE>."),
        ("请联系jürgen.müller@beispiel.de获取更多信息。", "zh", "请联系<EMAIL>获取更多信息。"),
        ("Schreiben Sie an ju\u0308rgen.mu\u0308ller@beispiel.de bitte.", "de", "Schreiben Sie an <EMAIL> bitte."),  # decomposed ü
        ("Пишите на иван.петров@пример.рф сегодня.", "ru", "Пишите на <EMAIL> сегодня."),
    ],
)
def test_recall_gaps_that_reached_the_tokens(text, lang, expected):
    batch, _ = apply_filter(PiiRedaction(), _batch([text], [lang]), Counts())
    assert batch.texts[0] == expected


def _docs(urls, metas, texts=None, langs=None):
    n = len(urls)
    texts = texts or ["A plain sentence about the weather."] * n
    b = _batch(texts, langs or ["en"] * n)
    b.urls, b.metas = list(urls), list(metas)
    return b


def test_url_and_meta_are_redacted_part_by_part():
    urls = [
        "https://x.org/contact?email=jane@x.org&lang=en",
        "https://x.org/user/+4915112345678/posts",
        "https://x.org/api?api_key=sk_live_4eC39HqLyjWDarjtT1zdp7dc",
        "https://news.example.org/2017/05/12/story-12345",
    ]
    metas = [
        json.dumps({"title": "Contact Jane – jane@x.org", "email": "jane@x.org"}),
        json.dumps({"phone": "030 1234567", "tel": "+49 151 12345678", "count": 168000}),
        None,
        json.dumps({"title": "A story with 168 000 readers", "date": "2017-05-12"}),
    ]
    counts = Counts()
    batch, removed = apply_filter(PiiRedaction(), _docs(urls, metas), counts)
    assert removed == []
    assert batch.urls == [
        "https://x.org/contact?email=<EMAIL>&lang=en",
        "https://x.org/user/<PHONE>/posts",
        "https://x.org/api?api_key=<SECRET>",
        urls[3],
    ]
    assert [json.loads(m) if m else m for m in batch.metas] == [
        {"email": "<EMAIL>", "title": "Contact Jane – <EMAIL>"},
        {"count": 168000, "phone": "<PHONE>", "tel": "<PHONE>"},  # the key names the value: a bare national number
        None,
        json.loads(metas[3]),
    ]
    assert batch.metas[3] == metas[3]  # untouched, byte for byte
    assert [(s["pii_email"], s["pii_phone"], s["pii_secret"]) for s in batch.signals] == [(3, 0, 0), (0, 3, 0), (0, 0, 1), (0, 0, 0)]
    rows = {(r["stage"], r["outcome"]): r["docs"] for r in counts.to_json()}
    assert rows[("filter:pii:rewritten", "rewritten")] == 3 and rows[("filter:pii:rewritten", "email")] == 3


def test_policies_apply_to_url_and_meta():
    urls, metas = ["https://x.org/u/jane@x.org"], [json.dumps({"phone": "+49 151 12345678"})]
    kept, removed = apply_filter(PiiRedaction({"policy": "keep"}), _docs(urls, metas), Counts())
    assert (kept.urls, kept.metas, removed) == (urls, metas, [])
    dropped, removed = apply_filter(PiiRedaction({"policy": "drop"}), _docs(urls, metas), Counts())
    assert removed == [(0, ("contains_pii", "email=1 phone=1"))]  # no PII in its text: removed for its url and meta
    assert dropped.urls == ["https://x.org/u/<EMAIL>"] and json.loads(dropped.metas[0]) == {"phone": "<PHONE>"}
    # what the filter stage stores for documents an earlier filter removed
    out = PiiRedaction().redacted(_docs(urls, metas, ["Mail jane@x.org"]))
    assert (out.texts, out.urls, json.loads(out.metas[0])) == (["Mail <EMAIL>"], ["https://x.org/u/<EMAIL>"], {"phone": "<PHONE>"})
    assert PiiRedaction({"policy": "keep"}).redacted(_docs(urls, metas)).urls == urls


def test_the_phone_fast_paths_change_no_finding(monkeypatch):
    """python-phonenumbers reads only runs of 5+ digits that are not only dates, ranges or quantities, and
    scans other languages' regions only where a text holds international, context or punctuation shapes:
    the findings are those of a full scan of every window in every region."""
    import filters.pii_phone as phone

    tricky = [
        "Call +1 650-253-0000 ext. 1234 today",
        "Tel. (030) 1234-5678 Durchwahl 12, Fax 030/1234-5679",
        "Ligne 01 42 68 53 00 poste 123456 ou le 06.12.34.56.78.",
        "Звоните 8 (495) 123-45-67 доб. 123",
        "Tel: 0 049 30 1234567 or 00 49 30 1234567 or 0049 30 1234567",
        "电话13800138000或者010-12345678",
        "In 2014-2016 we sold 12 345 units, 1 500 000 euros, ref 2014/12/05 and +44 20 7946 0018 x 42.",
    ]
    docs = [(r["text"], r["lang"]) for r in ROWS] + [(t, lang) for _, lang, t in _number_sentences()]
    docs += [(t, lang) for t in tricky for lang in ("en", "de", "fr", "ru", "zh", None)]
    fast = PiiRedaction()
    expected = [fast.find(t, lang) for t, lang in docs]

    def every_region(text, regions, home_regions):
        return regions

    def whole_text(text):
        return [(0, len(text))]

    monkeypatch.setattr(phone, "regions_to_scan", every_region)
    monkeypatch.setattr(phone, "phone_runs", whole_text)
    full = PiiRedaction()
    assert [full.find(t, lang) for t, lang in docs] == expected


def test_version_numbers_shaped_like_addresses_are_not_redacted(pii):
    """Code and release notes write versions as four numbers: after a version word, an `@`, a `v` or a requirement
    operator they stay; an address after any other word is redacted."""
    code = (
        'VERSION = "1.2.3.4"\n__version__ = \'2.0.1.7\'\n"ver": "5.4.0.12",\nrequire("lib@2.10.0.1");\n'
        "pkg>=4.1.0.2\nrelease v1.0.0.3\nhost=10.0.0.1\nserver version 2.3 at 10.0.0.5\nconnect('93.184.216.34')\n"
    )
    redacted = pii.redact_text(code, "en")
    for version in ("1.2.3.4", "2.0.1.7", "5.4.0.12", "2.10.0.1", "4.1.0.2", "1.0.0.3"):
        assert version in redacted
    for address in ("10.0.0.1", "10.0.0.5", "93.184.216.34"):
        assert address not in redacted
    assert redacted.count("<IP_ADDRESS>") == 3
