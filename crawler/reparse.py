"""Re-extraction: the current parsers over the pages the archive kept, without the site.

Each article's latest raw page is read as the crawl read it (the same encoding rules, the
same layouts, loader and validation). An article whose extraction changed is updated, its
earlier state kept in article_versions as a refresh keeps it; a page that failed before and
now reads is stored; one that no longer reads is counted as failed and left as it was.
Run by `scrapy reparse` (crawler/commands/reparse.py).
"""

import json
import zlib
from dataclasses import dataclass

from scrapy.http import Headers, HtmlResponse
from sqlite_utils import Database

from crawler import archive
from crawler.contracts import RunStatus, Stat
from crawler.layouts import load_article
from crawler.middlewares import SiteEncodingMiddleware
from crawler.validation import invalid_reason


@dataclass
class Summary:
    read: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0

    def line(self) -> str:
        return (
            f"reparse: {self.read} pages read, {self.changed} articles changed, "
            f"{self.unchanged} unchanged, {self.failed} failed"
        )


def page_response(row: dict) -> HtmlResponse:
    """The response the crawl's spider was handed, rebuilt from its raw_pages row."""
    headers = Headers({name: values for name, values in json.loads(row["headers"]).items()})
    response = HtmlResponse(row["final_url"], status=row["status"], headers=headers, body=zlib.decompress(row["body"]))
    return SiteEncodingMiddleware().process_response(None, response)


def reparse(
    db: Database,
    section: str,
    edition_lang: str,
    *,
    since: str | None = None,
    layout: str | None = None,
    article_id: str | None = None,
) -> Summary:
    summary = Summary()
    with archive.write_transaction(db):
        run_id = archive.start_run(
            db, {"started_at": archive.utc_now(), "trigger": "reparse", "status": RunStatus.RUNNING}
        )
    for row in archive.latest_raw_pages(db, since=since, layout=layout, article_id=article_id):
        summary.read += 1
        item = dict(load_article(page_response(row), section=section, edition_lang=edition_lang))
        if invalid_reason(item):
            summary.failed += 1
            continue
        item["scraped_at"] = row["fetched_at"]  # it was fetched then, not now
        with archive.write_transaction(db):
            old = archive.stored_article(db, row["article_id"])
            if old is None:  # a page that failed before, read now
                archive.save_articles(db, [item], run_id)
            elif extraction_changed(old, item):
                archive.replace_article(db, item, old, run_id)
            else:
                summary.unchanged += 1
                continue
        summary.changed += 1
    with archive.write_transaction(db):
        archive.finish_run(
            db,
            run_id,
            {
                "finished_at": archive.utc_now(),
                "status": RunStatus.OK if not summary.failed else RunStatus.PARTIAL,
                "healthy": int(not summary.failed),
                "health_problems": f"{summary.failed} stored pages no longer read" if summary.failed else None,
                "articles_updated": summary.changed,
                "articles_unchanged": summary.unchanged,
                "counters": json.dumps({Stat.VALIDATED: summary.read}),
            },
        )
    return summary


def extraction_changed(old: dict, item: dict) -> bool:
    for column in archive.EXTRACTED:
        stored, now = old[column], item.get(column)
        if column == "tags":
            stored, now = json.loads(stored or "[]"), now or []
        if stored != now:
            return True
    return False
