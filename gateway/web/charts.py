"""Bar charts drawn on the server as SVG: no script to load, they work offline and print. Each
chart's numbers are also shown as a table beside it (the templates do that)."""

from collections.abc import Sequence

from markupsafe import Markup, escape

BAR = 22  # height of one bar, px
LABEL = 150  # width kept for the labels on the left
WIDTH = 460
COLOURS = ("#2f6db5", "#d08a1e", "#b53a2f", "#5a8f3c")


def bar_chart(title: str, bars: Sequence[tuple[str, int]]) -> Markup:
    """Horizontal bars, one per (label, value), longest value spanning the width; the title is
    the chart's accessible name."""
    top = max((v for _, v in bars), default=0) or 1
    span = WIDTH - LABEL - 40
    height = BAR * len(bars) + 8
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(bars):
        y = 4 + i * BAR
        length = round(span * value / top)
        short = label if len(label) <= 22 else label[:21] + "…"
        parts.append(
            f'<text x="{LABEL - 6}" y="{y + 15}" text-anchor="end" font-size="12">'
            f"{escape(short)}</text>"
            f'<rect x="{LABEL}" y="{y + 3}" width="{length}" height="{BAR - 6}" '
            f'fill="{COLOURS[i % len(COLOURS)]}"/>'
            f'<text x="{LABEL + length + 4}" y="{y + 15}" font-size="12">{value}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
