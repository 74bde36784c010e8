"""Who a text refers to: every reference to a subject, by name or by title, with its offsets.

An alias of subjects.toml is a run of words; the text's words match it where their keys meet
(forms.py), one word after another with only spaces between. Of the matches that overlap,
the longest is taken. Then:

- a title counts only on days its office was the subject's (the article's day in Kazakhstan);
- a title in a context of its office's rules is someone else's ("Assistant to the President",
  "President of Uzbekistan", "Өзбекстан Президенті", "выборы главы государства");
- a title joined to the subject's own name ("President Tokayev", "Глава государства Касым-Жомарт
  Токаев") is one reference, by name.
"""

from dataclasses import dataclass
from datetime import date

from crawler.coverage.forms import RussianKeys, kazakh_forms, russian_alias_keys
from crawler.coverage.subjects import Alias, Context, Subjects
from crawler.coverage.words import Word, words

# Raise with any change to what the matcher finds: each subject_mentions row records it.
MATCHER_VERSION = 1


@dataclass(frozen=True)
class Reference:
    subject_id: str
    by_title: bool
    start: int  # offsets in the text
    end: int
    alias: str


@dataclass(frozen=True)
class Pattern:
    alias: Alias
    keys: tuple[frozenset[str], ...]  # of each word
    capital: tuple[bool, ...]  # a word that must be written with a capital (all capitals, for an abbreviation)
    upper: tuple[bool, ...]


@dataclass(frozen=True)
class Found:
    first: int  # word indexes, end excluded
    end: int
    pattern: Pattern


def lowered(phrase: str) -> tuple[str, ...]:
    return tuple(word.text.lower() for word in words(phrase))


class Matcher:
    def __init__(self, subjects: Subjects):
        self.subjects = subjects
        self.index: dict[str, dict[str, list[Pattern]]] = {}  # language -> first word's key -> patterns
        russian_keys: set[str] = set()
        for alias in subjects.aliases:
            pattern = self.pattern(alias)
            for key in pattern.keys[0]:
                self.index.setdefault(alias.lang, {}).setdefault(key, []).append(pattern)
            if alias.lang == "ru":
                russian_keys |= {key for keys in pattern.keys for key in keys}
        self.russian = RussianKeys(russian_keys)
        self.contexts = {
            key: (tuple(lowered(p) for p in c.before), tuple(lowered(p) for p in c.after), c)
            for key, c in subjects.contexts.items()
        }

    @staticmethod
    def pattern(alias: Alias) -> Pattern:
        alias_words = [word.text for word in words(alias.text)]
        last = len(alias_words) - 1
        keys = []
        for n, word in enumerate(alias_words):
            if alias.lang == "ru":
                keys.append(russian_alias_keys(word.lower(), proper=word[0].isupper()))
            elif alias.lang == "kk" and n == last:  # a Kazakh phrase declines in its last word
                keys.append(kazakh_forms(word))
            else:
                keys.append(frozenset({word.lower()}))
        return Pattern(
            alias,
            tuple(keys),
            tuple(word[0].isupper() for word in alias_words),
            tuple(len(word) > 1 and word.isupper() for word in alias_words),
        )

    def token_keys(self, word: str, lang: str) -> frozenset[str]:
        lower = word.lower()
        return self.russian.of(lower) if lang == "ru" else frozenset({lower})

    def references(self, text: str, lang: str, day: date) -> list[Reference]:
        """Every reference to a subject in `text`, an article's of `lang` published on `day`."""
        index = self.index.get(lang)
        if not index or not text:
            return []
        found = words(text)
        keys = [self.token_keys(word.text, lang) for word in found]
        matches = [
            match
            for n in range(len(found))
            for key in keys[n]
            for pattern in index.get(key, ())
            if pattern.alias.valid_on(day)
            for match in [self.match(pattern, found, keys, n)]
            if match is not None
        ]
        chosen = longest_first(matches)
        chosen = [m for m in chosen if not self.excluded(m, found, lang)]
        return [
            Reference(
                m.pattern.alias.subject_id,
                m.pattern.alias.by_title,
                found[m.first].start,
                found[m.end - 1].end,
                m.pattern.alias.text,
            )
            for m in joined_to_own_name(chosen, found)
        ]

    @staticmethod
    def match(pattern: Pattern, found: list[Word], keys: list[frozenset[str]], first: int) -> Found | None:
        if first + len(pattern.keys) > len(found):
            return None
        for n, wanted in enumerate(pattern.keys):
            word = found[first + n]
            if n and not word.joined:
                return None
            if not wanted & keys[first + n]:
                return None
            if pattern.capital[n] and not word.text[0].isupper():
                return None
            if pattern.upper[n] and not word.text.replace("-", "").isupper():
                return None
        return Found(first, first + len(pattern.keys), pattern)

    def excluded(self, match: Found, found: list[Word], lang: str) -> bool:
        """Is the alias, in this place, someone else's (its office's context rules)?"""
        office = match.pattern.alias.context
        if office is None or (office, lang) not in self.contexts:
            return False
        before, after, context = self.contexts[(office, lang)]
        return (
            any(precedes(phrase, match.first, found) for phrase in before)
            or any(follows(phrase, match.end, found) for phrase in after)
            or foreign_after(context, match.end, found)
            or (context.foreign_before and foreign_before(context, match.first, found))
        )


def longest_first(matches: list[Found]) -> list[Found]:
    """Of overlapping matches, the longest (the first of equals); in the text's order."""
    taken: list[Found] = []
    used: set[int] = set()
    for match in sorted(matches, key=lambda m: (-(m.end - m.first), m.first, m.pattern.alias.by_title)):
        if not used & set(range(match.first, match.end)):
            taken.append(match)
            used |= set(range(match.first, match.end))
    return sorted(taken, key=lambda m: m.first)


def joined_to_own_name(matches: list[Found], found: list[Word]) -> list[Found]:
    """A title followed, with only spaces between, by its subject's name is one reference: the name."""
    kept = []
    for n, match in enumerate(matches):
        following = matches[n + 1] if n + 1 < len(matches) else None
        if (
            match.pattern.alias.by_title
            and following is not None
            and following.first == match.end
            and found[following.first].joined
            and not following.pattern.alias.by_title
            and following.pattern.alias.subject_id == match.pattern.alias.subject_id
        ):
            continue
        kept.append(match)
    return kept


def precedes(phrase: tuple[str, ...], first: int, found: list[Word]) -> bool:
    start = first - len(phrase)
    if not phrase or start < 0 or not found[first].joined:
        return False
    return all(found[start + n].text.lower() == word for n, word in enumerate(phrase)) and all(
        found[n].joined for n in range(start + 1, first)
    )


def follows(phrase: tuple[str, ...], end: int, found: list[Word]) -> bool:
    if not phrase or end + len(phrase) > len(found):
        return False
    return all(found[end + n].text.lower() == word and found[end + n].joined for n, word in enumerate(phrase))


def capitalised_stranger(word: Word, context: Context) -> bool:
    return word.text[0].isupper() and word.text not in context.home


def foreign_after(context: Context, end: int, found: list[Word]) -> bool:
    """ "President Putin", "Президент России": a capitalised word just after, not at home;
    "President of Uzbekistan": one after "of"."""
    if end >= len(found) or not found[end].joined:
        return False
    after = found[end]
    if "*" in context.foreign_after and capitalised_stranger(after, context):
        return True
    for link in context.foreign_after:
        if link != "*" and after.text == link and end + 1 < len(found) and found[end + 1].joined:
            return capitalised_stranger(found[end + 1], context)
    return False


def foreign_before(context: Context, first: int, found: list[Word]) -> bool:
    """ "Uzbek President", "Өзбекстан Президенті": a capitalised word just before, not at home."""
    return first > 0 and found[first].joined and capitalised_stranger(found[first - 1], context)
