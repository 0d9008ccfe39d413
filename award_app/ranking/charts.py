"""Score distributions drawn on the server as SVG (no script, no CDN): per juror and per criterion; numbers with the
reader's marks, as in the tables."""

import math
from collections import Counter
from collections.abc import Sequence

from markupsafe import Markup, escape

from award_app.i18n import format_number

WIDTH, ROW, LABEL = 700, 28, 230  # a label of 30 characters fits left of the plot
PLOT = WIDTH - LABEL - 20


def _short(label: str, most: int = 30) -> str:
    return label if len(label) <= most else label[: most - 1] + "…"


def _x(value: float, maximum: float) -> float:
    return LABEL + (value / maximum if maximum else 0) * PLOT


def _axis(height: int, maximum: float, unit: str) -> list[str]:
    parts = []
    for step in range(0, 5):
        value = maximum * step / 4
        x = _x(value, maximum)
        parts.append(f'<line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{height - 18}" stroke="#d5ddd9"/>')
        parts.append(f'<text x="{x:.1f}" y="{height - 4}" font-size="11" text-anchor="middle" fill="#4d5c55">'
                     f"{format_number(value, 0)}{escape(unit)}</text>")
    return parts


def juror_strip(rows: Sequence[tuple[str, Sequence[int]]], maximum: int, title: str) -> Markup:
    """One line per juror: a dot per total they gave (one per value, its size growing with how often), and a bar
    at their mean."""
    height = ROW * len(rows) + 26
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
             f'aria-label="{escape(title)}" class="chart">', f"<title>{escape(title)}</title>"]
    parts += _axis(height, maximum, "")
    for index, (label, totals) in enumerate(rows):
        y = 14 + index * ROW
        parts.append(f'<text x="{LABEL - 8}" y="{y + 4}" font-size="12" text-anchor="end" fill="#1b2a24">'
                     f"{escape(_short(label))}</text>")
        for total, times in sorted(Counter(totals).items()):  # one dot per value, larger when given often
            parts.append(f'<circle cx="{_x(total, maximum):.1f}" cy="{y}" r="{min(9.0, 3 + math.sqrt(times)):.1f}" '
                         f'fill="#0b6e4f" fill-opacity="0.45"><title>{format_number(total)} × {times}</title></circle>')
        if totals:
            mean = sum(totals) / len(totals)
            x = _x(mean, maximum)
            parts.append(f'<line x1="{x:.1f}" y1="{y - 9}" x2="{x:.1f}" y2="{y + 9}" stroke="#a4161a" '
                         f'stroke-width="3"><title>{format_number(mean, 2, fixed=True)}</title></line>')
    parts.append("</svg>")
    return Markup("".join(parts))  # nosec B704 - built here, every label escaped


def criterion_bars(rows: Sequence[tuple[str, float]], title: str) -> Markup:
    """One bar per criterion: the mean points given, as a share of its maximum (0–100 %)."""
    height = ROW * len(rows) + 26
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
             f'aria-label="{escape(title)}" class="chart">', f"<title>{escape(title)}</title>"]
    parts += _axis(height, 100, "%")
    for index, (label, share) in enumerate(rows):
        y = 6 + index * ROW
        parts.append(f'<text x="{LABEL - 8}" y="{y + 12}" font-size="12" text-anchor="end" fill="#1b2a24">'
                     f"{escape(_short(label))}</text>")
        parts.append(f'<rect x="{LABEL}" y="{y}" width="{(_x(share, 100) - LABEL):.1f}" height="16" '
                     f'fill="#0b6e4f"><title>{format_number(share, 1, fixed=True)} %</title></rect>')
    parts.append("</svg>")
    return Markup("".join(parts))  # nosec B704 - built here, every label escaped
