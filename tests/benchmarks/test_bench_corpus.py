"""The benchmark corpus's pieces: manual pages as text, the input line, distinct documents, the dedup bases' dealer."""

from __future__ import annotations

import sys
from collections import Counter
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import near_dup_data  # noqa: E402
from corpus import Document, distinct, input_line, summary_line  # noqa: E402
from debian_docs import roff_text  # noqa: E402

PAGE = r""".\" a comment
.TH CP 1 "2022" "GNU coreutils 9.1"
.SH NAME
cp \- copy files and directories
.SH DESCRIPTION
.PP
Copy \fISOURCE\fP to \fBDEST\fR, or multiple
SOURCE(s) to DIRECTORY\(em quickly.
.TP
\fB\-a\fP, \fB\-\-archive\fP
same as \-dR
.br
"""


def test_a_manual_page_becomes_its_text_with_paragraphs():
    assert roff_text(PAGE) == (
        "NAME\ncp - copy files and directories\n\nDESCRIPTION\n\n"
        "Copy SOURCE to DEST, or multiple\nSOURCE(s) to DIRECTORY— quickly.\n\n-a, --archive\nsame as -dR"
    )


def test_the_input_line_counts_repeats_languages_and_corpora():
    docs = [Document("a", "en", "one"), Document("a", "en", "two"), Document("b", "de", "drei")]
    assert input_line(docs * 2) == ("input: 0.00 MB, 6 documents, 3 distinct, 2 languages, repetition factor 2.00 (a + b)")
    assert summary_line(5.0, 10, 4, None, "hosts", items="host names") == (
        "input: 5.00 MB, 10 host names, 4 distinct, repetition factor 2.50 (hosts)"
    )


def test_distinct_keeps_each_text_once_the_first_occurrence_and_drops_blank_ones():
    docs = [Document("a", "en", "x"), Document("b", "fr", "x"), Document("c", "de", " "), Document("d", "de", "y")]
    assert distinct(docs) == [Document("a", "en", "x"), Document("d", "de", "y")]


def test_dedup_bases_from_a_dealt_pool_are_distinct_documents():
    pools = {lang: units for lang, units in near_dup_data.load_pools().items() if len(units) >= 500}
    docs, truth, info = near_dup_data.build(2_000, seed=1, pools=pools)
    base_texts = [t for t, role in zip(docs.column("text").to_pylist(), truth.column("role").to_pylist()) if role == "base"]
    assert len(set(base_texts)) == len(base_texts) == info["bases"]
    assert info["max_passes"] == 1  # 1,300 bases of 4-8 units from 10 k units: no unit in two bases


def test_languages_are_drawn_in_proportion_to_their_pools_and_units_recur_evenly():
    pools = {"big": [f"big unit {i}" for i in range(900)], "small": [f"small unit {i}" for i in range(100)]}
    dealer = near_dup_data.Dealer(pools, seed=0)
    langs = Counter(dealer.lang() for _ in range(1_000))
    assert 850 <= langs["big"] <= 950
    uses = Counter(unit for _ in range(100) for unit in dealer.deal("small", 6))  # 600 units dealt from 100: 6 passes
    assert dealer.passes["small"] == 6 and set(uses.values()) == {6}


def test_two_bases_of_one_pass_never_share_a_unit():
    pools = {"xx": [f"unit number {i} of the pool" for i in range(60)]}
    dealer = near_dup_data.Dealer(pools, seed=0)
    hands = [set(dealer.deal("xx", 6)) for _ in range(10)]  # 60 units: exactly one pass
    assert dealer.passes["xx"] == 1
    assert all(not (a & b) for a, b in combinations(hands, 2))
