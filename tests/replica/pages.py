"""HTML of the replica: listing pages (current layout) and article pages in both layouts,
wrapped in the chrome of the real site (banner, menus, related headlines, ads, scripts)."""

import json
import random
from dataclasses import replace
from html import escape

from tests.replica.content import SECTION, TAGS, ReplicaArticle, slugify

LISTING_PATH = "/category/elections_s115"
CARDS_PER_PAGE = 20

ROBOTS_TXT = """User-agent: *
Disallow: /search
Disallow: /admin/

User-agent: BadBot
Disallow: /
"""

BANNER = """<div class="top-banner"><a href="https://qazaqtv.com/"><img src="/img/qazaqtv.png" alt="Qazaq TV"></a>
<span>Qazaq TV</span> <span>Телерадиокомпания Президента Казахстана</span>
<span class="sub">TV AND RADIO COMPLEX OF THE PRESIDENT OF THE RK</span></div>"""

HEADER = """<header class="header">
<div class="rates"><span>USD 470.52</span> <span>EUR 510.17</span> <span>RUB 5.21</span></div>
<div class="weather">Astana −5°C</div>
<div class="langs"><a href="/ru/">ру</a> <a href="/kz/">қз</a> <a href="/qz/">qz</a> <a href="/cn/">中文</a> <a href="/ar/">ق ز</a> <a href="/uz/">Ўз</a></div>
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
    return words[0] + "".join(sep + word for sep, word in zip(separators, words[1:]))


def time_card(article: ReplicaArticle) -> str:
    return article.shown_time or f"{article.published:%H:%M}, {article.published:%d} {article.published:%B %Y}"


def jsonld(article: ReplicaArticle, base_url: str) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "datePublished": article.published.isoformat(),
        "articleSection": SECTION,
        "inLanguage": "en",
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
        parts.append(f'<meta name="article:published_time" content="{article.published.isoformat()}">')
    if article.layout == "current" and article.author:
        parts.append(f'<meta name="author" content="{escape(article.author)}">')
    if article.has_jsonld:
        parts.append(jsonld(article, base_url))
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
    repeated_title = f'<div class="frame-title">{escape(article.title)}</div><div class="frame-time">{shown_time}</div>' if v != 1 else ""
    popular = headline_list("Popular", others[8:12], numbered=True)
    sidebar = f'<aside class="sidebar">{popular}</aside>'
    main = f"""<div class="content">
<div class="breadcrumbs"><a href="/">Main Page</a> &gt; <a href="/en/news">News</a> &gt; <a href="{LISTING_PATH}">{SECTION}</a></div>
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
    lang = ["en", "en-US", "en"][v]
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head>
{head(article, base_url, "Kazinform")}
</head><body>
{BANNER}
{HEADER}
<div class="wrapper">{columns}</div>
{FOOTER}
</body></html>"""


def current_article(article: ReplicaArticle, articles: list[ReplicaArticle], base_url: str) -> str:
    rng = random.Random(article.article_id)
    others = neighbours(articles, article, 10)
    paragraphs = article.shown_paragraphs
    blocks = [f"<p>{inline_markup(p, rng)}</p>" for p in paragraphs]
    if len(blocks) > 3:
        blocks[2] = f"<blockquote>{blocks[2]}</blockquote>"  # a quotation set apart: article text
    blocks.insert(min(2, len(blocks)), '<div class="adfox-banner" id="adfox_16001"><p>Реклама</p><script>adfox.load();</script></div>')
    if article.image_path:
        blocks.insert(1, f'<figure><img src="{article.image_path}" alt=""><figcaption><p>Photo: Qazinform</p></figcaption></figure>')
    author = f'<div class="article__author">{escape(article.author)}</div>' if article.author else ""
    tags = ""
    if article.tags:
        links = "".join(f'<a href="/tags/{slugify(t)}">{escape(t)}</a>' for t in article.tags)
        tags = f'<div class="article__tags">{links}</div>'
    return f"""<!DOCTYPE html>
<html lang="en"><head>
{head(article, base_url, "Qazinform News Agency")}
</head><body>
{BANNER}
{HEADER}
<main class="container">
<div class="article__body-main">
<div class="article__category"><a href="{LISTING_PATH}">{SECTION}</a></div>
<h1 class="article__title">{escape(article.title)}</h1>
<div class="article__info"><span class="article__time">{time_card(article)}</span>{author}</div>
<div class="article__description"><p>{escape(article.lead)}</p></div>
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
    ("javascript:void(0)", "Load more"),
    ("mailto:info@inform.kz", "Write to the newsroom"),
    ("/category/politics_s1", "Politics"),
    ("/tags/cec", "CEC"),
]


def listing_page(articles: list[ReplicaArticle], page: int, noisy: bool = False) -> str:
    """Page `page` (from 1) of the section, newest first; past the end, no cards."""
    start = (page - 1) * CARDS_PER_PAGE
    shown = articles[start : start + CARDS_PER_PAGE] if page >= 1 else []
    cards = [card(a.listing_href, a.title, time_card(a)) for a in shown]
    if noisy and shown:
        repeated = articles[start - 1] if start > 0 else shown[-1]  # a card of the page before, again
        cards.append(card(repeated.path, repeated.title, time_card(repeated)))
        cards += [card(href, title, time_card(shown[-1])) for href, title in NOISE_CARDS]
    cards = "\n".join(cards)
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


DEFECTS = ("no title", "no body", "bad date", "word date", "unknown layout", "redesign")


def article_page(article: ReplicaArticle, articles: list[ReplicaArticle], base_url: str, defect: str | None = None) -> str:
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
    render = legacy_article if article.layout == "legacy" else current_article
    return render(article, articles, base_url)


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
    paragraphs = "".join(f"<section class='txt'>{escape(p)}</section>" for p in article.paragraphs)
    return f"""<!DOCTYPE html><html><head><title>{escape(article.title)}</title></head><body>
{BANNER}<div class="story"><div class="story-headline">{escape(article.title)}</div>
<div class="story-when">{time_card(article)}</div>{paragraphs}</div>{FOOTER}</body></html>"""

