"""Charts as SVG drawn on the server: no script, no library to ship, nothing fetched. Colours
are CSS classes and variables, so they follow the page's theme."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

LABELS = 10  # the most labels under the bars: more would overlap
PALETTE = ("#2481cc", "#2e9d52", "#d99a00", "#d93a3a", "#8e44ad", "#16a085", "#7f8c8d",
           "#e67e22", "#c0392b", "#27ae60", "#34495e")


def _t(value: object) -> str:
    return escape(str(value), quote=True)


def stacked_bars(labels: Sequence[str], series: Sequence[tuple[str, Sequence[int]]],
                 title: str, width: int = 640, height: int = 220) -> str:
    """A bar per label, stacked by series (name, one value per label), with a legend."""
    top = max((sum(s[1][i] for s in series) for i in range(len(labels))), default=0) or 1
    left, bottom, legend = 30, 20, 16 * ((len(series) + 3) // 4)
    plot_h = height - bottom - legend - 8
    step = (width - left) / max(len(labels), 1)
    bars = []
    for i, label in enumerate(labels):
        y = plot_h + 4.0
        for n, (name, values) in enumerate(series):
            v = values[i]
            if v:
                bar_h = plot_h * v / top
                y -= bar_h
                bars.append(f'<rect x="{left + i * step + 1:.1f}" y="{y:.1f}" '
                            f'width="{max(step - 2, 1):.1f}" height="{bar_h:.1f}" '
                            f'fill="{PALETTE[n % len(PALETTE)]}"><title>{_t(label)} · '
                            f'{_t(name)}: {v}</title></rect>')
        if i % math.ceil(len(labels) / LABELS) == 0:
            bars.append(f'<text x="{left + i * step:.1f}" y="{plot_h + 18}">{_t(label)}</text>')
    keys = [f'<rect x="{left + (n % 4) * 150}" y="{plot_h + 26 + (n // 4) * 16}" '
            f'width="10" height="10" fill="{PALETTE[n % len(PALETTE)]}"/>'
            f'<text x="{left + 14 + (n % 4) * 150}" y="{plot_h + 35 + (n // 4) * 16}">'
            f'{_t(name)}</text>' for n, (name, _values) in enumerate(series)]
    axis = (f'<line class="axis" x1="{left}" y1="{plot_h + 4}" x2="{width}" y2="{plot_h + 4}"/>'
            f'<text x="0" y="12">{top}</text>')
    return (f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{_t(title)}" '
            f'data-chart="{_t(title)}">{axis}{"".join(bars)}{"".join(keys)}</svg>')


def hbars(rows: Sequence[tuple[str, float, str]], title: str, empty: str,
          width: int = 420) -> str:
    """A horizontal bar per row (label, value, the value as shown); `empty` when there is no
    row."""
    if not rows:
        return f'<p class="hint">{_t(empty)}</p>'
    top = max((v for _l, v, _s in rows), default=0) or 1
    label_w, row_h = 170, 22
    height = max(len(rows), 1) * row_h + 4
    out = []
    for i, (label, value, shown) in enumerate(rows):
        y = i * row_h + 2
        bar = (width - label_w - 60) * value / top
        out.append(f'<text x="0" y="{y + 14}">{_t(label[:28])}</text>'
                   f'<rect x="{label_w}" y="{y + 3}" width="{max(bar, 1):.1f}" height="14" '
                   f'fill="{PALETTE[i % len(PALETTE)]}"><title>{_t(label)}: {_t(shown)}'
                   f'</title></rect><text x="{label_w + bar + 4:.1f}" y="{y + 14}">'
                   f'{_t(shown)}</text>')
    return (f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{_t(title)}" '
            f'data-chart="{_t(title)}">{"".join(out)}</svg>')
