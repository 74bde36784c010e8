import threading
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tests.replica import pages
from tests.replica.content import Generator, ReplicaArticle


class ReplicaSite:
    """The section's articles and how each URL answers. Counts every request it serves.

    It changes as a newsroom does: publish() puts new articles on top of the listing,
    edit() rewrites one, fail() makes a page answer with an HTTP error, and
    on_request() runs a change the moment a given URL is served (mid-crawl).
    """

    def __init__(self, articles: int = 200, seed: int = 1, defects: dict[int, str] | None = None):
        """`defects` maps an article's position in the listing (0 = newest) to one of
        pages.DEFECTS; such an article is expected in dropped_items, not in articles."""
        self.generator = Generator(seed)
        self.articles: list[ReplicaArticle] = []
        self.by_path: dict[str, ReplicaArticle] = {}
        self._set_articles(self.generator.archive(articles))
        self.defects = {self.articles[n].article_id: defect for n, defect in (defects or {}).items()}
        self.faults: dict[str, int] = {}  # path -> HTTP status it answers with
        self.hooks: dict[str, Callable[[], None]] = {}  # request target -> change, run once
        self.requests: Counter[str] = Counter()
        self._lock = threading.Lock()

    def _set_articles(self, articles: list[ReplicaArticle]) -> None:
        self.by_path = {path: a for a in articles for path in [a.path, *a.amp_paths]}
        self.articles = articles

    def publish(self, count: int) -> list[ReplicaArticle]:
        """`count` new articles, newer than any before, on top of the listing."""
        new = self.generator.later(count, after=self.articles[0].published)
        self._set_articles(new + self.articles)
        return new

    def edit(self, position: int) -> ReplicaArticle:
        """Rewrites the body of the article at `position` in the listing; same id and URL."""
        edited = self.generator.edited(self.articles[position])
        self._set_articles([edited if a.article_id == edited.article_id else a for a in self.articles])
        return edited

    def fail(self, article: ReplicaArticle, status: int = 503) -> None:
        self.faults[article.path] = status

    def heal(self, article: ReplicaArticle) -> None:
        self.faults.pop(article.path, None)

    def on_request(self, target: str, change: Callable[[], None]) -> None:
        self.hooks[target] = change

    def expected_items(self, base_url: str) -> dict[str, dict]:
        return {
            a.article_id: a.expected_item(base_url) for a in self.articles if a.article_id not in self.defects
        }

    def respond(self, target: str, base_url: str) -> tuple[int, str, str]:
        """(status, content type, body) for a request target such as '/x?page=2'."""
        with self._lock:
            self.requests[target] += 1
        try:
            return self._answer(urlsplit(target), base_url)
        finally:
            with self._lock:
                change = self.hooks.pop(target, None)
            if change:
                change()

    def _answer(self, parts, base_url: str) -> tuple[int, str, str]:
        html = "text/html; charset=utf-8"
        if parts.path == "/robots.txt":
            return 200, "text/plain; charset=utf-8", pages.ROBOTS_TXT
        if parts.path in self.faults:
            status = self.faults[parts.path]
            return status, html, f"<html><body><h1>Error {status}</h1></body></html>"
        if parts.path == pages.LISTING_PATH:
            try:
                page = int(parse_qs(parts.query).get("page", ["1"])[0])
            except ValueError:
                page = 1
            return 200, html, pages.listing_page(self.articles, page)
        article = self.by_path.get(parts.path)
        if article:
            return 200, html, pages.article_page(article, self.articles, base_url, self.defects.get(article.article_id))
        return 404, html, "<html><body><h1>Page not found</h1></body></html>"


class ReplicaServer:
    """Serves a ReplicaSite on 127.0.0.1 from a background thread."""

    def __init__(self, site: ReplicaSite, host: str = "127.0.0.1", port: int = 0):
        self.site = site
        self.httpd = ThreadingHTTPServer((host, port), _handler(site))
        self.httpd.daemon_threads = True
        host, port = self.httpd.server_address[:2]
        self.base_url = f"http://{host}:{port}"
        self.start_url = self.base_url + pages.LISTING_PATH
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "ReplicaServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _handler(site: ReplicaSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real server

        def do_GET(self) -> None:
            host, port = self.server.server_address[:2]
            status, content_type, text = site.respond(self.path, f"http://{host}:{port}")
            body = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args) -> None:  # quiet: the counter keeps the record
            pass

    return Handler
