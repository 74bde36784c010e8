"""The replica's editions: what the English, Russian and Kazakh editions of the site write
differently (docs/site.md), and the words the replica writes their articles with.

An edition is served under its own path prefix on the replica's one host ("", "/ru", "/kz"),
as the live site's editions are on their own hosts and paths. The ground truth it states
is the replica's own: its month names, ids and texts are written here, not taken from the
crawler.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

ALMATY = ZoneInfo("Asia/Almaty")

REGIONS = [
    "Akmola",
    "Almaty",
    "Atyrau",
    "Karaganda",
    "Kostanay",
    "Mangystau",
    "Pavlodar",
    "Turkistan",
    "Zhambyl",
    "Abai",
    "Ulytau",
    "Zhetysu",
    "North Kazakhstan",
]
PARTIES = [
    "Amanat",
    "Ak Zhol",
    "People's Party of Kazakhstan",
    "Auyl",
    "Respublica",
    "Baitak",
    "National Social Democratic Party",
]
PEOPLE = [
    "Nurlan Abdirov",
    "Mukhtar Yerman",
    "Sabila Mustafina",
    "Konstantin Petrov",
    "Aizhan Seitkali",
    "Gulnara Bekova",
    "Yerlan Tursynov",
    "Dana Kairat",
]
AUTHORS = [
    "Aigerim Sadykova",
    "Arman Zhumagali",
    "Zhanna Nurmanova",
    "Dmitry Kim",
    "Assel Satubaldina",
    "Timur Bekov",
    "Ляззат Жумабаева",
]
ORGS = [
    "OSCE/ODIHR",
    "the CIS",
    "the SCO Mission",
    "the Organization of Turkic States",
    "the CIS Inter-Parliamentary Assembly",
    "PACE",
]
TAGS = [
    "Kazakhstan 2022 Presidential Election",
    "Parliament Majilis Elections in Kazakhstan",
    "CEC",
    "Referendum 2022",
    "Maslikhat elections",
    "Observers",
    "Rural akim elections",
    "Senate elections",
]
CITIES = ["ALMATY", "SHYMKENT", "URALSK", "UST-KAMENOGORSK", "AKTOBE", "KARAGANDA"]

TITLES = [
    "CEC accredits {n} foreign observers",
    "{party} nominates candidate for {region} by-election",
    "Voter turnout in {region} region reaches {p}%",
    "{org} observers praise organisation of vote in {region}",
    "Polling stations open across {region} region",
    "CEC registers {n} candidates for Majilis seats",
    "{person}: «Every vote in {region} will be counted»",
    "Rural akim elections held in {n} villages of {region}",
    "Q&A: how {region} votes in the {year} elections",
    "CEC sums up preliminary results of {year} vote",
]
SENTENCES = [
    "The Central Election Commission accredited {n} observers from {org}, {person} said.",
    "Voting in {region} region began at 7:00 a.m. local time at {n} polling stations.",
    "According to the CEC, turnout reached {p}% by noon.",
    "«We see an open and competitive campaign,» said {person} of {org}.",
    "{party} put forward {n} candidates on its party list.",
    "Observers from {org} will monitor the vote in {region} and the capital.",
    "The commission will announce the final results within {d} days after the vote.",
    "Ballots were printed in Kazakh and Russian at {n} printing houses.",
    "Candidates may campaign until midnight on the eve of the vote – a rule {person} recalled.",
    "In {year}, {p}% of voters in {region} region cast their ballots early.",
    "The election commission of {region} region received {n} complaints, all of them reviewed.",
    "Mobile ballot boxes served {n} voters who could not come to the polling stations.",
]
LEADS = [
    "Observers from {n} countries will monitor the vote.",
    "The commission names the date of the {year} vote.",
    "{party} holds its pre-election congress in {region}.",
    "Turnout stands at {p}% at noon, the CEC says.",
]


SUBHEADINGS = ["Presidential powers", "Transition to a unicameral Parliament", "How the count works", "What comes next"]

RUSSIAN_WORDS = {
    # "в Астане": the places, as a Russian sentence puts them after "в"
    "regions": ["Астане", "Алматы", "Шымкенте", "Караганде", "Актобе", "Павлодаре", "Костанае", "Атырау"],
    "parties": ["Amanat", "Ак жол", "Ауыл", "Respublica", "Байтак", "Народная партия Казахстана"],
    "people": ["Нурлан Абдиров", "Мухтар Ерман", "Сабила Мустафина", "Константин Петров", "Айжан Сейткали"],
    "authors": ["Айгерим Садыкова", "Арман Жумагали", "Дмитрий Ким", "Жанна Нурманова"],
    "orgs": ["ОБСЕ/БДИПЧ", "СНГ", "ШОС", "Организации тюркских государств", "МПА СНГ"],
    "tags": ["Выборы в Курултай", "ЦИК", "Референдум 2026", "Наблюдатели", "Выборы акимов"],
    "election_tags": ["Выборы в Курултай", "Выборы-2023"],  # ReplicaSite(election_tags=): per-election tags
    "titles": [
        "ЦИК аккредитовал {n} иностранных наблюдателей",
        "{party} выдвинула кандидата на выборы в {region}",
        "Явка избирателей в {region} достигла {p}%",
        "Наблюдатели {org} оценили организацию выборов в {region}",
        "В {region} открылись избирательные участки",
        "ЦИК зарегистрировал {n} кандидатов в депутаты Курултая",
        "{person}: «Каждый голос в {region} будет учтен»",
        "Выборы акимов прошли в {n} селах",
        "Как проходят выборы {year} года: вопросы и ответы",
        "ЦИК подвел предварительные итоги выборов {year} года",
    ],
    "sentences": [
        "Центральная избирательная комиссия аккредитовала {n} наблюдателей от {org}, сообщил {person}.",
        "Голосование в {region} началось в 7:00 по местному времени на {n} избирательных участках.",
        "По данным ЦИК, к полудню явка составила {p}%.",
        "«Мы видим открытую и конкурентную кампанию», – заявил {person}.",
        "Партия {party} выдвинула {n} кандидатов по партийному списку.",
        "Наблюдатели от {org} будут следить за выборами в {region} и в столице.",
        "Окончательные итоги выборов комиссия объявит в течение {d} дней после голосования.",
        "Бюллетени напечатаны на казахском и русском языках в {n} типографиях.",
        "Выборы в Курултай назначены на 23 августа, напомнил {person}.",
        "В {year} году {p}% избирателей в {region} проголосовали досрочно.",
        "Избирательная комиссия получила {n} жалоб, все они рассмотрены.",
        "Переносные урны обслужили {n} избирателей, которые не смогли прийти на участки.",
    ],
    # 2024–2026 Russian text names the agency at the end of its lead, not in a dateline
    "leads": [
        "Наблюдатели из {n} стран будут следить за голосованием, передает агентство Kazinform.",
        "Комиссия назвала дату выборов {year} года, передает корреспондент агентства Kazinform.",
        "Партия {party} провела предвыборный съезд в {region}, передает агентство Kazinform.",
        "Явка к полудню составила {p}%, передает агентство Kazinform со ссылкой на ЦИК.",
    ],
    "subheadings": ["Полномочия президента", "Переход к однопалатному парламенту", "Как идет подсчет"],
}
KAZAKH_WORDS = {
    "regions": ["Астана", "Алматы", "Шымкент", "Қарағанды", "Ақтөбе", "Павлодар", "Қызылорда", "Орал"],
    "parties": ["Amanat", "Ақ жол", "Ауыл", "Respublica", "Байтақ"],
    "people": ["Нұрлан Әбдіров", "Мұхтар Ерман", "Сабила Мұстафина", "Айжан Сейтқали"],
    "authors": ["Айгерім Садықова", "Арман Жұмағали", "Жанна Нұрманова"],
    "orgs": ["ЕҚЫҰ/ДИАҚБ", "ТМД", "ШЫҰ", "Түркі мемлекеттері ұйымы"],
    "tags": ["Құрылтай сайлауы", "ОСК", "Референдум 2026", "Байқаушылар"],
    "election_tags": ["Құрылтай сайлауы", "Сайлау-2023"],
    "titles": [
        "ОСК {n} шетелдік байқаушыны тіркеді",
        "{region} қаласында сайлау учаскелері ашылды",
        "{region} қаласында сайлаушылардың белсенділігі {p}% болды",
        "Құрылтай сайлауына {n} кандидат тіркелді",
        "{year} жылғы сайлаудың алдын ала қорытындысы шықты",
        "{person}: «Әр дауыс ескеріледі»",
        "{party} партиясы {region} қаласында съезд өткізді",
    ],
    "sentences": [
        "Орталық сайлау комиссиясы {org} атынан {n} байқаушыны аккредиттеді.",
        "{region} қаласында дауыс беру жергілікті уақыт бойынша сағат 7:00-де басталды.",
        "ОСК мәліметінше, түскі уақытқа дейін сайлаушылардың {p}% дауыс берді.",
        "Сайлау қорытындысы дауыс беруден кейін {d} күн ішінде жарияланады.",
        "Бюллетеньдер қазақ және орыс тілдерінде {n} баспаханада басылды.",
        "Құрылтай сайлауы 23 тамызда өтеді, деді {person}.",
        "Сайлау комиссиясы {n} шағым алды, барлығы қаралды.",
        "{party} партиясы {n} кандидатты ұсынды.",
    ],
    "leads": [
        "Сайлауды {n} елден келген байқаушылар бақылайды.",
        "{party} партиясы сайлау алдындағы съезін өткізді.",
        "Комиссия {year} жылғы сайлаудың күнін атады.",
    ],
    "subheadings": ["Президенттің өкілеттігі", "Бір палаталы парламентке көшу"],
}
ENGLISH_WORDS = {
    "regions": REGIONS,
    "parties": PARTIES,
    "people": PEOPLE,
    "authors": AUTHORS,
    "orgs": ORGS,
    "tags": TAGS,
    "election_tags": TAGS[:2],
    "titles": TITLES,
    "sentences": SENTENCES,
    "leads": LEADS,
    "subheadings": SUBHEADINGS,
}

_CYRILLIC_LATIN = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "sch",
            "_",
            "y",
            "_",
            "e",
            "yu",
            "ya",
            "a",
            "g",
            "k",
            "n",
            "o",
            "u",
            "u",
            "h",
            "i",
        ],
        strict=True,
    )
)


def transliterated_slug(text: str, glue_prepositions: bool, length: int) -> str:
    """A Cyrillic title as the site's slugs write it in Latin letters; the Russian edition
    glues a one-letter preposition to the next word ("vkurultay") and cuts at `length`."""
    words = re.findall(r"\w+", text.lower())
    if glue_prepositions:
        glued: list[str] = []
        for word in words:
            if glued and len(glued[-1]) == 1 and glued[-1] in "вксуо":
                glued[-1] += word
            else:
                glued.append(word)
        words = glued
    latin = ["".join(_CYRILLIC_LATIN.get(letter, letter).replace("_", "") for letter in word) for word in words]
    return "-".join(latin)[:length].strip("-")


@dataclass(frozen=True)
class ReplicaEdition:
    code: str  # as the crawler's ELECTIONS_EDITION names it
    lang: str
    prefix: str  # where the replica serves it: "" (the root), "/ru", "/kz"
    section: str  # the section's name, as its pages and menus write it
    other_section: str  # the section a breadcrumb may name instead ("Politics")
    words: dict  # what its articles are written with (ENGLISH_WORDS ...)
    months_2023: tuple[str, ...]  # month names of the 2023 design's dates, January first
    months_2026: tuple[str, ...]  # and of the 2026 design's
    menu: tuple[str, ...]  # the header menu's other sections
    site_map: str  # what the footer calls the site map, and the tags page
    tags_page: str
    site_name: str  # what ends a page's title
    read_also: str
    advertisement: str
    rss_path: str
    datelines: tuple[str, ...] = ()  # the places a dateline names; none: no dateline
    dateline_separator: str = " — "

    def article_path(self, slug: str, article_id: str) -> str:
        """The article's path under the edition's prefix: /ru/<slug>-<hex>, /kz/news/<slug>-<hex>/."""
        return f"/{slug}-{article_id}" if self.code == "ru" else f"/news/{slug}-{article_id}/"

    def slug(self, title: str) -> str:
        return transliterated_slug(title, glue_prepositions=self.code == "ru", length=80 if self.code == "ru" else 120)

    def expected_id(self, own_id: str) -> str:
        """The archive's key: outside English, the site's id after the edition's code."""
        return own_id if self.code == "en" else f"{self.code}-{own_id}"

    def month(self, moment: datetime, design: str) -> str:
        names = self.months_2026 if design == "redesign2026" else self.months_2023
        return names[moment.month - 1]


ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
ENGLISH = ReplicaEdition(
    code="en",
    lang="en",
    prefix="",
    section="Elections",
    other_section="Politics",
    words=ENGLISH_WORDS,
    months_2023=ENGLISH_MONTHS,
    months_2026=ENGLISH_MONTHS,
    menu=("Kazakhstan", "Politics", "Economy", "World", "Society"),
    site_map="Site map",
    tags_page="Tags",
    site_name="Qazinform News Agency",
    read_also="Read also",
    advertisement="Advertisement",
    rss_path="/rss/en.xml",
)
RUSSIAN = ReplicaEdition(
    code="ru",
    lang="ru",
    prefix="/ru",
    section="Выборы",
    other_section="Политика",
    words=RUSSIAN_WORDS,
    # "30 Октябрь 2025" on the 2023 design's pages and cards, "18 Августа 2026" on the 2026 design's
    months_2023=(
        "Январь",
        "Февраль",
        "Март",
        "Апрель",
        "Май",
        "Июнь",
        "Июль",
        "Август",
        "Сентябрь",
        "Октябрь",
        "Ноябрь",
        "Декабрь",
    ),
    months_2026=(
        "Января",
        "Февраля",
        "Марта",
        "Апреля",
        "Мая",
        "Июня",
        "Июля",
        "Августа",
        "Сентября",
        "Октября",
        "Ноября",
        "Декабря",
    ),
    menu=("В мире", "Казахстан", "Политика", "Происшествия", "Экономика"),
    site_map="Карта сайта",
    tags_page="Теги",
    site_name="Казинформ",
    read_also="Читайте также",
    advertisement="Реклама",
    rss_path="/rss/ru.xml",
)
_KAZAKH_MONTHS = (
    "Қаңтар",
    "Ақпан",
    "Наурыз",
    "Сәуір",
    "Мамыр",
    "Маусым",
    "Шілде",
    "Тамыз",
    "Қыркүйек",
    "Қазан",
    "Қараша",
    "Желтоқсан",
)
KAZAKH = ReplicaEdition(
    code="kk",
    lang="kk",
    prefix="/kz",
    section="Сайлау",
    other_section="Саясат",
    words=KAZAKH_WORDS,
    months_2023=_KAZAKH_MONTHS,
    months_2026=_KAZAKH_MONTHS,
    menu=("Әлем", "Қазақстан", "Саясат", "Оқиға", "Экономика"),
    site_map="Сайт картасы",
    tags_page="Тегтер",
    site_name="Kazinform",
    read_also="Оқи отырыңыз",
    advertisement="Жарнама",
    rss_path="/rss/kk.xml",
    datelines=("АСТАНА", "АСТАНА", "АЛМАТЫ", "ҚЫЗЫЛОРДА", "ШЫМКЕНТ", "АҚТӨБЕ"),  # "АСТАНА. KAZINFORM — …"
)
EDITIONS = {edition.code: edition for edition in (ENGLISH, RUSSIAN, KAZAKH)}
