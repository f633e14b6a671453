"""The few HTML pieces every report section is made of; every text passes the redactor on its way in."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from curation.redact import redact


def e(value: object) -> str:
    """Escape for HTML after redacting: the only way text reaches the page."""
    return escape(redact(str(value)), quote=True)


def num(n: float) -> str:
    """Integers with separators; floats with 4 significant digits, never in exponent form above 1000."""
    if isinstance(n, int):
        return f"{n:,}"
    return f"{n:,.0f}" if abs(n) >= 1000 else f"{n:.4g}"


def pct(a: float, b: float) -> str:
    return f"{100 * a / b:.1f}%" if b else "–"


def table(header: Sequence[str], rows: Iterable[Sequence[object]], numeric: set[int] | None = None) -> str:
    numeric = numeric if numeric is not None else set()
    head = "".join(f'<th class="n">{e(h)}</th>' if i in numeric else f"<th>{e(h)}</th>" for i, h in enumerate(header))
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="n">{escape(num(v)) if isinstance(v, (int, float)) else e(v)}</td>' if i in numeric else f"<td>{e(v)}</td>"
            for i, v in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def missing(text: str) -> str:
    return f'<p class="missing">{e(text)}</p>'


def details(summary: str, body: str, anchor: str | None = None) -> str:
    """A collapsible block (closed until clicked, or reached by its anchor); `summary` is already markup."""
    ident = f' id="{e(anchor)}"' if anchor else ""
    return f"<details{ident}><summary>{summary}</summary>{body}</details>"
