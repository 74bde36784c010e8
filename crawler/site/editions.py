"""Kazinform's editions, as data: one entry each. What differs between editions is here;
what they share (the CMS, its designs and URL forms) is in the layouts and urls.py.

`ELECTIONS_EDITION` (or `-a edition=`) chooses the one a crawl reads; every edition's month
names and datelines are read on every page, since a page of one edition quotes another's.
"""

from dataclasses import dataclass, field

from crawler.site.urls import url_language


def month_numbers(*forms: tuple[str, ...]) -> dict[str, int]:
    """Names of the twelve months, lower case, in each form given -> 1 to 12."""
    return {name: number for names in forms for number, name in enumerate(names, start=1)}


ENGLISH_MONTHS = month_numbers(
    (
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ),
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
) | {"sept": 9}
RUSSIAN_MONTHS = month_numbers(
    (
        "январь",
        "февраль",
        "март",
        "апрель",
        "май",
        "июнь",
        "июль",
        "август",
        "сентябрь",
        "октябрь",
        "ноябрь",
        "декабрь",
    ),  # nominative: "30 Октябрь 2025" on ru article pages and cards
    (
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ),  # genitive: "15 августа 2025", "18 Августа 2026"
)


# Kazakh months, with the case endings a date or a sentence gives them: nominative
# ("27 Қазан 2025", the date line's), locative ("27 қазанда"), genitive and dative, by the
# vowel harmony and the last sound of each name.
_KAZAKH_NOMINATIVE = (
    "қаңтар",
    "ақпан",
    "наурыз",
    "сәуір",
    "мамыр",
    "маусым",
    "шілде",
    "тамыз",
    "қыркүйек",
    "қазан",
    "қараша",
    "желтоқсан",
)
_KAZAKH_ENDINGS = {  # month -> locative, genitive, dative endings
    "қаңтар": ("да", "дың", "ға"),
    "ақпан": ("да", "ның", "ға"),
    "наурыз": ("да", "дың", "ға"),
    "сәуір": ("де", "дің", "ге"),
    "мамыр": ("да", "дың", "ға"),
    "маусым": ("да", "ның", "ға"),
    "шілде": ("де", "нің", "ге"),
    "тамыз": ("да", "дың", "ға"),
    "қыркүйек": ("те", "тің", "ке"),
    "қазан": ("да", "ның", "ға"),
    "қараша": ("да", "ның", "ға"),
    "желтоқсан": ("да", "ның", "ға"),
}
KAZAKH_MONTHS = month_numbers(
    _KAZAKH_NOMINATIVE,
    *zip(*[[name + ending for ending in _KAZAKH_ENDINGS[name]] for name in _KAZAKH_NOMINATIVE], strict=True),
)


@dataclass(frozen=True)
class Edition:
    code: str  # ELECTIONS_EDITION's value, in time
    lang: str  # its articles' language (ISO 639-1): `lang` when neither page nor URL tells
    home_url: str  # its home page: ELECTIONS_SITE_URL's default
    section_names: tuple[str, ...]  # the section as its pages name it; the first is ELECTIONS_SECTION's default
    months: dict[str, int]  # month names in every form its dates use, lower case -> 1 to 12
    sources: tuple[str, ...]  # the agency as a dateline names it: "ASTANA. KAZINFORM – …"
    capitals: str  # the capital letters a dateline's place is written in, as a regex class's inside
    site_names: tuple[str, ...]  # what ends a title: "… | Qazinform News Agency"
    # Headings that open the chrome after an article's text, per design read by its text
    chrome_headings: dict[str, tuple[str, ...]] = field(default_factory=dict)
    all_news_path: str = "/lenta"
    feeds: tuple[str, ...] = ()  # RSS feeds, on its host
    language: str = ""  # its language's name in English, as the reading room names its search
    search_example: str = ""  # a word and forms of it that its search finds (explore/metadata.yml)


ENGLISH = Edition(
    code="en",
    lang="en",
    home_url="https://qazinform.com/",
    section_names=("Elections",),
    months=ENGLISH_MONTHS,
    sources=("KAZINFORM", "QAZINFORM"),
    capitals="A-Z",
    site_names=("Kazinform", "Qazinform"),
    chrome_headings={
        # legacy pages print the Russian "related" heading too
        "legacy": ("Новости по теме", "Related news", "Read also", "News Partner", "Popular"),
        "en_inform": ("Currently reading", "More news in our Telegram channel!"),
    },
    # qazinform.com and www.inform.kz candidates, unverified: a 404 is no problem
    feeds=("/rss/en.xml", "/rss/eng.xml"),
    language="English",
    search_example="observer finds observers",
)

# What the notes tell of the Russian and Kazakh editions (docs/site.md).
RUSSIAN = Edition(
    code="ru",
    lang="ru",
    home_url="https://www.inform.kz/ru/",
    section_names=("Выборы",),
    months=RUSSIAN_MONTHS,
    # 2024–2026 text has no dateline ("…, передает агентство Kazinform."); legacy pages open
    # with "НУР-СУЛТАН. КАЗИНФОРМ – …"
    sources=("KAZINFORM", "КАЗИНФОРМ"),
    capitals="А-ЯЁ",
    site_names=("Kazinform", "Казинформ"),
    all_news_path="/ru/lenta",  # www.inform.kz/ru/lenta (also /lenta/?page=N), 24 cards a page
    feeds=("/rss/ru.xml", "/rss/p_ru.xml"),  # all news, and politics: no elections feed is known
    language="Russian",
    search_example="выборы finds выборов and выборах, Курултай finds Курултая",
)
KAZAKH = Edition(
    code="kk",
    lang="kk",
    home_url="https://kaz.inform.kz/",
    section_names=("Сайлау",),
    months=KAZAKH_MONTHS,
    sources=("KAZINFORM",),  # "АСТАНА. KAZINFORM — …", "ҚЫЗЫЛОРДА. KAZINFORM — …"
    capitals="А-ЯЁӘҒҚҢӨҰҮҺІ",
    site_names=("Kazinform",),
    language="Kazakh",
    search_example="сайлау finds сайлауына and сайлаудың",
)

EDITIONS = {edition.code: edition for edition in (ENGLISH, RUSSIAN, KAZAKH)}
DEFAULT = ENGLISH

# What every edition's pages are read with: their month names, the agency's names and the
# letters of a dateline (a page of one edition quotes another's).
MONTHS = {name: number for edition in EDITIONS.values() for name, number in edition.months.items()}
CAPITALS = "".join(dict.fromkeys(edition.capitals for edition in EDITIONS.values()))
SOURCES = tuple(dict.fromkeys(source for edition in EDITIONS.values() for source in edition.sources))
SITE_NAMES = tuple(dict.fromkeys(name for edition in EDITIONS.values() for name in edition.site_names))


def edition_of_url(url: str) -> Edition:
    """The edition whose language a URL names (urls.url_language), else the default."""
    language = url_language(url)
    return next((edition for edition in EDITIONS.values() if edition.lang == language), DEFAULT)
