"""The ledger of runs: one `crawl_runs` row per crawl, opened when the archive is and closed
with Scrapy's finish reason, the run's counts, an honest status and its health. The run's
id goes into the stats (Stat.RUN_ID), for whoever writes rows that name it."""

import json
import logging
from pathlib import Path
from typing import Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from crawler.archive import Archive, ArchiveError
from crawler.contracts import FinishReason, RunStatus, Stat
from crawler.crawl.context import CrawlContext
from crawler.crawl.run import RunState
from crawler.health import HealthPolicy, health_problems, unaccounted_articles
from crawler.signals import archive_opened, crawl_opened
from crawler.state import stop_unwritable
from crawler.walk import LISTING_ENDS, Walk, is_gapless

logger = logging.getLogger(__name__)


class RunLedger:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.trigger = crawler.settings.get("ELECTIONS_TRIGGER")
        self.run_id_file = crawler.settings.get("ELECTIONS_RUN_ID_FILE")
        self.policy = HealthPolicy.from_settings(crawler.settings)
        self.archive: Archive | None = None
        self.run_id: int | None = None
        self.closed = False
        self.context: CrawlContext | None = None
        self.run: RunState | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        ledger = cls(crawler)
        crawler.signals.connect(ledger.crawl_opened, signal=crawl_opened)
        crawler.signals.connect(ledger.archive_opened, signal=archive_opened)
        crawler.signals.connect(ledger.spider_closed, signal=signals.spider_closed)
        return ledger

    def crawl_opened(self, context: CrawlContext, run: RunState) -> None:
        self.context, self.run = context, run

    def archive_opened(self, archive: Archive) -> None:
        self.archive = archive
        try:
            with archive.transaction():
                # This crawl holds the database's lock: a run still marked running was killed.
                archive.mark_killed_runs("the crawl was killed")
                self.run_id = archive.start_run(self.new_run())
        except ArchiveError as error:  # nothing could be stored either
            stop_unwritable(self.crawler, error)
            return
        self.crawler.stats.set_value(Stat.RUN_ID, self.run_id)
        if self.run_id_file:  # the scheduler's job reads which run is its own
            Path(self.run_id_file).write_text(f"{self.run_id}\n")
        logger.info("Crawl run %d started (%s)", self.run_id, self.trigger)

    def new_run(self) -> dict[str, Any]:
        assert self.archive is not None and self.context is not None  # crawl_opened comes first
        return {
            "started_at": self.archive.clock.iso(),
            "trigger": self.trigger,
            "arguments": json.dumps(self.context.given, sort_keys=True),
            "start_url": self.context.arguments.start_url,
            "edition": self.context.edition,
            "status": RunStatus.RUNNING,
        }

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.run_id is None or self.closed:
            return  # the run could not even be opened: the crawl exits non-zero, with the reason logged
        self.closed = True
        assert self.archive is not None  # a run is opened only once the archive is
        stats = self.crawler.stats.get_stats()
        run = {"finished_at": self.archive.clock.iso(), "finish_reason": reason, **run_counts(stats, reason)}
        run["status"] = run_status(reason, run, stats)
        if stats.get(Stat.LISTING_URL):
            run["start_url"] = stats[Stat.LISTING_URL]
        try:
            problems = self.close_run(run, stats)
        except ArchiveError as error:  # the next run marks it failed; this one exits non-zero
            logger.error("Crawl run %d could not be recorded (%s)", self.run_id, error)
            return
        self.crawler.stats.set_value(Stat.RUN_STATUS, str(run["status"]))
        self.crawler.stats.set_value(Stat.RUN_HEALTHY, run["healthy"])
        summary = ", ".join(f"{name} {value}" for name, value in run.items() if name.startswith("articles_"))
        level = logging.INFO if run["status"] == RunStatus.OK else logging.WARNING
        logger.log(level, "Crawl run %d %s (%s): %s", self.run_id, run["status"], reason, summary)
        if problems:
            logger.error("Crawl run %d is unhealthy: %s", self.run_id, "; ".join(problems))

    def close_if_unclosed(self) -> None:
        """Scrapy stops without closing a spider that a SIGTERM finds still opening (its
        engine not yet started): that run is closed here, as shut down, not left running."""
        if self.run_id is not None and not self.closed:
            logger.info("Crawl run %d was stopped before its engine started", self.run_id)
            assert self.crawler.spider is not None  # the run opened with it
            self.spider_closed(self.crawler.spider, FinishReason.SHUTDOWN)

    def close_run(self, run: dict[str, Any], stats: dict[str, Any]) -> list[str]:
        """Completes the run's row with its health; returns the health problems."""
        assert self.archive is not None and self.run_id is not None  # the run was opened
        coverage = self.archive.field_coverage(self.run_id, list(self.policy.min_coverage))
        problems = health_problems(run, stats, coverage, self.policy)
        run.update(healthy=int(not problems), health_problems="; ".join(problems) or None)
        delisted = 0
        unbroken = walk_unbroken(run["finish_reason"], run, stats)
        walks = [walk_row(self.run_id, walk, unbroken) for walk in self.run.walks if not walk.main] if self.run else []
        with self.archive.transaction():
            if run["listing_complete"] and run.get("start_url") and self.run:  # every card of the listing read
                delisted = self.archive.save_delisted(run["start_url"], self.run.listed_ids, self.run_id)
            self.archive.save_listing_walks(walks)
            self.archive.finish_run(self.run_id, run)
        if delisted:
            self.crawler.stats.set_value(Stat.DELISTED, delisted)
            logger.warning("%d stored articles are no longer listed by %s (delisted)", delisted, run["start_url"])
        return problems


def walk_unbroken(reason: str, counts: dict[str, Any], stats: dict[str, Any]) -> bool:
    """Did the run read every listing page it walked, account for every article it
    requested, and end as it should?"""
    return (
        reason == FinishReason.FINISHED
        and not stats.get(Stat.LISTING_FAILED)
        and not stats.get(Stat.CHALLENGE_URL)
        and not stats.get(Stat.RUNAWAY)
        and not stats.get(Stat.CARDS_UNKNOWN)  # cards neither stored nor pending
        and not stats.get(Stat.SHIFT_UNVERIFIED)  # the listing moved further than a re-read can tell
        and not stats.get(Stat.UNWRITTEN)
        and not stats.get("spider_exceptions/count")
        and not unaccounted_articles(counts, stats)
    )


def walk_row(run_id: int, walk: Walk, unbroken: bool) -> dict[str, Any]:
    """A walk beside the run's listing (an election tag's), as listing_walks keeps it."""
    return {
        "run_id": run_id,
        "listing_url": walk.listing_url,
        "name": walk.name,
        "found_by": walk.found_by,
        "listing_pages": len(walk.pages),
        "walk_stop": walk.stop and str(walk.stop),
        "walk_top_ids": json.dumps(walk.top_ids),
        "newest_card_at": walk.newest_at,
        "gapless": int(is_gapless(walk.stop, unbroken)),
    }


def run_counts(stats: dict[str, Any], reason: str) -> dict[str, Any]:
    responses = {
        f"responses_{n}xx": sum(v for k, v in stats.items() if k.startswith(f"downloader/response_status_count/{n}"))
        for n in (2, 3, 4, 5)
    }
    counts = {
        "requests": stats.get("downloader/request_count", 0),
        **responses,
        "download_errors": stats.get("downloader/exception_count", 0),
        "bytes": stats.get("downloader/response_bytes", 0),
        "listing_pages": stats.get(Stat.LISTING_PAGES, 0),
        "oldest_card_at": stats.get(Stat.OLDEST_CARD_AT),
        "articles_new": stats.get(Stat.STORED_NEW, 0),
        "articles_updated": stats.get(Stat.STORED_UPDATED, 0),
        "articles_unchanged": stats.get(Stat.STORED_UNCHANGED, 0),
        "articles_pending": stats.get(Stat.PENDING, 0),
        "articles_dropped": stats.get(Stat.DROPPED, 0),
        "rechecked": stats.get(Stat.RECHECKED, 0),
        "minor_edits": stats.get(Stat.MINOR_EDITS, 0),
        "removed": stats.get(Stat.REMOVED, 0),
        "restored": stats.get(Stat.RESTORED, 0),
    }
    stop, unbroken = stats.get(Stat.WALK_STOP), walk_unbroken(reason, counts, stats)
    own = {key: value for key, value in sorted(stats.items()) if key.startswith(Stat.OWN_PREFIXES)}
    return {
        **counts,
        "counters": json.dumps(own),
        "listing_complete": int(unbroken and stop in LISTING_ENDS),
        "walk_stop": stop,
        "walk_top_ids": stats.get(Stat.WALK_TOP_IDS),
        "listing_found_by": stats.get(Stat.LISTING_FOUND_BY),
        "walk_missed": stats.get(Stat.CHANNEL_MISSED, 0) if stats.get(Stat.CHANNEL_SOURCES) else None,
        "gapless": int(is_gapless(stop, unbroken)),
    }


def run_status(reason: str, counts: dict[str, Any], stats: dict[str, Any]) -> str:
    """Scrapy finishes with 'finished' even when every request failed, so read the counts:
    failed when no listing page with cards was read (unless it was stopped on purpose first,
    or the feeds and sitemaps stood in) or the archive could not be written; partial when the run was cut short or
    something failed on the way; ok otherwise."""
    if stats.get(Stat.ONE_ARTICLE):  # -a url=: no listing; the article stored, or not
        stored = counts["articles_new"] + counts["articles_updated"] + counts["articles_unchanged"]
        return RunStatus.OK if stored and reason == FinishReason.FINISHED else RunStatus.FAILED
    no_listing = counts["listing_pages"] == 0 and not stats.get(Stat.CHANNEL_FALLBACK)  # the feeds stood in
    if (no_listing and reason != FinishReason.SHUTDOWN) or stats.get(Stat.UNWRITTEN):
        return RunStatus.FAILED
    if (
        reason != FinishReason.FINISHED
        or counts["articles_pending"] + counts["articles_dropped"] > stats.get(Stat.ARTICLES_GONE, 0)
        or stats.get(Stat.LISTING_FAILED)
        or stats.get(Stat.RUNAWAY)
        or stats.get(Stat.CARDS_UNKNOWN)
        or stats.get("log_count/ERROR")
    ):
        return RunStatus.PARTIAL
    return RunStatus.OK
