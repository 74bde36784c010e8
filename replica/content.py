"""The replica's articles: generated from a seed, each knowing the item it must yield.

Ground truth is written here in plain Python, apart from the crawler's code, so that
tests compare the crawler against an independent statement of what each page holds.
"""

import hashlib
import random
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from replica.editions import ALMATY, CITIES, ENGLISH, ReplicaEdition
from replica.subjects import SUBJECT_SENTENCES, Phrase, filled_phrases, truth

NEWEST = datetime(2026, 11, 20, 10, 0, tzinfo=ALMATY)
OLDEST = datetime(2019, 3, 1, 9, 0, tzinfo=ALMATY)
SURGE_DAYS = 30  # the last weeks before an election day
# The designs the site has had (docs/site.md), by when an article was first published:
# en.inform.kz/news until 2020, www.inform.kz/en until early 2023, the 2023 design until
# the 2026 redesign. Layout names are the values the crawler stores in articles.layout.
WWW_INFORM_FROM = datetime(2020, 1, 1, tzinfo=ALMATY)
CURRENT_LAYOUT_FROM = datetime(2023, 3, 1, tzinfo=ALMATY)
REDESIGN_FROM = datetime(2026, 8, 15, tzinfo=ALMATY)
MIGRATED_SHARE = 0.15  # older articles the replica serves in the 2026 design, at their old id
SECTION = ENGLISH.section


@dataclass(frozen=True)
class Topic:
    """News of another section, for the all-news feed: its category, and how it is written.
    A hard negative uses the electoral words in other senses (docs/topic-rule.md)."""

    category: str
    kind: str  # "other" or "hard negative"
    titles: list[str]
    sentences: list[str]
    tags: list[str]


OTHER_TOPICS = [
    Topic(
        "Economy",
        "other",
        ["Kazakhstan's GDP grows {p}% in {year}", "{region} region to build {n} new schools"],
        [
            "Industrial output in {region} region rose {p}% over the year.",
            "The Bureau of National Statistics published the figures on Monday.",
            "Investors from {n} countries took part in the projects.",
        ],
        ["Economy"],
    ),
    Topic(
        "Sports",
        "other",
        ["Boxer from {region} wins gold at the Asian Championships", "Astana to host {n} teams at the tournament"],
        [
            "The final took place in front of {n} spectators.",
            "The national team finished first in the medal table.",
            "The coach said the team had trained for {d} months.",
        ],
        ["Sports"],
    ),
    Topic(
        "Chess",
        "hard negative",
        ["Young chess player from {region} becomes candidate master"],
        [
            "The {d}-year-old earned the title of candidate master at a tournament in Almaty.",
            "She won {d} games and lost none.",
        ],
        ["Chess"],
    ),
    Topic(
        "Healthcare",
        "hard negative",
        ["Vaccination campaign against measles starts in {region} region"],
        [
            "The vaccination campaign will last a month, the regional health department said.",
            "More than {n} children are to be vaccinated in {region} region.",
        ],
        ["Healthcare"],
    ),
    Topic(
        "Business",
        "hard negative",
        ["{person} elected chairman of the board of a national company"],
        [
            "{person} was elected chairman of the board of the national railway company.",
            "The board of directors met in Astana on Tuesday.",
        ],
        ["Business"],
    ),
    Topic(
        "Diplomacy",
        "hard negative",
        ["Kazakhstan granted observer status at the Pacific Alliance"],
        [
            "The decision on observer status was taken at the alliance's summit.",
            "Observer status gives Kazakhstan access to {n} trade forums.",
        ],
        ["Diplomacy"],
    ),
    Topic(
        "Society",
        "hard negative",
        ["Record turnout at the {region} marathon", "Price poll: bread costs {p}% more in {region} region"],
        [
            "More than {n} runners took part, a record turnout at the marathon.",
            "A consumer poll of {n} shoppers found prices rose {p}% in a year.",
        ],
        ["Society"],
    ),
]
RUSSIAN_TOPICS = [
    Topic(
        "Экономика",
        "other",
        ["ВВП Казахстана вырос на {p}% в {year} году", "В {region} построят {n} школ"],
        [
            "Промышленное производство в {region} выросло на {p}% за год.",
            "Бюро национальной статистики опубликовало данные в понедельник.",
        ],
        ["Экономика"],
    ),
    Topic(
        "Спорт",
        "other",
        ["Боксер, выросший в {region}, выиграл золото чемпионата Азии"],
        ["Финал прошел при {n} зрителях.", "Сборная заняла первое место в медальном зачете."],
        ["Спорт"],
    ),
    Topic(
        "Шахматы",
        "hard negative",
        ["В {region} юная шахматистка стала кандидатом в мастера спорта"],
        ["Звание кандидата в мастера спорта она получила на турнире в Алматы.", "Она выиграла {d} партий."],
        ["Шахматы"],
    ),
    Topic(
        "Здравоохранение",
        "hard negative",
        ["В {region} стартовала кампания по вакцинации от кори"],
        ["Прививочная кампания продлится месяц.", "Привить планируют более {n} детей."],
        ["Здравоохранение"],
    ),
    Topic(
        "Бизнес",
        "hard negative",
        ["{person} избран председателем совета директоров нацкомпании"],
        [
            "{person} избран председателем совета директоров железнодорожной компании.",
            "Акционеры проголосовали единогласно.",
        ],
        ["Бизнес"],
    ),
    Topic(
        "Культура",
        "hard negative",
        ["Зрители в {region} выбрали лучший фильм фестиваля"],
        ["За картину проголосовали {n} зрителей.", "Приз зрительских симпатий вручат в субботу."],
        ["Культура"],
    ),
]
KAZAKH_TOPICS = [
    Topic(
        "Экономика",
        "other",
        ["Қазақстанның ЖІӨ {year} жылы {p} пайызға өсті", "{region} облысында {n} мектеп салынады"],
        [
            "{region} облысында өнеркәсіп өндірісі бір жылда {p} пайызға өсті.",
            "Деректерді Ұлттық статистика бюросы жариялады.",
        ],
        ["Экономика"],
    ),
    Topic(
        "Спорт",
        "other",
        ["{region} облысының боксшысы Азия чемпионатында алтын алды"],
        ["Финалды {n} көрермен тамашалады.", "Құрама медальдар есебінде бірінші орын алды."],
        ["Спорт"],
    ),
    Topic(
        "Шахмат",
        "hard negative",
        ["{region} облысының жас шахматшысы спорт шебері кандидаты атанды"],
        ["Ол спорт шебері кандидаты атағын Алматыдағы турнирде алды.", "Ол {d} партияда жеңді."],
        ["Шахмат"],
    ),
    Topic(
        "Денсаулық",
        "hard negative",
        ["{region} облысында қызылшаға қарсы екпе науқаны басталды"],
        ["Екпе науқаны бір айға созылады.", "{n} баланы егу жоспарланған."],
        ["Денсаулық"],
    ),
    Topic(
        "Бизнес",
        "hard negative",
        ["{person} ұлттық компанияның директорлар кеңесінің төрағасы болып сайланды"],
        ["Акционерлер бірауыздан дауыс берді.", "Жиналыс Астанада өтті."],
        ["Бизнес"],
    ),
    Topic(
        "Мәдениет",
        "hard negative",
        ["Көрермендер фестивальдің үздік фильмін таңдады"],
        ["Фильмге {n} көрермен дауыс берді.", "Көрермендер көзайымы жүлдесі сенбіде табысталады."],
        ["Мәдениет"],
    ),
]
# The all-news feed's other sections, by edition.
TOPICS_BY_EDITION = {"en": OTHER_TOPICS, "ru": RUSSIAN_TOPICS, "kk": KAZAKH_TOPICS}


@dataclass
class ReplicaArticle:
    number: int
    layout: str  # the design it is served in: "en_inform", "legacy", "current" or "redesign2026"
    article_id: str
    path: str  # canonical path on the replica
    title: str
    lead: str | None
    paragraphs: list[str]  # article text, without dateline
    dateline: str | None
    source: str | None
    dateline_separator: str  # " " or " – " between source and text
    author: str | None
    published: datetime  # local time, Asia/Almaty
    tags: list[str]
    image_path: str | None
    # How the page is written: which structured data it carries, which markup variant.
    has_jsonld: bool
    has_og: bool
    has_meta_time: bool
    variant: int
    listing_href: str  # how the listing links to it (canonical, AMP, with a query...)
    amp_paths: list[str] = field(default_factory=list)

    # Of the paragraphs, those a 2023 or 2026 page shows as a subheading, and as items of one list.
    subheadings: frozenset[int] = frozenset()
    list_items: frozenset[int] = frozenset()

    shown_time: str | None = None  # a page time other than `published` (a defect)
    breadcrumb: str = SECTION  # the section a 2026 page's breadcrumb names (an article may be in several)
    category: str = SECTION  # the section an older page names; another for news of another section
    kind: str = "election"  # or, for news of another section, "other" or "hard negative"
    edition: ReplicaEdition = ENGLISH
    twins: dict[str, str] = field(default_factory=dict)  # language -> its twin's path from the host's root
    phrases: tuple[Phrase, ...] = ()  # the references to subjects it was written with (replica/subjects.py)

    @property
    def shown_paragraphs(self) -> list[str]:
        """The paragraphs as the page shows them, the dateline opening the first."""
        if not self.dateline or not self.paragraphs:
            return list(self.paragraphs)
        first = f"{self.dateline}. {self.source}{self.dateline_separator}{self.paragraphs[0]}"
        return [first, *self.paragraphs[1:]]

    @property
    def expected_id(self) -> str:
        return self.edition.expected_id(self.article_id)

    def expected_item(self, base_url: str) -> dict:
        """The item a perfect crawler stores for this article (content_hash and
        scraped_at aside, which depend on the crawler's own rules)."""
        body = "\n\n".join(self.paragraphs)
        return {
            "article_id": self.expected_id,
            "url": base_url + self.path,
            "lang": self.edition.lang,
            "section": self.edition.section,
            "title": self.title,
            "lead": self.lead,
            "body": body,
            "dateline": self.dateline,
            "source": self.source,
            "author": self.author,
            "published_at": self.published.astimezone(UTC).isoformat(),
            "tags": list(self.tags),
            "image_url": base_url + self.image_path if self.image_path else None,
            "word_count": len(body.split()),
            "layout": self.layout,
        }

    def expected_mentions(self) -> dict[str, dict]:
        """Its subject_mentions rows as a perfect measure stores them: subject -> counts."""
        return truth(self, self.edition.lang)


def design_on(published: datetime) -> str:
    """The design the site served an article of that day in."""
    if published < WWW_INFORM_FROM:
        return "en_inform"
    if published < CURRENT_LAYOUT_FROM:
        return "legacy"
    return "current" if published < REDESIGN_FROM else "redesign2026"


def listing_href(path: str, amp_paths: list[str], r: random.Random) -> str:
    """How the listing links to an article: mostly its canonical path, some its AMP copy or
    the path with a query or a fragment."""
    kind = r.random()
    if kind < 0.1 and amp_paths:
        return amp_paths[0]
    if kind < 0.2:
        return path + r.choice(["?utm_source=telegram", "#comments", "?from=main&utm_medium=web"])
    return path


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:70].strip("-")


def capital_on(moment: datetime) -> str:
    if moment < datetime(2019, 3, 23, tzinfo=ALMATY):
        return "ASTANA"
    if moment < datetime(2022, 9, 17, tzinfo=ALMATY):
        return "NUR-SULTAN"
    return "ASTANA"


class Generator:
    """Writes articles from one seed; every id it hands out is unique. News of other sections
    is drawn from a stream of its own, so that the section's articles stay as they are."""

    def __init__(self, seed: int, edition: ReplicaEdition = ENGLISH):
        self.edition = edition
        self.topics = TOPICS_BY_EDITION[edition.code]
        self.words = edition.words
        # Outside English the replica writes the hex-id years only: the 2023 and 2026 designs.
        self.oldest = OLDEST if edition is ENGLISH else CURRENT_LAYOUT_FROM + timedelta(days=1)
        self.rng = random.Random(seed)
        self.other_rng = random.Random(f"other news:{seed}")
        self.used_ids: set[str] = set()
        self.count = 0

    def other_news(self, count: int, newest: datetime, oldest: datetime) -> list[ReplicaArticle]:
        """`count` articles of other sections, newest first, between `oldest` and `newest`;
        a topic each in turn, so that every hard negative is there."""
        r, written = self.other_rng, []
        for n in range(count):
            moment = oldest + (newest - oldest) * r.random()
            written.append(self.other(self.topics[n % len(self.topics)], moment.replace(second=0, microsecond=0)))
        return sorted(written, key=lambda article: article.published, reverse=True)

    def other(self, topic: Topic, published: datetime) -> ReplicaArticle:
        """An article of another section, in the design of its day, with no dateline."""
        r = self.other_rng
        article = replace(self.article(published, r), kind=topic.kind, category=topic.category)
        phrases: list[Phrase] = []
        title = self.fill(r.choice(topic.titles), published, r, phrases)
        paragraphs = [self.fill(sentence, published, r, phrases) for sentence in topic.sentences]
        hex_id = re.fullmatch(r"[0-9a-f]{6}|[0-9a-f]{8}", article.article_id)
        path = f"/news/{slugify(title)}-{article.article_id}" if hex_id else article.path
        return replace(
            article,
            title=title,
            lead=None if article.lead is None else paragraphs[0],
            paragraphs=paragraphs[1:] if article.lead is not None else paragraphs,
            tags=list(topic.tags),
            dateline=None,
            source=None,
            breadcrumb=topic.category,
            path=path,
            listing_href=path,
            amp_paths=[],
            subheadings=frozenset(),
            list_items=frozenset(),
            phrases=tuple(phrases),
        )

    def archive(self, count: int, surge: int = 0) -> list[ReplicaArticle]:
        """`count` articles, newest first, spread from 2019 to November 2026; `surge` more of
        them in its last SURGE_DAYS days, as coverage rises before an election day."""
        step = (NEWEST - self.oldest) / max(count, 1)
        articles = []
        for n in range(count):
            jitter = timedelta(seconds=self.rng.uniform(0, step.total_seconds() * 0.8))
            articles.append(self.article((NEWEST - step * n - jitter).replace(second=0, microsecond=0)))
        for _ in range(surge):
            before = timedelta(seconds=self.rng.uniform(0, SURGE_DAYS * 86400))
            articles.append(self.article((NEWEST - before).replace(second=0, microsecond=0)))
        return sorted(articles, key=lambda article: article.published, reverse=True)

    def later(self, count: int, after: datetime) -> list[ReplicaArticle]:
        """`count` articles published after `after`, an hour apart, newest first."""
        return [self.article(after + timedelta(hours=count - n)) for n in range(count)]

    def later_other_news(self, count: int, after: datetime) -> list[ReplicaArticle]:
        """`count` articles of other sections after `after`, half an hour past each hour."""
        return [
            self.other(self.topics[n % len(self.topics)], after + timedelta(hours=count - n, minutes=30))
            for n in range(count)
        ]

    def edited(self, article: ReplicaArticle) -> ReplicaArticle:
        """The same article (same id and URL) with a body rewritten by the newsroom."""
        phrases: list[Phrase] = []
        paragraphs = [
            self.fill(self.rng.choice(self.words["sentences"]), article.published, phrases=phrases) for _ in range(3)
        ]
        return replace(
            article, paragraphs=[*paragraphs, "This article was updated."], phrases=(*article.phrases, *phrases)
        )

    def fill(
        self, template: str, moment: datetime, rng: random.Random | None = None, phrases: list[Phrase] | None = None
    ) -> str:
        """The template filled in; the references it holds added to `phrases`."""
        r = rng or self.rng
        values = {
            "n": r.randint(2, 480),
            "p": r.randint(20, 95),
            "d": r.randint(3, 10),
            "region": r.choice(self.words["regions"]),
            "party": r.choice(self.words["parties"]),
            "person": r.choice(self.words["people"]),
            "org": r.choice(self.words["orgs"]),
            "year": moment.year,
        }
        if phrases is not None:
            phrases += filled_phrases(template, values)
        return template.format(**values)

    def article(self, published: datetime, rng: random.Random | None = None) -> ReplicaArticle:
        r = rng or self.rng
        number, self.count = self.count, self.count + 1
        edition, words, english = self.edition, self.words, self.edition is ENGLISH
        layout = design_on(published)
        phrases: list[Phrase] = []
        title = self.fill(r.choice(words["titles"]), published, r, phrases)
        slug = slugify(title) if english else edition.slug(title)
        paragraphs = [
            " ".join(self.fill(r.choice(words["sentences"]), published, r, phrases) for _ in range(r.randint(1, 4)))
            for _ in range(r.randint(2, 7))
        ]
        migrated = english and layout != "redesign2026" and r.random() < MIGRATED_SHARE
        source = "KAZINFORM"
        if layout in ("en_inform", "legacy"):
            article_id, path, amp_paths, has_dateline, lead = self.legacy_address(layout, slug, migrated, paragraphs, r)
        elif english:
            article_id, slug, path, amp_paths = self.hex_address(layout, slug, number, r)
            has_dateline = r.random() < 0.3
            lead = self.fill(r.choice(words["leads"]), published, r, phrases)
        else:
            article_id = self.hex_id(8 if layout == "redesign2026" else 6, r)
            path, amp_paths = edition.article_path(slug, article_id), []
            has_dateline = bool(edition.datelines) and r.random() < 0.5
            lead = self.fill(r.choice(words["leads"]), published, r, phrases)
        if migrated:
            layout = "redesign2026"
        self.used_ids.add(article_id)
        dateline = None
        if has_dateline and english:
            dateline = capital_on(published) if r.random() < 0.7 else r.choice(CITIES)
        elif has_dateline:
            dateline = r.choice(edition.datelines)
        image = None
        if r.random() < 0.5:
            image = f"/uploads/{published:%Y/%m/%d}/{hashlib.md5(slug.encode()).hexdigest()[:10]}.jpg"
        href = listing_href(path, amp_paths, r)
        written = ReplicaArticle(
            number=number,
            layout=layout,
            article_id=article_id,
            path=path,
            title=title,
            lead=lead,
            paragraphs=paragraphs,
            dateline=dateline,
            source=source if dateline else None,
            dateline_separator=r.choice([" ", " – "]) if english else edition.dateline_separator,
            author=r.choice(words["authors"]) if r.random() < 0.6 else None,
            published=published,
            tags=r.sample(words["tags"], r.choice([0, 0, 1, 2, 3])),
            image_path=image,
            has_jsonld=r.random() < (0.5 if layout in ("current", "redesign2026") else 0.2),
            has_og=layout in ("current", "redesign2026") or r.random() < 0.5,
            has_meta_time=layout in ("current", "redesign2026") and r.random() < 0.8,
            variant=r.randint(0, 2),
            listing_href=href,
            amp_paths=amp_paths,
            breadcrumb=edition.section if r.random() < 0.7 else edition.other_section,
            category=edition.section,
            edition=edition,
            phrases=tuple(phrases),
        )
        written = with_subject_sentence(written)
        return self.with_structure(written) if layout in ("current", "redesign2026") else written

    def legacy_address(self, layout: str, slug: str, migrated: bool, paragraphs: list[str], r: random.Random):
        """An en.inform.kz or www.inform.kz/en article's id, path and AMP paths, whether it opens
        with a dateline, and its lead (none); some end with an attribution (`paragraphs` changed)."""
        if r.random() < 0.3:
            paragraphs[-1] = paragraphs[-1].rstrip(".") + ", Kazinform correspondent reports."
        article_id = f"a{r.randint(3_000_000, 3_999_999)}"
        while article_id in self.used_ids:
            article_id = f"a{r.randint(3_000_000, 3_999_999)}"
        if migrated:  # qazinform.com serves it at /news/<slug>_a<id>, in the 2026 design
            path, amp_paths = f"/news/{slug}_{article_id}", []
        elif layout == "en_inform":
            path, amp_paths = f"/news/{slug}_{article_id}/", [f"/amp/{slug}_{article_id}/"]
        else:
            path = f"/en/{slug}_{article_id}"
            amp_paths = [f"/en/{slug}_{article_id}/amp", f"/en/amp/{slug}_{article_id}"]
        return article_id, path, amp_paths, r.random() < 0.85, None

    def hex_address(self, layout: str, slug: str, number: int, r: random.Random):
        """A qazinform.com article's id, slug, path and AMP paths: 6 hex (8 since the 2026
        design), or, for a few, no id at all: the slug is the id."""
        if r.random() < 0.03:
            slug = f"{slug}-n{number}"
            article_id = slug
        else:
            article_id = self.hex_id(8 if layout == "redesign2026" else 6, r)
            slug = f"{slug}-{article_id}"
        return article_id, slug, f"/news/{slug}", [f"/amp/{slug}/"]

    def with_structure(self, article: ReplicaArticle) -> ReplicaArticle:
        """A 2023 or 2026 article's body as today's pages write it, for some: a subheading, a list
        (its last paragraph's sentences, an item each). Drawn from the article's id, not the
        generator's stream, so that every other article stays as it was."""
        rng = random.Random(f"structure:{article.article_id}")
        paragraphs, subheadings, items = list(article.paragraphs), set(), set()
        if len(paragraphs) >= 3 and rng.random() < 0.35:
            paragraphs.insert(1, rng.choice(article.edition.words["subheadings"]))
            subheadings.add(1)
        sentences = [s if s.endswith(".") else s + "." for s in paragraphs[-1].split(". ")]
        if len(paragraphs) >= 2 and len(sentences) >= 2 and rng.random() < 0.35:
            paragraphs[-1:] = sentences
            items = set(range(len(paragraphs) - len(sentences), len(paragraphs)))
        return replace(article, paragraphs=paragraphs, subheadings=frozenset(subheadings), list_items=frozenset(items))

    def hex_id(self, digits: int, rng: random.Random | None = None) -> str:
        while True:
            candidate = f"{(rng or self.rng).getrandbits(4 * digits):0{digits}x}"
            if candidate not in self.used_ids and re.search(r"\d", candidate):
                return candidate


def with_subject_sentence(article: ReplicaArticle) -> ReplicaArticle:
    """Half the articles end with a paragraph that refers to a subject by title or in a case
    form, or names a title that is someone else's (replica/subjects.py). Drawn from the
    article's id, not the generator's stream, so that every other article stays as it was."""
    rng = random.Random(f"subjects:{article.article_id}")
    if rng.random() >= 0.5:
        return article
    sentence, phrases = rng.choice(SUBJECT_SENTENCES[article.edition.lang])
    return replace(article, paragraphs=[*article.paragraphs, sentence], phrases=(*article.phrases, *phrases))


def generate(count: int, seed: int) -> list[ReplicaArticle]:
    return Generator(seed).archive(count)


def archive_rows(count: int, offset: int = 0, base_url: str = "http://replica.test") -> list[dict]:
    """`count` rows of a stored archive's articles table, with distinct ids and realistic
    text, one published every 47 minutes from 2016 on: an archive of any size in seconds,
    without a crawl (bench/, the reading room's tests)."""
    articles = generate(200, seed=9)
    start = datetime(2016, 1, 1, tzinfo=UTC)
    rows = []
    for n in range(offset, offset + count):
        item = articles[n % 200].expected_item(base_url)
        rows.append(
            {
                **item,
                "article_id": f"f{n}",
                "published_at": (start + timedelta(minutes=47 * n)).isoformat(),
                "content_hash": f"h{n}",
                "first_seen_at": "2026-01-01T00:00:00+00:00",
                "last_seen_at": "2026-01-01T00:00:00+00:00",
                "version_count": 1,
                "run_id": 1,
                "edition": "en",
            }
        )
    return rows
