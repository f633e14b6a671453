"""A small regex redactor: the last line of defence before text is shown to a person.

The PII filter (presidio) rewrites documents inside the pipeline; this module is
independent of it and applied to everything the auditor tools display (samples,
URLs, details, catalog fields), so a document the filter missed or a removed
document that was never rewritten still shows no e-mail address, phone number,
IP address, card-like number or IBAN. It prefers over-redaction: a population
figure written `123 456 789` is hidden too.
"""

from __future__ import annotations

import re
from typing import Any

_EMAIL = r"[A-Za-z0-9._%+\-]+\s?(?:@|\(at\)|\[at\])\s?[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
_IBAN = r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}\b"
_IPV4 = r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.]\d)"
_IPV6 = r"(?<![\w:])(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,6}:(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,5})?|::(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{1,4})(?![\w:])"
_CARD = r"(?<![\w+])(?:\d[ \-]?){12,18}\d(?!\w)"
# a phone: optional + or 00, digits with spaces, dots, dashes or brackets; 8-15 digits (checked below)
_PHONE = r"(?<![\w+])(?:\+|00)?\(?\d[\d \t().\-/]{6,}\d(?!\w)"

_PATTERN = re.compile(
    "|".join(f"(?P<{name}>{rx})" for name, rx in (("EMAIL", _EMAIL), ("IBAN", _IBAN), ("IP", _IPV4), ("IP6", _IPV6), ("CARD", _CARD), ("PHONE", _PHONE)))
)

PLACEHOLDERS = {"EMAIL": "<EMAIL>", "IBAN": "<IBAN>", "IP": "<IP>", "IP6": "<IP>", "CARD": "<CARD>", "PHONE": "<PHONE>"}


def _replace(match: re.Match) -> str:
    kind = match.lastgroup
    text = match.group()
    if kind == "PHONE":
        digits = sum(c.isdigit() for c in text)
        if not 8 <= digits <= 15 or _looks_like_date_or_range(text) or _DECIMAL.match(text.strip()):
            return text
    if kind == "IBAN" and not any(c.isdigit() for c in text[4:]):
        return text
    return PLACEHOLDERS[kind]


_DECIMAL = re.compile(r"^[+-]?\d+[.,]\d+$")  # 0.0009785: a measurement, not a phone number
_DATE = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$|^\d{1,2}[-/.]\d{1,2}[-/.]\d{4}$|^\d{4}\s?[-/]\s?\d{4}$")


def _looks_like_date_or_range(text: str) -> bool:
    return bool(_DATE.match(text.strip()))


def redact(text: str | None) -> str:
    """The text with every e-mail, phone, IP, card-like number and IBAN replaced by a placeholder."""
    if not text:
        return text or ""
    return _PATTERN.sub(_replace, text)


def redact_value(value: Any) -> Any:
    """Redact every string inside a JSON-like value (dict keys included)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact(str(k)): redact_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_value(v) for v in value]
    return value
