"""The one redactor for everything shown to a person: the PII filter's own patterns.

Samples, URLs, details and metadata in `curation inspect`, the report and data cards,
the notebooks, bad-record details in `stats/errors-ingest.jsonl`, catalog messages: all
pass through here, and here is `filters.pii.PiiRedaction` with its default entities
(e-mail, obfuscated e-mail, phone, IP, card, IBAN, user handle, API key) and typed
placeholders (`<EMAIL>`, `<PHONE>`, `<IP_ADDRESS>` ...). A document the filter
missed, or one removed before the filter ran, shows no more than the filter would
have let through. Give the text's language when it is known: phone numbers written
in a language's national format (`06 12 34 56 78` in French) need it; without it
only phone-shaped evidence counts (`+33`, `Tél.`, `(0)`...).

The filter and its analyzers are built once per process, on first use.
"""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def _redactor():
    from filters.pii import PiiRedaction

    return PiiRedaction()


def redact(text: str | None, lang: str | None = None) -> str:
    """The text with every entity the PII filter finds replaced by its placeholder."""
    if not text:
        return text or ""
    return _redactor().redact_text(text, lang)


def redact_url(url: str | None, lang: str | None = None) -> str:
    """A URL with the PII in its parts replaced (host, path and query keys stay readable)."""
    if not url:
        return url or ""
    return _redactor().redact_url(url, lang)


def redact_value(value: Any, lang: str | None = None) -> Any:
    """Every string inside a JSON-like value redacted (dict keys included)."""
    return _redactor().redact_value(value, lang)
