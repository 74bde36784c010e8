"""Re-extraction: the current parsers over the pages the archive kept, without the site.

Each article's latest raw page is read as the crawl of its own edition read it (the same
encoding rules, the same layouts, loader and validation, its edition's section and language);
an article's edition and section stay as stored (schema.STORED_FACTS). An article whose
extraction changed is updated, its earlier state kept in article_versions as a refresh keeps
it; a page that failed before and now reads is stored; one that no longer reads is counted as
failed and left as it was.
Run by `scrapy reparse` (crawler/commands/reparse.py).
"""

import json
import os
from collections import Counter
from contextlib import suppress
from dataclasses import dataclass, field

from scrapy.http import Headers, HtmlResponse

from crawler import topic
from crawler.archive import EXTRACTED, Archive, ArchiveError, changed_fields, comparable, utc_now, with_stored_facts
from crawler.arguments import Site
from crawler.contracts import RunStatus, Stat, Trigger
from crawler.coverage.matcher import Matcher
from crawler.coverage.measure import current_matcher, measure
from crawler.items import UnreadablePage, read_raw_page
from crawler.lock import process_alive
from crawler.middlewares import in_site_encoding
from crawler.site.editions import edition_of_url
from crawler.site.layouts import load_article
from crawler.site.text import content_hash
from crawler.validation import invalid_reason


@dataclass
class Summary:
    read: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    unreadable: list[str] = field(default_factory=list)  # "raw page <id> of <article>: <why>"
    kept: Counter[str] = field(default_factory=Counter)  # field -> articles whose stored value was kept
    selected: int = 0  # articles the topic rule selects now and rejected before: stored
    deselected: int = 0  # and the other way: out of `articles`

    def line(self) -> str:
        line = (
            f"reparse: {self.read} pages read, {self.changed} articles changed, "
            f"{self.unchanged} unchanged, {self.failed} failed"
        )
        if self.unreadable:
            line += f", {len(self.unreadable)} kept pages unreadable (first: {self.unreadable[0]})"
        if self.selected or self.deselected:
            line += (
                f"; the topic rule (version {topic.RULE_VERSION}) now selects {self.selected} articles it rejected "
                f"and rejects {self.deselected} it selected (taken out of articles)"
            )
        if self.kept:
            line += f"; {self.kept_fields()}"
        return line

    def kept_fields(self) -> str:
        counts = ", ".join(f"{name} on {count}" for name, count in sorted(self.kept.items()))
        return f"stored fields the parsers no longer find were kept: {counts} articles"

    def problems(self) -> str | None:
        problems = [f"{self.failed} stored pages no longer read"] if self.failed else []
        if self.unreadable:
            problems.append(f"{len(self.unreadable)} kept pages unreadable (first: {self.unreadable[0]})")
        if self.kept:
            problems.append(self.kept_fields())
        return "; ".join(problems) or None


def page_response(row: dict) -> HtmlResponse:
    """The response the crawl's spider was handed, rebuilt from its raw_pages row."""
    body, headers, _ = read_raw_page(row)
    response = HtmlResponse(row["final_url"], status=row["status"], headers=Headers(headers), body=body)
    return in_site_encoding(response)


def reparse(
    archive: Archive,
    sites: dict[str, Site],
    *,
    matcher: Matcher | None = None,
    since: str | None = None,
    layout: str | None = None,
    article_id: str | None = None,
) -> Summary:
    """Reads the kept pages again, each with its edition's settings (`sites`: edition -> its
    Site), measuring who each refers to with `matcher` (the repository's subjects by default);
    the run's crawl_runs row ends ok, partial, or failed with the error that stopped it."""
    matcher = matcher or current_matcher()
    summary = Summary()
    with archive.transaction():
        for earlier in archive.running_runs(trigger=Trigger.REPARSE):  # their process is gone: killed
            if not process_alive(json.loads(earlier["arguments"] or "{}").get("pid")):
                archive.mark_killed_runs("the reparse was killed", run_id=earlier["id"])
        run_id = archive.start_run(
            {
                "started_at": utc_now(),
                "trigger": Trigger.REPARSE,
                "status": RunStatus.RUNNING,
                "arguments": json.dumps({"pid": os.getpid()}),  # so that a later reparse can tell it was killed
            },
        )
    try:
        for row in archive.latest_raw_pages(since=since, layout=layout, article_id=article_id):
            reparse_page(archive, row, sites, matcher, run_id, summary)
    except BaseException as error:
        with suppress(ArchiveError):  # the error that stopped it is the one to report
            finish(archive, run_id, summary, RunStatus.FAILED, f"reparse stopped: {type(error).__name__}: {error}")
        raise
    finish(archive, run_id, summary, RunStatus.PARTIAL if summary.problems() else RunStatus.OK, summary.problems())
    return summary


def reparse_page(
    archive: Archive, row: dict, sites: dict[str, Site], matcher: Matcher, run_id: int, summary: Summary
) -> None:
    summary.read += 1
    try:
        response = page_response(row)
    except UnreadablePage as error:
        summary.unreadable.append(str(error))
        return
    site = sites[archive.edition_of(row["article_id"]) or edition_of_url(row["url"]).code]
    item = dict(load_article(response, section=site.section, edition_lang=site.lang))
    item["edition"] = site.edition.code
    if invalid_reason(item, archive.clock.now()):
        summary.failed += 1
        return
    item["scraped_at"] = row["fetched_at"]  # it was fetched then, not now
    item["subject_mentions"] = measure(item, matcher)  # written with its text, if that changes
    with archive.transaction():
        old = archive.stored_article(row["article_id"])
        if old is not None:  # its links to other editions, for pages kept before they were read
            archive.save_twins([item], run_id)
        if not judged_again(archive, item, old, run_id, summary):
            return
        if old is None:  # a page that failed before, or one the topic rule rejected before, read now
            archive.save_articles([item], run_id)
        elif changed_fields(old, keep_lost_fields(old, with_stored_facts(item, old), summary), EXTRACTED):
            archive.replace_article(item, old, run_id)
        else:
            summary.unchanged += 1
            return
    summary.changed += 1


def judged_again(archive: Archive, item: dict, old: dict | None, run_id: int, summary: Summary) -> bool:
    """An article of the all-news feed is judged again by today's topic rule: False when the
    rule rejects it (taken out of `articles` if it was in)."""
    earlier = archive.topic_verdict(item["article_id"])
    if earlier is None:
        return True  # listed in the section: the site said it belongs
    verdict = topic.judge(item)
    item["topic_verdict"] = verdict.row(item, earlier["listing_url"])
    archive.save_verdicts([item["topic_verdict"]], run_id)
    if verdict.selected and not earlier["selected"]:
        summary.selected += 1
    if not verdict.selected and old is not None:
        archive.remove_article(item["article_id"])
        summary.deselected += 1
    return verdict.selected


def finish(archive: Archive, run_id: int, summary: Summary, status: RunStatus, problems: str | None) -> None:
    with archive.transaction():
        archive.finish_run(
            run_id,
            {
                "finished_at": utc_now(),
                "status": status,
                "healthy": int(problems is None),
                "health_problems": problems,
                "articles_updated": summary.changed,
                "articles_unchanged": summary.unchanged,
                "counters": json.dumps({Stat.VALIDATED: summary.read}),
            },
        )


# Fields a page may lack: when today's parsers find none where the stored article has one,
# the parsers lost it, not the page (the page is the same): the stored value stays.
KEPT_WHEN_LOST = ("lead", "dateline", "source", "author", "tags", "image_url")


def keep_lost_fields(old: dict, item: dict, summary: Summary) -> dict:
    """The item with the stored value of each field it lost, counted in the summary."""
    for column in KEPT_WHEN_LOST:
        if comparable(column, old[column]) is not None and comparable(column, item.get(column)) is None:
            item[column] = comparable(column, old[column])
            summary.kept[column] += 1
    item["content_hash"] = content_hash(item.get("title"), item.get("lead"), item.get("body"))
    return item
