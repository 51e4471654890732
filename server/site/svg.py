"""Server-drawn SVG pictures: stacked bars, an indented tree, horizontal bars and a node graph.

Each picture is inline SVG whose marks are links (``<a href>`` with a ``<title>``), so it works
without JavaScript and by keyboard; colours come from the stylesheet's classes (no ``style``
attributes, which the Content-Security-Policy would refuse).
"""

from __future__ import annotations

from markupsafe import Markup, escape

from server.site.field import Column, Graph, Link, TreeRow

CHAR = 6.6  # mean width of a 12 px character, to size labels
COLOURS = 13  # classes .s0 … .s12 in style.css


def _svg(width: float, height: float, label: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} '
        f'{height:.0f}" width="{width:.0f}" height="{height:.0f}" role="group" '
        f'aria-labelledby="{escape(label)}">' + "".join(body) + "</svg>"
    )


def _link(link: Link, inner: str, title: str | None = None) -> str:
    words = title or (f"{link.label}: {link.count}" if link.count else link.label)
    return f'<a href="{escape(link.href)}"><title>{escape(words)}</title>{inner}</a>'


def short(text: str, room: float) -> str:
    """``text`` cut to fit ``room`` pixels, with an ellipsis when cut."""
    most = max(int(room / CHAR), 4)
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def colour(index: int) -> str:
    """The class of the ``index``-th series colour (the palette repeats)."""
    return f"s{index % COLOURS}"


def stacked_bars(columns: list[Column], label: str, width: float = 640,
                 height: float = 260) -> Markup:
    """One bar per column, stacked by segment; segments and column labels are links."""
    left, bottom, top = 36, 28, 10
    plot_w, plot_h = width - left - 8, height - bottom - top
    most = max((sum(s.count for s in c.segments) for c in columns), default=1) or 1
    step = plot_w / max(len(columns), 1)
    body = []
    for tick in sorted({0, most // 2, most}):
        y = top + plot_h - plot_h * tick / most
        body.append(f'<g class="axis"><line x1="{left}" x2="{width - 8}" y1="{y:.1f}" '
                    f'y2="{y:.1f}"/><text x="{left - 6}" y="{y + 4:.1f}" '
                    f'text-anchor="end">{tick}</text></g>')
    for i, column in enumerate(columns):
        x, base = left + i * step + step * 0.15, top + plot_h
        for segment in column.segments:
            h = plot_h * segment.count / most
            base -= h
            rect = (f'<rect class="{colour(segment.colour)}" x="{x:.1f}" y="{base:.1f}" '
                    f'width="{step * 0.7:.1f}" height="{h:.1f}"/>')
            body.append(_link(segment, rect, f"{column.year.label}, {segment.label}: "
                                             f"{segment.count} methods"))
        text = (f'<text x="{x + step * 0.35:.1f}" y="{height - 10}" text-anchor="middle">'
                f"{escape(column.year.label)}</text>")
        body.append(_link(column.year, text, f"Methods first listed in {column.year.label}"))
    return _svg(width, height, label, body)


def legend(links: list[Link]) -> Markup:
    """The colour key of a picture, each entry a link."""
    items = [f'<li><a href="{escape(link.href)}"><svg viewBox="0 0 10 10" aria-hidden="true">'
             f'<rect class="{colour(link.colour)}" width="10" height="10"/></svg>'
             f'{escape(link.label)}</a> <small>{link.count}</small></li>' for link in links]
    return Markup('<ul class="legend">' + "".join(items) + "</ul>")


def tree(rows: list[TreeRow], label: str, width: float = 560, row_h: float = 22) -> Markup:
    """An indented tree: each row a concept with its count as a bar, linked."""
    indent, bar_x = 16, width * 0.62
    most = max((r.link.count for r in rows), default=1) or 1
    body = []
    for i, row in enumerate(rows):
        x, y = 8 + row.depth * indent, 14 + i * row_h
        if row.parent is not None:
            px, py = 8 + rows[row.parent].depth * indent, 14 + row.parent * row_h
            body.append(f'<path class="edge" d="M{px:.0f} {py + 4:.0f}V{y:.0f}H{x - 4:.0f}"/>')
        bar_w = (width - bar_x - 30) * row.link.count / most
        inner = (f'<circle class="node" cx="{x}" cy="{y}" r="3.5"/>'
                 f'<text x="{x + 8}" y="{y + 4}">{escape(short(row.link.label, bar_x - x - 16))}'
                 f'</text><rect class="bar" x="{bar_x:.0f}" y="{y - 6}" width="{bar_w:.1f}" '
                 f'height="12"/><text class="muted" x="{bar_x + bar_w + 4:.0f}" y="{y + 4}">'
                 f"{row.link.count}</text>")
        body.append(_link(row.link, inner, f"{row.link.label}: {row.link.count} methods"))
    return _svg(width, 8 + len(rows) * row_h, label, body)


def hbars(links: list[Link], label: str, width: float = 560, row_h: float = 24) -> Markup:
    """Horizontal bars, one linked row per value, longest first."""
    label_w = width * 0.5
    most = max((link.count for link in links), default=1) or 1
    body = []
    for i, link in enumerate(links):
        y = 4 + i * row_h
        bar_w = (width - label_w - 36) * link.count / most
        inner = (f'<text x="{label_w - 8:.0f}" y="{y + 15}" text-anchor="end">'
                 f"{escape(short(link.label, label_w - 12))}</text>"
                 f'<rect class="bar s2" x="{label_w:.0f}" y="{y + 3}" width="{bar_w:.1f}" '
                 f'height="{row_h - 8}"/><text class="muted" x="{label_w + bar_w + 4:.0f}" '
                 f'y="{y + 15}">{link.count}</text>')
        body.append(_link(link, inner, f"{link.label}: {link.count} methods"))
    return _svg(width, 8 + len(links) * row_h, label, body)


def graph(g: Graph, label: str, col_w: float = 200, row_h: float = 30) -> Markup:
    """Nodes on a grid, edges as curves; ``builds_on`` edges end in an arrow at the newer
    method, ``related`` ones are dashed, ``shares`` ones light. Every node links to its page."""
    columns = max((c for c, _ in g.places), default=0) + 1
    rows = max((r for _, r in g.places), default=0) + 1
    width, height = columns * col_w, rows * row_h + 8

    def at(i: int) -> tuple[float, float]:
        column, row = g.places[i]
        return 10 + column * col_w, 16 + row * row_h

    marker = f"{label}-arrow"
    body = [f'<defs><marker id="{escape(marker)}" viewBox="0 0 8 8" refX="8" refY="4" '
            f'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
            f'<path class="arrow" d="M0 0L8 4L0 8z"/></marker></defs>']
    shown = [short(node.label, col_w - 24) for node in g.nodes]
    for a, b, kind in g.edges:
        first, second = b, a  # drawn from the older (b) to the newer (a)
        if at(first)[0] > at(second)[0]:
            first, second = second, first
        (x1, y1), (x2, y2) = at(first), at(second)
        if x2 - x1 > 40 and kind != "shares":  # leave the label of the left node clear
            x1 = min(x1 + 12 + len(shown[first]) * CHAR, x2 - 30)
        mid = (x1 + x2) / 2
        end = f' marker-end="url(#{escape(marker)})"' if kind == "builds_on" else ""
        shape = (f"M{x1:.0f} {y1:.0f}C{mid:.0f} {y1:.0f} {mid:.0f} {y2:.0f} {x2 - 5:.0f} {y2:.0f}"
                 if x1 != x2 else f"M{x1:.0f} {y1:.0f}Q{x1 - 40:.0f} {(y1 + y2) / 2:.0f} "
                 f"{x2:.0f} {y2:.0f}")
        body.append(f'<path class="edge {kind}" d="{shape}"{end}/>')
    for i, node in enumerate(g.nodes):
        x, y = at(i)
        kind = {1: "centre", 2: "shared"}.get(node.colour, "")
        inner = (f'<circle class="node {kind}" cx="{x:.0f}" cy="{y:.0f}" r="5"/>'
                 f'<text x="{x + 9:.0f}" y="{y + 4:.0f}">{escape(shown[i])}'
                 "</text>")
        body.append(_link(node, inner, f"{node.label} ({node.note})" if node.note else node.label))
    return _svg(width, height, label, body)
