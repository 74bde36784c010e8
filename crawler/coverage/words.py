"""A text as the matcher reads it: normalised, then split into words at their offsets.

Normalisation keeps every offset, so that a reference found is highlighted where it stands in
the stored text: that text is NFC already (crawler/site/text.py), and each change made here
is a letter for a letter.

- A word that mixes scripts is written in its main one: a Latin or Greek look-alike inside a
  Cyrillic word (a Kazakh "і" typed as the Latin "i"; "голοсование" with a Greek omicron, as
  copied texts carry them) becomes its Cyrillic twin, and a Cyrillic look-alike inside a Latin
  word («Аmanat» with a Cyrillic А) its Latin one. A word wholly Latin ("партия Respublica")
  stays as it is.
- Quotation marks are words of their own, as guillemets: «Ауыл», "Ауыл" and “Ауыл” are the
  party alike, and none of them is the village.
- An abbreviation in brackets after a name ("Central Election Commission (CEC)") is marked
  `aside`: it restates what stands before it, and the words around it are read as joined.
"""

import re
from typing import NamedTuple

_CYRILLIC = re.compile("[\u0400-\u04ff]")
_FOREIGN = re.compile("[A-Za-z\u0370-\u03ff]")  # Latin or Greek
_TO_CYRILLIC = str.maketrans(
    "aceiopxyAEIOPCKMHTBXοαεκρτχπΟΑΕΚΡΤΜΗΧΒΠ",  # Latin, then Greek, look-alikes
    "асеіорхуАЕІОРСКМНТВХоаекртхпОАЕКРТМНХВП",
)
_TO_LATIN = str.maketrans("асеорхуАЕОРСКМНТВХ", "aceopxyAEOPCKMHTBX")
# A word: letters and digits, joined by hyphens ("Касым-Жомарт"); an apostrophe ends one
# ("Tokayev's": "Tokayev", "s"). Quotation marks are words of their own. Each with the gap before it.
_WORD = re.compile(r"([^\w«»\"“”„]*)(\w+(?:-\w+)*|[«»\"“”„])")
QUOTES = re.compile(r"[«»“”„\"]")
OPENING, CLOSING = "«", "»"
JOINING = " \t\n\u00a0'’"  # what may stand between two words of a name: spaces, and "s" after an apostrophe


class Word(NamedTuple):
    text: str  # normalised, as the text writes it (case kept)
    start: int  # offsets in the text
    end: int
    joined: bool  # only spaces (or an apostrophe: "People's") between it and the word before
    aside: bool = False  # an abbreviation in brackets, restating the words before it


def normalise_word(word: str) -> str:
    """A word that mixes scripts, in its main script; else the word."""
    if word.isascii() or not _FOREIGN.search(word):  # one script: the most of words, at once
        return word
    cyrillic = len(_CYRILLIC.findall(word))
    foreign = len(_FOREIGN.findall(word))
    if not (cyrillic and foreign):
        return word
    if cyrillic >= foreign:
        return word.translate(_TO_CYRILLIC)
    return word.translate(_TO_LATIN)


def quote_mark(text: str, start: int) -> str:
    """A quotation mark as a guillemet: opening where a word follows it and none stands just
    before it."""
    before = text[start - 1] if start else " "
    after = text[start + 1] if start + 1 < len(text) else " "
    return OPENING if not (before.isalnum() or before in ".,!?") and (after.isalnum() or after == "«") else CLOSING


def words(text: str) -> list[Word]:
    found: list[Word] = []
    aside_before = False
    mixed = bool(_CYRILLIC.search(text) and _FOREIGN.search(text))  # else no word can mix scripts
    end = 0
    for gap, token in _WORD.findall(text):  # the gaps and words tile the text: offsets add up
        start = end + len(gap)
        end = start + len(token)
        if len(token) == 1 and token in '"“”„':
            token = quote_mark(text, start)
        aside = "(" in gap and gap.rstrip(" ").endswith("(") and 2 <= len(token) <= 8 and token.isupper()
        if aside:
            aside = text[end : end + 3].lstrip(" ").startswith(")")
        joined = not gap.strip(JOINING) or (aside_before and not gap.strip(JOINING + ")"))
        found.append(Word(normalise_word(token) if mixed else token, start, end, joined or aside, aside))
        aside_before = aside
    return found


def word_count(text: str) -> int:
    """Words as articles.word_count counts them: runs between spaces."""
    return len(text.split())
