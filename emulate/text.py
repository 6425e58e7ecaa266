"""Vietnamese text: cleaning, folding for matching, tone placement, collation, given names.

Everything here is pure and memoised: the reader calls it for every cell and the outputs
sort 100k+ names with it.

- `clean` is what every cell and header goes through: NFC, invisible characters removed,
  controls and NBSP turned into spaces, runs of spaces collapsed, ends stripped.
- `fold` is for matching headers (case and, optionally, diacritics ignored).
- `match_key` is for matching names: tone placement normalised (Hoà == Hòa) but tones,
  letters and spellings kept (Thủy != Thụy, Vy != Vi).
- `collation_key` is the CLDR standard Vietnamese collation (law.md §7.2): letters primary
  (a < ă < â, d < đ, ...), tones secondary (ngang < huyền < hỏi < ngã < sắc < nặng), case
  tertiary. Tones are compared per syllable, so the key does not depend on tone placement.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Zero-width space / non-joiner / joiner, word joiner, BOM, soft hyphen.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
# C0 and C1 control characters are removed, except tab, LF and CR which (inside a cell) are
# spacing; they and NBSP-like spaces become plain spaces, then runs of spaces collapse.
_CONTROLS = dict.fromkeys([c for c in [*range(0x20), *range(0x7F, 0xA0)] if c not in (9, 10, 13)])
_SPACES = dict.fromkeys([9, 10, 13, 0xA0, 0x2007, 0x202F], " ")
_TABLE = {**_CONTROLS, **_SPACES, **_INVISIBLE}
_RUNS = re.compile(r"\s+")
_CLEAN_ASCII = re.compile(r"[\x21-\x7e]+(?: [\x21-\x7e]+)*")

GRAVE, HOOK, TILDE, ACUTE, DOT = "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"
TONES = (GRAVE, HOOK, TILDE, ACUTE, DOT)  # huyền, hỏi, ngã, sắc, nặng
_TONE_RANK = {mark: i + 1 for i, mark in enumerate(TONES)}  # ngang is 0
_SHAPES = frozenset("\u0306\u0302\u031b")  # breve, circumflex, horn: new letters
# CLDR standard Vietnamese order, with the letters Vietnamese does not use at their Latin
# places: a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z.
_ALPHABET = [
    "a", "a\u0306", "a\u0302", "b", "c", "d", "đ", "e", "e\u0302", "f", "g", "h", "i", "j",
    "k", "l", "m", "n", "o", "o\u0302", "o\u031b", "p", "q", "r", "s", "t", "u", "u\u031b",
    "v", "w", "x", "y", "z",
]  # fmt: skip
_LETTER_RANK = {letter: 200 + i for i, letter in enumerate(_ALPHABET)}
_NAME_PREFIXES = frozenset({"ông", "bà", "ông/bà", "ô.", "b."})

# Legacy encodings (catalogue D5/D6). Unicode-only Vietnamese letters prove Unicode text.
_UNICODE_ONLY = re.compile("[ĂăĐđĨĩŨũƠơƯư\u1ea0-\u1ef9]")
# Latin-1 characters that are not Vietnamese letters, plus the soft hyphen (TCVN3 "ư").
_LEGACY_CHARS = re.compile("[\u00a1-\u00bf\u00c4-\u00c7\u00cb\u00ce\u00cf\u00d0\u00d1\u00d6-\u00d8"
                           "\u00db\u00dc\u00de\u00df\u00e4-\u00e7\u00eb\u00ee\u00ef\u00f0\u00f1"
                           "\u00f6-\u00f8\u00fb\u00fc\u00fe\u00ff]")  # fmt: skip
# VNI-Windows writes the tone as a separate character after the vowel ("caùc" = các); in
# Unicode Vietnamese a vowel is never followed by ù/û/õ.
_VNI_PAIR = re.compile("[aeiouyAEIOUY][ùûõÙÛÕ]")


@lru_cache(maxsize=1 << 17)
def clean_changed(s: str) -> tuple[str, bool]:
    """`clean(s)` and whether it changed anything."""
    if _CLEAN_ASCII.fullmatch(s):  # the common case: printable ASCII, single spaces
        return s, False
    out = unicodedata.normalize("NFC", s.translate(_TABLE))
    out = _RUNS.sub(" ", out).strip()
    return out, out != s


def clean(s: str) -> str:
    """NFC; invisible characters removed; controls, tabs, newlines and NBSP as spaces;
    runs of spaces collapsed; ends stripped."""
    return clean_changed(s)[0]


@lru_cache(maxsize=1 << 16)
def strip_diacritics(s: str) -> str:
    """Remove every diacritic, đ → d (đ has no Unicode decomposition)."""
    decomposed = unicodedata.normalize("NFD", s)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base.replace("đ", "d").replace("Đ", "D")


@lru_cache(maxsize=1 << 16)
def fold(s: str, *, diacritics: bool = True) -> str:
    """Clean and casefold, for matching headers; `diacritics=False` also removes them."""
    out = clean(s).casefold()
    return out if diacritics else strip_diacritics(out)


def _syllable_parts(word: str) -> tuple[str, int]:
    """A word without its tone marks (NFC) and its tone rank (0 ngang .. 5 nặng)."""
    tone = 0
    kept = []
    for c in unicodedata.normalize("NFD", word):
        rank = _TONE_RANK.get(c)
        if rank is None:
            kept.append(c)
        elif tone == 0:
            tone = rank
    return unicodedata.normalize("NFC", "".join(kept)), tone


@lru_cache(maxsize=1 << 17)
def match_key(s: str) -> str:
    """A key equal for spellings of the same name: clean, casefold, tone placement
    normalised (the tone is moved to the end of its syllable). Hoà == Hòa, Thuỷ == Thủy;
    Thủy != Thụy, Vy != Vi."""
    words = []
    for word in clean(s).casefold().split(" "):
        base, tone = _syllable_parts(word)
        words.append(f"{base}{tone}" if tone else base)
    return " ".join(words)


def _letters(word: str) -> tuple[list[int], list[int], int]:
    """Primary ranks, case flags and the tone of one NFD word."""
    primary: list[int] = []
    case: list[int] = []
    tone = 0
    current = ""
    upper = 0

    def flush() -> None:
        if current:
            primary.append(_LETTER_RANK.get(current, _rank_other(current)))
            case.append(upper)

    for c in word:
        if c in _TONE_RANK:
            tone = tone or _TONE_RANK[c]
        elif c in _SHAPES and current:
            current += c
        elif unicodedata.combining(c):
            continue  # other marks are not Vietnamese: ignorable
        else:
            flush()
            lower = c.lower()
            current, upper = lower, int(c != lower)
    flush()
    return primary, case, tone


def _rank_other(ch: str) -> int:
    c = ch[0]
    if c.isdigit():
        return 100 + (unicodedata.digit(c, 0))
    if c.isalpha():
        return 1000 + ord(c)
    return 1 + (ord(c) % 90)  # punctuation before digits and letters


_COMBINING = re.compile("[\u0300-\u036f]")
_MAX_RANK = 0x10FFFF  # ranks are code points of the key's strings (see `collation_key`)


def _char_key(ch: str) -> tuple[int, int, int]:
    """(primary rank, tone, upper) of one precomposed character."""
    primary, case, tone = _letters(unicodedata.normalize("NFD", ch))
    return (min(primary[0], _MAX_RANK) if primary else 0, tone, case[0] if case else 0)


class _KeyTable(dict[int, str | None]):
    """A `str.translate` table filled as characters are met: one part of `_char_key`."""

    def __init__(self, part: int, space: str | None) -> None:
        super().__init__({ord(" "): space})
        self.part = part

    def __missing__(self, code: int) -> str | None:
        rank = _char_key(chr(code))[self.part]
        value = self[code] = chr(rank) if rank or self.part != 1 else None
        return value


_PRIMARY = _KeyTable(0, "\x00")  # a space sorts before everything: a prefix first
_TONES = _KeyTable(1, " ")  # toneless characters dropped, spaces kept (one tone a word)
_CASE = _KeyTable(2, None)


@lru_cache(maxsize=1 << 18)
def collation_key(s: str) -> tuple[str, str, str]:
    """CLDR standard Vietnamese collation key: (letters, tones per syllable, case).

    law.md §8 case 12: An < Anh < Ánh < Ân < Ấn < Bình; Đào after every D…

    Each part is a string whose characters are ranks (compared as tuples of integers
    would be, but in C): built with `str.translate`, one table per part.
    """
    text = clean(s)
    if _COMBINING.search(text):  # marks NFC could not compose: the general path
        return _collation_key_nfd(text)
    tones = "".join([word[:1] or "\x00" for word in text.translate(_TONES).split(" ")])
    return text.translate(_PRIMARY), tones, text.translate(_CASE)


def _collation_key_nfd(text: str) -> tuple[str, str, str]:
    primary: list[int] = []
    tones: list[int] = []
    case: list[int] = []
    for i, word in enumerate(unicodedata.normalize("NFD", text).split(" ")):
        if i:
            primary.append(0)
        p, c, tone = _letters(word)
        primary += p
        case += c
        tones.append(tone)
    return _ranks(primary), _ranks(tones), _ranks(case)


def _ranks(values: list[int]) -> str:
    return "".join([chr(min(v, _MAX_RANK)) for v in values])


def _name_words(full: str) -> list[str]:
    words = clean(full).split(" ")
    while len(words) > 1 and words[0].casefold() in _NAME_PREFIXES:
        words = words[1:]
    return words


def given_name(full: str) -> str:
    """The given name (tên): the last word, after any "Ông"/"Bà" prefix."""
    return _name_words(full)[-1]


@lru_cache(maxsize=1 << 18)
def name_sort_key(full: str) -> tuple[object, ...]:
    """Sort key of official lists: given name first, then the full name (without prefix)."""
    words = _name_words(full)
    return (collation_key(words[-1]), collation_key(" ".join(words)))


def might_be_legacy(s: str) -> bool:
    """A fast pre-filter: False means no part of `s` can look legacy."""
    return bool(_LEGACY_CHARS.search(s) or _VNI_PAIR.search(s))


def looks_legacy(s: str) -> bool:
    """Whether `s` looks like TCVN3 (ABC) or VNI-Windows text shown as Unicode.

    Text with a Unicode-only Vietnamese letter is Unicode; otherwise Latin-1 symbols that are
    not Vietnamese letters ("B¶o Th¾ng") or VNI tone pairs ("caùc") mark it as legacy.
    Test the raw cell: `clean` removes the soft hyphen TCVN3 uses for "ư".
    """
    if _UNICODE_ONLY.search(s):
        return False
    return bool(_LEGACY_CHARS.search(s) or _VNI_PAIR.search(s))
