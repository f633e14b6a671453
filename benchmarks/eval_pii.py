"""PII detection quality: precision and recall per entity type, on planted PII and on number-rich text.

(a) planted: `tests/data/pii/pii_set.jsonl`, 320 real UD PUD sentences of 8 languages with
    generated PII inserted and labelled (`tests/data/pii/README.md`). A finding is correct when
    it overlaps a valid inserted item of its own kind; recall is over the valid items.
(b) number-rich, no PII: every UD PUD sentence holding a digit, in the 21 PUD languages
    (`../shared/data/lid/ud-pud`; the 10 languages of `tests/data/dedup/ud-pud` when the shared
    data is absent): populations, amounts, years, dates, ranges, scores. Every finding there,
    a `<PHONE>` above all, is a false positive.

Precision per type is over both sets (correct findings / all findings in a + b), so an ordinary
number taken for a phone number anywhere costs precision. Targets, asserted by
`tests/filters/test_pii.py` (not timed): phone precision >= 0.98, recall 1.000 for every type.

    PYTHONPATH=. .venv/bin/python benchmarks/eval_pii.py
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PLANTED = ROOT / "tests" / "data" / "pii" / "pii_set.jsonl"
UD_PUD_DIRS = (ROOT.parent / "shared" / "data" / "lid" / "ud-pud", ROOT / "tests" / "data" / "dedup" / "ud-pud")
KINDS = ("email", "phone", "ip", "credit_card", "iban", "user", "secret")
TARGET_PHONE_PRECISION = 0.98
_DIGIT = re.compile(r"\d")


def load_planted() -> list[dict]:
    """{id, lang, text, spans: [{kind, start, end, valid}]} per sentence."""
    return [json.loads(line) for line in PLANTED.read_text(encoding="utf-8").splitlines()]


def ud_pud_dir() -> Path:
    return next(d for d in UD_PUD_DIRS if d.is_dir())


def load_number_rich() -> list[dict]:
    """Every UD PUD sentence with a digit, as {id, lang, text, spans: []} (sent_id, doc_id, lang, text TSV)."""
    rows = []
    for path in sorted(ud_pud_dir().glob("*.tsv")):
        if path.name == "SOURCES.tsv":
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            sent_id, _doc, lang, text = line.split("\t")
            if _DIGIT.search(text):
                rows.append({"id": f"{lang}-{sent_id}", "lang": lang, "text": text, "spans": []})
    return rows


def _overlaps(a, b: dict) -> bool:
    return a.start < b["end"] and b["start"] < a.end


@dataclass
class Tally:
    """Per kind: valid items and those found (recall), findings and the correct ones (precision)."""

    support: Counter = field(default_factory=Counter)
    hit: Counter = field(default_factory=Counter)
    found: Counter = field(default_factory=Counter)
    correct: Counter = field(default_factory=Counter)
    stray: list = field(default_factory=list)  # (row id, kind, found text) for findings overlapping no inserted item


def tally(find, rows: list[dict]) -> Tally:
    """`find(text, lang)` -> findings with kind/start/end, scored against each row's labelled spans."""
    t = Tally()
    for row in rows:
        findings = find(row["text"], row["lang"])
        gold = [s for s in row["spans"] if s["valid"]]
        for s in gold:
            t.support[s["kind"]] += 1
            t.hit[s["kind"]] += any(f.kind == s["kind"] and _overlaps(f, s) for f in findings)
        for f in findings:
            t.found[f.kind] += 1
            t.correct[f.kind] += any(f.kind == s["kind"] and _overlaps(f, s) for s in gold)
            if not any(_overlaps(f, s) for s in row["spans"]):
                t.stray.append((row["id"], f.kind, row["text"][f.start : f.end]))
    return t


def evaluate(find) -> dict:
    """{"planted": Tally, "numbers": Tally, "table": {kind: {support, recall, precision_planted, precision,
    false_planted, false_numbers}}, "sentences": (planted, number-rich)}."""
    planted, numbers = load_planted(), load_number_rich()
    a, b = tally(find, planted), tally(find, numbers)
    table = {}
    for k in KINDS:
        found = a.found[k] + b.found[k]
        table[k] = {
            "support": a.support[k],
            "recall": a.hit[k] / a.support[k] if a.support[k] else 1.0,
            "precision_planted": a.correct[k] / a.found[k] if a.found[k] else 1.0,
            "precision": a.correct[k] / found if found else 1.0,
            "false_planted": a.found[k] - a.correct[k],
            "false_numbers": b.found[k],
        }
    return {
        "planted": a,
        "numbers": b,
        "table": table,
        "sentences": (len(planted), len(numbers)),
        "languages": (len({r["lang"] for r in planted}), len({r["lang"] for r in numbers})),
    }


def format_table(result: dict) -> str:
    (n_a, n_b), (l_a, l_b) = result["sentences"], result["languages"]
    lines = [
        f"PII evaluation: (a) {n_a} sentences with planted PII ({l_a} languages), "
        f"(b) {n_b:,} number-rich sentences without PII ({l_b} languages, {ud_pud_dir()})",
        f"  {'kind':12s} {'support':>7s} {'recall':>7s} {'prec. (a)':>9s} {'prec. (a+b)':>11s} {'false (a)':>9s} {'false (b)':>9s}",
    ]
    for k, v in result["table"].items():
        lines.append(
            f"  {k:12s} {v['support']:7d} {v['recall']:7.3f} {v['precision_planted']:9.3f} {v['precision']:11.3f} "
            f"{v['false_planted']:9d} {v['false_numbers']:9d}"
        )
    for row_id, kind, text in result["numbers"].stray[:10]:
        lines.append(f"  false positive in (b): {row_id} {kind} {text!r}")
    phone = result["table"]["phone"]["precision"]
    recall_ok = all(v["recall"] == 1.0 for v in result["table"].values())
    lines.append(
        f"  targets: phone precision (a+b) {phone:.3f} >= {TARGET_PHONE_PRECISION} "
        f"{'OK' if phone >= TARGET_PHONE_PRECISION else 'MISSED'}; recall 1.000 for every type {'OK' if recall_ok else 'MISSED'}"
    )
    return "\n".join(lines)


def main() -> None:
    from filters.pii import PiiRedaction

    detector = PiiRedaction()
    print(format_table(evaluate(detector.find)))


if __name__ == "__main__":
    main()
