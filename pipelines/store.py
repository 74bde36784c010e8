import logging
from collections import Counter
from dataclasses import asdict
from typing import Any, Self, TypeGuard

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler import signals as crawler_signals
from crawler.archive import Archive, ArchiveError, ArchiveRefused
from crawler.arguments import chosen_edition
from crawler.contracts import CheckOutcome, EventKind, Stat
from crawler.crawl.context import CrawlContext
from crawler.crawl.run import RunState
from crawler.items import Article
from crawler.responses import first_url
from crawler.site.text import valid_text
from crawler.site.urls import listed_id
from pipelines.topic import NotInSection
from pipelines.validate import InvalidArticle

logger = logging.getLogger(__name__)


class StorePipeline:
    """Writes articles, their earlier versions, the pages that failed, the topic rule's
    verdicts (pipelines/topic.py), and the raw page each was read from (in the same
    transaction as what it produced), in batched transactions
    named after the run (the ledger's Stat.RUN_ID), into the archive the
    archive_opened signal hands it (crawler.state.OpenArchive).

    A writer waits for another (ELECTIONS_DB_BUSY_TIMEOUT); a batch that still cannot be
    written is kept and tried again with the next one, and at the end. Counts go into the
    stats only once their transaction has committed; what is never written is counted as
    unwritten, and the ledger records the run as failed."""

    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.batch_size = settings.getint("ELECTIONS_DB_BATCH_SIZE")
        self.batch_bytes = settings.getint("ELECTIONS_DB_BATCH_BYTES")
        self.max_attempts = settings.getint("ELECTIONS_MAX_ATTEMPTS")
        self.archive: Archive | None = None
        self.edition = chosen_edition(settings, None)  # the crawl's, once its context says (-a edition=)
        self.flush_at = self.batch_size  # items held at which the next write is tried
        self.articles: list[dict[str, Any]] = []
        self.failures: dict[str, dict[str, Any]] = {}  # by url: a page that fails twice in a run counts once
        self.verdicts: list[dict[str, Any]] = []  # of the articles held, and of those the topic rule rejected
        self.raw_pages: list[dict[str, Any]] = []  # of the articles, failures and rejected articles held
        self.aliases: dict[str, str] = {}  # listed id -> the article's id, written with the next batch
        self.checks: list[dict[str, Any]] = []  # re-checks that stored no page: unchanged, removed, failed ...
        self.excluded: set[str] = set()  # URLs robots.txt forbids: no longer failures, if they were
        self.raw_bytes = 0  # their compressed bodies' size: big pages make a batch full sooner
        self.flush_bytes_at = self.batch_bytes

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(pipeline.item_error, signal=signals.item_error)
        crawler.signals.connect(pipeline.page_failed, signal=crawler_signals.page_failed)
        crawler.signals.connect(pipeline.crawl_opened, signal=crawler_signals.crawl_opened)
        crawler.signals.connect(pipeline.archive_opened, signal=crawler_signals.archive_opened)
        crawler.signals.connect(pipeline.article_moved, signal=crawler_signals.article_moved)
        crawler.signals.connect(pipeline.article_checked, signal=crawler_signals.article_checked)
        crawler.signals.connect(pipeline.page_excluded, signal=crawler_signals.page_excluded)
        return pipeline

    def crawl_opened(self, context: CrawlContext, run: RunState) -> None:
        self.edition = context.edition

    def archive_opened(self, archive: Archive) -> None:
        self.archive = archive

    def article_moved(self, alias_id: str, article_id: str) -> None:
        self.aliases[alias_id] = article_id

    def article_checked(self, article_id: str, outcome: str, detail: str | None) -> None:
        self.checks.append({"article_id": article_id, "outcome": outcome, "detail": detail})
        self.flush_when_full()

    def page_excluded(self, url: str, article_id: str | None) -> None:
        self.excluded.add(url)

    def process_item(self, item: Article) -> Article:
        item["edition"] = self.edition
        self.keep_raw_page(item)
        self.keep_verdict(item)
        self.articles.append(dict(item))
        self.flush_when_full()
        return item

    def item_dropped(self, item: Article, response: Response | None, exception: BaseException) -> None:
        if isinstance(exception, InvalidArticle) and item.get("recheck_of"):
            self.keep_raw_page(item)  # the page as it is now, beside the stored article
            self.article_checked(item["recheck_of"], *recheck_outcome(item, str(exception)))
        elif isinstance(exception, InvalidArticle):  # a page read wrong is kept too: a better parser may read it
            self.keep_raw_page(item)
            self.item_failed(item, response, str(exception))
        elif isinstance(exception, NotInSection):  # rejected: remembered, and kept for a changed rule
            self.keep_raw_page(item)
            self.keep_verdict(item)
            self.flush_when_full()

    def keep_verdict(self, item: Article) -> None:
        if item.get("topic_verdict"):
            self.verdicts.append(item["topic_verdict"])

    def keep_raw_page(self, item: Article) -> None:
        raw_page = item.get("raw_page")
        if raw_page is not None:
            self.raw_pages.append({"article_id": item.get("article_id") or listed_id(raw_page.url), **asdict(raw_page)})
            self.raw_bytes += len(raw_page.body)

    def item_error(self, item: Article, response: Response | None, spider: Spider, failure: Failure) -> None:
        """An exception in a pipeline: the page failed, with that reason."""
        self.item_failed(item, response, f"{type(failure.value).__name__}: {failure.value}")

    def item_failed(self, item: Article, response: Response | None, reason: str) -> None:
        """Recorded under the URL the listing gave, which the next run requests again."""
        url = first_url(response.request) if response is not None and response.request else str(item.get("url"))
        self.page_failed(url, item.get("article_id") or listed_id(url), reason, item.get("layout"))

    def page_failed(self, url: str, article_id: str | None, reason: str, layout: str | None = None) -> None:
        self.failures[url] = {**failure_row(url, article_id, reason, layout), "edition": self.edition}
        self.flush_when_full()

    def held(self) -> int:
        """Rows waiting to be written: articles, failures, rejected articles' verdicts, re-checks."""
        return len(self.articles) + len(self.failures) + len(self.rejected()) + len(self.checks) + len(self.excluded)

    def rejected(self) -> list[dict[str, Any]]:
        return [verdict for verdict in self.verdicts if not verdict["selected"]]

    def close_spider(self) -> None:
        self.flush()
        held = self.held()
        if held:
            self.stats.inc_value(Stat.UNWRITTEN, held)
            logger.error(
                "%d fetched articles and failures could not be written: %s",
                held,
                self.stats.get_value(Stat.WRITE_ERROR),
            )

    def flush_when_full(self) -> None:
        by_bytes = self.batch_bytes and self.raw_bytes >= self.flush_bytes_at  # 0: no bound
        if self.held() >= self.flush_at or by_bytes:
            self.flush()

    def flush(self) -> None:
        if not self.held() or self.archive is None:
            return
        try:
            counts = self.write(self.articles, list(self.failures.values()), self.raw_pages, self.verdicts, self.checks)
        except Exception as error:
            if archive_down(error):
                self.keep(error)
                return
            # A row the archive refuses, or one it cannot take at all (a character no encoder
            # takes): written one at a time, one row fails alone, with its URL and reason.
            logger.warning(
                "A batch of %d rows could not be written (%s): writing them one at a time", self.held(), error
            )
            try:
                self.write_one_by_one()
            except ArchiveError as down:  # the archive failed midway: what is left is kept
                self.keep(down)
            return
        self.commit(counts)
        self.articles, self.failures, self.raw_pages, self.verdicts, self.checks = [], {}, [], [], []
        self.flush_at = self.batch_size
        self.raw_bytes, self.flush_bytes_at = 0, self.batch_bytes

    def keep(self, error: ArchiveError) -> None:
        """What could not be written is kept, and tried again once another batch has come in
        (each try may wait the whole busy timeout), and when the spider closes."""
        held = self.held()
        self.flush_at, self.flush_bytes_at = held + self.batch_size, self.raw_bytes + self.batch_bytes
        self.stats.set_value(Stat.WRITE_ERROR, str(error))
        logger.error("Could not write %d articles and failures (%s): kept, to be tried again", held, error)

    def commit(self, counts: dict[str, int]) -> None:
        """Counts go into the stats once their transaction has committed."""
        for key, count in counts.items():
            self.stats.inc_value(key, count)

    def write(
        self,
        articles: list[dict[str, Any]],
        failures: list[dict[str, Any]],
        raw_pages: list[dict[str, Any]],
        verdicts: list[dict[str, Any]],
        checks: list[dict[str, Any]] | None = None,
    ) -> dict[str, int]:
        """One transaction; returns the counts it committed."""
        archive, run_id = self.archive, self.stats.get_value(Stat.RUN_ID)
        counts: Counter[str] = Counter()  # added up: two writes may count the same key (restored)
        assert archive is not None  # flush() writes only once the archive is open
        with archive.transaction():
            if articles:
                counts.update(archive.save_articles(articles, run_id))
            if failures:
                counts.update(archive.save_failures(failures, run_id, self.max_attempts))
            if verdicts:
                archive.save_verdicts(verdicts, run_id)
                counts[Stat.TOPIC_SELECTED] = sum(bool(verdict["selected"]) for verdict in verdicts)
                counts[Stat.TOPIC_REJECTED] = len(verdicts) - counts[Stat.TOPIC_SELECTED]
            if raw_pages:
                counts[Stat.RAW_PAGES] = archive.save_raw_pages(raw_pages, run_id)
            if self.aliases:
                archive.save_aliases(self.aliases)
            if checks:
                counts.update(archive.save_checks(checks, run_id))
            if self.excluded:
                archive.forget_failures(sorted(self.excluded))
        self.aliases, self.excluded = {}, set()
        return counts

    def write_one_by_one(self) -> None:
        """Each article (with its raw pages and verdict), each failure, the re-checks and each
        rejected article's verdict in a transaction of its own, taken from what is held once
        committed. An article the archive does not take becomes a failure that says why, and
        stays pending; a failure that cannot be written either is counted as unwritten.
        Raises ArchiveError when the archive itself fails: what is left stays held."""
        for article in list(self.articles):
            pages = self.pages_of(article["article_id"])
            verdicts = [v for v in self.verdicts if v["article_id"] == article["article_id"]]
            refused = self.try_write(f"Article {article['url']} could not be stored", [article], [], pages, verdicts)
            if refused:  # a failure now, its raw page kept with it
                reason = f"not stored: {refusal(refused)}"
                self.failures[article["url"]] = {**failure_of(article, reason), "edition": self.edition}
            else:
                self.forget_pages(article["article_id"])
            self.verdicts = [v for v in self.verdicts if v not in verdicts]
            self.articles.remove(article)
        for url, failure in list(self.failures.items()):
            pages = self.pages_of(failure["article_id"])
            refused = self.try_write(f"The failure of {url} could not be recorded", [], [failure], pages, [])
            if refused and pages:  # its raw page, maybe, is what the archive does not take
                refused = self.try_write(f"The failure of {url} could not be recorded", [], [failure], [], [])
            if refused:
                self.stats.inc_value(Stat.UNWRITTEN)
            self.forget_pages(failure["article_id"])
            del self.failures[url]
        if self.checks:  # updates of rows that exist, with no text from the site
            self.commit(self.write([], [], [], [], self.checks))
            self.checks = []
        for verdict in self.rejected():
            pages = self.pages_of(verdict["article_id"])
            if self.try_write(f"The verdict on {verdict['url']} could not be recorded", [], [], pages, [verdict]):
                self.stats.inc_value(Stat.UNWRITTEN)
            self.forget_pages(verdict["article_id"])
            self.verdicts.remove(verdict)
        self.raw_pages, self.raw_bytes = [], 0
        self.flush_at, self.flush_bytes_at = self.batch_size, self.batch_bytes

    def try_write(self, what: str, *rows: list[dict[str, Any]]) -> Exception | None:
        """One transaction of `rows` (write()'s lists); when the archive does not take them,
        the error, and a line saying `what` and why. Raises ArchiveError when the archive itself
        fails."""
        try:
            self.commit(self.write(*rows))
        except Exception as error:
            if archive_down(error):
                raise
            logger.error("%s (%s)", what, refusal(error))
            return error
        return None

    def pages_of(self, article_id: str) -> list[dict[str, Any]]:
        return [page for page in self.raw_pages if page["article_id"] == article_id]

    def forget_pages(self, article_id: str) -> None:
        self.raw_pages = [page for page in self.raw_pages if page["article_id"] != article_id]


def recheck_outcome(item: Article, reason: str) -> tuple[str, str]:
    """What a re-check's page that no longer reads as an article found: with its title but no
    text, a stub left in the article's place (withdrawn, once); else a failed check, tried
    again later, the stored article kept as it is."""
    if reason == "missing body" and item.get("title"):
        return EventKind.WITHDRAWN, "the page keeps its title but has no text"
    return CheckOutcome.FAILED, reason


def archive_down(error: Exception) -> TypeGuard[ArchiveError]:
    """Is it the archive that failed (busy, full, unwritable), not one row it does not take?"""
    return isinstance(error, ArchiveError) and not isinstance(error, ArchiveRefused)


def refusal(error: Exception) -> str:
    """Why a row was not taken, in words that are themselves valid text."""
    if isinstance(error, ArchiveRefused):
        return f"the archive refuses it ({error})"
    return valid_text(f"{type(error).__name__}: {error}")


def failure_row(url: str, article_id: str | None, reason: str, layout: str | None = None) -> dict[str, Any]:
    """A dropped_items row; its reason may quote the site (a header, a page's words): valid text."""
    return {"url": url, "article_id": article_id, "layout": layout, "reason": valid_text(reason)}


def failure_of(article: dict[str, Any], reason: str) -> dict[str, Any]:
    return failure_row(article["url"], article["article_id"], reason, article.get("layout"))
