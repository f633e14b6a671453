"""One normalisation of language labels to the catalog's BCP-47 tags, and which labels a language accepts.

Shared by the langid filter, `curation catalog validate` (which languages a LID
model can output) and `curation lid eval`, so `tl`/`fil`, `nb`/`no`, `sh` and
`zh` + script mean the same everywhere.

* lid.176 labels (`__label__hr`) and GlotLID / OpenLID labels
  (`__label__zul_Latn`, `__label__swh_Latn`) go through langcodes'
  `standardize_tag(macro=True)`: `zul_Latn` -> `zu`, `swh_Latn` -> `sw`,
  `tl` -> `fil`, `sh` -> `sr-Latn`, `cmn_Hani` -> `zh-Hani`... A script that
  is the language's default is dropped (`zu`, not `zu-Latn`).
* A few lid.176 codes mean something else than their ISO code
  (`LID176_LABELS`): `als` is Alemannic there (`gsw`), not Tosk Albanian.
* `CLUSTERS`: languages whose texts a LID model splits its probability over
  (the Serbo-Croatian cluster, Norwegian, Arabic and its varieties...). A
  declared language accepts every label of its cluster.
* Chinese: a model that says only `zh` gets the script from the text
  (`zh-Hans` / `zh-Hant`, by characters that differ between the two).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import langcodes

# lid.176 labels whose code is not the language's ISO code (applies to bare labels, not `xxx_Scrp` ones)
LID176_LABELS = {"als": "gsw", "bh": "bho", "eml": "egl"}

# languages a LID model confuses with each other; a source declaring one accepts all (primary subtags)
CLUSTERS: dict[str, frozenset[str]] = {
    "Serbo-Croatian": frozenset({"hr", "sr", "bs", "hbs", "cnr"}),
    "Norwegian": frozenset({"no", "nb", "nn"}),
    "Arabic": frozenset({"ar", "arb", "arz", "ary", "arq", "aeb", "apc", "ajp", "acm", "afb", "ars", "ayl", "apd", "acq", "abv", "ayp"}),
    "Malay": frozenset({"ms", "zsm", "id"}),  # Indonesian is a member of the Malay macrolanguage; lid.176 reads Malay as `id`
    "Persian": frozenset({"fa", "pes", "prs"}),
    "Chinese": frozenset({"zh", "cmn"}),
    "Filipino": frozenset({"fil", "tl"}),
    "Swahili": frozenset({"sw", "swh", "swc"}),
    "Albanian": frozenset({"sq", "aln"}),
    "Estonian": frozenset({"et", "ekk"}),
    "Latvian": frozenset({"lv", "lvs"}),
    "Uzbek": frozenset({"uz", "uzn"}),
    "Azerbaijani": frozenset({"az", "azj"}),
    "Nepali": frozenset({"ne", "npi"}),
    "Mongolian": frozenset({"mn", "khk"}),
}
CLUSTER_OF: dict[str, str] = {code: name for name, codes in CLUSTERS.items() for code in codes}

# frequent characters written differently in Simplified and Traditional Chinese (simplified, traditional)
HANS_HANT_PAIRS = (
    "这這 个個 们們 来來 时時 为為 说說 国國 会會 对對 学學 经經 发發 过過 后後 点點 还還 现現 开開 关關 与與 从從 问問 动動 种種 "
    "业業 长長 见見 实實 将將 进進 应應 产產 华華 东東 车車 书書 门門 马馬 鱼魚 语語 让讓 认認 议議 论論 员員 该該 总總 报報 级級"
).split()
HANS_CHARS = frozenset(pair[0] for pair in HANS_HANT_PAIRS)
HANT_CHARS = frozenset(pair[1] for pair in HANS_HANT_PAIRS)
DIFFERING_CHARS = HANS_CHARS | HANT_CHARS


@lru_cache(maxsize=8192)
def normalise_label(label: str) -> str:
    """A model's label as a BCP-47 tag (`__label__zul_Latn` -> `zu`, `__label__als` -> `gsw`)."""
    code = label.removeprefix("__label__").strip()
    if "_" not in code and "-" not in code and code in LID176_LABELS:
        return LID176_LABELS[code]
    return normalise_tag(code.replace("_", "-"))


@lru_cache(maxsize=8192)
def normalise_tag(tag: str) -> str:
    """langcodes' standard form with individual languages under their usual macrolanguage (`swh` -> `sw`,
    `mhr` -> `chm`): how labels and declared tags are compared. An unknown code stays as written."""
    try:
        return langcodes.standardize_tag(tag, macro=True)
    except (ValueError, LookupError):
        return tag


def primary(tag: str) -> str:
    return tag.split("-")[0].lower()


def script_of(tag: str) -> str | None:
    """The script subtag of a tag (`zh-Hant` -> `Hant`), None when it has none."""
    for part in tag.split("-")[1:]:
        if len(part) == 4 and part.isalpha():
            return part.title()
    return None


def same_cluster(a: str, b: str) -> bool:
    pa, pb = primary(a), primary(b)
    return pa == pb or (pa in CLUSTER_OF and CLUSTER_OF.get(pa) == CLUSTER_OF.get(pb))


@lru_cache(maxsize=8192)
def accepts(declared: str, label: str) -> bool:
    """Whether a source declaring `declared` keeps text a model labelled `label` (normalised tags).

    Same primary subtag or same cluster (`hr` accepts `sr-Latn`, `no` accepts `nn`), and no
    conflicting script when both tags name one (`zh-Hant` refuses `zh-Hans`; `zh` accepts both).
    """
    declared = normalise_tag(declared)  # the catalog writes `mhr`, a GlotLID label may say `chm`
    if declared == label:
        return True
    if not same_cluster(declared, label):
        return False
    d_script, l_script = script_of(declared), script_of(label)
    return d_script is None or l_script is None or d_script == l_script


@lru_cache(maxsize=8192)
def same_language(a: str, b: str) -> bool:
    """Whether two tags name one language (`zh` ~ `zh-Hant`, `swh` ~ `sw`); clusters do not count (`hr` is not `sr`)."""
    a, b = normalise_tag(a), normalise_tag(b)
    if primary(a) != primary(b):
        return False
    a_script, b_script = script_of(a), script_of(b)
    return a_script is None or b_script is None or a_script == b_script


# A macrolanguage label that stands for one member's written standard in the base model: its probability is
# that member's own. lid.176's `no` was trained on the Norwegian Wikipedia, written in Bokmål (Nynorsk has `nn`),
# so a source declaring both nb and nn gives a `no` page to nb, not to nn on the strength of a small `nn` share.
USUAL_MEMBER = {"no": "nb"}


def own_label(declared: str, label: str) -> bool:
    """Whether a label is the declared language's own: the same tag, or a macrolanguage standing for it (`no` for nb)."""
    return label == declared or USUAL_MEMBER.get(label) == declared


def accepted_mass(declared: Iterable[str], labels: Iterable[tuple[str, float]]) -> float:
    """Probability mass of the labels any of the declared languages accepts."""
    declared = tuple(declared)
    if len(declared) == 1:  # the common case, without a generator per label; same sum in the same order
        one = declared[0]
        return sum([p for label, p in labels if accepts(one, label)])
    return sum([p for label, p in labels if any(accepts(d, label) for d in declared)])


def chinese_script(text: str, sample: int = 2000) -> str | None:
    """`Hans` or `Hant` by characters that differ between them, None when the text has none."""
    head = text[:sample]
    present = set(head) & DIFFERING_CHARS
    hans = sum(head.count(ch) for ch in present & HANS_CHARS)
    hant = sum(head.count(ch) for ch in present & HANT_CHARS)
    if hans == hant:
        return None
    return "Hans" if hans > hant else "Hant"


def with_text_script(label: str, text: str) -> str:
    """`zh` (or `zh-Hani`) -> `zh-Hans` / `zh-Hant` from the text; other labels unchanged."""
    if label.startswith("zh") and primary(label) == "zh" and script_of(label) in (None, "Hani"):
        script = chinese_script(text)
        return f"zh-{script}" if script else "zh"
    return label


def covers(label_set: Iterable[str], declared: str) -> bool:
    """Whether a model outputting `label_set` (normalised) can produce a label `declared` accepts."""
    return any(accepts(declared, label) for label in label_set)
