"""One normalisation of LID labels (lid.176 and GlotLID style) and which labels a declared language accepts."""

from __future__ import annotations

import pytest

from filters.lang_labels import accepted_mass, accepts, chinese_script, covers, normalise_label, with_text_script


@pytest.mark.parametrize(
    "label, tag",
    [
        ("__label__zul_Latn", "zu"),  # GlotLID / OpenLID: ISO 639-3 + script
        ("__label__swh_Latn", "sw"),  # individual language -> its macrolanguage, as the catalog writes it
        ("__label__arb_Arab", "ar"),
        ("__label__srp_Cyrl", "sr-Cyrl"),  # a script that matters stays
        ("__label__cmn_Hant", "zh-Hant"),
        ("__label__sh", "sr-Latn"),  # deprecated Serbo-Croatian, as langcodes normalises a declared `sh`
        ("__label__tl", "fil"),
        ("__label__fil", "fil"),
        ("__label__nb", "nb"),
        ("__label__no", "no"),
        ("__label__nn", "nn"),
        ("__label__als", "gsw"),  # lid.176's Alemannic
        ("__label__als_Latn", "sq"),  # GlotLID's Tosk Albanian
        ("__label__iw", "he"),
        ("__label__zh", "zh"),
        ("__label__en", "en"),
    ],
)
def test_labels_normalise_to_catalog_tags(label, tag):
    assert normalise_label(label) == tag


def test_declared_languages_accept_their_cluster():
    assert accepts("hr", "sr-Latn") and accepts("hr", "bs") and accepts("bs", "hr") and accepts("sr-Latn", "hr")
    assert accepts("no", "nn") and accepts("nb", "no") and accepts("nn", "nb")
    assert accepts("ar", "arz") and accepts("ar", "apc") and accepts("ms", "zsm") and accepts("fa", "pes")
    assert accepts("fil", normalise_label("__label__tl"))
    assert accepts("zh", "zh-Hant") and accepts("zh-Hant", "zh") and not accepts("zh-Hant", "zh-Hans")
    assert accepts("sr-Latn", "sr") and not accepts("sr-Latn", "sr-Cyrl")
    assert not accepts("en", "de") and not accepts("hr", "sl")
    # Indonesian is a member of the Malay macrolanguage, and lid.176 labels 20 of 23 UDHR Malay paragraphs `id`:
    # a source declaring ms that refused `id` would lose nearly all its documents
    assert accepts("ms", "id") and accepts("id", "ms")
    assert accepted_mass(["hr"], [("hr", 0.5), ("sr-Latn", 0.25), ("sr", 0.12), ("sl", 0.05)]) == pytest.approx(0.87)


def test_chinese_script_from_the_text():
    assert chinese_script("我们这个国家的经济") == "Hans"
    assert chinese_script("我們這個國家的經濟") == "Hant"
    assert chinese_script("中文") is None
    assert with_text_script("zh", "這個國家") == "zh-Hant" and with_text_script("zh-Hani", "这个国家") == "zh-Hans"
    assert with_text_script("zh", "中文") == "zh" and with_text_script("en", "這個") == "en"


def test_a_model_covers_a_language_through_its_cluster():
    labels = {"hr", "sr", "sr-Latn", "no", "nn", "zh", "sw"}
    assert covers(labels, "bs") and covers(labels, "nb") and covers(labels, "zh-Hant") and covers(labels, "sw")
    assert not covers(labels, "zu") and not covers(labels, "yo")


def test_individual_languages_match_their_macrolanguage_label():
    """The catalog writes `mhr`, `pnb`, `bcl`; labels normalise under the macrolanguage (`chm`, `lah`, `bik`)."""
    assert normalise_label("__label__mhr") == "chm" and accepts("mhr", normalise_label("__label__mhr"))
    assert accepts("pnb", normalise_label("__label__pnb")) and accepts("bcl", normalise_label("__label__bcl"))
    assert accepts("sw", normalise_label("__label__swh_Latn")) and accepts("swh", "sw")
    assert not accepts("yue", "zh")
