"""Render the seed text disclosure into a PDF that reads like a real one.

Usage (from the repository root)::

    python tools/make_sample_pdf.py                      # data/yangquan-bigdata-center-2024.pdf
    python tools/make_sample_pdf.py --out /tmp/x.pdf
    python tools/make_sample_pdf.py --variant yuan --out /tmp/yuan.pdf

A thin wrapper: the layout and the rendering live in :mod:`juesuan_dev.render_pdf` (also used by
:mod:`juesuan_dev.synth` for generated documents). Variants for tests (written to a temporary folder,
never committed): ``split_repeat_header``, ``split_no_header``, ``no_rules``, ``yuan`` — see
:func:`juesuan_dev.render_pdf.apply_variant`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from juesuan_dev.render_pdf import VARIANTS, render_text_to_pdf

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "yangquan-bigdata-center-2024.txt"
DEFAULT_OUT = ROOT / "data" / "yangquan-bigdata-center-2024.pdf"
TITLE = "阳泉市大数据管理服务中心2024年度单位决算公开（样例）"
AUTHOR = "juesuan tools/make_sample_pdf.py"


def make_sample_pdf(out: Path = DEFAULT_OUT, source: Path = SEED, variant: str | None = None) -> Path:
    """Render the seed (or a test variant of it) to ``out``; returns the path."""
    text = Path(source).read_text(encoding="utf-8")
    return render_text_to_pdf(text, Path(out), variant=variant, title=TITLE, author=AUTHOR)


def make_variant_pdf(out: Path, variant: str, source: Path = SEED) -> Path:
    """One of VARIANTS, for tests."""
    return make_sample_pdf(out, source, variant)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render the seed text disclosure as a PDF.")
    parser.add_argument("--source", type=Path, default=SEED)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--variant", choices=VARIANTS, default=None)
    args = parser.parse_args(argv)
    out = args.out or (DEFAULT_OUT if not args.variant else ROOT / f"{args.variant}.pdf")
    path = make_sample_pdf(out, args.source, args.variant)
    print(f"wrote {path} ({path.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
