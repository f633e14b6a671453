import json

import pytest

from curation.config import TokenizeConfig
from curation.layout import Layout
from curation.megatron.manifest import DatasetInfo, build_manifest
from curation.report.tokens import BlendEntry, read_token_manifest


def _write(tmp_path, data):
    layout = Layout(tmp_path)
    layout.tokens().mkdir(parents=True)
    layout.token_manifest().write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return layout


def test_absent_manifest_means_not_tokenized(tmp_path):
    assert read_token_manifest(Layout(tmp_path)) is None


def test_counts_and_blend_from_the_tokenize_stage_manifest(tmp_path):
    infos = [
        DatasetInfo("en_00000", "en", docs=3, tokens=700, bytes=2800, langs={"en": [3, 700]}, sources={"web": [3, 700]}),
        DatasetInfo("en_00001", "en", docs=1, tokens=100, bytes=400, langs={"en": [1, 100]}, sources={"web": [1, 100]}),
        DatasetInfo("fr_00000", "fr", docs=2, tokens=200, bytes=800, langs={"fr": [2, 200]}, sources={"news": [2, 200]}),
    ]
    manifest = build_manifest(infos, {"sha256": "ab" * 32}, TokenizeConfig(), {}, 0)
    mix = read_token_manifest(_write(tmp_path, manifest))
    assert mix.problems == []
    assert mix.by_lang == {"en": 800, "fr": 200} and mix.by_source == {"news": 200, "web": 800}
    assert mix.tokenizer == "ab" * 32
    assert [b.dataset for b in mix.blend] == ["en_00000", "en_00001", "fr_00000"]
    weights = mix.blend_by_lang()
    # alpha-smoothing: shares ∝ bytes^0.3, so French gets more than its 20 % of bytes
    assert weights["en"] + weights["fr"] == pytest.approx(1.0)
    assert weights["fr"] == pytest.approx(200**0.3 / (800**0.3 + 200**0.3), rel=1e-6)
    assert mix.blend[0] == BlendEntry("en_00000", mix.blend[0].weight, "en")


def test_unreadable_manifest_is_reported_not_fatal(tmp_path):
    mix = read_token_manifest(_write(tmp_path, "{not json"))
    assert mix.by_lang == {} and len(mix.problems) == 1 and "not a token manifest" in mix.problems[0]
    mix = read_token_manifest(_write(tmp_path / "b", {"langs": {"en": {"tokens": 5}}}))
    assert mix.blend == [] and "KeyError" in mix.problems[0]
