"""Compare two PDFs of the same document page by page: the text (pdftotext -layout) and the rendered pages
(pdftoppm, grey, 50 dpi by default), to show a speed-up of the PDF rendering changes nothing visible.

    python bench/compare_pdf_pages.py before.pdf after.pdf [--dpi 50] [--keep DIR]

Prints the pages whose text differs and, per page, the share of pixels that differ by more than a small
tolerance; exits 1 when the page counts differ, a page's text differs or a page's pixels differ beyond
--max-share (default 0.001). --keep DIR keeps the PNGs (before-N.png / after-N.png) to look at.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageChops


def pages_text(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    return text.split("\f")


def render(pdf: Path, directory: Path, prefix: str, dpi: int) -> list[Path]:
    subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-png", str(pdf), str(directory / prefix)], check=True)
    return sorted(directory.glob(f"{prefix}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def differing_share(a: Path, b: Path, tolerance: int = 32) -> float:
    first, second = Image.open(a).convert("L"), Image.open(b).convert("L")
    if first.size != second.size:
        return 1.0
    difference = ImageChops.difference(first, second).point(lambda v: 255 if v > tolerance else 0)
    histogram = difference.histogram()
    return histogram[255] / (first.size[0] * first.size[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--dpi", type=int, default=50)
    parser.add_argument("--max-share", type=float, default=0.001)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    problems = 0
    old_text, new_text = pages_text(args.before), pages_text(args.after)
    for number, (old, new) in enumerate(zip(old_text, new_text), start=1):
        if old != new:
            problems += 1
            print(f"page {number}: text differs")
    with tempfile.TemporaryDirectory(prefix="gongkai-pdf-pages-") as work:
        directory = args.keep or Path(work)
        directory.mkdir(parents=True, exist_ok=True)
        before, after = render(args.before, directory, "before", args.dpi), render(args.after, directory, "after", args.dpi)
        if len(before) != len(after):
            print(f"page count: {len(before)} → {len(after)}")
            problems += 1
        worst = 0.0
        for number, (a, b) in enumerate(zip(before, after), start=1):
            share = differing_share(a, b)
            worst = max(worst, share)
            if share > args.max_share:
                problems += 1
                print(f"page {number}: {share:.2%} of the pixels differ")
    print(f"{len(before)} pages compared: text and pixels; worst page differs in {worst:.3%} of its pixels; {problems} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
