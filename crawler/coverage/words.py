"""A text as the matcher reads it: normalised, then split into words at their offsets.

Normalisation keeps every offset, so that a reference found is highlighted where it stands in
the stored text: that text is NFC already (crawler/site/text.py), and the one change made
here is a letter for a letter — a Latin letter inside a Cyrillic word (a Kazakh "і" typed as
the Latin "i", a Latin "a" or "o" that looks alike) becomes its Cyrillic twin. A word wholly
Latin ("партия Respublica") stays as it is.
"""

import re
from dataclasses import dataclass

_CYRILLIC = re.compile("[\u0400-\u04ff]")
_LATIN = re.compile("[A-Za-z]")
_LOOKALIKES = str.maketrans("aceiopxyAEIOPCKMHTBX", "асеіорхуАЕІОРСКМНТВХ")
# A word: letters and digits, joined by hyphens ("Касым-Жомарт"); an apostrophe ends one
# ("Tokayev's": "Tokayev", "s"). Guillemets are words of their own: «Ауыл» is not the village.
_WORD = re.compile(r"\w+(?:-\w+)*|[«»]")
QUOTES = re.compile(r"[«»“”„\"]")
JOINING = " \t\n\u00a0'’"  # what may stand between two words of a name: spaces, and "s" after an apostrophe


@dataclass(frozen=True)
class Word:
    text: str  # normalised, as the text writes it (case kept)
    start: int  # offsets in the text
    end: int
    joined: bool  # only spaces (or an apostrophe: "People's") between it and the word before


def normalise_word(word: str) -> str:
    """A Latin look-alike inside a Cyrillic word as its Cyrillic letter; else the word."""
    if _LATIN.search(word) and _CYRILLIC.search(word):
        return word.translate(_LOOKALIKES)
    return word


def words(text: str) -> list[Word]:
    found: list[Word] = []
    previous_end = 0
    for match in _WORD.finditer(text):
        gap = text[previous_end : match.start()]
        found.append(Word(normalise_word(match.group()), match.start(), match.end(), not gap.strip(JOINING)))
        previous_end = match.end()
    return found


def word_count(text: str) -> int:
    """Words as articles.word_count counts them: runs between spaces."""
    return len(text.split())
