"""The dashboard's charts as small server-side SVGs: no script, no internet, the words in the
reader's language, the same picture on the page and in the PDF. Each chart has a data table
beside it (``tables.py``); the SVG is labelled for screen readers by its title."""

from collections.abc import Sequence
from math import ceil

from markupsafe import Markup, escape

from ..organisations.taxonomy import regions
from .grid import KAZAKHSTAN, UKRAINE

WIDTH = 400
SERIES_CLASSES = ("series-a", "series-b", "series-c")
SERIES_FILLS = ("#0b4f8a", "#00a3b4", "#c56a00")
TEXT_SIZES = {"chart-label": 12, "chart-note": 11, "chart-legend": 11, "chart-tick": 11,
              "chart-value": 11, "tile-name": 9, "tile-count": 12}
CITIES = ("ua_kyiv_city", "ua_sevastopol", "kz_astana", "kz_almaty_city", "kz_shymkent")
CITY_WORDS = ("місто ", " City", " қаласы", "city of ")
SHADES = ("#f1f3f5", "#d6e6f5", "#9ec5e8", "#4f94cf", "#0b4f8a")  # 0, then four steps


def _svg(title: str, width: float, height: float, body: list[str], chart_id: str) -> Markup:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" aria-labelledby="{chart_id}-title" '
            f'preserveAspectRatio="xMinYMin meet">'
            f'<title id="{chart_id}-title">{escape(title)}</title>')
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704 - every text is escaped


def _text(x, y, text, cls="", anchor="start") -> str:
    first = cls.split(" ")[0] if cls else ""
    size = 8 if "chart-value--small" in cls else TEXT_SIZES.get(first, 11)
    colour = "#ffffff" if "tile--dark" in cls else "#4a5866" if first in (
        "chart-note", "chart-legend", "chart-tick") else "#16202b"
    weight = ' font-weight="700"' if first == "tile-count" else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" class="{cls}" text-anchor="{anchor}" '
            f'font-size="{size}" fill="{colour}"{weight}>{escape(text)}</text>')


def _legend(names: Sequence[str], y: float) -> list[str]:
    parts, x = [], 0.0
    for index, name in enumerate(names):
        parts.append(f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" '
                     f'class="{SERIES_CLASSES[index]}" fill="{SERIES_FILLS[index]}"/>')
        parts.append(_text(x + 14, y, name, "chart-legend"))
        x += 24 + 6.2 * len(name)
    return parts


def bars(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[int]]],
         chart_id: str, notes: Sequence[str] = ()) -> Markup:
    """Horizontal bars: for each label, one bar per series, its value at the bar's end;
    ``notes`` (one per label, may be empty) are written after the label."""
    top = 22 if len(series) > 1 else 4
    bar, gap = 11, 3
    row = 16 + len(series) * (bar + gap) + 6
    most = max((v for _name, values in series for v in values), default=0) or 1
    body = _legend([name for name, _values in series], 12) if len(series) > 1 else []
    for index, label in enumerate(labels):
        y = top + index * row
        note = notes[index] if index < len(notes) else ""
        body.append(_text(0, y + 12, label, "chart-label"))
        if note:
            body.append(_text(WIDTH, y + 12, note, "chart-note", "end"))
        for s, (name, values) in enumerate(series):
            value = values[index]
            width = 330 * value / most
            by = y + 16 + s * (bar + gap)
            body.append(f'<rect x="0" y="{by:.1f}" width="{max(width, 0.5):.1f}" '
                        f'height="{bar}" class="{SERIES_CLASSES[s]}" fill="{SERIES_FILLS[s]}">'
                        f'<title>{escape(name)}: '
                        f'{value}</title></rect>')
            body.append(_text(width + 4, by + bar - 1, str(value), "chart-value"))
    return _svg(title, WIDTH, top + len(labels) * row, body, chart_id)


def columns(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[int]]],
            chart_id: str) -> Markup:
    """Vertical grouped bars, one group per label (months), a legend above."""
    top, height, bottom = 26, 150, 34
    slot = WIDTH / max(len(labels), 1)
    bar = min(9.0, (slot - 6) / max(len(series), 1))
    most = max((v for _name, values in series for v in values), default=0) or 1
    body = _legend([name for name, _values in series], 12)
    base = top + height
    body.append(f'<line x1="0" y1="{base}" x2="{WIDTH}" y2="{base}" class="chart-axis" '
                f'stroke="#4a5866"/>')
    for index, label in enumerate(labels):
        x0 = index * slot + (slot - bar * len(series)) / 2
        for s, (name, values) in enumerate(series):
            value = values[index]
            h = (height - 14) * value / most
            x = x0 + s * bar
            body.append(f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{bar - 1:.1f}" '
                        f'height="{max(h, 0):.1f}" class="{SERIES_CLASSES[s]}" '
                        f'fill="{SERIES_FILLS[s]}"><title>'
                        f'{escape(label)}, {escape(name)}: {value}</title></rect>')
            if value:
                body.append(_text(x + (bar - 1) / 2, base - h - 2, str(value),
                                  "chart-value chart-value--small", "middle"))
        first, _, second = label.partition(" ")
        body.append(_text(index * slot + slot / 2, base + 13, first, "chart-tick", "middle"))
        if second:
            body.append(_text(index * slot + slot / 2, base + 25, second, "chart-tick",
                              "middle"))
    return _svg(title, WIDTH, base + bottom, body, chart_id)


def shade(count: int, most: int) -> str:
    """The fill of a region with ``count`` organisations when the largest has ``most``."""
    if count <= 0 or most <= 0:
        return SHADES[0]
    return SHADES[min(4, max(1, ceil(4 * count / most)))]


def _short(name: str) -> str:
    """A region's three-letter tag on its square ("місто Київ" -> "Киї")."""
    for word in CITY_WORDS:
        name = name.replace(word, "")
    return name.strip()[:3]


def cartogram(title: str, counts: dict[str, int], pairs: Sequence[tuple[str, str, int]],
              names: dict[str, str], country_names: tuple[str, str], chart_id: str) -> Markup:
    """A tile-grid cartogram: one square per region at its approximate place (Ukraine on the
    left, Kazakhstan on the right), shaded by its count, with a line between the regions of
    each partnership (thicker for more)."""
    tile, step, top = 38, 42, 24
    kz_left = 9 * step
    known = regions()
    places = {code: (col * step, top + row * step) for code, (col, row) in UKRAINE.items()}
    places |= {code: (kz_left + col * step, top + row * step)
               for code, (col, row) in KAZAKHSTAN.items()}
    width = kz_left + 7 * step
    height = top + 5 * step + 4
    most = max(counts.values(), default=0)
    body = [_text(0, 14, country_names[0], "chart-label"),
            _text(kz_left, 14, country_names[1], "chart-label")]
    widest = max((n for _ua, _kz, n in pairs), default=1)
    for ua, kz, n in pairs:
        if ua not in places or kz not in places:
            continue
        (x1, y1), (x2, y2) = places[ua], places[kz]
        middle = (x1 + x2) / 2 + tile / 2
        lift = min(y1, y2) - 30 + tile / 2
        body.append(f'<path d="M{x1 + tile / 2},{y1 + tile / 2} Q{middle},{lift} '
                    f'{x2 + tile / 2},{y2 + tile / 2}" class="pair-line" fill="none" '
                    f'stroke="#c56a00" stroke-opacity="0.55" '
                    f'stroke-width="{1 + 3 * n / widest:.1f}"><title>'
                    f'{escape(names.get(ua, ua))} – {escape(names.get(kz, kz))}: {n}'
                    f'</title></path>')
    for code, (x, y) in places.items():
        if code not in known:
            continue
        count = counts.get(code, 0)
        dark = shade(count, most) in SHADES[3:]
        dashed = ' stroke-dasharray="3 2"' if code in CITIES else ""
        body.append(f'<g><title>{escape(names.get(code, code))}: {count}</title>'
                    f'<rect x="{x}" y="{y}" width="{tile}" height="{tile}" rx="3" '
                    f'fill="{shade(count, most)}" class="tile" stroke="#8a99a8" '
                    f'stroke-width="{1.2 if code in CITIES else 0.5}"{dashed}/>')
        body.append(_text(x + tile / 2, y + 15, _short(names.get(code, code)),
                          "tile-name" + (" tile--dark" if dark else ""), "middle"))
        body.append(_text(x + tile / 2, y + 31, str(count),
                          "tile-count" + (" tile--dark" if dark else ""), "middle"))
        body.append("</g>")
    return _svg(title, width, height, body, chart_id)
