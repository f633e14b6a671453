"""Inline SVG charts written as text: no JavaScript, no fonts or images fetched.

Every number is formatted with a fixed precision and every label escaped (and
redacted), so the same data always gives the same bytes and the page opens offline.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from curation.redact import redact

PALETTE = ("#3b6ea5", "#e0823d", "#5a9e57", "#c24a4a", "#8a6bb8", "#8c6d52", "#d17fb5", "#7f7f7f", "#b5b33a", "#3fb0c0")
KEPT_COLOUR = "#3b6ea5"
REMOVED_COLOUR = "#e0823d"
THRESHOLD_COLOUR = "#c01818"
FONT = 'font-family="sans-serif" font-size="11"'


def _t(text: object) -> str:
    return escape(redact(str(text)), quote=True)


def _n(x: float) -> str:
    """Coordinates with one decimal: stable text, enough precision for a screen."""
    return f"{x:.1f}"


def human(x: float) -> str:
    """1234567 → '1.23M': short labels for axes and bars."""
    x = float(x)
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.3g}{unit}"
    return f"{x:.4g}" if x != int(x) else str(int(x))


def _svg(width: int, height: int, body: list[str], title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{_t(title)}">'
        f"<title>{_t(title)}</title>"
        f'<text x="4" y="14" {FONT} font-weight="bold">{_t(title)}</text>' + "".join(body) + "</svg>"
    )


def bar_chart(
    items: Sequence[tuple[str, float]],
    title: str,
    notes: Sequence[str] | None = None,
    width: int = 560,
    colour: str = KEPT_COLOUR,
) -> str:
    """Horizontal bars, one per (label, value), with an optional note after each value."""
    bar_h, gap, top = 16, 6, 24
    # room for the longest label (about 6 px a character at 11 px), within bounds
    label_w = min(max(170, 6 * max((len(str(label)) for label, _ in items), default=0) + 12), 320)
    width = max(width, label_w + 250)
    height = top + len(items) * (bar_h + gap) + 8
    vmax = max((v for _, v in items), default=0) or 1
    plot_w = width - label_w - 110
    body = []
    for i, (label, value) in enumerate(items):
        y = top + i * (bar_h + gap)
        w = max(plot_w * value / vmax, 0.5 if value else 0)
        note = f" {notes[i]}" if notes else ""
        body.append(f'<text x="{label_w - 6}" y="{_n(y + 12)}" text-anchor="end" {FONT}>{_t(label)}</text>')
        body.append(f'<rect x="{label_w}" y="{y}" width="{_n(w)}" height="{bar_h}" fill="{colour}"/>')
        body.append(f'<text x="{_n(label_w + w + 4)}" y="{_n(y + 12)}" {FONT}>{_t(human(value) + note)}</text>')
    if not items:
        body.append(f'<text x="10" y="{top + 12}" {FONT}>no data</text>')
    return _svg(width, height, body, title)


def paired_bars(
    items: Sequence[tuple[str, float, float | None]],
    title: str,
    legend: tuple[str, str] = ("actual", "target"),
    width: int = 560,
) -> str:
    """Two shares (0..1) per label side by side, e.g. token share beside blend weight."""
    bar_h, gap, top, label_w = 10, 8, 40, 170
    height = top + len(items) * (2 * bar_h + gap) + 8
    plot_w = width - label_w - 70
    body = [
        f'<rect x="{label_w}" y="22" width="10" height="10" fill="{PALETTE[0]}"/>',
        f'<text x="{label_w + 14}" y="31" {FONT}>{_t(legend[0])}</text>',
        f'<rect x="{label_w + 120}" y="22" width="10" height="10" fill="{PALETTE[1]}"/>',
        f'<text x="{label_w + 134}" y="31" {FONT}>{_t(legend[1])}</text>',
    ]
    for i, (label, a, b) in enumerate(items):
        y = top + i * (2 * bar_h + gap)
        body.append(f'<text x="{label_w - 6}" y="{_n(y + 14)}" text-anchor="end" {FONT}>{_t(label)}</text>')
        for j, (value, colour) in enumerate(((a, PALETTE[0]), (b, PALETTE[1]))):
            yy = y + j * bar_h
            if value is None:
                body.append(f'<text x="{label_w + 2}" y="{_n(yy + 9)}" {FONT} fill="#777">n/a</text>')
                continue
            w = plot_w * max(0.0, min(1.0, value))
            body.append(f'<rect x="{label_w}" y="{yy}" width="{_n(w)}" height="{bar_h - 1}" fill="{colour}"/>')
            body.append(f'<text x="{_n(label_w + w + 4)}" y="{_n(yy + 9)}" {FONT}>{value * 100:.1f}%</text>')
    return _svg(width, height, body, title)


def histogram(
    edges: Sequence[float],
    kept: Sequence[float],
    removed: Sequence[float],
    title: str,
    threshold: float | None = None,
    log_x: bool = False,
    width: int = 380,
    height: int = 200,
    ymax: float | None = None,
    shares: bool = False,
) -> str:
    """Stacked histogram (kept below, removed on top) with the threshold as a red line.

    `ymax` fixes the vertical scale (charts meant to be compared share one); `shares`: the bars are
    fractions of the documents, labelled in percent."""
    left, right, top, bottom = 44, 10, 24, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [k + r for k, r in zip(kept, removed)]
    ymax = ymax or max(totals, default=0) or 1
    top_label = f"{100 * ymax:.3g}%" if shares else human(ymax)
    lo, hi = edges[0], edges[-1]

    def x_of(v: float) -> float:
        if log_x:
            v, a, b = math.log10(max(v, 1e-300)), math.log10(lo), math.log10(hi)
        else:
            a, b = lo, hi
        return left + plot_w * ((v - a) / (b - a) if b > a else 0.5)

    body = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#333"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#333"/>',
        f'<text x="{left - 4}" y="{top + 8}" text-anchor="end" {FONT}>{_t(top_label)}</text>',
        f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end" {FONT}>0</text>',
        f'<text x="{left}" y="{height - 18}" {FONT}>{_t(human(lo))}</text>',
        f'<text x="{left + plot_w}" y="{height - 18}" text-anchor="end" {FONT}>{_t(human(hi))}</text>',
    ]
    for i, (k, r) in enumerate(zip(kept, removed)):
        x0, x1 = x_of(edges[i]), x_of(edges[i + 1])
        w = max(x1 - x0 - 1, 0.5)
        hk = plot_h * k / ymax
        hr = plot_h * r / ymax
        if k:
            body.append(f'<rect x="{_n(x0)}" y="{_n(top + plot_h - hk)}" width="{_n(w)}" height="{_n(hk)}" fill="{KEPT_COLOUR}"/>')
        if r:
            body.append(f'<rect x="{_n(x0)}" y="{_n(top + plot_h - hk - hr)}" width="{_n(w)}" height="{_n(hr)}" fill="{REMOVED_COLOUR}"/>')
    if threshold is not None and lo <= threshold <= hi:
        x = x_of(threshold)
        body.append(
            f'<line x1="{_n(x)}" y1="{top - 4}" x2="{_n(x)}" y2="{top + plot_h}" stroke="{THRESHOLD_COLOUR}" stroke-width="2" stroke-dasharray="5,3"/>'
        )
        # the label sits right of the line, or left of it near the right edge
        anchor, tx = ("end", x - 3) if x > width - 90 else ("start", x + 3)
        body.append(
            f'<text x="{_n(tx)}" y="{top + 6}" text-anchor="{anchor}" {FONT} fill="{THRESHOLD_COLOUR}">threshold {escape(human(threshold))}</text>'
        )
    legend_y = height - 4
    body.append(f'<rect x="{left}" y="{legend_y - 9}" width="9" height="9" fill="{KEPT_COLOUR}"/>')
    body.append(f'<text x="{left + 12}" y="{legend_y}" {FONT}>kept</text>')
    body.append(f'<rect x="{left + 50}" y="{legend_y - 9}" width="9" height="9" fill="{REMOVED_COLOUR}"/>')
    body.append(f'<text x="{left + 62}" y="{legend_y}" {FONT}>removed</text>')
    if log_x:
        body.append(f'<text x="{left + plot_w}" y="{legend_y}" text-anchor="end" {FONT}>log scale</text>')
    return _svg(width, height, body, title)


def histogram_rows(
    rows: Sequence[tuple[str, Sequence[float], Sequence[float], float | None, str]],
    title: str,
    lo: float = 0.0,
    hi: float = 1.0,
    width: int = 560,
) -> str:
    """One histogram per row on one shared x axis (lo..hi, equal bins): (label, kept, removed, threshold, note).

    Each row's bars are scaled to its own largest bin (a shape per row, small rows stay readable); the
    threshold is a red mark across its row; the note (e.g. `n=93, 4% removed`) sits right of the row."""
    row_h, top, label_w, note_w = 20, 24, 90, 120
    plot_w = width - label_w - note_w
    height = top + len(rows) * row_h + 34

    def x_of(v: float) -> float:
        return label_w + plot_w * (min(max(v, lo), hi) - lo) / (hi - lo)

    body = []
    for i, (label, kept, removed, threshold, note) in enumerate(rows):
        y0, bins = top + i * row_h, len(kept)
        peak = max((k + r for k, r in zip(kept, removed)), default=0) or 1
        body.append(f'<text x="{label_w - 6}" y="{_n(y0 + 14)}" text-anchor="end" {FONT}>{_t(label)}</text>')
        body.append(f'<line x1="{label_w}" y1="{y0 + row_h - 1}" x2="{label_w + plot_w}" y2="{y0 + row_h - 1}" stroke="#bbb"/>')
        for b, (k, r) in enumerate(zip(kept, removed)):
            x, w = label_w + plot_w * b / bins, max(plot_w / bins - 1, 0.5)
            hk, hr = (row_h - 3) * k / peak, (row_h - 3) * r / peak
            if k:
                body.append(f'<rect x="{_n(x)}" y="{_n(y0 + row_h - 1 - hk)}" width="{_n(w)}" height="{_n(hk)}" fill="{KEPT_COLOUR}"/>')
            if r:
                body.append(
                    f'<rect x="{_n(x)}" y="{_n(y0 + row_h - 1 - hk - hr)}" width="{_n(w)}" height="{_n(hr)}" fill="{REMOVED_COLOUR}"/>'
                )
        if threshold is not None:
            x = x_of(threshold)
            body.append(f'<line x1="{_n(x)}" y1="{y0}" x2="{_n(x)}" y2="{y0 + row_h}" stroke="{THRESHOLD_COLOUR}" stroke-width="2"/>')
        body.append(f'<text x="{label_w + plot_w + 6}" y="{_n(y0 + 14)}" {FONT}>{_t(note)}</text>')
    axis_y = top + len(rows) * row_h + 12
    for v in (lo, (lo + hi) / 2, hi):
        body.append(f'<text x="{_n(x_of(v))}" y="{axis_y}" text-anchor="middle" {FONT}>{_t(human(v))}</text>')
    legend_y = axis_y + 16
    body.append(f'<rect x="{label_w}" y="{legend_y - 9}" width="9" height="9" fill="{KEPT_COLOUR}"/>')
    body.append(f'<text x="{label_w + 12}" y="{legend_y}" {FONT}>kept</text>')
    body.append(f'<rect x="{label_w + 50}" y="{legend_y - 9}" width="9" height="9" fill="{REMOVED_COLOUR}"/>')
    body.append(f'<text x="{label_w + 62}" y="{legend_y}" {FONT}>removed</text>')
    body.append(
        f'<line x1="{label_w + 130}" y1="{legend_y - 9}" x2="{label_w + 130}" y2="{legend_y}" stroke="{THRESHOLD_COLOUR}" stroke-width="2"/>'
    )
    body.append(f'<text x="{label_w + 136}" y="{legend_y}" {FONT}>threshold</text>')
    return _svg(width, height, body, title)
