"""Server-side SVG charts: bar, stacked bar, line and donut (DESIGN §2).

No JavaScript and no CDN: each builder returns one ``<svg>`` element as safe markup that
prints, scales with its container (``viewBox``, width 100%) down to a 375-px phone, and is
read by screen readers — ``role="img"`` with a ``<title>`` and a ``<desc>`` that states the
data in words. Every label passes through ``escape`` before the string is marked safe, so a
category called ``<script>`` is drawn as text. Empty data says “暂无数据”; zero totals never
divide by zero.

Pages should still show the numbers in a table next to the chart: a chart is a picture of
a table, not a replacement for it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import count

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Design tokens (renda.css) first, then colours that stay apart for colour-blind readers and
# keep a 3:1 contrast with white. The brand red is always the first series.
PALETTE = (
    "#b3261e",  # --c-brand 人大红
    "#0b57d0",  # --c-focus blue
    "#1a7f37",  # --c-ok green
    "#9a6700",  # --c-warn amber
    "#6f42c1",  # purple
    "#0e7490",  # teal
    "#5f6670",  # --c-muted grey
    "#c2410c",  # orange
)
INK = "#1f2328"
MUTED = "#5f6670"
LINE = "#d9dde3"
FONT = ("'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', "
        "'Source Han Sans SC', 'WenQuanYi Micro Hei', system-ui, sans-serif")
EMPTY = "暂无数据"
WIDTH = 400  # viewBox width; the element itself is 100% wide (capped by CSS)

_ids = count(1)


def colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def _clean(value: object) -> float:
    """A drawable number: None, NaN, infinities and negatives become 0."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    if math.isnan(number) or math.isinf(number) or number < 0:
        return 0.0
    return number


def fmt(value: float, unit: str = "") -> str:
    """12 → "12", 83.333 → "83.3", with the unit glued on (“件”, “%”)."""
    text = f"{float(value):.1f}"
    return f"{text.removesuffix('.0')}{unit}"


def _pct(part: float, total: float) -> str:
    return f"{part / total * 100:.1f}%" if total else "0%"


def _num(x: float) -> str:
    """Coordinates with at most two decimals (smaller markup)."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _short(label: str, limit: int) -> str:
    """Cut a long label for the drawing; the full label is in <desc> and in a <title>."""
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _svg(title: str, desc: str, height: float, body: Sequence[str], *, kind: str) -> SafeString:
    uid = f"chart{next(_ids)}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" role="img" '
        f'viewBox="0 0 {WIDTH} {_num(height)}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{uid}-t {uid}-d" font-family="{FONT}" font-size="13" '
        f'fill="{INK}">',
        f'<title id="{uid}-t">{escape(title)}</title>',
        f'<desc id="{uid}-d">{escape(desc)}</desc>',
        *body,
        "</svg>",
    ]
    return mark_safe("".join(parts))  # every text above went through escape()


def _heading(title: str) -> str:
    return (f'<text x="0" y="18" font-size="15" font-weight="700" aria-hidden="true">'
            f"{escape(_short(title, 34))}</text>")


def _empty(title: str, *, kind: str) -> SafeString:
    return _svg(title, f"{title}：{EMPTY}。", 90, [
        _heading(title),
        f'<text x="{WIDTH / 2}" y="62" text-anchor="middle" fill="{MUTED}">{EMPTY}</text>',
    ], kind=kind)


def _legend(entries: Sequence[tuple[str, str]], y: float) -> tuple[list[str], float]:
    """Swatches and names, wrapped onto as many rows as needed; returns (markup, new y)."""
    out = ['<g class="legend">']
    x = 0.0
    for colour_, name in entries:
        text = _short(name, 16)
        width = 22 + 13 * sum(2 if ord(ch) > 0x2E80 else 1.1 for ch in text) / 2 + 14
        if x and x + width > WIDTH:
            x, y = 0.0, y + 20
        out.append(f'<rect x="{_num(x)}" y="{_num(y - 10)}" width="12" height="12" rx="2" '
                   f'fill="{colour_}"/>'
                   f'<text x="{_num(x + 17)}" y="{_num(y)}">{escape(text)}</text>')
        x += width
    out.append("</g>")
    return out, y + 20


def bar(items: Sequence[tuple[str, float]], *, title: str, unit: str = "") -> SafeString:
    """Horizontal bars, one per item, with the value written at the end of each bar.

    Horizontal so that long Chinese labels (领域, 承办单位) stay readable on a phone."""
    items = [(str(label), _clean(value)) for label, value in items]
    if not items:
        return _empty(title, kind="bar")
    total = sum(v for _, v in items)
    desc = f"{title}。" + "；".join(f"{label}：{fmt(v, unit)}" for label, v in items) + "。"
    label_w, value_w, row_h, top = 120.0, 56.0, 26.0, 34.0
    plot_w = WIDTH - label_w - value_w
    peak = max(v for _, v in items)
    body = [_heading(title)]
    legend, y = _legend([(colour(0), f"{title}（{unit}）" if unit else title)], top)
    body += legend
    y += 2
    first = y
    for label, value in items:
        length = plot_w * value / peak if peak else 0.0
        share = f"，占{_pct(value, total)}" if total and unit != "%" else ""
        body.append(
            f'<g class="bar"><title>{escape(label)}：{escape(fmt(value, unit))}{share}</title>'
            f'<text x="{_num(label_w - 8)}" y="{_num(y + 17)}" text-anchor="end">'
            f"{escape(_short(label, 9))}</text>"
            f'<rect x="{_num(label_w)}" y="{_num(y + 4)}" width="{_num(max(length, 0))}" '
            f'height="{_num(row_h - 8)}" rx="2" fill="{colour(0)}"/>'
            f'<text x="{_num(label_w + length + 4)}" y="{_num(y + 17)}" fill="{MUTED}">'
            f"{escape(fmt(value, unit))}</text></g>")
        y += row_h
    body.append(f'<line x1="{_num(label_w)}" x2="{_num(label_w)}" y1="{_num(first)}" '
                f'y2="{_num(y)}" stroke="{LINE}"/>')
    return _svg(title, desc, y + 6, body, kind="bar")


def stacked_bar(categories: Sequence[str], series: dict[str, Sequence[float]], *, title: str,
                unit: str = "") -> SafeString:
    """Horizontal stacked bars: one bar per category, one coloured segment per series
    (e.g. A/B/C/D replies of each unit). Series shorter than the categories count as 0."""
    categories = [str(c) for c in categories]
    names = [str(n) for n in series]
    values = [[_clean(s[i]) if i < len(s) else 0.0 for s in series.values()]
              for i in range(len(categories))]
    if not categories or not names:
        return _empty(title, kind="stacked")
    totals = [sum(row) for row in values]
    desc_rows = []
    for cat, row, total in zip(categories, values, totals, strict=True):
        parts = "，".join(f"{n} {fmt(v, unit)}" for n, v in zip(names, row, strict=True))
        desc_rows.append(f"{cat}：{parts}，合计 {fmt(total, unit)}")
    desc = f"{title}。" + "；".join(desc_rows) + "。"
    label_w, value_w, row_h = 120.0, 48.0, 26.0
    plot_w = WIDTH - label_w - value_w
    peak = max(totals)
    body = [_heading(title)]
    legend, y = _legend([(colour(i), n) for i, n in enumerate(names)], 34)
    body += legend
    y += 2
    first = y
    for cat, row, total in zip(categories, values, totals, strict=True):
        body.append(f'<g class="stack"><text x="{_num(label_w - 8)}" y="{_num(y + 17)}" '
                    f'text-anchor="end">{escape(_short(cat, 9))}<title>{escape(cat)}</title></text>')
        x = label_w
        for i, (name, value) in enumerate(zip(names, row, strict=True)):
            length = plot_w * value / peak if peak else 0.0
            if length > 0:
                body.append(
                    f'<rect x="{_num(x)}" y="{_num(y + 4)}" width="{_num(length)}" '
                    f'height="{_num(row_h - 8)}" fill="{colour(i)}"><title>{escape(cat)} · '
                    f"{escape(name)}：{escape(fmt(value, unit))}（{_pct(value, total)}）</title></rect>")
            x += length
        body.append(f'<text x="{_num(x + 4)}" y="{_num(y + 17)}" fill="{MUTED}">'
                    f"{escape(fmt(total, unit))}</text></g>")
        y += row_h
    body.append(f'<line x1="{_num(label_w)}" x2="{_num(label_w)}" y1="{_num(first)}" '
                f'y2="{_num(y)}" stroke="{LINE}"/>')
    return _svg(title, desc, y + 6, body, kind="stacked")


def line(points: Sequence[tuple[str, float]], *, title: str, unit: str = "",
         series: str = "") -> SafeString:
    """A line over ordered points (months), with dots, a zero baseline and a few labels."""
    points = [(str(label), _clean(value)) for label, value in points]
    if not points:
        return _empty(title, kind="line")
    desc = f"{title}。" + "；".join(f"{label}：{fmt(v, unit)}" for label, v in points) + "。"
    body = [_heading(title)]
    legend, top = _legend([(colour(0), series or title)], 34)
    body += legend
    left, right, plot_h = 40.0, 12.0, 150.0
    plot_w = WIDTH - left - right
    bottom = top + 10 + plot_h
    peak = max(v for _, v in points)
    ceiling = _nice(peak)
    n = len(points)
    step = plot_w / (n - 1) if n > 1 else 0.0

    def xy(i: int, v: float) -> tuple[float, float]:
        x = left + (step * i if n > 1 else plot_w / 2)
        return x, bottom - (plot_h * v / ceiling if ceiling else 0.0)

    for k in range(5):  # gridlines and their values
        v = ceiling * k / 4
        y = bottom - plot_h * k / 4
        body.append(f'<line x1="{_num(left)}" x2="{_num(WIDTH - right)}" y1="{_num(y)}" '
                    f'y2="{_num(y)}" stroke="{LINE}"/>'
                    f'<text x="{_num(left - 6)}" y="{_num(y + 4)}" text-anchor="end" '
                    f'font-size="11" fill="{MUTED}">{escape(fmt(v))}</text>')
    coords = [xy(i, v) for i, (_, v) in enumerate(points)]
    if n > 1:
        path = " ".join(f"{_num(x)},{_num(y)}" for x, y in coords)
        body.append(f'<polyline points="{path}" fill="none" stroke="{colour(0)}" '
                    f'stroke-width="2.5" stroke-linejoin="round"/>')
    # Axis labels (up to ~70 px wide each) where they fit: every k-th point, centred, and
    # the last one right-aligned if it keeps clear of the one before.
    gap = 90.0
    every = max(1, math.ceil(gap / step)) if n > 1 else 1
    shown = [i for i in range(n) if i % every == 0]
    if n > 1 and shown[-1] != n - 1:
        if (n - 1 - shown[-1]) * step < gap + 30:
            shown.pop()
        shown.append(n - 1)
    for (label, value), (x, y) in zip(points, coords, strict=True):
        body.append(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="3.5" fill="{colour(0)}">'
                    f"<title>{escape(label)}：{escape(fmt(value, unit))}</title></circle>")
    for i in shown:
        anchor = "end" if i == n - 1 and n > 1 else "middle"
        x = coords[i][0]
        body.append(f'<text x="{_num(x)}" y="{_num(bottom + 18)}" text-anchor="{anchor}" '
                    f'font-size="11" fill="{MUTED}">{escape(_short(points[i][0], 10))}</text>')
    return _svg(title, desc, bottom + 28, body, kind="line")


def _nice(peak: float) -> float:
    """A round ceiling for the y axis: 7 → 8, 93 → 100, 0 → 0."""
    if peak <= 0:
        return 0.0
    magnitude = 10 ** math.floor(math.log10(peak))
    for factor in (1, 2, 2.5, 4, 5, 8, 10):
        if peak <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude  # pragma: no cover — the loop always returns


def donut(items: Sequence[tuple[str, float]], *, title: str, unit: str = "") -> SafeString:
    """A ring of shares with the total in the middle and a legend with counts and percents."""
    items = [(str(label), _clean(value)) for label, value in items]
    if not items:
        return _empty(title, kind="donut")
    total = sum(v for _, v in items)
    desc = f"{title}。" + "；".join(
        f"{label}：{fmt(v, unit)}（{_pct(v, total)}）" for label, v in items
    ) + f"；合计 {fmt(total, unit)}。"
    cx, cy, r, width = 80.0, 120.0, 56.0, 24.0
    body = [_heading(title)]
    body.append(f'<circle cx="{_num(cx)}" cy="{_num(cy)}" r="{_num(r)}" fill="none" '
                f'stroke="#eef0f3" stroke-width="{_num(width)}"/>')
    if total:
        angle = -math.pi / 2
        for i, (label, value) in enumerate(items):
            if value <= 0:
                continue
            sweep = 2 * math.pi * value / total
            tip = f"<title>{escape(label)}：{escape(fmt(value, unit))}（{_pct(value, total)}）</title>"
            if sweep >= 2 * math.pi - 1e-9:  # one slice is everything: an arc cannot close
                body.append(f'<circle cx="{_num(cx)}" cy="{_num(cy)}" r="{_num(r)}" fill="none" '
                            f'stroke="{colour(i)}" stroke-width="{_num(width)}">{tip}</circle>')
            else:
                x1, y1 = cx + r * math.cos(angle), cy + r * math.sin(angle)
                angle += sweep
                x2, y2 = cx + r * math.cos(angle), cy + r * math.sin(angle)
                large = 1 if sweep > math.pi else 0
                body.append(f'<path d="M{_num(x1)} {_num(y1)} A{_num(r)} {_num(r)} 0 {large} 1 '
                            f'{_num(x2)} {_num(y2)}" fill="none" stroke="{colour(i)}" '
                            f'stroke-width="{_num(width)}">{tip}</path>')
        body.append(f'<text x="{_num(cx)}" y="{_num(cy + 2)}" text-anchor="middle" '
                    f'font-size="20" font-weight="700">{escape(fmt(total))}</text>'
                    f'<text x="{_num(cx)}" y="{_num(cy + 20)}" text-anchor="middle" '
                    f'font-size="11" fill="{MUTED}">合计</text>')
    else:
        body.append(f'<text x="{_num(cx)}" y="{_num(cy + 5)}" text-anchor="middle" '
                    f'fill="{MUTED}">{EMPTY}</text>')
    body.append('<g class="legend">')
    ly = 64.0
    for i, (label, value) in enumerate(items):
        body.append(f'<rect x="160" y="{_num(ly - 10)}" width="12" height="12" rx="2" '
                    f'fill="{colour(i)}"/><text x="178" y="{_num(ly)}">{escape(_short(label, 12))}'
                    f'<tspan fill="{MUTED}"> {escape(fmt(value, unit))}'
                    f"（{_pct(value, total)}）</tspan></text>")
        ly += 22
    body.append("</g>")
    return _svg(title, desc, max(cy + r + width / 2 + 10, ly), body, kind="donut")
