"""One text normalisation for every source (DOMAIN.md §8).

tabula applies NFKC to table text, and some PDF producers emit CJK radicals (⻔ ⻋) in place of the
ideographs. Every reader passes its text through :func:`normalise` before anything is matched, so a
title, a label or a sentence reads the same whatever produced it.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# CJK Radicals Supplement code points that NFKC leaves alone, mapped to the ideograph they stand for
# (Unicode's EquivalentUnifiedIdeograph.txt); ⻕ MOUND ONE is left alone: its equivalent is a rare
# extension-B ideograph no table or sentence would be matched against.
_RADICALS = {
    "\u2e8b": "卩", "\u2e8c": "小", "\u2e8d": "小", "\u2e97": "心", "\u2e98": "扌", "\u2e9d": "月",
    "\u2ea0": "民", "\u2ea4": "爫", "\u2ea6": "丬", "\u2eaa": "疋", "\u2eab": "罒", "\u2eae": "竹",
    "\u2eb3": "罒", "\u2eb6": "羊", "\u2eb7": "羊", "\u2ebb": "聿", "\u2ebe": "艹", "\u2ec4": "西",
    "\u2ec5": "见", "\u2ec6": "角", "\u2ec8": "讠", "\u2ec9": "贝", "\u2ecb": "车", "\u2ecc": "辶",
    "\u2ecf": "阝", "\u2ed0": "钅", "\u2ed3": "长", "\u2ed4": "门", "\u2ed6": "阝", "\u2ed7": "雨",
    "\u2edb": "风", "\u2edd": "食", "\u2ede": "食", "\u2edf": "饣", "\u2ee0": "饣", "\u2ee2": "马",
    "\u2ee3": "骨", "\u2ee4": "鬼", "\u2ee5": "鱼", "\u2ee6": "鸟", "\u2ee7": "卤", "\u2ee8": "麦",
    "\u2ee9": "黄", "\u2eea": "黾", "\u2eeb": "斉", "\u2eec": "齐", "\u2eed": "歯", "\u2eee": "齿",
    "\u2eef": "竜", "\u2ef0": "龙", "\u2ef1": "龜", "\u2ef2": "亀", "\u2ef3": "龟",
    "\u2ec0": "艹", "\u2ec1": "虎", "\u2ec2": "衤", "\u2ec3": "覀", "\u2eca": "足", "\u2ece": "辶",
    "\u2ed1": "長", "\u2ed2": "镸", "\u2ed9": "韦", "\u2eda": "页",
    "\u2edc": "飞", "\u2e81": "厂", "\u2ea9": "王", "\u2eac": "示",
}
_RADICAL_TABLE = str.maketrans(_RADICALS)
_SPACES = re.compile(r"[ \u3000\u00a0]+")
_WHITE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """NFKC, radicals to ideographs, runs of spaces to one space."""
    return _normalise_short(text) if len(text) <= _REMEMBERED_LENGTH else _normalise(text)


def compact(text: str) -> str:
    """Normalised and without any white space: for matching labels whose cells wrapped."""
    return _compact_short(text) if len(text) <= _REMEMBERED_LENGTH else _WHITE.sub("", _normalise(text))


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_RADICAL_TABLE)
    return _SPACES.sub(" ", text)


# Both are called tens of thousands of times a document on a thousand or so distinct texts (the same
# labels, cells and headings matched again by every reader and rule): short texts are remembered
# (a batch worker keeps at most this many, whatever its documents hold), long ones recomputed.
_REMEMBERED_LENGTH = 256
_normalise_short = functools.lru_cache(maxsize=16384)(_normalise)


@functools.lru_cache(maxsize=16384)
def _compact_short(text: str) -> str:
    return _WHITE.sub("", _normalise(text))


#: The encodings disclosures and review files come in, tried in order (gb18030 decodes nearly anything).
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")


def decode_text(data: bytes) -> str | None:
    """The bytes as text in the first encoding of :data:`TEXT_ENCODINGS` that reads them; None if none does."""
    for encoding in TEXT_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None
