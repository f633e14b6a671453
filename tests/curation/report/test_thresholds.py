from types import SimpleNamespace

from curation.report.thresholds import directions_for, threshold_of, thresholds_for
from filters.base import Filter, Params


class WordParams(Params):
    min_words: int = 10
    max_ratio: float = 0.3


class WordFilter(Filter):
    """A real filter of the shared contract, declaring which parameter bounds which signal."""

    name = "words"
    Params = WordParams
    thresholds = {"words": ("min_words", "min"), "ratio": ("max_ratio", "max")}

    def score(self, batch):
        raise NotImplementedError

    def decide(self, signals, lang):
        return None


class Unbuildable(Filter):
    name = "broken"
    thresholds = {"x": ("y", "min")}

    def __init__(self, params=None, langs=None):
        raise FileNotFoundError("model file missing")


def _config(**filter_section):
    return SimpleNamespace(filter=SimpleNamespace(**filter_section))


def test_thresholds_come_from_the_filters_parameters_per_language():
    resolve = {"words": WordFilter, "broken": Unbuildable}.__getitem__
    config = _config(chain=["broken", "words"], params={"words": {"min_words": 20}}, langs={"words": {"fr": {"max_ratio": 0.5}}})
    assert thresholds_for(config, resolve) == {"ratio": {"*": 0.3, "fr": 0.5}, "words": {"*": 20.0, "fr": 20.0}}
    assert directions_for(config, resolve) == {"ratio": "above", "words": "below"}
    t = thresholds_for(config, resolve)
    assert threshold_of(t, "ratio", "fr") == 0.5 and threshold_of(t, "ratio", "de") == 0.3 and threshold_of(t, "nope", "fr") is None


def test_a_config_without_a_filter_chain_draws_no_threshold():
    assert thresholds_for(SimpleNamespace()) == {} and thresholds_for(_config(chain=[])) == {}


def test_an_unset_threshold_draws_no_line_and_set_ones_do():
    """The classifier's min_score defaults to each model's own threshold: unset, the report draws nothing for it."""
    assert thresholds_for(_config(chain=["classifier"], params={}, langs={})) == {}
    config = _config(chain=["classifier"], params={}, langs={"classifier": {"en": {"min_score": 0.6}}})
    assert thresholds_for(config) == {"quality_score": {"en": 0.6}}
