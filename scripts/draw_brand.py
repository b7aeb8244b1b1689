"""Draw GridFlex's brand icon (an original drawing) into custom_components/gridflex/brand/.

Run with the project venv: `.venv/bin/python scripts/draw_brand.py`. Only the PNGs are used at
runtime; this script documents how they were made.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

BRAND = (
    Path(__file__).resolve().parent.parent / "custom_components" / "gridflex" / "brand"
)
CANVAS = 1024  # drawn large, then scaled down for smooth edges
TOP = (16, 150, 136)  # teal
BOTTOM = (20, 72, 140)  # deep blue
WHITE = (255, 255, 255, 255)
AMBER = (255, 196, 46, 255)


def gradient_tile() -> Image.Image:
    """A rounded square filled with a vertical teal-to-blue gradient."""
    tile = Image.new("RGBA", (CANVAS, CANVAS))
    draw = ImageDraw.Draw(tile)
    for y in range(CANVAS):
        t = y / (CANVAS - 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(TOP, BOTTOM, strict=True))
        draw.line([(0, y), (CANVAS, y)], fill=(*colour, 255))
    mask = Image.new("L", (CANVAS, CANVAS), 0)
    ImageDraw.Draw(mask).rounded_rectangle(
        [(40, 40), (CANVAS - 40, CANVAS - 40)], radius=200, fill=255
    )
    out = Image.new("RGBA", (CANVAS, CANVAS), (0, 0, 0, 0))
    out.paste(tile, (0, 0), mask)
    return out


def draw_symbol(image: Image.Image) -> None:
    """A lightning bolt between an up and a down arrow: power that flexes both ways."""
    draw = ImageDraw.Draw(image)
    bolt = [
        (560, 170),
        (330, 560),
        (490, 560),
        (440, 860),
        (700, 430),
        (535, 430),
        (610, 170),
    ]
    draw.polygon(bolt, fill=AMBER)
    # Up arrow on the left, down arrow on the right.
    draw.rounded_rectangle([(196, 420), (252, 760)], radius=24, fill=WHITE)
    draw.polygon([(224, 290), (130, 440), (318, 440)], fill=WHITE)
    draw.rounded_rectangle([(772, 264), (828, 604)], radius=24, fill=WHITE)
    draw.polygon([(800, 734), (706, 584), (894, 584)], fill=WHITE)


def main() -> None:
    image = gradient_tile()
    draw_symbol(image)
    BRAND.mkdir(parents=True, exist_ok=True)
    for name, size in (("icon.png", 256), ("icon@2x.png", 512)):
        image.resize((size, size), Image.Resampling.LANCZOS).save(
            BRAND / name, optimize=True
        )
        print(f"wrote {BRAND / name} ({size}x{size})")


if __name__ == "__main__":
    main()
