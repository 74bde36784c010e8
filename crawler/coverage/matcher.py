"""Who a text refers to: every reference to a subject, by name or by title, with its offsets.

An alias of subjects.toml is a run of words; the text's words match it where their keys meet
(forms.py), one word after another with only spaces between. Of the matches that overlap,
the longest is taken. Then:

- a title counts only on days its office was the subject's (the article's day in Kazakhstan);
- a title in a context of its office's rules is someone else's ("Assistant to the President",
  "выборы главы государства"), or another country's ("President of Uzbekistan", "ЦИК
  России", "Өзбекстан Президенті"), or another person's: one followed by a name not its
  holder's ("CEC Chairman Kuandyk Turgankulov", "глава ЦИК Элла Памфилова");
- a title beside the subject's own name in one sentence ("President Tokayev", "the Head of
  State, Chairman of the Party Nursultan Nazarbayev", "Mukhtar Yerman, Secretary of the CEC")
  is one reference, by name;
- an abbreviation in brackets after a reference ("Central Election Commission (CEC)") restates it.

Read a whole article at once (`article_references`): an office that the article gives to
another country or person, and nowhere ties to this one ("ЦИК России" ... "в ЦИК объяснили"),
is that other one's wherever the article names it bare.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Protocol

from crawler.coverage.forms import RussianKeys, kazakh_forms, morph, russian_alias_keys
from crawler.coverage.subjects import Alias, Subjects
from crawler.coverage.words import CLOSING, OPENING, Word, words

# Raise with any change to what the matcher finds: each subject_mentions row records it.
MATCHER_VERSION = 2

NEAR = 8  # words at most between a title and its subject's name, to be one reference
# A text is read word by word only where a word may begin an alias (`candidates`): a word
# as an alias's first word is written, its Russian endings and Kazakh suffixes aside, with the
# scripts' look-alike letters made one.
LOOK_ALIKES = str.maketrans("аеорсухікмнтвАЕОРСУХІКМНТВοαεκρτχπΟΑΕΚΡΤΧΠ", "aeopcyxikmhtbAEOPCYXIKMHTBoaekptxпOAEKPTXП")
SENTENCE_ENDS = ".!?;"
SECOND_SCRIPT = re.compile("[A-Za-z\u0370-\u03ff]")  # in a text that is not all ASCII


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

    @property
    def alias(self) -> Alias:
        return self.pattern.alias


@dataclass(frozen=True)
class Rules:
    """An office's context rules in one language, each word as its keys."""

    before: tuple[tuple[frozenset[str], ...], ...]
    after: tuple[tuple[frozenset[str], ...], ...]
    reach: int  # an `after` phrase may stand this many words on
    part_of: tuple[str, ...]  # offices given away with this one (the chair's country is the commission's)
    foreign_after: tuple[str, ...]
    foreign_before: bool
    home: frozenset[str]  # keys of the words that keep an office at home


@dataclass
class Scan:
    """One text's matches: those kept, and which offices it ties home or gives away."""

    found: list[Word]
    kept: list[Found]
    home: set[Found] = field(default_factory=set)  # kept matches tied to this country or holder
    home_offices: set[str | None] = field(default_factory=set)  # None, a title of no office, is dropped
    foreign_offices: set[str | None] = field(default_factory=set)


def transparent(word: Word) -> bool:
    """Read through when looking at a word's neighbours: quotation marks, a bracketed abbreviation."""
    return word.aside or word.text in (OPENING, CLOSING)


@dataclass
class Language:
    """What the matcher reads one language with, made the first time it meets the language
    (an English crawl never loads the Russian dictionaries)."""

    index: dict[str, list[Pattern]]  # a first word's key -> the patterns it begins
    rules: dict[str, Rules]  # office -> its context rules
    candidates: tuple[re.Pattern, re.Pattern]  # where a text may hold an alias: of one script, of several
    keys: Callable[[str], frozenset[str] | tuple[str]]  # a text's word, lower case -> its keys as an alias's word
    context_keys: Callable[[str], frozenset[str] | tuple[str]]  # ... as a context word (read only near a match)


class WordKeys(Protocol):
    """A text's words' keys by index: a list, or NearKeys."""

    def __getitem__(self, n: int) -> frozenset[str] | tuple[str]: ...


class NearKeys:
    """The keys of a text's words as context words, read only for the words a rule looks at."""

    def __init__(self, found: list[Word], of: Callable[[str], frozenset[str] | tuple[str]]):
        self.found, self.of = found, of
        self.read: dict[int, frozenset[str] | tuple[str]] = {}

    def __getitem__(self, n: int) -> frozenset[str] | tuple[str]:
        if n not in self.read:
            self.read[n] = self.of(self.found[n].text.lower())
        return self.read[n]


class Matcher:
    def __init__(self, subjects: Subjects):
        self.subjects = subjects
        self.persons = {subject.subject_id for subject in subjects.subjects if subject.kind == "person"}
        self.languages: dict[str, Language | None] = {}

    def language(self, lang: str) -> Language | None:
        if lang not in self.languages:
            self.languages[lang] = self.read_language(lang)
        return self.languages[lang]

    def read_language(self, lang: str) -> Language | None:
        patterns = [self.pattern(alias) for alias in self.subjects.aliases if alias.lang == lang]
        if not patterns:
            return None
        index: dict[str, list[Pattern]] = {}
        for pattern in patterns:
            for key in pattern.keys[0]:
                index.setdefault(key, []).append(pattern)
        rules = {
            office: self.rules_of(context, lang)
            for (office, of), context in self.subjects.contexts.items()
            if of == lang
        }
        plain, mixed = (
            re.compile(r"(?<!\w)(?:" + "|".join(sorted({start for p in patterns for start in starts(p, table)})) + ")")
            for table in (None, LOOK_ALIKES)
        )
        candidates = (plain, mixed)
        if lang != "ru":
            return Language(index, rules, candidates, itself, itself)
        known = {key for pattern in patterns for keys in pattern.keys for key in keys}
        near = {key for r in rules.values() for phrase in (*r.before, *r.after) for keys in phrase for key in keys}
        near |= {key for r in rules.values() for key in r.home}
        return Language(index, rules, candidates, RussianKeys(known).of, RussianKeys(near).of)

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

    @staticmethod
    def context_keys(word: str, lang: str) -> frozenset[str]:
        """A context word's keys: its lemmas (Russian), its case forms (Kazakh), itself."""
        lower = word.lower()
        if lang == "ru":
            return russian_alias_keys(lower, proper=False) | {lower}
        if lang == "kk":
            return kazakh_forms(word)
        return frozenset({lower})

    def rules_of(self, context, lang: str) -> Rules:
        phrase = lambda text: tuple(self.context_keys(w.text, lang) for w in words(text))  # noqa: E731
        return Rules(
            before=tuple(phrase(p) for p in context.before),
            after=tuple(phrase(p) for p in context.after),
            reach=context.reach,
            part_of=context.part_of,
            foreign_after=context.foreign_after,
            foreign_before=context.foreign_before,
            home=frozenset(key for word in context.home for key in self.context_keys(word, lang)),
        )

    def references(self, text: str, lang: str, day: date) -> list[Reference]:
        """Every reference to a subject in `text`, read alone."""
        return self.article_references([text], lang, day)[0]

    def article_references(self, texts: list[str], lang: str, day: date) -> list[list[Reference]]:
        """Every reference to a subject in each of an article's texts (its headline, lead and
        paragraphs), the article being of `lang` and published on `day`."""
        scans = [self.scan(text, lang, day) for text in texts]
        named = {m.alias.subject_id for scan in scans for m in scan.kept if not m.alias.by_title}
        held = {office for office, holders in self.holders(day).items() if holders & named}
        given_away = set().union(*(scan.foreign_offices for scan in scans)) - set().union(
            *(scan.home_offices for scan in scans), held
        )
        return [
            [
                Reference(
                    m.alias.subject_id,
                    m.alias.by_title,
                    scan.found[m.first].start,
                    scan.found[m.end - 1].end,
                    m.alias.text,
                )
                for m in scan.kept
                if m in scan.home or m.alias.context not in given_away
            ]
            for scan in scans
        ]

    @cache  # noqa: B019 -- a matcher lives as long as its process, and the days are few
    def holders(self, day: date) -> dict[str, set[str]]:
        """Each office's holders on `day`: an article that names one ties the office home."""
        held: dict[str, set[str]] = {}
        for alias in self.subjects.aliases:
            if alias.by_title and alias.context and alias.valid_on(day):
                held.setdefault(alias.context, set()).add(alias.subject_id)
        return held

    def scan(self, text: str, lang: str, day: date) -> Scan:
        language = self.language(lang)
        if language is None or not text or not may_hold(language, text):
            return Scan([], [])
        found = words(text)
        keys = [language.keys(word.text.lower()) for word in found]
        matches = self.matches(language, found, keys, day)
        near = NearKeys(found, language.context_keys)
        chosen = [m for m in longest_first(matches) if not restates(m, matches, found)]
        scan = Scan(found, [])
        named = {m.first: m for m in chosen if not m.alias.by_title}
        for m in chosen:
            rules = language.rules.get(m.alias.context) if m.alias.context else None
            after = next_word(found, m.end)
            following = named.get(after) if after is not None else None
            if m.alias.by_title and following is not None:
                offices = (
                    scan.home_offices if following.alias.subject_id == m.alias.subject_id else scan.foreign_offices
                )
                offices.add(m.alias.context)
                continue  # "President Tokayev": one reference, by name; "President Nazarbayev" after 2019: another's
            if rules is None:
                scan.kept.append(m)
                continue
            if self.in_context(rules, m, found, near):
                continue
            whose = self.foreign(rules, m, found, near, lang)
            if whose:
                # another country's chair is that country's commission's; another person's, not
                scan.foreign_offices |= {m.alias.context, *(rules.part_of if whose == "country" else ())}
                continue
            scan.kept.append(m)
            if self.at_home(rules, m, found, near):
                scan.home.add(m)
                scan.home_offices.add(m.alias.context)
        for title in beside_own_name(scan.kept, found, text, self.persons):
            scan.kept.remove(title)
            scan.home_offices.add(title.alias.context)
        scan.home_offices.discard(None)
        scan.foreign_offices.discard(None)  # a title of no office has no context to give away
        return scan

    def matches(self, language: Language, found: list[Word], keys: list, day: date) -> list[Found]:
        """Every match of an alias valid on `day`, overlapping ones all."""
        matches = []
        for n, word_keys in enumerate(keys):
            for key in word_keys:
                for pattern in language.index.get(key, ()):
                    if pattern.alias.valid_on(day) and (match := self.match(pattern, found, keys, n)) is not None:
                        matches.append(match)
        return matches

    @staticmethod
    def match(pattern: Pattern, found: list[Word], keys: WordKeys, first: int) -> Found | None:
        if first + len(pattern.keys) > len(found):
            return None
        for n, wanted in enumerate(pattern.keys):
            word = found[first + n]
            if n and (not word.joined or word.aside):
                return None
            if wanted.isdisjoint(keys[first + n]):
                return None
            if pattern.capital[n] and not word.text[0].isupper():
                return None
            if pattern.upper[n] and not word.text.replace("-", "").isupper():
                return None
        return Found(first, first + len(pattern.keys), pattern)

    # --- An office's context rules ------------------------------------------------------

    def home_word(self, rules: Rules, word: Word, keys) -> bool:
        return word.text in rules.home or not rules.home.isdisjoint(keys)

    def stranger(self, rules: Rules, n: int, found: list[Word], keys: WordKeys) -> bool:
        return found[n].text[0].isupper() and not self.home_word(rules, found[n], keys[n])

    def in_context(self, rules: Rules, m: Found, found: list[Word], keys: WordKeys) -> bool:
        """ "Assistant to the President", "выборов главы государства", "Президентінің кезектен тыс
        сайлауы", "Chairman of the Kazakh CEC": the office, not its holder; another body."""
        before = previous_word(
            found, m.first, skip=lambda n: country(found[n]) and self.home_word(rules, found[n], keys[n])
        )
        return any(ends_at(phrase, before, found, keys) for phrase in rules.before) or any(
            starts_within(phrase, next_word(found, m.end), rules.reach, found, keys) for phrase in rules.after
        )

    def foreign(self, rules: Rules, m: Found, found: list[Word], keys: WordKeys, lang: str) -> str | None:
        """Another country's ("Президент России", "President of Uzbekistan", "Uzbek President"):
        "country"; another person's ("President Putin", "CEC Chairman Kuandyk Turgankulov"): "person"."""
        after = next_word(found, m.end)
        if after is not None:
            if "*" in rules.foreign_after and self.stranger(rules, after, found, keys):
                return "country" if place(found[after].text, lang) else "person"
            link = found[after].text
            if link in rules.foreign_after and link != "*":
                beyond = next_word(found, after + 1)
                if beyond is not None and self.stranger(rules, beyond, found, keys):
                    return "country"
        before = previous_word(found, m.first)
        if rules.foreign_before and before is not None and self.stranger(rules, before, found, keys):
            return "country"
        return None

    def at_home(self, rules: Rules, m: Found, found: list[Word], keys: WordKeys) -> bool:
        """Tied to this country: "ЦИК Казахстана", "Kazakh President", "President of Kazakhstan"."""
        own = range(m.first, m.end)
        around = [n for n in (previous_word(found, m.first), next_word(found, m.end)) if n is not None]
        if m.end < len(found) and found[m.end].text == "of" and (beyond := next_word(found, m.end + 1)) is not None:
            around.append(beyond)
        return any(country(found[n]) and self.home_word(rules, found[n], keys[n]) for n in [*own, *around])


def starts(pattern: Pattern, table: dict | None) -> set[str]:
    """Regular expressions of where a text may hold the pattern: its first word (past a
    quotation mark: «Ауыл») as its keys begin, in the case it must be written in; a Russian key
    less two letters for its endings, a Kazakh one as its shortest form, an English one whole."""
    n = next((n for n, keys in enumerate(pattern.keys) if not keys <= {"«", "»"}), 0)
    lang = pattern.alias.lang
    found = set()
    for key in pattern.keys[n]:
        if lang == "kk" and any(other != key and key.startswith(other) for other in pattern.keys[n]):
            continue  # a longer form of a key already there
        key = key.translate(table) if table else key
        stem = key[: max(3, len(key) - 2)] if lang == "ru" else key
        if pattern.upper[n]:
            expression = re.escape(stem.upper())
        elif pattern.capital[n]:
            expression = re.escape(stem[0].upper()) + (f"(?i:{re.escape(stem[1:])})" if len(stem) > 1 else "")
        else:
            expression = f"(?i:{re.escape(stem)})"
        found.add(expression + (r"(?![\w-])" if lang == "en" else ""))
    return found


def place(word: str, lang: str) -> bool:
    """Is a capitalised Russian word a place ("России", "РФ"), not a person's name?"""
    return lang == "ru" and any("Geox" in parse.tag for parse in morph().parse(word.lower()))


def may_hold(language: Language, text: str) -> bool:
    """May some alias begin in the text? Where it mixes scripts, its look-alike letters made one."""
    plain, mixed = language.candidates
    if text.isascii() or not SECOND_SCRIPT.search(text):
        return plain.search(text) is not None
    return mixed.search(text.translate(LOOK_ALIKES)) is not None


def itself(lower: str) -> tuple[str]:
    """An English or Kazakh word's key: itself (Kazakh aliases carry their forms)."""
    return (lower,)


def country(word: Word) -> bool:
    """A home word that names the country, not a word of a phrase ("the", "Our", "State")."""
    return word.text[0].isupper() and (len(word.text) > 4 or word.text.isupper())


def next_word(found: list[Word], n: int) -> int | None:
    """The index of the word at or after `n`, read through quotation marks and a bracketed
    abbreviation, if it is joined to what stands before it."""
    while n < len(found) and transparent(found[n]):
        n += 1
    return n if n < len(found) and found[n].joined else None


def previous_word(found: list[Word], first: int, skip=lambda n: False) -> int | None:
    """The index of the word before `first` joined to it, read through quotation marks, a
    bracketed abbreviation and words `skip` accepts ("Chairman of the [Kazakh] CEC")."""
    n = first
    while n > 0 and found[n].joined:
        n -= 1
        if not (transparent(found[n]) or skip(n)):
            return n
    return None


def ends_at(phrase, last: int | None, found: list[Word], keys: WordKeys) -> bool:
    """Does the phrase end with the word at `last`, its words joined?"""
    if last is None or last + 1 < len(phrase):
        return False
    start = last + 1 - len(phrase)
    return all(not phrase[n].isdisjoint(keys[start + n]) for n in range(len(phrase))) and all(
        found[n].joined for n in range(start + 1, last + 1)
    )


def starts_within(phrase, first: int | None, reach: int, found: list[Word], keys: WordKeys) -> bool:
    """Does the phrase start at `first` or up to `reach` - 1 joined words on?"""
    if first is None:
        return False
    for start in range(first, first + reach):
        end = start + len(phrase)
        if end > len(found) or not all(found[n].joined for n in range(first, end)):
            return False
        if all(not phrase[n].isdisjoint(keys[start + n]) for n in range(len(phrase))):
            return True
    return False


def longest_first(matches: list[Found]) -> list[Found]:
    """Of overlapping matches, the longest (the first of equals); in the text's order."""
    taken: list[Found] = []
    used: set[int] = set()
    for match in sorted(matches, key=lambda m: (-(m.end - m.first), m.first, m.alias.by_title)):
        if not used & set(range(match.first, match.end)):
            taken.append(match)
            used |= set(range(match.first, match.end))
    return sorted(taken, key=lambda m: m.first)


def restates(match: Found, matches: list[Found], found: list[Word]) -> bool:
    """A bracketed abbreviation just after another reference: that one again."""
    return found[match.first].aside and any(m.end == match.first for m in matches)


def beside_own_name(kept: list[Found], found: list[Word], text: str, persons: set[str]) -> list[Found]:
    """Titles with their subject's name in the same sentence, at most NEAR words apart and no
    other person named between: "the Head of State, Chairman of the Nur Otan Party Nursultan
    Nazarbayev", "Mukhtar Yerman, Secretary of the CEC". Each is the one reference, by name."""
    merged = []
    for title in (m for m in kept if m.alias.by_title):
        for name in (m for m in kept if not m.alias.by_title and m.alias.subject_id == title.alias.subject_id):
            first, second = sorted((title, name), key=lambda m: m.first)
            between = text[found[first.end - 1].end : found[second.first].start]
            others = [m for m in kept if first.end <= m.first < second.first and m.alias.subject_id in persons]
            if second.first - first.end <= NEAR and not others and not any(mark in between for mark in SENTENCE_ENDS):
                merged.append(title)
                break
    return merged
