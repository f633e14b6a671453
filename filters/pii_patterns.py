"""Cheap PII candidate windows, ROOTS's extra categories, and the entity table.

presidio's phone recognizer walks every document once per phone region; that is
most of its cost, and almost all of it is spent on text that holds no PII. A single
regex finds every place where an entity *could* start (an `@` or `(at)`, a digit cluster of
5+ digits or an IPv4 shape, an IBAN country+check prefix, hex with colons, a long
key-like token); the analyzer then runs only on windows around those places. The
windows keep a margin and end at whitespace (or CJK punctuation), where no pattern
of the recognizers continues, and in each window only the recognizers its candidates
call for run, so findings equal those of a whole-document run; the benchmark and the
tests check that equality.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from filters.pii_phone import CLUSTER, MIN_PHONE_DIGITS, phone_recognizer

# presidio entity type -> (short kind used in signals and counts, placeholder)
ENTITIES: dict[str, tuple[str, str]] = {
    "EMAIL_ADDRESS": ("email", "<EMAIL>"),
    "PHONE_NUMBER": ("phone", "<PHONE>"),
    "IP_ADDRESS": ("ip", "<IP_ADDRESS>"),
    "CREDIT_CARD": ("credit_card", "<CREDIT_CARD>"),
    "IBAN_CODE": ("iban", "<IBAN>"),
    "USER_HANDLE": ("user", "<USER>"),
    "SECRET_KEY": ("secret", "<SECRET>"),
    # NER entities, only with a spaCy model configured
    "PERSON": ("person", "<PERSON>"),
    "LOCATION": ("location", "<LOCATION>"),
    "ORGANIZATION": ("organization", "<ORGANIZATION>"),
    "NRP": ("nrp", "<NRP>"),
}
KIND_TO_ENTITY = {kind: entity for entity, (kind, _) in ENTITIES.items()}
PATTERN_KINDS = ("email", "phone", "ip", "credit_card", "iban", "user", "secret")
NER_KINDS = ("person", "location", "organization", "nrp")

# obfuscated e-mails: contact(at)domain.org, john [at] mail [dot] com
AT_WORD = r"[(\[{]at[)\]}]"
DOT_WORD = r"[(\[{]dot[)\]}]"
_IPV4_SHAPE = re.compile(r"\d{1,3}[.\uFF0E]\d{1,3}[.\uFF0E]\d{1,3}[.\uFF0E]\d{1,3}")
_DIGIT = re.compile(r"\d")
MIN_CARD_DIGITS = 13  # presidio's card pattern needs 4+3+3+3 digits
# each entity's trigger: text every finding of that entity contains (the recognizers' own anchors)
_TRIGGERS = (
    (re.compile(r"@"), ("EMAIL_ADDRESS", "USER_HANDLE")),
    (re.compile(AT_WORD, re.IGNORECASE), ("EMAIL_ADDRESS",)),  # contact(at)domain.org
    (re.compile(r"[A-Z]{2}\d{2}"), ("IBAN_CODE",)),
    (re.compile(r"[0-9A-Fa-f]*:[0-9A-Fa-f]*:"), ("IP_ADDRESS",)),  # IPv6 has two colons or more
    (re.compile(r"[A-Za-z0-9_\-+/=]{20,}"), ("SECRET_KEY",)),
)
# window edges: characters no recognizer pattern continues through
_BOUNDARY = re.compile(r"[\s，。、；！？「」『』《》【】]")


# what makes an IPv4-shaped number a version (`VERSION = "1.2.3.4"`, `"ver": "5.4.0.12"`, `lib@2.10.0.1`, `v1.0.0.3`,
# `pkg>=4.1.0.2`): a version word and its assignment, an `@`, a `v` or a requirement operator right before it
_VERSION_CUE = re.compile(
    r"(?:(?<![A-Za-z])(?:version|ver|release|rev|revision|build)[\s\"'=:(\[_]{0,6}|(?<![A-Za-z])v|@|(?:==|>=|<=|~=|!=|\^|~)\s*)$",
    re.IGNORECASE,
)


def is_version_number(text: str, start: int) -> bool:
    """Whether the IPv4-shaped number at `start` is a version, not an address (read from the 24 characters before it)."""
    return _VERSION_CUE.search(text, max(0, start - 24), start) is not None


def _cluster_entities(cluster: str) -> tuple[str, ...]:
    digits = len(_DIGIT.findall(cluster))
    found = []
    if digits >= MIN_PHONE_DIGITS:
        found.append("PHONE_NUMBER")
    if digits >= MIN_CARD_DIGITS:
        found.append("CREDIT_CARD")
    if _IPV4_SHAPE.search(cluster):
        found.append("IP_ADDRESS")
    return tuple(found)


def candidates(text: str) -> list[tuple[int, int, tuple[str, ...]]]:
    """(start, end, entities it could be) for every place an entity could be, in text order."""
    spans = []
    for m in CLUSTER.finditer(text):
        entities = _cluster_entities(m.group())
        if entities:
            spans.append((m.start(), m.end(), entities))
    for pattern, entities in _TRIGGERS:
        spans.extend((m.start(), m.end(), entities) for m in pattern.finditer(text))
    return sorted(spans)


def candidate_spans(text: str) -> list[tuple[int, int]]:
    return [(s, e) for s, e, _ in candidates(text)]


def _snap_left(text: str, pos: int) -> int:
    """Start of the window: just after the nearest boundary character at or before `pos`."""
    while pos > 0 and not _BOUNDARY.match(text, pos - 1):
        pos -= 1
    return pos


def _snap_right(text: str, pos: int) -> int:
    n = len(text)
    while pos < n and not _BOUNDARY.match(text, pos):
        pos += 1
    return pos


PHONE_MARGIN = 32  # enough for an extension ("ext. 12345", "доб. 123") after the digits


def entity_windows(text: str, margin: int = 64, phone_margin: int = PHONE_MARGIN) -> list[tuple[int, int, frozenset[str]]]:
    """Merged windows around candidates (`margin` characters each side, snapped to boundaries),
    each with the entities its candidates could be: only those recognizers run there.

    Phone numbers get their own, narrower windows: python-phonenumbers parses every digit run
    in what it is given, once per region, and is most of the cost; a finding's 5+ digit run
    is its candidate, so only the candidate and its extension need to be seen."""
    n = len(text)
    groups: dict[bool, list[tuple[int, int, frozenset[str]]]] = {True: [], False: []}
    for start, end, entities in candidates(text):
        parts = ((True, ("PHONE_NUMBER",), phone_margin), (False, tuple(e for e in entities if e != "PHONE_NUMBER"), margin))
        for is_phone, wanted, m in parts:
            if not wanted or (is_phone and "PHONE_NUMBER" not in entities):
                continue
            windows = groups[is_phone]
            lo = _snap_left(text, max(0, start - m))
            hi = _snap_right(text, min(n, end + m))
            if windows and lo <= windows[-1][1]:
                last = windows[-1]
                windows[-1] = (last[0], max(last[1], hi), last[2] | frozenset(wanted))
            else:
                windows.append((lo, hi, frozenset(wanted)))
    return sorted(groups[True] + groups[False], key=lambda w: (w[0], w[1], sorted(w[2])))


def candidate_windows(text: str, margin: int = 64) -> list[tuple[int, int]]:
    """The text the analyzer sees (windows of different entities may overlap; merged here)."""
    merged: list[tuple[int, int]] = []
    for lo, hi, _ in entity_windows(text, margin):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


# --- ROOTS's extra categories (bigscience PII: USER and KEY), as presidio recognizers ---

# ASCII look-arounds, not \b: in unspaced scripts (zh, ja, th) a handle sits right next to letters
USER_PATTERN = r"(?<![A-Za-z0-9_@.+\-/])@(?=[A-Za-z0-9_.]*[A-Za-z])[A-Za-z0-9_](?:[A-Za-z0-9_.]{1,28}[A-Za-z0-9_])(?![A-Za-z0-9_@])"
KNOWN_KEY_PATTERN = (
    r"(?<![A-Za-z0-9_\-])(?:AKIA[0-9A-Z]{16}"  # AWS access key id
    r"|gh[pousr]_[A-Za-z0-9]{36}"  # GitHub tokens
    r"|github_pat_[A-Za-z0-9_]{40,}"
    r"|xox[abposr]-[A-Za-z0-9\-]{15,}"  # Slack
    r"|sk-[A-Za-z0-9_\-]{20,}"  # OpenAI-style secret keys
    r"|[sr]k_(?:live|test)_[A-Za-z0-9]{16,}"  # Stripe
    r"|AIza[0-9A-Za-z_\-]{35})"  # Google API key
    r"(?![A-Za-z0-9_\-])"
)
# base64-like: `=` only as padding at the end, so `api_key=` in front of a key stays
GENERIC_KEY_PATTERN = r"(?<![A-Za-z0-9_\-+/])[A-Za-z0-9_\-+/]{24,}={0,2}(?![A-Za-z0-9_\-+/=])"
MIN_KEY_ENTROPY = 4.0  # bits per character; English words and slugs stay well below


def shannon_entropy(token: str) -> float:
    counts = Counter(token)
    n = len(token)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def looks_like_secret(token: str) -> bool:
    """Lower, upper and digits mixed, high entropy: an API key or token, not a word or an IBAN."""
    core = token.rstrip("=")
    return (
        any(c.islower() for c in core)
        and any(c.isupper() for c in core)
        and sum(c.isdigit() for c in core) >= 2
        and shannon_entropy(core) >= MIN_KEY_ENTROPY
    )


# --- presidio's recognizers, plus variants of their patterns for unspaced scripts ---
# presidio anchors e-mails, IPs and cards with \b; between a CJK character and a digit or
# ASCII letter there is no \b (both are \w), so "请联系jean@example.com获取" or "IP地址192.168.1.1"
# escape it. The variants anchor on ASCII look-arounds instead; same validation (tldextract,
# ipaddress, Luhn) applies. presidio compiles patterns with the `regex` module (\p{...} works).
_ASCII_WORD = "0-9A-Za-z_"
# e-mail local parts: RFC 5322's atext minus the characters that delimit URL parts (/ = ? &), so an
# address in a query string (?email=jane@x.org) is found without the URL in front of it
_ATEXT = r"!#$%'*+\-^_`{|}~"
_LOCAL = rf"[\w{_ATEXT}](?:[\w{_ATEXT}.]*[\w{_ATEXT}])?"
_DOMAIN = r"\w+(?:-+\w+)*(?:\.\w+(?:-+\w+)*)+"
EMAIL_SPACED = rf"\b({_LOCAL}@{_DOMAIN})\b"
# unspaced scripts: a local part may hold letters of spaced scripts (jürgen.müller) but not CJK or Thai,
# which belong to the sentence around it
_LOCAL_CHAR = rf"(?![\p{{Han}}\p{{Hiragana}}\p{{Katakana}}\p{{Hangul}}\p{{Thai}}])[\p{{L}}\p{{M}}\p{{N}}{_ATEXT}]"
EMAIL_UNSPACED = (
    rf"(?<!{_LOCAL_CHAR}|\.)({_LOCAL_CHAR}(?:(?:{_LOCAL_CHAR}|\.)*{_LOCAL_CHAR})?"
    r"@[0-9A-Za-z_]+(?:-+[0-9A-Za-z_]+)*(?:\.[0-9A-Za-z_]+(?:-+[0-9A-Za-z_]+)*)+)(?![0-9A-Za-z_])"
)
# written to escape harvesters: contact(at)domain.org, john [at] mail [dot] com
_AT = rf"\s?{AT_WORD}\s?"
_DOT = rf"(?:\.|\s?{DOT_WORD}\s?)"
EMAIL_OBFUSCATED = rf"(?<![\w{_ATEXT}.])({_LOCAL}{_AT}\w+(?:-+\w+)*(?:{_DOT}\w+(?:-+\w+)*)+)(?!\w)"
CARD_UNSPACED = (
    r"(?<![0-9A-Za-z_])(?!1\d{12}(?!\d))((4\d{3})|(5[0-5]\d{2})|(6\d{3})|(1\d{3})|(3\d{3}))"
    r"[- ]?(\d{3,4})[- ]?(\d{3,4})[- ]?(\d{3,5})(?![0-9A-Za-z_])"
)


def deobfuscate_email(text: str) -> str:
    """contact(at)domain[dot]org -> contact@domain.org"""
    return re.sub(rf"\s?{DOT_WORD}\s?", ".", re.sub(_AT, "@", text, flags=re.I), flags=re.I)


def ascii_bounded(regex: str) -> str:
    """presidio's IP pattern with its word-boundary anchors made ASCII-only."""
    regex = regex.replace(r"(?<![\w:])", f"(?<![{_ASCII_WORD}:])").replace(r"(?![\w:]", f"(?![{_ASCII_WORD}:]")
    if regex.startswith(r"\b"):
        regex = f"(?<![{_ASCII_WORD}])" + regex[2:]
    if regex.endswith(r"\b"):
        regex = regex[:-2] + f"(?![{_ASCII_WORD}])"
    return regex


def pattern_recognizers(lang: str, regions: tuple[str, ...], home_regions: tuple[str, ...] = ()) -> list:
    """Every pattern recognizer of one language: e-mail (with the unspaced-script and obfuscated
    variants), phone numbers with phone-shaped evidence (`filters.pii_phone`; `regions` scanned,
    `home_regions` the language's own), presidio's IP, card and IBAN recognizers, and ROOTS's two."""
    from presidio_analyzer import Pattern
    from presidio_analyzer.predefined_recognizers import IbanRecognizer, IpRecognizer

    ip_patterns = list(IpRecognizer.PATTERNS)
    ip_patterns += [Pattern(f"{p.name} (unspaced scripts)", ascii_bounded(p.regex), p.score) for p in IpRecognizer.PATTERNS]
    return [
        email_recognizer(lang),
        phone_recognizer(lang, regions, home_regions),
        IpRecognizer(supported_language=lang, patterns=ip_patterns),
        card_recognizer(lang),
        IbanRecognizer(supported_language=lang),
        *extra_recognizers(lang),
    ]


def email_recognizer(lang: str):
    """E-mail addresses: spaced text, unspaced scripts, obfuscated; the domain checked by tldextract."""
    from presidio_analyzer import Pattern
    from presidio_analyzer.predefined_recognizers import EmailRecognizer

    class AnyEmailRecognizer(EmailRecognizer):
        """presidio's (tldextract checks the domain), also for obfuscated and unspaced-script addresses."""

        def validate_result(self, pattern_text: str):
            return super().validate_result(deobfuscate_email(pattern_text))

    patterns = [
        Pattern("Email", EMAIL_SPACED, 0.5),
        Pattern("Email (unspaced scripts)", EMAIL_UNSPACED, 0.5),
        Pattern("Email (obfuscated)", EMAIL_OBFUSCATED, 0.5),
    ]
    return AnyEmailRecognizer(supported_language=lang, patterns=patterns)


def card_recognizer(lang: str):
    """Card numbers (presidio's patterns and Luhn check, plus the unspaced-script variant)."""
    from presidio_analyzer import Pattern
    from presidio_analyzer.predefined_recognizers import CreditCardRecognizer

    class CardRecognizer(CreditCardRecognizer):
        """presidio's (Luhn), minus digits written after a plus sign: +4915112345678 is a phone number."""

        def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):
            found = super().analyze(text, entities, nlp_artifacts, regex_flags)
            return [r for r in found if not text[: r.start].endswith(("+", "\uff0b"))]

    patterns = [*CreditCardRecognizer.PATTERNS, Pattern("Cards (unspaced scripts)", CARD_UNSPACED, 0.3)]
    return CardRecognizer(supported_language=lang, patterns=patterns)


def extra_recognizers(lang: str) -> list:
    """USER (handles) and SECRET_KEY (API keys) recognizers for one presidio language."""
    from presidio_analyzer import Pattern, PatternRecognizer

    class UserHandleRecognizer(PatternRecognizer):
        def __init__(self, supported_language: str):
            super().__init__(
                supported_entity="USER_HANDLE",
                patterns=[Pattern("handle", USER_PATTERN, 0.5)],
                supported_language=supported_language,
                name="UserHandleRecognizer",
            )

    class SecretKeyRecognizer(PatternRecognizer):
        def __init__(self, supported_language: str):
            super().__init__(
                supported_entity="SECRET_KEY",
                patterns=[Pattern("known key", KNOWN_KEY_PATTERN, 0.9), Pattern("generic key", GENERIC_KEY_PATTERN, 0.5)],
                supported_language=supported_language,
                name="SecretKeyRecognizer",
            )

        def validate_result(self, pattern_text: str):
            if re.fullmatch(KNOWN_KEY_PATTERN, pattern_text):
                return True
            return True if looks_like_secret(pattern_text) else False

    return [UserHandleRecognizer(lang), SecretKeyRecognizer(lang)]


@dataclass(frozen=True)
class Finding:
    """One detected entity: offsets into the document, never the text itself."""

    kind: str
    start: int
    end: int
    score: float


def resolve_overlaps(findings: list[Finding]) -> list[Finding]:
    """Merge overlapping findings into one span (nothing of either survives redaction);
    the merged span takes the kind of its highest-scoring, then longest, member."""
    merged: list[Finding] = []
    for f in sorted(findings, key=lambda f: (f.start, -f.end)):
        if merged and f.start < merged[-1].end:
            last = merged[-1]
            best = max((last, f), key=lambda x: (x.score, x.end - x.start, -PRIORITY.get(x.kind, 99)))
            merged[-1] = Finding(best.kind, last.start, max(last.end, f.end), best.score)
        else:
            merged.append(f)
    return merged


PRIORITY = {kind: i for i, kind in enumerate(("credit_card", "iban", "email", "ip", "phone", "secret", "user", *NER_KINDS))}


def redact(text: str, findings: list[Finding]) -> str:
    """Replace each (non-overlapping) finding by its typed placeholder."""
    placeholders = {kind: ph for kind, ph in ENTITIES.values()}
    out, pos = [], 0
    for f in findings:
        out.append(text[pos : f.start])
        out.append(placeholders[f.kind])
        pos = f.end
    out.append(text[pos:])
    return "".join(out)
