"""HTML of the replica: the home page with its menu, listing pages (the 2026 design, or the
2023 one) and article pages in the four designs the site has had, wrapped in the chrome of
the real site (banner, menus, sidebars of cards, related headlines, ads, scripts).

The markup of the 2026 and en.inform.kz designs follows docs/site.md: what public scrapers
and stored copies show, with our own texts."""

import json
import random
import re
import zlib
from dataclasses import replace
from email.utils import format_datetime
from html import escape

from replica.content import SECTION, ReplicaArticle, slugify
from replica.editions import ENGLISH, TAGS, ReplicaEdition

LISTING_PATH = "/category/elections_s115"
CARDS_PER_PAGE = 20
# The home page's menu: (name, listing path). The section's own entry is added when the
# site shows it.
MENU = [
    ("Kazakhstan", "/category/kazakhstan_s1"),
    ("Politics", "/category/politics_s2"),
    ("Economy", "/category/economy_s3"),
    ("World", "/category/world_s4"),
    ("Society", "/category/society_s5"),
]
# Sidebar cards link to stories of other sections: never to be requested by the crawl.
SIDEBAR_PATHS = [f"/news/story-of-another-section-{n}-{n:08x}" for n in range(1, 6)]

ROBOTS_TXT = """User-agent: *
Disallow: /search
Disallow: /admin/{disallowed}

User-agent: BadBot
Disallow: /

Sitemap: {base_url}/sitemap.xml
"""

BANNER = """<div class="top-banner"><a href="https://qazaqtv.com/"><img src="/img/qazaqtv.png" alt="Qazaq TV"></a>
<span>Qazaq TV</span> <span>Телерадиокомпания Президента Казахстана</span>
<span class="sub">TV AND RADIO COMPLEX OF THE PRESIDENT OF THE RK</span></div>"""

RUSSIAN_AD = "Реклама"  # the 2023 design's ad label, in every edition
LANGS = """<div class="langs"><a href="/ru/">ру</a> <a href="/kz/">қз</a> <a href="/qz/">qz</a> <a href="/cn/">中文</a> <a href="/ar/">ق ز</a> <a href="/uz/">Ўз</a></div>"""
HEADER = f"""<header class="header">
<div class="rates"><span>USD 470.52</span> <span>EUR 510.17</span> <span>RUB 5.21</span></div>
<div class="weather">Astana −5°C</div>
{LANGS}
<nav class="menu"><ul><li><a href="/">Main Page</a></li><li><a href="/category/politics_s1">Politics</a></li>
<li><a href="/category/economy_s2">Economy</a></li><li><a href="/category/elections_s115">Elections</a></li></ul></nav>
<div class="hot-topics">Hot topics: <a href="/en/tags/referendum-2022">Referendum 2022</a> <a href="/en/tags/cec">CEC</a></div>
<p class="slogan">News from Kazakhstan and the world, 24/7</p>
</header>"""

FOOTER = """<footer><p>© 1997–2026 Kazinform International News Agency. All rights reserved.</p>
<p>Address: 4 Kabanbay Batyr Ave, Astana. Phone: +7 7172 00 00 00</p>
<script>var _counter = "<p>counter</p>"; document.title = document.title;</script></footer>"""

SHARE = """<div class="share">Share: <a href="https://www.facebook.com/sharer.php"><img src="/img/fb.svg" alt="Facebook"></a>
<a href="https://twitter.com/intent/tweet"><img src="/img/tw.svg" alt="X"></a>
<a href="https://t.me/share"><img src="/img/tg.svg" alt="Telegram"></a></div>"""


def menu_of(edition: ReplicaEdition) -> list[tuple[str, str]]:
    """The header menu's other sections, in the edition's words, at MENU's paths."""
    return list(zip(edition.menu, [path for _, path in MENU], strict=True))


def category_path(name: str, edition: ReplicaEdition = ENGLISH) -> str:
    """The listing of a section the page names: the Elections one, or another's."""
    if name == edition.section:
        return LISTING_PATH
    return dict(menu_of(edition)).get(name, f"/category/{slugify(name) or 'x'}_s{len(name)}")


def host_of(base_url: str, edition: ReplicaEdition) -> str:
    """The replica's root, from the base URL of an edition it serves under a prefix."""
    return base_url.removesuffix(edition.prefix)


def langs(article: ReplicaArticle | None, base_url: str, default: str) -> str:
    """The language switcher: links to the article's twins where it has them (docs/site.md),
    to the other editions' home pages otherwise."""
    if not article or not article.twins:
        return default
    host = host_of(base_url, article.edition)
    links = " ".join(f'<a href="{host}{path}">{lang}</a>' for lang, path in sorted(article.twins.items()))
    return f'<div class="langs">{links}</div>'


def alternates(article: ReplicaArticle, base_url: str) -> list[str]:
    """hreflang alternates of the article and its twins (pages with og: meta carry them)."""
    if not article.twins or not article.has_og:
        return []
    host = host_of(base_url, article.edition)
    own = [(article.edition.lang, f"{base_url}{article.path}")]
    return [
        f'<link rel="alternate" hreflang="{lang}" href="{url}">'
        for lang, url in own + [(lang, host + path) for lang, path in sorted(article.twins.items())]
    ]


def neighbours(articles: list[ReplicaArticle], article: ReplicaArticle, count: int) -> list[ReplicaArticle]:
    start = (article.number + 1) % len(articles)
    return [articles[(start + i) % len(articles)] for i in range(count)]


def inline_markup(text: str, rng: random.Random) -> str:
    """The text as the site writes it: a link or bold span, an NBSP, a line break in the source."""
    words = [escape(word, quote=False) for word in text.split(" ")]
    if len(words) > 6 and rng.random() < 0.5:
        i = rng.randint(1, len(words) - 4)
        tag = rng.choice(["strong", "em", "a"])
        words[i] = ('<a href="/news/related-story-0a1b2c">' if tag == "a" else f"<{tag}>") + words[i]
        words[i + 2] += f"</{tag}>"
    separators = [" "] * (len(words) - 1)
    if separators and rng.random() < 0.3:
        separators[rng.randrange(len(separators))] = "&nbsp;"
    if len(separators) > 4:
        separators[len(separators) // 2] = "\n    "
    return words[0] + "".join(sep + word for sep, word in zip(separators, words[1:], strict=False))


def time_card(article: ReplicaArticle) -> str:
    month = article.edition.month(article.published, article.layout)
    return article.shown_time or f"{article.published:%H:%M}, {article.published:%d} {month} {article.published:%Y}"


def jsonld(article: ReplicaArticle, base_url: str) -> str:
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "datePublished": article.published.isoformat(),
        "articleSection": article.category,
        "inLanguage": article.edition.lang,
    }
    if article.author:
        data["author"] = {"@type": "Person", "name": article.author}
    if article.tags:
        data["keywords"] = ", ".join(article.tags) if article.variant else article.tags
    if article.image_path:
        data["image"] = {"@type": "ImageObject", "url": base_url + article.image_path}
    graph = {"@context": "https://schema.org", "@graph": [{"@type": "WebSite", "name": "Kazinform"}, data]}
    payload = graph if article.variant == 2 else data
    return f'<script type="application/ld+json">{json.dumps(payload, ensure_ascii=False)}</script>'


def head(article: ReplicaArticle, base_url: str, site_name: str) -> str:
    parts = [f"<title>{escape(article.title)} | {site_name}</title>", '<meta charset="utf-8">']
    if article.has_og:
        parts.append(f'<meta property="og:title" content="{escape(article.title)} | {site_name}">')
        parts.append('<meta property="og:type" content="article">')
        if article.image_path:
            parts.append(f'<meta property="og:image" content="{base_url}{article.image_path}">')
    if article.has_meta_time:
        kind = "property" if article.layout == "redesign2026" else "name"  # the 2023 design wrote name=
        parts.append(f'<meta {kind}="article:published_time" content="{article.published.isoformat()}">')
    if article.layout == "current" and article.author:
        parts.append(f'<meta name="author" content="{escape(article.author)}">')
    if article.has_jsonld:
        parts.append(jsonld(article, base_url))
    parts += alternates(article, base_url)
    for amp in article.amp_paths[:1]:
        parts.append(f'<link rel="amphtml" href="{base_url}{amp}">')
    parts.append('<script src="/js/app.js"></script><script>window.dataLayer = [];</script>')
    return "\n".join(parts)


def headline_list(heading: str, items: list[ReplicaArticle], numbered: bool = False, tag: str = "li") -> str:
    rows = "".join(
        f'<{tag}><a href="{a.path}">{f"{n} " if numbered else ""}{escape(a.title)}</a></{tag}>'
        for n, a in enumerate(items, start=1)
    )
    wrapper = "div" if tag == "p" else ("ol" if numbered else "ul")
    return f'<div class="block"><div class="block-title">{heading}</div><{wrapper}>{rows}</{wrapper}></div>'


def legacy_article(article: ReplicaArticle, articles: list[ReplicaArticle], base_url: str) -> str:
    """The legacy layout of the seed page. Class names vary with the variant: the
    crawler must read structure, not names."""
    rng = random.Random(article.article_id)
    v = article.variant
    text_class = ["text", "article-text", "news-body"][v]
    others = neighbours(articles, article, 12)
    if article.shown_time:
        shown_time = article.shown_time
    elif article.published.year < 2021 and v == 1:
        shown_time = f"{article.published:%H:%M}, {article.published:%d %B %Y} | GMT +6"
    else:
        shown_time = f"{article.published.day} {article.published:%B %Y, %H:%M}"
    paragraphs = article.shown_paragraphs
    body = "\n".join(f"<p>{inline_markup(p, rng)}</p>" for p in paragraphs)
    # An ad between paragraphs, in a block of its own.
    if len(paragraphs) > 2:
        body = body.replace("</p>\n", '</p>\n<div id="adfox_legacy_1"><p>Advertisement</p></div>\n', 1)
    author = ""
    if article.author:
        if v == 0:
            body += f"\n<p>Author: {escape(article.author)}</p>"
        elif v == 1:
            author = f'<div class="author">Автор: <a href="/en/authors/{slugify(article.author) or "x"}">{escape(article.author)}</a></div>'
        else:
            body += f"\n<p><strong>Author:</strong> {escape(article.author)}</p>"
    image = f'<div class="photo"><img src="{article.image_path}" alt=""></div>' if article.image_path else ""
    tags = ""
    if article.tags:
        links = " ".join(f'<a href="/en/tags/{slugify(t)}">{escape(t)}</a>' for t in article.tags)
        tags = f'<div class="tags">{links}</div>'
    repeated_title = (
        f'<div class="frame-title">{escape(article.title)}</div><div class="frame-time">{shown_time}</div>'
        if v != 1
        else ""
    )
    popular = headline_list("Popular", others[8:12], numbered=True)
    sidebar = f'<aside class="sidebar">{popular}</aside>'
    main = f"""<div class="content">
<div class="breadcrumbs"><a href="/">Main Page</a> &gt; <a href="/en/news">News</a> &gt; <a href="{category_path(article.category)}">{escape(article.category)}</a></div>
<div class="article">
<h1 class="title">{escape(article.title)}</h1>
<div class="date">{shown_time}</div>
{repeated_title}
{image}
<div class="{text_class}">
{body}
</div>
{author}
{tags}
{SHARE}
</div>
{headline_list("Новости по теме" if v == 2 else "Related news", others[:3])}
{headline_list("Read also", others[3:6], tag="p")}
<div class="block"><div class="block-title">News Partner</div><p>Partner news: Kazakhstan's regions in pictures</p></div>
</div>"""
    # Variant 2 places the sidebar, with its "Popular" heading, before the main column.
    columns = sidebar + main if v == 2 else main + sidebar
    lang = ['lang="en"', 'lang="en-US"', ""][v]  # with none, the URL's /en/ tells
    return f"""<!DOCTYPE html>
<html {lang}><head>
{head(article, base_url, "Kazinform")}
</head><body>
{BANNER}
{HEADER}
<div class="wrapper">{columns}</div>
{FOOTER}
</body></html>"""


def gmt_line(article: ReplicaArticle) -> str:
    """The 2023 design's date line, with the offset it states: `10:40, 30 October 2025 | GMT +5`."""
    offset = article.published.utcoffset()
    hours = int(offset.total_seconds() // 3600) if offset else 0
    return f"{time_card(article)} | GMT +{hours}"


# In-body pictures of the 2023 design that print their alt text (often a related article's
# title, or the article's first one) as a paragraph of its own: in the image's block, under a
# class that names a picture, or beside it with none (issue 29). None of it is body text.
PICTURE_PARAGRAPHS = [
    '<div class="article__photo"><img src="{src}" alt="{title}"><p>{title}</p></div>',
    '<p><img src="{src}" alt="{title}"></p><p class="image-caption">{title}</p>',
    '<div><img src="{src}" alt="{title}"><p>{title}</p></div>',
]


def current_article(article: ReplicaArticle, articles: list[ReplicaArticle], base_url: str) -> str:
    """The 2023 design: the date line before the title (after it, in variant 0), a body of
    paragraphs, a quote, a subheading and a list, among an ad block, a figure whose image's
    alt text is the article's title, as the site's often is, and on some pages a picture that
    prints its alt text as a paragraph (docs/site.md)."""
    rng = random.Random(article.article_id)
    others = neighbours(articles, article, 10)
    blocks = structured_blocks(article, rng)
    if len(blocks) > 3:
        blocks[2] = f"<blockquote>{blocks[2]}</blockquote>"  # a quotation set apart: article text
    blocks.insert(
        min(2, len(blocks)),
        f'<div class="adfox-banner" id="adfox_16001"><p>{RUSSIAN_AD}</p><script>adfox.load();</script></div>',
    )
    if article.image_path:
        blocks.insert(
            1,
            f'<figure><img src="{article.image_path}" alt="{escape(article.title)}"><figcaption><p>Photo: Qazinform</p></figcaption></figure>',
        )
    if len(blocks) > 3 and rng.random() < 0.5:  # a picture that prints its alt text as a paragraph
        blocks.insert(
            len(blocks) - 1,
            rng.choice(PICTURE_PARAGRAPHS).format(
                src=article.image_path or "/img/x.jpg", title=escape(others[0].title)
            ),
        )
    author = f'<div class="article__author">{escape(article.author)}</div>' if article.author else ""
    tags = ""
    if article.tags:
        links = "".join(f'<a href="{tag_path(t)}">{escape(t)}</a>' for t in article.tags)
        tags = f'<div class="article__tags">{links}</div>'
    time_tag = "div" if article.variant else "span"
    date_line = f'<{time_tag} class="article__time">{gmt_line(article)}</{time_tag}>'
    return f"""<!DOCTYPE html>
<html lang="{article.edition.lang}"><head>
{head(article, base_url, article.edition.site_name)}
</head><body>
{BANNER}
{header_2023(article.edition, langs(article, base_url, LANGS))}
<main class="container">
<div class="article__body-main">
<div class="article__category"><a href="{category_path(article.category, article.edition)}">{escape(article.category)}</a></div>
{date_line if article.variant else ""}
<h1 class="article__title">{escape(article.title)}</h1>
<div class="article__info">{"" if article.variant else date_line}{author}</div>
<div class="article__description"><p>{escape(article.lead or "")}</p></div>
<div class="article__body-text">
{chr(10).join(blocks)}
</div>
{tags}
{SHARE}
</div>
<section class="related">{headline_list("Related news", others[:4])}</section>
<aside>{headline_list("Popular", others[4:9], numbered=True)}</aside>
</main>
{FOOTER}
</body></html>"""


def card(href: str, title: str, time: str) -> str:
    return f"""<div class="catpageCard"><a class="catpageCard_link" href="{escape(href)}">
<img src="/thumbs/x.jpg" alt=""><div class="catpageCard_title">{escape(title)}</div></a>
<div class="catpageCard_time">{time}</div></div>"""


# Links a listing page may hold besides the section's articles (noisy_listing).
NOISE_CARDS = [
    ("http://127.0.0.2:9/news/story-on-another-site-0f0f0f", "A story on another site"),
    ("http://127.0.0.1:9/news/story-on-another-port-0f0f0e", "A story on another port of the same host"),
    ("javascript:void(0)", "Load more"),
    ("mailto:info@inform.kz", "Write to the newsroom"),
    ("/category/politics_s1", "Politics"),
    ("/tags/cec", "CEC"),
]


def listing_entries(articles: list[ReplicaArticle], page: int, noisy: bool) -> list[tuple[str, str, ReplicaArticle]]:
    """(href, title, article whose time the card shows) of page `page` (from 1), newest first;
    past the end, none."""
    start = (page - 1) * CARDS_PER_PAGE
    shown = articles[start : start + CARDS_PER_PAGE] if page >= 1 else []
    entries = [(a.listing_href, a.title, a) for a in shown]
    if noisy and shown:
        repeated = articles[start - 1] if start > 0 else shown[-1]  # a card of the page before, again
        entries.append((repeated.path, repeated.title, repeated))
        entries += [(href, title, shown[-1]) for href, title in NOISE_CARDS]
    return entries


LISTING_DESIGNS = ("2026", "2023")


def listing_page(
    articles: list[ReplicaArticle],
    page: int,
    design: str = "2026",
    noisy: bool = False,
    section_in_menu: bool = True,
    edition: ReplicaEdition = ENGLISH,
) -> str:
    entries = listing_entries(articles, page, noisy)
    if design == "2023":
        return listing_page_2023(entries, articles)
    return listing_page_2026(entries, articles, section_in_menu, edition=edition)


ALL_NEWS_PATH = "/lenta"


def all_news_page(
    articles: list[ReplicaArticle], page: int, section_in_menu: bool = True, edition: ReplicaEdition = ENGLISH
) -> str:
    """The all-news feed: every section's articles, newest first, in the 2026 design."""
    return listing_page_2026(
        listing_entries(articles, page, False), articles, section_in_menu, ALL_NEWS_PATH, "All news", edition
    )


def listing_page_2023(entries: list[tuple[str, str, ReplicaArticle]], articles: list[ReplicaArticle]) -> str:
    cards = "\n".join(card(href, title, time_card(a)) for href, title, a in entries)
    last_page = max(1, -(-len(articles) // CARDS_PER_PAGE))
    pager = " ".join(f'<a href="{LISTING_PATH}?page={n}">{n}</a>' for n in range(1, min(last_page, 5) + 1))
    popular = headline_list("Popular", articles[-5:], numbered=True)
    hot = " ".join(f'<a href="/tags/{slugify(t)}">{escape(t)}</a>' for t in TAGS[:3])
    return f"""<!DOCTYPE html>
<html lang="en"><head><title>{SECTION} | Qazinform News Agency</title><meta charset="utf-8"></head><body>
{BANNER}
{HEADER}
<main><h1 class="category__title">{SECTION}</h1>
<div class="catpage">
{cards}
</div>
<div class="pagination">{pager}</div>
<div class="tags-cloud">{hot} <a href="mailto:info@inform.kz">Write to us</a> <a href="javascript:void(0)">More</a></div>
<aside>{popular}</aside>
</main>
{FOOTER}
</body></html>"""


def card_2026(href: str, title: str, time: str, datetime_attr: str | None) -> str:
    """A card of the 2026 design: the card is the link."""
    attr = f' datetime="{datetime_attr}"' if datetime_attr else ""
    return (
        f'<a class="news-card" href="{escape(href)}"><img class="card-img" src="/thumbs/x.jpg" alt="">'
        f'<h3 class="card-title">{escape(title)}</h3><time class="meta-date"{attr}>{time}</time></a>'
    )


def time_2026(article: ReplicaArticle) -> str:
    """'21:38, 18 August 2026', '21:38, 18 Августа 2026': the redesign's form (day not padded)."""
    month = article.edition.month(article.published, "redesign2026")
    return article.shown_time or f"{article.published:%H:%M}, {article.published.day} {month} {article.published:%Y}"


def sidebar_2026(heading: str, articles: list[ReplicaArticle]) -> str:
    """'Popular' and 'Latest news' blocks: the same card markup as the section's list, linking
    to stories of other sections."""
    cards = "".join(
        card_2026(path, f"{a.title} (another section)", time_2026(a), None)
        for path, a in zip(SIDEBAR_PATHS, articles, strict=False)
    )
    return f'<aside class="sidebar"><div class="sidebar__title">{heading}</div><div class="sidebar__list">{cards}</div></aside>'


LANGS_2026 = """<div class="langs"><a href="https://www.inform.kz/ru/">Рус</a> <a href="https://qz.inform.kz/">Qaz</a> <a href="https://cn.inform.kz/">中文</a></div>"""


def header_2026(section_in_menu: bool = True, edition: ReplicaEdition = ENGLISH, switcher: str = LANGS_2026) -> str:
    others = menu_of(edition)
    menu = others[:2] + ([(edition.section, LISTING_PATH)] if section_in_menu else []) + others[2:]
    items = "".join(f'<li class="menu__item"><a href="{path}">{escape(name)}</a></li>' for name, path in menu)
    return f"""<header class="header"><a class="logo" href="/">Qazinform</a>
<nav class="menu"><ul>{items}<li class="menu__item"><a href="{tag_path("Referendum 2026")}">Referendum 2026</a></li></ul></nav>
{switcher}
</header>"""


def header_2023(edition: ReplicaEdition, switcher: str) -> str:
    """The 2023 design's header: English's, or the edition's menu (docs/site.md: ru chrome)."""
    if edition is ENGLISH:
        return HEADER.replace(LANGS, switcher)
    items = "".join(f'<li><a href="{path}">{escape(name)}</a></li>' for name, path in menu_of(edition))
    return f'<header class="header">{switcher}<nav class="menu"><ul>{items}</ul></nav></header>'


def home_page(articles: list[ReplicaArticle], section_in_menu: bool = True, edition: ReplicaEdition = ENGLISH) -> str:
    """The 2026 home page: the menu, a strip of the newest cards, a 'Latest news' sidebar."""
    top = "".join(
        f'<div class="main-news__item">{card_2026(a.path, a.title, time_2026(a), None)}</div>' for a in articles[:6]
    )
    return f"""<!DOCTYPE html>
<html lang="{edition.lang}"><head><meta charset="utf-8"><title>{edition.site_name}</title></head><body>
{header_2026(section_in_menu, edition)}
<main><section class="main-news">{top}</section>
{sidebar_2026("Latest news", articles[:5])}</main>
{footer_2026(edition)}
</body></html>"""


# Where the site may link to the section (ReplicaSite's section_at): the home page's menu,
# only the page its footer calls "Site map", only the one it calls "Tags", or nowhere.
SECTION_PLACES = ("menu", "site map", "tags", "article", "none")
SITE_MAP_PATH = "/sitemap"
TAGS_PATH = "/tags"


def footer_2026(edition: ReplicaEdition = ENGLISH) -> str:
    return (
        f'<footer class="footer"><a href="/about">About us</a> <a href="/contacts">Contacts</a> '
        f'<a href="{SITE_MAP_PATH}">{edition.site_map}</a> <a href="{TAGS_PATH}">{edition.tags_page}</a> '
        f'<a href="{tag_path("Kurultai 2026")}">Kurultai 2026</a></footer>'
    )


def tag_path(name: str) -> str:
    """A tag's listing, as the site writes it since 2023: /tag/<slug>_t<digits>, the same
    number wherever the tag is linked."""
    return f"/tag/{slugify(name) or 'x'}_t{zlib.crc32(name.encode()) % 900 + 100}"


# The tags the chrome links to (the menu's, the footer's, the tags page's), in every edition.
CHROME_TAGS = ["Referendum 2026", "Kurultai 2026", "Election commission"]


def tag_page(articles: list[ReplicaArticle], name: str, page: int, edition: ReplicaEdition) -> str:
    """A tag's listing in the 2026 design: the articles filed under it, newest first."""
    entries = listing_entries(articles, page, False)
    return listing_page_2026(entries, articles, False, tag_path(name), name, edition)


def unwalkable_tags(html: str) -> str:
    """The page with its tag links in an older form (/tags/<slug>), no listing a crawl can
    walk: a site whose tags list nothing (ReplicaSite's election_tags=0)."""
    return re.sub(r'href="/tag/([^"/]*?)_t\d+"', r'href="/tags/\1"', html)


def unlinked_section(html: str) -> str:
    """The page with every link to the section's listing made plain text: a site that has no
    such listing, where even an article's breadcrumb names the section without a link."""
    return re.sub(rf'<a href="{re.escape(LISTING_PATH)}">([^<]*)</a>', r"\1", html)


def site_map_page(with_section: bool, edition: ReplicaEdition = ENGLISH) -> str:
    """The page the footer calls "Site map": the sections, and the Elections one where it is."""
    sections = menu_of(edition) + ([(edition.section, LISTING_PATH)] if with_section else [])
    sections += [("Analytics", "/category/analytics_s6")]
    items = "".join(f'<li><a href="{path}">{escape(name)}</a></li>' for name, path in sections)
    return f"""<!DOCTYPE html>
<html lang="{edition.lang}"><head><meta charset="utf-8"><title>{edition.site_map} | {edition.site_name}</title></head><body>
{header_2026(False, edition)}
<main><h1>{edition.site_map}</h1><ul class="sitemap">{items}</ul></main>
{footer_2026(edition)}
</body></html>"""


def tags_page(with_section: bool, edition: ReplicaEdition = ENGLISH, election_tags: tuple[str, ...] = ()) -> str:
    """The page the footer calls "Tags": a tag listing each, the site's per-election tags among
    them, the section's as a tag where it is."""
    tags = [(tag, tag_path(tag)) for tag in dict.fromkeys([*edition.words["tags"], *election_tags])]
    tags += (
        [(f"{edition.section} 2026", LISTING_PATH)]
        if with_section
        else [("Election commission", tag_path("Election commission"))]
    )
    items = " ".join(f'<a class="tag" href="{path}">{escape(name)}</a>' for name, path in tags)
    return f"""<!DOCTYPE html>
<html lang="{edition.lang}"><head><meta charset="utf-8"><title>{edition.tags_page} | {edition.site_name}</title></head><body>
{header_2026(False, edition)}
<main><h1>{edition.tags_page}</h1><div class="tags">{items}</div></main>
{footer_2026(edition)}
</body></html>"""


def listing_page_2026(
    entries: list[tuple[str, str, ReplicaArticle]],
    articles: list[ReplicaArticle],
    section_in_menu: bool = True,
    path: str = LISTING_PATH,
    heading: str | None = None,
    edition: ReplicaEdition = ENGLISH,
) -> str:
    """The section's list (or the listing at `path`) in the 2026 design: cards in
    .news-category__item, some with a datetime attribute; a "Popular" sidebar of the same cards."""
    items = "\n".join(
        f'<div class="news-category__item">'
        f"{card_2026(href, title, time_2026(a), a.published.isoformat() if a.variant and not a.shown_time else None)}</div>"
        for href, title, a in entries
    )
    pager = " ".join(f'<a class="pagination__link" href="{path}?page={n}">{n}</a>' for n in range(1, 6))
    heading = heading or edition.section
    return f"""<!DOCTYPE html>
<html lang="{edition.lang}"><head><meta charset="utf-8"><title>{heading} | {edition.site_name}</title></head><body>
{header_2026(section_in_menu, edition)}
<main class="layout"><h1 class="news-category__title">{heading}</h1>
<div class="news-category">{items}</div>
<div class="pagination">{pager}</div>
{sidebar_2026("Popular", articles[-5:])}
</main></body></html>"""


DEFECTS = (
    "no title",
    "no body",
    "bad date",
    "word date",
    "unknown layout",
    "redesign",
    "year 1",
    "year 9999",
    "bad image url",
    "half emoji",  # the JSON-LD author's name opens with a lone surrogate: an emoji its CMS cut in half
)
HALF_EMOJI = "\\udfff"  # as the JSON holds it: the reader's json.loads makes it a lone surrogate
# Times no page can mean, shown on the article's card and page alike (ReplicaSite applies them).
IMPOSSIBLE_TIMES = {"year 1": "03:00, 01 January 0001", "year 9999": "10:00, 31 December 9999"}


def article_page(
    article: ReplicaArticle, articles: list[ReplicaArticle], base_url: str, defect: str | None = None
) -> str:
    """The article's page; `defect` (one of DEFECTS) breaks it the way real pages break."""
    if defect == "unknown layout":
        return unknown_layout_article(article)
    if defect == "redesign":
        return redesigned_article(article, base_url)
    if defect == "no title":
        article = replace(article, title="", has_jsonld=False, has_og=False)
    elif defect == "no body":
        article = replace(article, paragraphs=[])
    elif defect == "bad date":
        article = replace(article, shown_time="31 February 2024, 10:00", has_jsonld=False, has_meta_time=False)
    elif defect == "word date":
        article = replace(article, shown_time="yesterday", has_jsonld=False, has_meta_time=False)
    elif defect in IMPOSSIBLE_TIMES:
        article = replace(article, shown_time=IMPOSSIBLE_TIMES[defect], has_jsonld=False, has_meta_time=False)
    render = {
        "legacy": legacy_article,
        "current": current_article,
        "en_inform": en_inform_article,
        "redesign2026": redesign2026_article,
    }[article.layout]
    html = render(article, articles, base_url)
    if defect == "half emoji":
        html = html.replace(f'"name": "{article.author}"', f'"name": "{HALF_EMOJI} {article.author}"', 1)
    if defect == "bad image url":  # a URL no parser accepts, where the loader makes the image absolute
        html = html.replace(
            '<meta charset="utf-8">',
            '<meta charset="utf-8"><meta property="og:image" content="http://[broken/x.jpg">',
            1,
        )
    return html


def redesigned_article(article: ReplicaArticle, base_url: str) -> str:
    """A redesign with unknown class names that keeps the structured data and the
    semantic elements (<article>, <time>) a fallback parser can read."""
    rng = random.Random(article.article_id)
    paragraphs = "\n".join(f"<p>{inline_markup(p, rng)}</p>" for p in article.shown_paragraphs)
    structured = replace(article, has_jsonld=True, variant=0)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(article.title)}</title>
{jsonld(structured, base_url)}</head><body>{BANNER}
<div class="x9-shell"><article class="x9-story"><h1 class="x9-h">{escape(article.title)}</h1>
<time class="x9-t" datetime="{article.published.isoformat()}">{time_card(article)}</time>
<div class="x9-text">{paragraphs}</div>
<aside class="x9-more"><p>Read also: {escape(article.title)}</p></aside></article></div>{FOOTER}</body></html>"""


def unknown_layout_article(article: ReplicaArticle) -> str:
    """A redesign nobody told the crawler about: no <h1>, no known class, no metadata."""
    paragraphs = "".join(f"<p class='txt'>{escape(p)}</p>" for p in article.paragraphs)
    return f"""<!DOCTYPE html><html><head><title>{escape(article.title)}</title></head><body>
{BANNER}<div class="story"><div class="story-headline">{escape(article.title)}</div>
<div class="story-when">{time_card(article)}</div>{paragraphs}</div>{FOOTER}</body></html>"""


EN_INFORM_MENU = ["World News", "Incidents", "Kazakhstan", "Politics", "Analytics", "Economy", "About us"]


def en_inform_article(article: ReplicaArticle, articles: list[ReplicaArticle], base_url: str) -> str:
    """en.inform.kz/news (2016 to 2023): the time first, padded, often with "| GMT +6"; an
    empty image caption printed as "None"; "Tags:", "Currently reading" and the Telegram
    line after the body. No lang attribute: the edition tells the language."""
    rng = random.Random(article.article_id)
    others = neighbours(articles, article, 6)
    offset = " | GMT +6" if article.variant else ""
    shown_time = article.shown_time or f"{article.published:%H:%M, %d %B %Y}{offset}"
    blocks = [f"<p>{inline_markup(p, rng)}</p>" for p in article.shown_paragraphs]
    if article.image_path:
        blocks.insert(1, f'<img src="{article.image_path}" alt=""><p>None</p>')
    elif len(blocks) > 1:
        blocks.insert(1, "<p>None</p>")
    if article.author:
        blocks.append(f"<p>Author: {escape(article.author)}</p>")
    tags = ""
    if article.tags:
        tags = (
            '<div class="tags">Tags: '
            + " ".join(f'<a href="/tags/{slugify(t)}">{escape(t)}</a>' for t in article.tags)
            + "</div>"
        )
    menu = "".join(f'<li><a href="/news/{slugify(name)}">{name}</a></li>' for name in EN_INFORM_MENU)
    reading = "".join(f'<li><a href="{a.path}">{escape(a.title)}</a></li>' for a in others)
    return f"""<!DOCTYPE html>
<html><head>
{head(article, base_url, "Kazinform")}
</head><body>
<div class="top"><a href="/">EN</a> <span>TV AND RADIO COMPLEX OF THE PRESIDENT OF THE RK</span></div>
<div class="trends">Trends: <a href="/tags/referendum-2022">Referendum 2022</a> <a href="/tags/cec">CEC</a></div>
<ul class="main-menu">{menu}</ul>
<div class="container"><div class="news-item">
<h1>{escape(article.title)}</h1>
<div class="time">{shown_time}</div>
<div class="text">
{chr(10).join(blocks)}
</div>
{tags}
{SHARE}
</div>
<div class="reading"><div class="reading__title">Currently reading</div><ul>{reading}</ul></div>
<p class="telegram"><a href="https://t.me/kazinform_eng">More news in our Telegram channel!</a></p>
</div>
<div class="footer">About agency Contacts Advertisement Partners Photo Site map Tags</div>
</body></html>"""


CREDIT_LINES = ["Photo credit: Akorda", "Photo credit: election.gov.kz", "Фото: Акорда", "Коллаж: Kazinform"]


def structured_blocks(article: ReplicaArticle, rng: random.Random) -> list[str]:
    """The body's blocks as a 2026 page writes them: paragraphs, a subheading, a list."""
    blocks: list[str] = []
    for number, paragraph in enumerate(article.shown_paragraphs):
        if number in article.subheadings:
            blocks.append(f'<h3 class="article__subtitle">{escape(paragraph)}</h3>')
        elif number in article.list_items:
            item = f"<li>{inline_markup(paragraph, rng)}</li>"
            if number - 1 in article.list_items:
                blocks[-1] = blocks[-1].replace("</ul>", item + "</ul>")
            else:
                blocks.append(f"<ul>{item}</ul>")
        else:
            blocks.append(f"<p>{inline_markup(paragraph, rng)}</p>")
    return blocks


def redesign2026_article(article: ReplicaArticle, articles: list[ReplicaArticle], base_url: str) -> str:
    """qazinform.com since August 2026: h1.article__title, <time> (with a datetime attribute
    or without), the body as <p> in div.article__content among a figure with its caption, an
    ad block, a "read also" box and the tags; a breadcrumb that may name another section."""
    rng = random.Random(article.article_id)
    others = neighbours(articles, article, 8)
    blocks = structured_blocks(article, rng)
    if len(blocks) > 2 and rng.random() < 0.3:  # a credit line between paragraphs, outside any figure
        blocks.insert(2, f'<p class="photo-credit">{rng.choice(CREDIT_LINES)}</p>')
    if len(blocks) > 3:
        blocks[2] = f"<blockquote>{blocks[2]}</blockquote>"
    blocks.insert(
        min(2, len(blocks)),
        f'<div class="adv-block"><p>{article.edition.advertisement}</p><script>ads.push(1);</script></div>',
    )
    if len(blocks) > 2:
        blocks.insert(
            len(blocks) - 1,
            f'<div class="read-also"><p>{article.edition.read_also}: <a href="{others[0].path}">{escape(others[0].title)}</a></p></div>',
        )
    if article.image_path:
        blocks.insert(
            1,
            f'<figure class="article__image"><img src="{article.image_path}" alt="{escape(article.title)}"><figcaption><p>Photo: Qazinform</p></figcaption></figure>',
        )
    if article.tags:
        blocks.append(
            '<div class="article__tags">'
            + "".join(f'<a href="{tag_path(t)}">{escape(t)}</a>' for t in article.tags)
            + "</div>"
        )
    datetime_attr = (
        f' datetime="{article.published.isoformat()}"' if article.variant != 1 and not article.shown_time else ""
    )
    author = f'<span class="article__author">{escape(article.author)}</span>' if article.author else ""
    lead = f'<div class="article__description">{escape(article.lead)}</div>' if article.lead else ""
    crumb_path = category_path(article.breadcrumb, article.edition)
    return f"""<!DOCTYPE html>
<html lang="{article.edition.lang}"><head>
{head(article, base_url, article.edition.site_name)}
</head><body>
{header_2026(True, article.edition, langs(article, base_url, LANGS_2026))}
<main class="layout"><article class="article">
<div class="breadcrumbs"><a href="/">Home</a> / <a href="{crumb_path}">{escape(article.breadcrumb)}</a></div>
<h1 class="article__title">{escape(article.title)}</h1>
<div class="article__meta"><time class="article__date"{datetime_attr}>{time_2026(article)}</time>{author}</div>
{lead}
<div class="article__content">
{chr(10).join(blocks)}
</div>
{SHARE}
</article>
{sidebar_2026("Latest news", others[:5])}
</main>
<footer class="footer"><p>© 1997–2026 Qazinform News Agency</p></footer>
</body></html>"""


# How remove() takes an article down (ReplicaSite.remove).
REMOVALS = ("404", "410", "error page", "redirect")
ERROR_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Qazinform</title></head><body>
<div class="error__wrapper"><h1>Page not found</h1><p>The page you requested does not exist.</p>
<a href="/">Back to the home page</a></div></body></html>"""


def challenge_page() -> str:
    """What a Cloudflare challenge serves instead of the page."""
    return """<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head><body>
<div class="main-wrapper"><h1>qazinform.com</h1><p>Verifying you are human. This may take a few seconds.</p>
<div id="challenge-stage"></div>
<noscript>Enable JavaScript and cookies to continue</noscript></div>
<script>(function(){window._cf_chl_opt={cvId: '3'};var a=document.createElement('script');
a.src='/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1';document.head.appendChild(a);}());</script>
</body></html>"""


# The second channel (crawler/site/layouts/feeds.py): robots.txt names the sitemap index, which
# names a Google News sitemap of the newest news; an RSS feed of the newest news. Both list
# every section's news, each filed under its section (a site with no Elections section files
# election news under Politics).
SITEMAP_INDEX_PATH = "/sitemap.xml"
NEWS_SITEMAP_PATH = "/sitemaps/google-news_en.xml"
RSS_PATH = "/rss/en.xml"
NEWS_SITEMAP_SIZE = 60
RSS_SIZE = 40
NEWS_NAMESPACE = "http://www.google.com/schemas/sitemap-news/0.9"


def channel_section(article: ReplicaArticle, with_section: bool) -> str:
    return article.category if with_section or article.kind != "election" else "Politics"


def sitemap_index(articles: list[ReplicaArticle], base_url: str) -> str:
    newest = articles[0].published.isoformat() if articles else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{base_url}{NEWS_SITEMAP_PATH}</loc><lastmod>{newest}</lastmod></sitemap>
</sitemapindex>"""


def news_sitemap(articles: list[ReplicaArticle], base_url: str, with_section: bool) -> str:
    lang = articles[0].edition.lang if articles else "en"
    """The newest news: time, title and keywords (its section, then its tags) of each."""
    urls = "\n".join(
        f"""<url><loc>{base_url}{a.path}</loc><news:news>
<news:publication><news:name>Qazinform</news:name><news:language>{lang}</news:language></news:publication>
<news:publication_date>{a.published.isoformat()}</news:publication_date>
<news:title>{escape(a.title)}</news:title>
<news:keywords>{escape(", ".join([channel_section(a, with_section), *a.tags]))}</news:keywords>
</news:news></url>"""
        for a in articles[:NEWS_SITEMAP_SIZE]
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="{NEWS_NAMESPACE}">
{urls}
</urlset>"""


def rss_feed(articles: list[ReplicaArticle], base_url: str, with_section: bool) -> str:
    """RSS 2.0 of the newest news: title, link, time, section and lead (no full text)."""
    items = "\n".join(
        f"""<item><title>{escape(a.title)}</title><link>{base_url}{a.path}</link>
<pubDate>{format_datetime(a.published)}</pubDate><category>{escape(channel_section(a, with_section))}</category>
<description>{escape(a.lead or "")}</description><guid>{base_url}{a.path}</guid></item>"""
        for a in articles[:RSS_SIZE]
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Qazinform News Agency</title><link>{base_url}/</link>
<description>News of Kazakhstan</description>
{items}
</channel></rss>"""
