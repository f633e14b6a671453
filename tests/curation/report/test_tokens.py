import json

from curation.layout import Layout
from curation.report.tokens import BlendEntry, read_token_manifest


def _write(tmp_path, data):
    layout = Layout(tmp_path)
    layout.tokens().mkdir(parents=True)
    layout.token_manifest().write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return layout


def test_absent_manifest_means_not_tokenized(tmp_path):
    assert read_token_manifest(Layout(tmp_path)) is None


def test_flat_megatron_blend_and_top_level_counts(tmp_path):
    mix = read_token_manifest(_write(tmp_path, {"tokenizer": {"sha256": "ab" * 32}, "tokens_by_lang": {"fr": 30, "en": 70},
                                                "tokens_by_source": {"s": 100}, "blend": [0.75, "tokens/en_00000", 0.25, "tokens/fr_00000"]}))
    assert mix.by_lang == {"en": 70, "fr": 30} and mix.by_source == {"s": 100} and mix.tokenizer == "ab" * 32
    assert mix.blend == [BlendEntry("tokens/en_00000", 0.75, "en"), BlendEntry("tokens/fr_00000", 0.25, "fr")]
    assert mix.blend_by_lang() == {"en": 0.75, "fr": 0.25}


def test_nested_counts_and_object_blend(tmp_path):
    mix = read_token_manifest(_write(tmp_path, {"counts": {"by_lang": {"en": {"tokens": 5, "docs": 1}}},
                                                "blend": [{"weight": 2, "prefix": "a", "lang": "en"}, {"weight": 2, "name": "fr_1"}]}))
    assert mix.by_lang == {"en": 5} and mix.by_source == {}
    assert mix.blend_by_lang() == {"en": 0.5, "fr": 0.5}


def test_unreadable_manifest_is_reported_not_fatal(tmp_path):
    mix = read_token_manifest(_write(tmp_path, "{not json"))
    assert mix.by_lang == {} and len(mix.problems) == 1 and "not valid JSON" in mix.problems[0]
    mix = read_token_manifest(_write(tmp_path / "b", {"blend": [0.5, "a", 0.5]}))
    assert mix.blend == [] and "blend not understood" in mix.problems[0]
