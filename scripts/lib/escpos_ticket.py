"""The same ticket as kiosk's, built by python-escpos, timed: the comparison in scripts/bench.

Text mode lets python-escpos pick its own code page for the Vietnamese; raster mode draws
the same lines with Pillow and the same DejaVu fonts, then sends them with p.image().
Prints tab-separated: mode, microseconds per ticket, bytes per ticket.
"""
import logging
import sys
import time
import warnings

from escpos.printer import Dummy
from PIL import Image, ImageDraw, ImageFont

CENTRE = "Trung tâm Phục vụ hành chính công xã Tân Phú"
LINES = [  # text, native (width, height, bold), raster (pixels, bold)
    (CENTRE, (1, 1, True), (26, True)),
    ("PHIẾU SỐ THỨ TỰ", (2, 1, False), (34, True)),
    ("A015", (4, 4, True), (150, True)),
    ("Chứng thực", (1, 2, True), (40, True)),
    ("Số người đang chờ trước bạn: 4", (1, 1, False), (28, False)),
    ("27/11/2026 08:15", (1, 1, False), (28, False)),
    ("Vui lòng giữ phiếu và chờ gọi số.", (1, 1, False), (24, False)),
    ("Xin cảm ơn!", (1, 1, False), (24, False)),
]
QR = "https://dichvucong.example.vn/phieu/2026-11-27/A015"
REGULAR = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
WIDTH = 576
FONTS = {}


def font(pixels, bold):
    key = (pixels, bold)
    if key not in FONTS:
        FONTS[key] = ImageFont.truetype(BOLD if bold else REGULAR, pixels)
    return FONTS[key]


def printer():
    p = Dummy()
    p.profile.profile_data["media"]["width"]["pixels"] = WIDTH
    return p


def text_ticket():
    p = printer()
    p.set(align="center")
    for text, (w, h, bold), _ in LINES:
        p.set(align="center", bold=bold, custom_size=True, width=w, height=h)
        p.text(text + "\n")
    p.qr(QR, size=6, native=True)  # GS ( k, as kiosk sends it
    p.cut()
    return p.output


def raster_ticket():
    p = printer()
    heights = [font(px, b).getbbox(t)[3] + 14 for t, _, (px, b) in LINES]
    image = Image.new("1", (WIDTH, sum(heights)), 1)
    draw = ImageDraw.Draw(image)
    y = 0
    for (text, _, (px, bold)), height in zip(LINES, heights):
        f = font(px, bold)
        width = draw.textlength(text, font=f)
        draw.text(((WIDTH - width) / 2, y), text, font=f, fill=0)
        y += height
    p.image(image)
    p.qr(QR, size=6, native=True)  # GS ( k, as kiosk sends it
    p.cut()
    return p.output


def main():
    # python-escpos warns on every ticket that its generic profile has no paper width.
    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)
    iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    for mode, build in (("text", text_ticket), ("raster", raster_ticket)):
        out = build()  # warm up
        start = time.perf_counter()
        for _ in range(iterations):
            out = build()
        micros = (time.perf_counter() - start) / iterations * 1e6
        print(f"{mode}\t{micros:.1f}\t{len(out)}")


if __name__ == "__main__":
    main()
