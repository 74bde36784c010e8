import hashlib
import random
import re
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from replica import pages
from replica.content import Generator, ReplicaArticle
from replica.editions import ENGLISH, ReplicaEdition
from replica.faults import Fault, Reply, apply

# What a page in an unknown design (pages.unknown_layout_article) does not show.
GENERIC_UNKNOWN: dict[str, object] = {
    "lead": None,
    "author": None,
    "tags": [],
    "image_url": None,
    "dateline": None,
    "source": None,
}
# Faults that change what a listing page holds, rather than how it is served.
LISTING_FAULTS = ("empty", "repeat", "endless")


class ReplicaSite:
    """The section's articles and how each URL answers. Counts every request it serves.

    It changes as a newsroom does: publish() puts new articles on top of the listing,
    edit() rewrites one, and on_request() runs a change the moment a given URL is served
    (mid-crawl). It misbehaves as a web server does: add_fault() (see faults.py), fail().
    """

    def __init__(
        self,
        articles: int = 200,
        seed: int = 1,
        defects: dict[int, str] | None = None,
        noisy_listing: bool = False,
        listing_design: str = "2026",
        section_in_menu: bool = True,
        surge: int = 0,
        section_at: str = "menu",
        other_news: int = 0,
        edition: ReplicaEdition = ENGLISH,
        election_tags: int = 0,
    ):
        """`defects` maps an article's position in the listing (0 = newest) to one of
        pages.DEFECTS. `noisy_listing` adds to every listing page what is not an article
        of the section: a card repeated from the page before, links to another domain,
        javascript: and mailto: links, links to a category and a tag. `listing_design`: one
        of pages.LISTING_DESIGNS. `section_at`: where the site links to the section, one of
        pages.SECTION_PLACES ("menu", "site map", "tags", "article": only article pages'
        breadcrumbs and category labels, "none"); `section_in_menu=False` is "none".
        `surge`: that many more articles in the last weeks, as before an election day.
        `other_news`: that many articles of other sections over the same years, hard
        negatives among them (content.OTHER_TOPICS), which only the all-news feed
        (pages.ALL_NEWS_PATH) lists with the section's. `edition`: the edition it is
        (replica/editions.py), served under its prefix by ReplicaServer. `election_tags`:
        that many per-election tags (the edition's words["election_tags"]) whose listings the
        site serves (pages.tag_path), two articles in three filed under one of them, every
        fourth of those under both; with 0, no tag link leads to a listing."""
        if listing_design not in pages.LISTING_DESIGNS:
            raise ValueError(f"unknown listing design {listing_design!r}; known: {', '.join(pages.LISTING_DESIGNS)}")
        self.seed = seed
        self.noisy_listing = noisy_listing
        self.listing_design = listing_design
        if section_at not in pages.SECTION_PLACES:
            raise ValueError(f"unknown section place {section_at!r}; known: {', '.join(pages.SECTION_PLACES)}")
        self.section_at = section_at if section_in_menu else "none"
        self.edition = edition
        self.generator = Generator(seed, edition)
        self.unlisted: list[ReplicaArticle] = []  # unlist()
        self.removed: dict[str, str] = {}  # path -> how remove() made it answer
        self.validators = True  # article pages carry an ETag and Last-Modified, and answer 304 to them
        self.disallowed: list[str] = []  # paths robots.txt forbids every crawler, beside its own
        self.articles: list[ReplicaArticle] = []
        self.by_path: dict[str, ReplicaArticle] = {}
        archive = self.generator.archive(articles, surge)
        self.other_news: list[ReplicaArticle] = (
            self.generator.other_news(other_news, archive[0].published, archive[-1].published) if other_news else []
        )
        self.election_tags = edition.words["election_tags"][:election_tags]
        self._set_articles([self._filed(n, a) for n, a in enumerate(archive)])
        self.defects = {self.articles[n].article_id: defect for n, defect in (defects or {}).items()}
        self._set_articles(
            [  # an impossible time shows on the article's card too
                replace(a, shown_time=pages.IMPOSSIBLE_TIMES[self.defects[a.article_id]])
                if self.defects.get(a.article_id) in pages.IMPOSSIBLE_TIMES
                else a
                for a in self.articles
            ]
        )
        self.faults: list[Fault] = []
        self.hooks: dict[str, Callable[[], None]] = {}  # request target -> change, run once
        self.counted_hook: tuple | None = None  # after_requests()
        self.requests: Counter[str] = Counter()
        self.request_times: dict[str, list[float]] = {}  # target -> time.monotonic() of each request
        self._lock = threading.Lock()

    @property
    def channel_paths(self) -> dict[str, Callable[[str], str]]:
        """The second channel's pages (pages.SITEMAP_INDEX_PATH ...): base URL -> XML."""
        news, named = self.channel_news(), self.section_at != "none"
        return {
            pages.SITEMAP_INDEX_PATH: lambda base_url: pages.sitemap_index(news, base_url),
            pages.NEWS_SITEMAP_PATH: lambda base_url: pages.news_sitemap(news, base_url, named),
            self.edition.rss_path: lambda base_url: pages.rss_feed(news, base_url, named),
        }

    def channel_news(self) -> list[ReplicaArticle]:
        """What the feeds and sitemaps list: all news, and the articles taken off the listing only."""
        return sorted([*self.all_news(), *self.unlisted], key=lambda a: a.published, reverse=True)

    def _set_articles(self, articles: list[ReplicaArticle]) -> None:
        self.by_path = {
            path: a for a in [*articles, *self.other_news, *self.unlisted] for path in [a.path, *a.amp_paths]
        }
        self.articles = articles

    def _filed(self, position: int, article: ReplicaArticle) -> ReplicaArticle:
        """The article with the per-election tags it is filed under (election_tags)."""
        names = self.election_tags
        if not names or position % 3 == 2:
            return article
        filed = [names[position % len(names)], *([names[(position + 1) % len(names)]] if position % 4 == 0 else [])]
        return replace(article, tags=list(dict.fromkeys([*article.tags, *filed])))

    def tagged(self, name: str) -> list[ReplicaArticle]:
        """A tag's listing: every article filed under it, listed in the section or not, newest first."""
        everything = [*self.articles, *self.unlisted, *self.other_news]
        return sorted([a for a in everything if name in a.tags], key=lambda a: a.published, reverse=True)

    def tag_names(self) -> list[str]:
        """Every tag the site links to."""
        words = self.edition.words
        return [*words["tags"], *words["election_tags"], *pages.CHROME_TAGS]

    def all_news(self) -> list[ReplicaArticle]:
        """The all-news feed: the section's articles and the others, newest first."""
        return sorted([*self.articles, *self.other_news], key=lambda a: a.published, reverse=True)

    def translate_from(self, other: "ReplicaSite", share: float = 0.4) -> list[tuple[ReplicaArticle, ReplicaArticle]]:
        """Makes about `share` of this edition's articles versions of stories of `other`'s, of the
        same design and nearest in time: each links the other through its language switcher
        (and its hreflang alternates, where it has og: meta). Returns the (ours, theirs) pairs."""
        rng, taken, pairs = random.Random(f"twins:{self.seed}:{other.edition.code}"), set(), []
        for ours in self.articles:
            if rng.random() >= share:
                continue
            candidates = [a for a in other.articles if a.layout == ours.layout and a.article_id not in taken]
            if candidates:
                theirs = min(candidates, key=lambda a: abs(a.published - ours.published))
                taken.add(theirs.article_id)
                pairs.append((ours, theirs))
        mine = {ours.article_id: theirs for ours, theirs in pairs}
        others = {theirs.article_id: ours for ours, theirs in pairs}
        self._set_articles([twinned(a, mine.get(a.article_id)) for a in self.articles])
        other._set_articles([twinned(a, others.get(a.article_id)) for a in other.articles])
        return [(self.by_path[ours.path], other.by_path[theirs.path]) for ours, theirs in pairs]

    def expected_twins(self, host_url: str) -> set[tuple[str, str]]:
        """(article_id, twin URL) of each link from this edition's articles to their twins."""
        return {(a.expected_id, host_url + path) for a in self.articles for path in a.twins.values()}

    def publish_other_news(self, count: int) -> list[ReplicaArticle]:
        """`count` articles of other sections, each half an hour after an hour of the newest."""
        newest = max(a.published for a in [*self.articles, *self.other_news])
        new = self.generator.later_other_news(count, after=newest)
        self.other_news = new + self.other_news
        self._set_articles(self.articles)
        return new

    def publish(self, count: int) -> list[ReplicaArticle]:
        """`count` new articles, newer than any before, on top of the listing."""
        new = [self._filed(n, a) for n, a in enumerate(self.generator.later(count, after=self.articles[0].published))]
        self._set_articles(new + self.articles)
        return new

    def edit(self, position: int) -> ReplicaArticle:
        """Rewrites the body of the article at `position` in the listing; same id and URL."""
        edited = self.generator.edited(self.articles[position])
        self._set_articles([edited if a.article_id == edited.article_id else a for a in self.articles])
        return edited

    def edit_fields(self, position: int, **fields) -> ReplicaArticle:
        """Changes fields of the article at `position` (author=, tags=, title= ...); same id and URL."""
        edited = replace(self.articles[position], **fields)
        self._set_articles([edited if a.article_id == edited.article_id else a for a in self.articles])
        return edited

    def retouch(self, position: int) -> ReplicaArticle:
        """A change of form only at `position`: the title's and body's straight words kept, its
        first sentence's full stop made an exclamation mark and its words spaced twice."""
        article = self.articles[position]
        first, *rest = article.paragraphs
        retouched = first[:-1] + "!" if first.endswith(".") else first + "!"
        return self.edit_fields(position, paragraphs=[retouched.replace(" ", "  "), *rest])

    def remove(self, position: int, how: str = "404") -> ReplicaArticle:
        """The article at `position` taken down, as the site may do it: "404" or "410", the
        site's error page served with 200 ("error page"), or a redirect to the home page
        ("redirect"). It stays in the listing, as a card the site forgot; restore() undoes it."""
        if how not in pages.REMOVALS:
            raise ValueError(f"unknown removal {how!r}; known: {', '.join(pages.REMOVALS)}")
        article = self.articles[position]
        self.removed[article.path] = how
        return article

    def restore(self, article: ReplicaArticle) -> None:
        self.removed.pop(article.path, None)

    def unpublish(self, *positions: int) -> list[ReplicaArticle]:
        """Takes the articles at `positions` off the listing (their pages answer 404): the
        cards below move up."""
        gone = [self.articles[n] for n in positions]
        self._set_articles([a for a in self.articles if a not in gone])
        return gone

    def unlist(self, *positions: int) -> list[ReplicaArticle]:
        """Takes the articles at `positions` off the section's listing (and the all-news
        feed) while their pages, the feeds and the sitemaps keep them: a listing that misses
        articles. expected_items() still has them."""
        taken = [self.articles[n] for n in positions]
        self.unlisted = taken + self.unlisted
        self._set_articles([a for a in self.articles if a not in taken])
        return taken

    def unlist_other_news(self, *positions: int) -> list[ReplicaArticle]:
        """unlist() for news of other sections: off the all-news feed, in the feeds and sitemaps."""
        taken = [self.other_news[n] for n in positions]
        self.unlisted = taken + self.unlisted
        self.other_news = [a for a in self.other_news if a not in taken]
        self._set_articles(self.articles)
        return taken

    def move(self, position: int, path: str) -> ReplicaArticle:
        """Serves the article at `position` under `path` alone, its card linking there: the
        site changing the form of its article URLs."""
        moved = replace(self.articles[position], path=path, listing_href=path, amp_paths=[])
        self._set_articles([moved if a.article_id == moved.article_id else a for a in self.articles])
        return moved

    def add_fault(self, kind: str, pattern: str, value=None, times: int | None = None, rate: float = 1.0) -> Fault:
        fault = Fault(kind, pattern, value, times, rate)
        self.faults.append(fault)
        return fault

    def fail(self, article: ReplicaArticle, status: int = 503) -> Fault:
        """The article's page answers `status` until heal()."""
        return self.add_fault("status", f"^{article.path}$", status)

    def heal(self, article: ReplicaArticle) -> None:
        self.faults = [f for f in self.faults if f.pattern != f"^{article.path}$"]

    def on_request(self, target: str, change: Callable[[], None]) -> None:
        self.hooks[target] = change

    def after_requests(self, counts: Callable[[str], bool], number: int, action: Callable[[], None]) -> None:
        """Runs `action` once, as the `number`th request whose target `counts` is served
        (before its answer is sent)."""
        self.counted_hook = (counts, number, action)

    def expected_items(self, base_url: str) -> dict[str, dict]:
        """What a perfect crawler stores: every article but the broken ones; a redesigned
        page is read by the fallback parser, which finds no lead; a page in an unknown design
        by the generic extractor, which finds its title, time and text alone."""
        items = {}
        for a in [*self.articles, *self.unlisted]:
            defect = self.defects.get(a.article_id)
            if defect is None:
                items[a.expected_id] = a.expected_item(base_url)
            elif defect == "redesign":
                items[a.expected_id] = {**a.expected_item(base_url), "layout": "fallback", "lead": None}
            elif defect == "half emoji":  # the lone surrogate, read as what it is: no character
                items[a.expected_id] = {**a.expected_item(base_url), "author": f"\ufffd {a.author}"}
            elif defect == "unknown layout":  # what trafilatura reads of a page that shows no more
                items[a.expected_id] = {**a.expected_item(base_url), **GENERIC_UNKNOWN, "layout": "generic"}
        return items

    def respond(self, target: str, base_url: str, headers: dict[str, str] | None = None) -> Reply:
        """The reply to a request target such as '/x?page=2' (`headers`: the request's)."""
        with self._lock:
            self.requests[target] += 1
            self.request_times.setdefault(target, []).append(time.monotonic())
            number = self.requests[target]
            if self.counted_hook and self.counted_hook[0](target):
                counts, left, action = self.counted_hook
                self.counted_hook = (counts, left - 1, action) if left > 1 else None
                if left == 1:
                    action()
        try:
            fault = next((f for f in self.faults if f.applies(target, number, self.seed)), None)
            if fault and fault.kind in LISTING_FAULTS:
                return self._answer(urlsplit(target), base_url, listing_fault=fault)
            reply = self._answer(urlsplit(target), base_url)
            reply = apply(fault, reply) if fault else reply
            return self._conditional(reply, headers or {})
        finally:
            with self._lock:
                change = self.hooks.pop(target, None)
            if change:
                change()

    def _listing_page(self, page: int, listing_fault: Fault | None) -> str:
        """The section's listing page, as a listing fault (LISTING_FAULTS) changes what it holds."""
        articles, last_page = self.articles, -(-len(self.articles) // pages.CARDS_PER_PAGE)
        kind, value = (listing_fault.kind, listing_fault.value) if listing_fault else (None, None)
        if kind == "empty":
            articles = []
        elif kind == "repeat" and page > last_page:
            page = last_page if value == "last" else int(str(value))
        elif kind == "endless" and page > last_page:  # the section's cards again, never the same page twice
            shift = page * 3 % len(articles)
            articles, page = articles[shift:] + articles[:shift], 1
        return pages.listing_page(
            articles, page, self.listing_design, self.noisy_listing, self.section_at == "menu", self.edition
        )

    def _answer(self, parts, base_url: str, listing_fault: Fault | None = None) -> Reply:
        reply = self._page(parts, base_url, listing_fault)
        if self.election_tags or b'href="/tag/' not in reply.body:
            return reply
        text = pages.unwalkable_tags(reply.body.decode("utf-8", "surrogateescape"))
        return replace(reply, body=text.encode("utf-8", "surrogateescape"))

    def _page(self, parts, base_url: str, listing_fault: Fault | None = None) -> Reply:
        html = "text/html; charset=utf-8"
        if parts.path == "/robots.txt":
            disallowed = "".join(f"\nDisallow: {path}" for path in self.disallowed)
            robots = pages.ROBOTS_TXT.format(base_url=base_url, disallowed=disallowed)
            return Reply(200, "text/plain; charset=utf-8", robots.encode())
        if parts.path in self.channel_paths:
            return Reply(200, "application/xml; charset=utf-8", self.channel_paths[parts.path](base_url).encode())
        chrome = {
            "/": lambda: pages.home_page(self.articles, self.section_at == "menu", self.edition),
            pages.SITE_MAP_PATH: lambda: pages.site_map_page(self.section_at == "site map", self.edition),
            pages.TAGS_PATH: lambda: pages.tags_page(
                self.section_at == "tags", self.edition, tuple(self.election_tags)
            ),
        }
        if parts.path in chrome:
            return Reply(200, html, chrome[parts.path]().encode())
        if parts.path == pages.ALL_NEWS_PATH:
            text = pages.all_news_page(
                self.all_news(), listing_page_number(parts.query), self.section_at == "menu", self.edition
            )
            return Reply(200, html, text.encode())
        if parts.path == pages.LISTING_PATH:
            text = self._listing_page(listing_page_number(parts.query), listing_fault)
            return Reply(200, html, text.encode())
        tag = next((name for name in self.tag_names() if pages.tag_path(name) == parts.path), None)
        if tag is not None and self.election_tags:
            text = pages.tag_page(self.tagged(tag), tag, listing_page_number(parts.query), self.edition)
            return Reply(200, html, text.encode())
        if parts.path in self.removed:
            return removal_reply(self.removed[parts.path])
        article = self.by_path.get(parts.path)
        if article:
            return self._article_reply(article, base_url)
        return Reply(404, html, b"<html><body><h1>Page not found</h1></body></html>")

    def _article_reply(self, article: ReplicaArticle, base_url: str) -> Reply:
        """The article's page, with validators a re-check can send back (ETag, Last-Modified)."""
        text = pages.article_page(article, self.articles, base_url, self.defects.get(article.article_id))
        if self.section_at == "none":
            text = pages.unlinked_section(text)
        body = text.encode()
        validators = {
            "ETag": f'"{hashlib.sha1(body).hexdigest()[:16]}"',
            "Last-Modified": article.published.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT"),
        }
        return Reply(200, "text/html; charset=utf-8", body, headers=validators if self.validators else {})

    @staticmethod
    def _conditional(reply: Reply, headers: dict[str, str]) -> Reply:
        """304, no body, to a request whose If-None-Match names the page's ETag."""
        asked = {name.lower(): value for name, value in headers.items()}.get("if-none-match")
        etag = reply.headers.get("ETag")
        if reply.status == 200 and etag and asked and etag in [tag.strip() for tag in asked.split(",")]:
            return replace(reply, status=304, body=b"")
        return reply


def twinned(article: ReplicaArticle, twin: ReplicaArticle | None) -> ReplicaArticle:
    """The article, linking `twin` (from the replica's root) if there is one."""
    if twin is None:
        return article
    return replace(article, twins={**article.twins, twin.edition.lang: twin.edition.prefix + twin.path})


def removal_reply(how: str) -> Reply:
    """How a page remove() took down answers (pages.REMOVALS)."""
    html = "text/html; charset=utf-8"
    if how == "redirect":
        return Reply(301, html, b"", headers={"Location": "/"})
    if how == "error page":
        return Reply(200, html, pages.ERROR_PAGE.encode())
    return Reply(int(how), html, b"<html><body><h1>Page not found</h1></body></html>")


def listing_page_number(query: str) -> int:
    try:
        return int(parse_qs(query).get("page", ["1"])[0])
    except ValueError:
        return 1


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """A client that hangs up (as a crawler does on a cut or oversized response) is no news."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class ReplicaServer:
    """Serves a ReplicaSite on 127.0.0.1 from a background thread, and `editions`, other
    ReplicaSites, each under its edition's prefix (/ru/…, /kz/…)."""

    def __init__(self, site: ReplicaSite, host: str = "127.0.0.1", port: int = 0, editions: tuple = ()):
        self.site = site
        self.sites = {s.edition.prefix: s for s in (site, *editions)}
        self.httpd = _QuietServer((host, port), _handler(self.sites))
        host, port = address(self.httpd)
        self.base_url = f"http://{host}:{port}"
        self.home_url = self.base_url + "/"
        self.start_url = self.base_url + pages.LISTING_PATH
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def edition_url(self, site: ReplicaSite) -> str:
        """Where `site`'s edition is served: the base of its URLs (no trailing slash)."""
        return self.base_url + site.edition.prefix

    def __enter__(self) -> "ReplicaServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def address(server) -> tuple[str, int]:
    """The host and port a server listens on."""
    host, port = server.server_address[:2]
    return str(host), int(port)


def mounted(sites: dict[str, ReplicaSite], target: str) -> tuple[str, str]:
    """The prefix of the site that serves `target`, and the target within that site."""
    for prefix in sorted(sites, key=len, reverse=True):
        if prefix and (target == prefix or target.startswith((prefix + "/", prefix + "?"))):
            rest = target[len(prefix) :]
            return prefix, rest if rest.startswith("/") else "/" + rest
    return "", target


def under_prefix(reply: Reply, prefix: str) -> Reply:
    """A mounted site's reply with its root-relative links and redirects under its prefix."""
    if not prefix:
        return reply
    body = re.sub(rb'((?:href|src)=")/(?!/)', rb"\1" + prefix.encode() + b"/", reply.body)
    location = reply.headers.get("Location", "")
    headers = {**reply.headers, "Location": prefix + location} if location.startswith("/") else reply.headers
    return replace(reply, body=body, headers=headers)


def _handler(sites: dict[str, ReplicaSite]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real server

        def do_GET(self) -> None:
            host, port = address(self.server)
            prefix, target = mounted(sites, self.path)
            site = sites[prefix]
            reply = under_prefix(site.respond(target, f"http://{host}:{port}{prefix}", dict(self.headers)), prefix)
            time.sleep(reply.delay)
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if reply.cut:
                self.wfile.write(reply.body[: len(reply.body) // 2])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(2)  # SHUT_RDWR: the peer sees the connection drop
                return
            pieces = 10 if reply.drip else 1
            size = max(1, -(-len(reply.body) // pieces))
            for start in range(0, len(reply.body), size):
                self.wfile.write(reply.body[start : start + size])
                self.wfile.flush()
                time.sleep(reply.drip / pieces)

        def log_message(self, format, *args) -> None:  # quiet: the counter keeps the record
            pass

    return Handler
