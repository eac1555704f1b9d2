"""Vietnamese text: folding for search, and a collation key for sorting names.

Folding drops tones and letter marks and lowers case, so "Nguyễn Văn Đức" becomes
"nguyen van duc". Note that đ/Đ has no Unicode decomposition and is mapped by hand.
For search a name is stored folded after one space (" nguyen van duc"): every word then
follows a space, and a query word is looked for as " word", which matches word starts only.

The sort key orders names the way a Vietnamese reader expects: by letters first, with
a < ă < â, d < đ, e < ê, o < ô < ơ, u < ư, then by tones (none, huyền, hỏi, ngã, sắc,
nặng). It is encoded with lowercase ASCII letters only, so the database orders it the
same under SQLite's binary collation and PostgreSQL's locale collations.
"""

import unicodedata

_LETTER_MARKS = {"\u0306": "breve", "\u0302": "circumflex", "\u031b": "horn"}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_ALPHABET = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n",
    "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
]  # fmt: skip
_DIGITS = "0123456789"
_SEPARATOR = "aa"


def fold(text: str) -> str:
    """Lower-case, tone-less, mark-less form used for search."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def search_key(name: str) -> str:
    """The stored search form of a name: folded, after a leading space (" nguyen van duc").

    A query word `w` then matches the start of any word of the name, the first included, as
    the substring " w": "duc" and "nguy" find "Nguyễn Văn Đức", "anh" does not find "Thanh".
    """
    folded = fold(name)
    return f" {folded}" if folded else ""


def search_words(query: str) -> list[str]:
    """The words of a search query as they must appear in a search key: " w" for each word."""
    return [f" {word}" for word in fold(query).split()]


def _code(n: int) -> str:
    """Two lowercase letters for symbol number n (0 is the separator)."""
    return chr(ord("a") + n // 26) + chr(ord("a") + n % 26)


_LETTER_CODES = {letter: _code(i + 1) for i, letter in enumerate(_ALPHABET)}
_DIGIT_CODES = {d: _code(len(_ALPHABET) + 1 + i) for i, d in enumerate(_DIGITS)}
_OTHER_CODE = _code(len(_ALPHABET) + len(_DIGITS) + 1)


def _split_letter(ch: str) -> tuple[str, int]:
    """One letter → (base letter with its letter mark, tone number)."""
    decomposed = unicodedata.normalize("NFD", ch.lower())
    tone = 0
    kept = []
    for part in decomposed:
        if part in _TONES:
            tone = _TONES[part]
        else:
            kept.append(part)
    return unicodedata.normalize("NFC", "".join(kept)), tone


def sort_key(*parts: str) -> str:
    """Collation key for the name parts in the order given (given, family, middle)."""
    primary: list[str] = []
    tones: list[str] = []
    for index, part in enumerate(parts):
        if index:
            primary.append(_SEPARATOR)
        for ch in unicodedata.normalize("NFC", part.strip()):
            if ch.isspace():
                primary.append(_SEPARATOR)
                continue
            base, tone = _split_letter(ch)
            code = _LETTER_CODES.get(base) or _DIGIT_CODES.get(base) or _OTHER_CODE
            primary.append(code)
            tones.append(_code(tone + 1))
    return "".join(primary) + _SEPARATOR + "".join(tones)


def split_full_name(full_name: str) -> tuple[str, str, str]:
    """'Nguyễn Thị Minh Khai' → ('Nguyễn', 'Thị Minh', 'Khai'). One word is a given name."""
    words = full_name.split()
    if not words:
        return "", "", ""
    if len(words) == 1:
        return "", "", words[0]
    return words[0], " ".join(words[1:-1]), words[-1]
