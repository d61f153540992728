"""``juesuan-synth``: write synthetic disclosures (text and PDF) with an answer key, for tests and benchmarks.

Also reached as ``juesuan synth``, which delegates here when the developer tooling is installed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def build_parser(prog: str = "juesuan-synth") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="生成合成的决算公开文件（测试与基准用）/ synthetic disclosures")
    parser.add_argument("--units", type=int, required=True, help="生成多少个单位")
    parser.add_argument("--out", required=True, help="输出目录")
    parser.add_argument("--faults", action="store_true", help="注入已知错误，并写出 answer_key.json")
    parser.add_argument("--seed", type=int, default=0, help="随机种子（同一种子生成相同文件）")
    parser.add_argument("--pdf-share", type=float, default=0.2, help="以 PDF 形式生成的比例（默认 0.2）")
    return parser


def main(argv: list[str] | None = None, prog: str = "juesuan-synth") -> int:
    from juesuan_dev.synth import generate

    args = build_parser(prog).parse_args(argv)
    units = generate(args.units, Path(args.out), faults=args.faults, seed=args.seed, pdf_share=args.pdf_share)
    print(f"已生成 {len(units)} 个单位到 {args.out}" + ("（含 answer_key.json）" if args.faults else ""))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
