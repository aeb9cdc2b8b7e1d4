"""Small self-contained SVG charts (no script, no CDN): a report must open offline."""

from __future__ import annotations

from html import escape
from typing import Sequence

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf")


def stacked_bars(title: str, days: Sequence[str], series: dict[str, Sequence[int]],
                 markers: dict[str, str] | None = None, width: int = 960, height: int = 320) -> str:
    """Daily stacked bars, one colour per series; `markers` draws labelled vertical lines at days."""
    left, right, top, bottom = 50, 170, 30, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(values[i] for values in series.values()) for i in range(len(days))]
    peak = max(totals + [1])
    bar_w = plot_w / max(len(days), 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="{escape(title)}" font-family="sans-serif" font-size="11">',
             f'<text x="{left}" y="18" font-size="13" font-weight="bold">{escape(title)}</text>',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#333"/>',
             f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#333"/>',
             f'<text x="{left - 6}" y="{top + 4}" text-anchor="end">{peak}</text>',
             f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end">0</text>']
    for index, day in enumerate(days):
        base = top + plot_h
        for number, (name, values) in enumerate(series.items()):
            value = values[index]
            if not value:
                continue
            bar_h = plot_h * value / peak
            base -= bar_h
            parts.append(f'<rect x="{left + index * bar_w:.1f}" y="{base:.1f}" width="{max(bar_w - 1, 1):.1f}" '
                         f'height="{bar_h:.1f}" fill="{PALETTE[number % len(PALETTE)]}">'
                         f'<title>{escape(day)} {escape(name)}: {value}</title></rect>')
    step = max(1, len(days) // 8)
    for index in range(0, len(days), step):
        parts.append(f'<text x="{left + index * bar_w:.1f}" y="{top + plot_h + 14}">{escape(days[index][5:])}</text>')
    for label, day in (markers or {}).items():
        if day in days:
            x = left + days.index(day) * bar_w
            parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}" stroke="#d62728" '
                         f'stroke-dasharray="4 3"/><text x="{x + 3:.1f}" y="{top + 10}" fill="#d62728">'
                         f'{escape(label)}</text>')
    for number, name in enumerate(series):
        y = top + 14 * number
        parts.append(f'<rect x="{left + plot_w + 10}" y="{y}" width="10" height="10" '
                     f'fill="{PALETTE[number % len(PALETTE)]}"/><text x="{left + plot_w + 25}" y="{y + 9}">'
                     f'{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)
