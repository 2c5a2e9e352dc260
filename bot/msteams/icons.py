"""Tally's two Teams app icons, drawn in code so they can be remade and checked: `python -m bot.msteams.icons`.

Teams wants a 192×192 full-colour icon and a 32×32 outline icon that is white on a transparent background. Both
show a tally mark (four strokes and a strike), drawn with a few lines of arithmetic and written as PNG with the
standard library alone, so the committed files are exactly what this module makes (a test compares them).
"""

from __future__ import annotations

import struct
import sys
import zlib
from collections.abc import Sequence
from pathlib import Path

APP_PACKAGE = Path(__file__).resolve().parent / "appPackage"
COLOR_SIZE = 192
OUTLINE_SIZE = 32
ACCENT = (0x1D, 0x35, 0x57)  # the Slack app's background colour, also the manifest's accentColor
WHITE = (0xFF, 0xFF, 0xFF)
SUPERSAMPLE = 4  # sub-pixels per side: smooth edges without an imaging library
HALF_DIAGONAL = 0.71

Segment = tuple[float, float, float, float]
Pixel = tuple[int, int, int, int]


def tally_mark(size: int, margin: float) -> tuple[list[Segment], float]:
    """The mark's strokes (x0, y0, x1, y1 in pixels) inside a square of `size` with `margin` on each side, and
    the stroke width."""
    inner = size - 2 * margin
    top, bottom = margin + inner * 0.1, margin + inner * 0.9
    strokes: list[Segment] = [
        (x, top, x, bottom) for x in (margin + inner * fraction for fraction in (0.2, 0.4, 0.6, 0.8))
    ]
    strokes.append((margin + inner * 0.05, margin + inner * 0.72, margin + inner * 0.95, margin + inner * 0.28))
    return strokes, inner * 0.09


def coverage(x: int, y: int, strokes: Sequence[Segment], width: float) -> float:
    """How much of pixel (x, y) the strokes cover, from 0 to 1, by sampling a grid inside it."""
    centre = [_distance(x + 0.5, y + 0.5, stroke) for stroke in strokes]
    # A pixel's corners lie within 0.71 of its centre: only pixels on an edge need sampling.
    if min(centre) <= width / 2 - HALF_DIAGONAL:
        return 1.0
    strokes = [stroke for stroke, away in zip(strokes, centre, strict=True) if away <= width / 2 + HALF_DIAGONAL]
    if not strokes:
        return 0.0
    hits = 0
    for sub_y in range(SUPERSAMPLE):
        for sub_x in range(SUPERSAMPLE):
            px, py = x + (sub_x + 0.5) / SUPERSAMPLE, y + (sub_y + 0.5) / SUPERSAMPLE
            if any(_distance(px, py, stroke) <= width / 2 for stroke in strokes):
                hits += 1
    return hits / SUPERSAMPLE**2


def _distance(px: float, py: float, segment: Segment) -> float:
    x0, y0, x1, y1 = segment
    dx, dy = x1 - x0, y1 - y0
    along = max(0.0, min(1.0, ((px - x0) * dx + (py - y0) * dy) / (dx * dx + dy * dy)))
    return float(((px - x0 - along * dx) ** 2 + (py - y0 - along * dy) ** 2) ** 0.5)


def color_icon() -> list[list[Pixel]]:
    """192×192, opaque: the white mark on the accent colour, within the centre 120×120 as Teams advises."""
    strokes, width = tally_mark(COLOR_SIZE, (COLOR_SIZE - 120) / 2)
    rows: list[list[Pixel]] = []
    for y in range(COLOR_SIZE):
        row: list[Pixel] = []
        for x in range(COLOR_SIZE):
            share = coverage(x, y, strokes, width)
            red, green, blue = (round(back + (front - back) * share) for back, front in zip(ACCENT, WHITE, strict=True))
            row.append((red, green, blue, 255))
        rows.append(row)
    return rows


def outline_icon() -> list[list[Pixel]]:
    """32×32: white strokes on transparent, the only colours Teams allows in the outline icon."""
    strokes, width = tally_mark(OUTLINE_SIZE, 2)
    return [
        [(*WHITE, round(255 * coverage(x, y, strokes, width))) for x in range(OUTLINE_SIZE)]
        for y in range(OUTLINE_SIZE)
    ]


def png(rows: Sequence[Sequence[Pixel]]) -> bytes:
    """Encode RGBA rows as a PNG (8 bits per channel, no interlace)."""
    height, width = len(rows), len(rows[0])
    raw = b"".join(b"\x00" + bytes(channel for pixel in row for channel in pixel) for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw, 9)) + _chunk(b"IEND")


def _chunk(kind: bytes, data: bytes = b"") -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def icons() -> dict[str, bytes]:
    """The app package's icon files by name."""
    return {"color.png": png(color_icon()), "outline.png": png(outline_icon())}


def main(argv: Sequence[str]) -> int:
    """Write the icons into the app package folder (or the folder given as the only argument)."""
    folder = Path(argv[0]) if argv else APP_PACKAGE
    for name, data in icons().items():
        (folder / name).write_bytes(data)
        print(f"wrote {folder / name} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
