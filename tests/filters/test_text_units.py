"""Word splitting, n-gram repetition and scripts, against the plain ROOTS formulas."""

from __future__ import annotations

from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from filters.text_units import (
    augmented,
    char_repetition_ratio,
    char_script,
    dominant_script,
    dominant_scripts,
    is_unspaced,
    special_character_ratio,
    word_repetition_ratio,
    words,
)


def roots_char_repetition(text: str, n: int) -> float:
    """ac_dc `compute_character_repetition_ratio`, as written there."""
    freq = Counter(text[i : i + n] for i in range(len(text) - n + 1))
    if not freq:
        return 0.0
    values = sorted(freq.values(), reverse=True)
    val_one = len([v for v in values if v == 1])
    k = min(int(np.sqrt(len(values))), len(values) - val_one)
    return sum(values[:k]) / sum(values)


def roots_word_repetition(units: list[str], n: int) -> float:
    freq = Counter(" ".join(units[i : i + n]) for i in range(len(units) - n + 1))
    if not freq:
        return 0.0
    return sum(v for v in freq.values() if v > 1) / sum(freq.values())


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="abc de\n", min_size=0, max_size=1500), st.sampled_from([3, 10]))
def test_char_repetition_matches_roots_formula_on_both_paths(text, n):
    # texts above 600 characters take the numpy path, shorter ones the dict path
    assert abs(char_repetition_ratio(text, n) - roots_char_repetition(text, n)) < 1e-12


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["le", "chat", "noir", "dort", "ici"]), max_size=400))
def test_word_repetition_matches_roots_formula_on_both_paths(units):
    assert abs(word_repetition_ratio(units, 5) - roots_word_repetition(units, 5)) < 1e-12


def test_words_split_unspaced_scripts_and_strip_punctuation():
    assert words("Hello, world! (x--y) 2016") == ["Hello", "world", "x--y"]
    assert words("我们是学生。") == ["我", "们", "是", "学", "生"]
    assert words("これは本です") == ["こ", "れ", "は", "本", "で", "す"]
    # Thai: a base letter with its combining marks is one unit
    assert words("ฉันรักไทย") == ["ฉั", "น", "รั", "ก", "ไ", "ท", "ย"]
    assert words("है। और") == ["है", "और"]  # the Devanagari danda is punctuation
    assert augmented(["我", "们", "是"]) == ["我", "们", "是", "我们", "们是", "我们是"]
    assert is_unspaced("我们是学生") and not is_unspaced("We are students")


def test_special_character_ratio_counts_punctuation_digits_spaces_emoji():
    assert special_character_ratio("ab, 12") == 4 / 6
    assert special_character_ratio("नमस्ते") == 0.0  # vowel signs are letters, not special
    assert special_character_ratio("ok 😀") == 2 / 4


def test_dominant_script():
    assert dominant_script("Привет, мир! hello") == ("Cyrl", 9 / 14)
    assert dominant_script("これは日本語の文です") == ("Jpan", 1.0)
    assert dominant_script("中文文本") == ("Hani", 1.0)
    assert dominant_script("١٢٣ ...") == ("Zyyy", 0.0)


def dominant_script_by_characters(text: str, sample: int = 1000) -> tuple[str, float]:
    """The plain definition: `char_script` of every character of the sample, counted."""
    counts: Counter[str] = Counter(s for s in map(char_script, text[:sample]) if s is not None)
    total = sum(counts.values())
    if not total:
        return "Zyyy", 0.0
    kana = counts.pop("Hira", 0) + counts.pop("Kana", 0)
    if kana:
        counts["Jpan"] = counts.pop("Hani", 0) + kana
    script, n = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    return script, n / total


def test_dominant_script_breaks_ties_by_script_code_and_reads_only_the_sample():
    assert dominant_script("abcабв") == ("Latn", 0.5)  # Latn sorts after Cyrl
    assert dominant_script("αβγ" + "abcd" * 300) == ("Latn", 997 / 1000)
    assert dominant_script("x" * 1000 + "αβγ") == ("Latn", 1.0)
    assert dominant_script("𠀀𠀁a") == ("Hani", 2 / 3)  # beyond the BMP
    assert dominant_script("\ud800ab") == ("Latn", 1.0)  # a lone surrogate is not a letter


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=60))
def test_dominant_script_matches_counting_character_by_character(text):
    assert dominant_script(text) == dominant_script_by_characters(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=40), max_size=8), st.integers(0, 50))
def test_dominant_scripts_of_a_batch_match_one_by_one(texts, sample):
    assert dominant_scripts(texts, sample) == [dominant_script_by_characters(t, sample) for t in texts]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(st.text(alphabet=st.characters(max_codepoint=127), max_size=40), st.text(max_size=20)), max_size=8),
    st.integers(0, 50),
)
def test_dominant_scripts_of_ascii_texts_beside_others_match_one_by_one(texts, sample):
    """ASCII samples take a path without counting (Latin 1.0, or no letter): the same answers."""
    assert dominant_scripts(texts, sample) == [dominant_script_by_characters(t, sample) for t in texts]


def test_dominant_scripts_japanese_and_empty():
    assert dominant_scripts(["これは日本語の文です", "中文文本", "", "١٢٣ ..."]) == [
        ("Jpan", 1.0),
        ("Hani", 1.0),
        ("Zyyy", 0.0),
        ("Zyyy", 0.0),
    ]
    assert dominant_scripts([]) == []
