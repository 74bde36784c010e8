"""The political subjects, as subjects.toml writes them: one reviewable file, read once.

A subject's aliases are its names (valid on any day) and its titles (valid between two days,
an office's holder's time); an alias's context rules are its office's (`[office.NAME.LANG]`).
The file's version is the hash of its bytes: each subject_mentions row records it, so that a
changed file shows which rows an older one made (`scrapy coverage` measures them again).
"""

import hashlib
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from crawler.site.editions import EDITIONS

PATH = Path(__file__).with_name("subjects.toml")
KINDS = ("person", "party", "institution")
LANGUAGES = tuple(dict.fromkeys(edition.lang for edition in EDITIONS.values()))  # a subject's names in each


class SubjectsError(ValueError):
    """subjects.toml says something that cannot be: one line, naming where."""


@dataclass(frozen=True)
class Subject:
    subject_id: str
    kind: str  # one of KINDS
    name_en: str
    name_ru: str
    name_kk: str


@dataclass(frozen=True)
class Alias:
    subject_id: str
    lang: str
    text: str  # as written in the file: the nominative, in the case that must match
    by_title: bool
    valid_from: date | None = None  # titles: the first day (in Kazakhstan) the office was the subject's
    valid_to: date | None = None
    context: str | None = None  # the [office.*] whose context rules apply

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Context:
    """Where an alias of an office is someone else's (subjects.toml, [office.NAME.LANG])."""

    before: tuple[str, ...] = ()  # words just before it: "Assistant to the"
    after: tuple[str, ...] = ()  # words just after it ...
    reach: int = 1  # ... or this many words on ("Президентінің кезектен тыс сайлауы")
    part_of: tuple[str, ...] = ()  # offices given away with this one: the chair's country is the commission's
    foreign_after: tuple[str, ...] = ()  # "of": "of <a capitalised word not at home>"; "*": any such word
    foreign_before: bool = False  # a capitalised word just before it, not at home
    home: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Election:
    election_id: str
    name: str
    called: date  # the campaign: from the day it was called ...
    voted: date  # ... to its voting day
    incumbent: str
    subjects: tuple[str, ...]


@dataclass(frozen=True)
class Subjects:
    subjects: tuple[Subject, ...]
    aliases: tuple[Alias, ...]
    elections: tuple[Election, ...]
    contexts: dict[tuple[str, str], Context]  # (office, lang) -> its rules
    version: str  # the first 12 hex digits of the file's SHA-256

    def by_id(self) -> dict[str, Subject]:
        return {subject.subject_id: subject for subject in self.subjects}


def load(path: Path = PATH) -> Subjects:
    """The subjects of `path`; raises SubjectsError, in one line, for a file that cannot be."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SubjectsError(f"{path}: cannot be read ({error.strerror or error})") from None
    try:
        parsed = tomllib.loads(data.decode())
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise SubjectsError(f"{path}: not TOML ({error})") from None
    contexts = {
        (office, lang): Context(
            before=tuple(rules.get("before", ())),
            after=tuple(rules.get("after", ())),
            reach=int(rules.get("reach", 1)),
            part_of=tuple(rules.get("part_of", ())),
            foreign_after=tuple(rules.get("foreign_after", ())),
            foreign_before=bool(rules.get("foreign_before", False)),
            home=frozenset(rules.get("home", ())),
        )
        for office, languages in parsed.get("office", {}).items()
        for lang, rules in languages.items()
    }
    subjects, aliases = [], []
    for entry in parsed.get("subject", []):
        subject, its_aliases = read_subject(entry, path, {office for office, _ in contexts})
        subjects.append(subject)
        aliases.extend(its_aliases)
    ids = [subject.subject_id for subject in subjects]
    if len(set(ids)) != len(ids):
        raise SubjectsError(f"{path}: a subject id is given twice ({sorted({i for i in ids if ids.count(i) > 1})})")
    elections = tuple(read_election(entry, path, set(ids)) for entry in parsed.get("election", []))
    return Subjects(tuple(subjects), tuple(aliases), elections, contexts, hashlib.sha256(data).hexdigest()[:12])


def read_subject(entry: dict, path: Path, offices: set[str]) -> tuple[Subject, list[Alias]]:
    where = f"{path}: subject {entry.get('id', '?')!r}"
    try:
        subject = Subject(entry["id"], entry["kind"], *(entry["name"][lang] for lang in LANGUAGES))
    except (KeyError, TypeError) as error:
        raise SubjectsError(f"{where}: needs id, kind and a name in en, ru and kk (missing {error})") from None
    if subject.kind not in KINDS:
        raise SubjectsError(f"{where}: kind must be one of {', '.join(KINDS)}, got {subject.kind!r}")
    context = entry.get("context")
    aliases = [
        Alias(subject.subject_id, lang, text, by_title=False, context=context)
        for lang, texts in entry.get("names", {}).items()
        for text in texts
    ]
    for title in entry.get("titles", []):
        office = title.get("office")
        if office is not None and office not in offices:
            raise SubjectsError(f"{where}: no [office.{office}] for its title")
        try:
            valid_from = date.fromisoformat(title["from"]) if "from" in title else None
            valid_to = date.fromisoformat(title["to"]) if "to" in title else None
        except ValueError as error:
            raise SubjectsError(f"{where}: a title's from and to are days, YYYY-MM-DD ({error})") from None
        aliases += [
            Alias(
                subject.subject_id, lang, text, by_title=True, valid_from=valid_from, valid_to=valid_to, context=office
            )
            for lang in LANGUAGES
            for text in title.get(lang, [])
        ]
    unknown = {alias.lang for alias in aliases} - set(LANGUAGES)
    if unknown:
        raise SubjectsError(f"{where}: aliases in a language the archive does not hold ({', '.join(sorted(unknown))})")
    return subject, aliases


def read_election(entry: dict, path: Path, ids: set[str]) -> Election:
    where = f"{path}: election {entry.get('id', '?')!r}"
    try:
        election = Election(
            entry["id"],
            entry["name"],
            date.fromisoformat(entry["called"]),
            date.fromisoformat(entry["voted"]),
            entry["incumbent"],
            tuple(entry["subjects"]),
        )
    except (KeyError, ValueError, TypeError) as error:
        raise SubjectsError(
            f"{where}: needs id, name, called, voted (days), incumbent and subjects ({error})"
        ) from None
    unknown = (set(election.subjects) | {election.incumbent}) - ids
    if unknown:
        raise SubjectsError(f"{where}: names no such subject ({', '.join(sorted(unknown))})")
    if election.incumbent not in election.subjects:
        raise SubjectsError(f"{where}: its incumbent is none of its subjects")
    return election


@cache
def current(path: Path = PATH) -> Subjects:
    """The subjects file at `path` (the repository's, by default), read once a process."""
    return load(path)


def from_settings(settings) -> Subjects:
    """ELECTIONS_SUBJECTS' file, or the repository's. Raises SubjectsError."""
    given = settings.get("ELECTIONS_SUBJECTS")
    return current(Path(given) if given else PATH)
