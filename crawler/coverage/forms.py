"""The forms a word takes, per language, so that an alias written once in the nominative is
found in every case: "Токаеву", "Главой государства", "Тоқаевтың", "партиясынан".

A word is matched by its keys: a token of the text and a word of an alias match when their
keys meet.

- Russian: a word's keys are itself and its lemmas, as pymorphy3 (OpenCorpora's dictionary and
  its predictor) reads it. An inflected surname is read as one ("Токаевым": the surname
  "токаев"), which the nominative itself may not be ("Токаев": a plural of "токай"), so a word
  is also its own key. An alias's word is keyed by itself and the lemmas of its readings as a
  name; a text's word by itself and all its lemmas. A text's word is read only when it begins
  as some alias word's key does: the rest cost a lookup.
- Kazakh: an alias word's keys are its case forms, made by vowel harmony and the sound it
  ends in (Тоқаев: Тоқаевтың, Тоқаевқа, Тоқаевты, Тоқаевта, Тоқаевтан, Тоқаевпен); a word
  that ends in the possessive (басшысы, партиясы) takes the forms after it too (басшысының,
  партиясынан). A text's word is its own key.
- English: a word is its own key ("Tokayev's" is two tokens: the name, and "s").
"""

from functools import cache

# --- Russian ----------------------------------------------------------------------------

NAME_GRAMMEMES = frozenset({"Surn", "Name", "Patr", "Geox", "Orgn", "Trad", "Abbr"})
PREFIX = 4  # letters a text's word shares with a key (all of a shorter key's) before it is read


@cache
def morph():
    import pymorphy3  # a second of loading: only where Russian is read

    return pymorphy3.MorphAnalyzer()


class RussianKeys:
    """A text's words' keys, remembered (a year of articles repeats its words)."""

    def __init__(self, alias_keys: set[str]):
        self.prefixes = {key[:PREFIX] for key in alias_keys}
        self.lengths = sorted({len(prefix) for prefix in self.prefixes}, reverse=True)
        self.remembered: dict[str, frozenset[str]] = {}

    def of(self, word: str) -> frozenset[str]:
        found = self.remembered.get(word)
        if found is None:
            if any(word[:length] in self.prefixes for length in self.lengths):
                found = frozenset({word, *(parse.normal_form for parse in morph().parse(word))})
            else:
                found = frozenset({word})
            if len(self.remembered) > 200_000:
                self.remembered.clear()
            self.remembered[word] = found
        return found


def russian_alias_keys(word: str, proper: bool) -> frozenset[str]:
    """An alias word's keys: itself and its lemmas; of a word written with a capital
    (`proper`) that reads as a name, of those readings alone ("Ерман" is no form of "ерманый")."""
    parses = morph().parse(word)
    names = [p for p in parses if NAME_GRAMMEMES & p.tag.grammemes] if proper else []
    return frozenset({word, *(p.normal_form for p in names or parses)})


# --- Kazakh ------------------------------------------------------------------------------

BACK_VOWELS, FRONT_VOWELS = set("аоұыяё"), set("әөүіеэ")
VOWELS = set("аәеёиоөуұүыіэюя")
# What a word ends in: a vowel; л р й, or у и (consonants at a word's end); з ж; м н ң; a
# voiceless sound (к қ п с т ф х ц ч ш щ, and б в г д, voiceless at a word's end).
SOUNDS = ("vowel", "sonorant", "з ж", "nasal", "voiceless")
# Each case's ending after each of SOUNDS: (back, front).
CASES = {
    "genitive": (("ның", "нің"), ("дың", "дің"), ("дың", "дің"), ("ның", "нің"), ("тың", "тің")),
    "dative": (("ға", "ге"), ("ға", "ге"), ("ға", "ге"), ("ға", "ге"), ("қа", "ке")),
    "accusative": (("ны", "ні"), ("ды", "ді"), ("ды", "ді"), ("ды", "ді"), ("ты", "ті")),
    "locative": (("да", "де"), ("да", "де"), ("да", "де"), ("да", "де"), ("та", "те")),
    "ablative": (("дан", "ден"), ("дан", "ден"), ("дан", "ден"), ("нан", "нен"), ("тан", "тен")),
    "instrumental": (("мен", "мен"), ("мен", "мен"), ("бен", "бен"), ("бен", "бен"), ("пен", "пен")),
}
# After the possessive of the third person (басшы-сы, Президент-і): the n-forms.
AFTER_POSSESSIVE = (("ның", "нің"), ("на", "не"), ("н", "н"), ("нда", "нде"), ("нан", "нен"), ("мен", "мен"))


def front(word: str) -> bool:
    """Does the word take front endings? By its last vowel that tells (у and и do not, nor the
    е of a surname's Russian -ев, said after the stem's vowels: Тоқаевтың, Назарбаевқа)."""
    lower = word.lower()
    for letter in reversed(lower[:-2] if lower.endswith("ев") else lower):
        if letter in FRONT_VOWELS:
            return True
        if letter in BACK_VOWELS:
            return False
    return False


def sound_class(word: str) -> int:
    """The index in SOUNDS of what the word ends in."""
    last = word[-1].lower()
    if last in "лрйуи":
        return 1
    if last in VOWELS:
        return 0
    if last in "зж":
        return 2
    return 3 if last in "мнң" else 4


def kazakh_forms(word: str) -> frozenset[str]:
    """The word and its six case forms (lower case); an abbreviation with a hyphen before each
    ending ("ОСК-ның"), every ending, as it is read aloud; a word ending in the possessive, the
    forms after it too."""
    lower = word.lower()
    if len(word) > 1 and word.isupper():
        endings = {ending for forms in CASES.values() for pair in forms for ending in pair}
        return frozenset({lower, *(f"{lower}-{ending}" for ending in endings)})
    # A surname of a Russian form is said either way (Әбдіров: -тың or -тің): both are taken.
    sides = (0, 1) if lower.endswith(RUSSIAN_SURNAME_ENDS) else (int(front(word)),)
    sound = sound_class(word)
    forms = {lower, *(lower + CASES[case][sound][side] for case in CASES for side in sides)}
    if lower[-1] in "ыі":
        forms |= {lower + pair[side] for pair in AFTER_POSSESSIVE for side in sides}
    return frozenset(forms)


RUSSIAN_SURNAME_ENDS = ("ов", "ова", "ин", "ина")
