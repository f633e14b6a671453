"""Secrets in code: keys, tokens, private keys, passwords in assignments and connection strings, redacted with
typed placeholders (as the PII filter writes `<EMAIL>`) and counted per kind.

One table of kinds, applied in its order (the most specific first, so a GitHub token in a `token = "..."`
assignment is a `github_token`, not a `secret`). The shapes are those of detect-secrets' plugins (AWS,
GitHub, Slack, Stripe, OpenAI, Google, JWT, private keys, keyword assignments, basic-auth URLs), as
regular expressions over the whole text: `benchmarks/bench_code.py` measures both. Policy (`policy`):
`redact` (default) rewrites the text, `drop` removes a file that holds one (`secret_found`), `keep` only
counts. Signal `secrets`: how many were found; counts per kind under `filter:secrets:rewritten`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from filters.base import Batch, Filter, Params, Scores, Verdict

# a value that names a secret without being one: a template, a variable, an environment lookup, a mask
_PLACEHOLDER_VALUE = re.compile(r"[<>{}$%]|^(?:x+|\*+|\.+|changeme|password|secret|none|null|true|false|test|example)$", re.I)


@dataclass(frozen=True)
class SecretKind:
    kind: str
    placeholder: str
    pattern: re.Pattern
    gate: tuple[str, ...]  # substrings one of which every match holds (lower-case for case-insensitive kinds): a cheap pre-check
    group: int = 0  # the part of the match that is the secret (the rest stays: a URL's scheme and user)

    def may_occur(self, text: str, lowered: str) -> bool:
        haystack = lowered if self.pattern.flags & re.I else text
        return any(g in haystack for g in self.gate)


def _kind(kind: str, placeholder: str, gate: tuple[str, ...], regex: str, group: int = 0, flags: int = 0) -> SecretKind:
    return SecretKind(kind, placeholder, re.compile(regex, flags), gate, group)


_KEY_NAMES = r"(?:api[_-]?key|apikey|secret[_-]?key|access[_-]?key|secret|auth[_-]?token|access[_-]?token|token|client[_-]?secret)"
_PASSWORD_NAMES = r"(?:password|passwd|passphrase|pwd|db[_-]?pass(?:word)?)"
_ASSIGNED = r"""[\w.\-\[\]'"]*\s*(?::=|=>|=|:)\s*(?:[rbuf]?)(['"`])([^'"`\s]{4,200})\1"""

KINDS: tuple[SecretKind, ...] = (
    _kind(
        "private_key",
        "<PRIVATE_KEY>",
        ("PRIVATE KEY",),
        r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?-----END (?:[A-Z]+ )*PRIVATE KEY(?: BLOCK)?-----",
    ),
    _kind("aws_key", "<AWS_KEY>", ("AKIA", "ASIA", "AIDA", "AROA"), r"\b(?:AKIA|ASIA|AIDA|AROA)[0-9A-Z]{16}\b"),
    _kind(
        "github_token", "<GITHUB_TOKEN>", ("gh", "github_pat_"), r"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b"
    ),
    _kind("slack_token", "<SLACK_TOKEN>", ("xox",), r"\bxox[abposr]-[A-Za-z0-9-]{10,250}"),
    _kind("stripe_key", "<STRIPE_KEY>", ("_live_", "_test_"), r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,247}\b"),
    _kind("openai_key", "<OPENAI_KEY>", ("sk-",), r"\bsk-(?:proj-)?[A-Za-z0-9_\-]{20,200}"),
    _kind("google_api_key", "<GOOGLE_API_KEY>", ("AIza",), r"\bAIza[0-9A-Za-z_\-]{35}\b"),
    _kind("jwt", "<JWT>", ("eyJ",), r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    # scheme://user:password@host: the password only
    _kind("connection_string", "<PASSWORD>", ("://",), r"\b[a-zA-Z][a-zA-Z0-9+.\-]{1,20}://[^:/\s@'\"]+:([^@/\s'\"]{3,200})@", group=1),
    _kind("password", "<PASSWORD>", ("pass", "pwd"), rf"{_PASSWORD_NAMES}{_ASSIGNED}", group=2, flags=re.I),
    _kind("secret", "<SECRET>", ("key", "secret", "token"), rf"{_KEY_NAMES}{_ASSIGNED}", group=2, flags=re.I),
)
KIND_NAMES = tuple(k.kind for k in KINDS)


def _replacer(kind: SecretKind, found: list[str]) -> Callable[[re.Match], str]:
    def replace(match: re.Match) -> str:
        if kind.group == 0:
            found.append(kind.kind)
            return kind.placeholder
        value = match.group(kind.group)
        if _PLACEHOLDER_VALUE.search(value):
            return match.group(0)
        found.append(kind.kind)
        start, end = match.start(kind.group) - match.start(), match.end(kind.group) - match.start()
        whole = match.group(0)
        return whole[:start] + kind.placeholder + whole[end:]

    return replace


def find_and_redact(text: str) -> tuple[str, list[str]]:
    """(the text with every secret replaced by its kind's placeholder, the kinds found in order of the table)."""
    found: list[str] = []
    lowered = text.lower()
    for kind in KINDS:
        if kind.may_occur(text, lowered):
            text = kind.pattern.sub(_replacer(kind, found), text)
    return text, found


class SecretsParams(Params):
    policy: Literal["redact", "drop", "keep"] = "redact"


class SecretsRedaction(Filter):
    name = "secrets"
    version = "1"
    Params = SecretsParams
    natural_language_only = False
    code_only = True

    def score(self, batch: Batch) -> Scores:
        texts, counts, rewrites = [], [], []
        for text, lang in zip(batch.texts, batch.langs):
            redacted, found = find_and_redact(text)
            policy = self.params_for(lang).policy
            texts.append(redacted if policy == "redact" else text)
            counts.append(float(len(found)))
            per_kind: dict[str, int] = {}
            for kind in found:
                per_kind[kind] = per_kind.get(kind, 0) + 1
            rewrites.append(per_kind if policy == "redact" else {})
        return Scores(signals={"secrets": counts}, texts=texts, rewrites=rewrites)

    def decide(self, signals: Mapping[str, float], lang: str | None) -> Verdict | None:
        if self.params_for(lang).policy == "drop" and signals.get("secrets", 0) > 0:
            return "secret_found", f"secrets={int(signals['secrets'])}"
        return None
