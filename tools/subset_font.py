"""Rebuild lib/juesuan/fonts/NotoSansSC-Regular-subset.ttf from a full Noto Sans SC Regular TTF.

Usage: python tools/subset_font.py PATH/TO/NotoSansSC-Regular.ttf
(the full font ships in the PyPI wheel ``zhplot``: ``pip download zhplot --no-deps``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "yangquan-bigdata-center-2024.txt"
OUT = ROOT / "lib" / "juesuan" / "fonts" / "NotoSansSC-Regular-subset.ttf"


def wanted_characters() -> set[str]:
    chars = set(SEED.read_text(encoding="utf-8"))
    for hi in range(0xA1, 0xF8):  # every GB2312 character
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    chars |= {chr(c) for c in range(0x20, 0x7F)}
    chars |= {chr(c) for c in range(0x3000, 0x3040)}
    chars |= {chr(c) for c in range(0xFF01, 0xFF5F)}
    chars |= set("—–―‐‘’“”…·×÷±≤≥℃％‰№§〇")
    return chars - {"\n", "\t", "\r"}


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    font = TTFont(argv[1])
    cmap = font.getBestCmap()
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.drop_tables += ["vhea", "vmtx", "BASE", "STAT"]
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=[ord(c) for c in wanted_characters() if ord(c) in cmap])
    subsetter.subset(font)
    font.save(OUT)
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
