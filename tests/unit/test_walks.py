"""The run's walks (crawler/crawl/walks.py) on their own: built as the spider builds them, the
order of the listing and the election tags, what a tag row adds, what is recorded."""

import logging

from scrapy.http import HtmlResponse

from crawler.contracts import Stat, WalkStop
from crawler.crawl.walks import Walks
from tests.unit.crawl_parts import LISTING, SITE, Parts, crawl_parts

TAG_2022 = SITE + "/tag/presidential-election-2022_t4"
TAG_2023 = SITE + "/tag/x_t5"
FEED = SITE + "/lenta"


def walks_of(parts: Parts) -> Walks:
    parts.run.election_tags = {TAG_2022: "Kazakhstan 2022 Presidential Election", TAG_2023: "Выборы-2023"}
    return Walks(parts.context, parts.run, parts.crawler.stats, logging.getLogger("walks"))


def order(walks: Walks, first) -> list[tuple[str, str, bool]]:
    return [(walk.listing_url, walk.found_by, walk.main) for walk in [first, *walks.run.walks_due]]


def test_the_tags_go_after_a_section_before_the_feed_and_alone_the_first_is_the_runs():
    walks = walks_of(crawl_parts())
    assert order(walks, walks.plan(walks.new(LISTING, "menu"))) == [
        (LISTING, "menu", True),
        (TAG_2022, "election tag", False),
        (TAG_2023, "election tag", False),
    ]
    walks = walks_of(crawl_parts())
    assert order(walks, walks.plan(walks.new(FEED, "all-news feed"))) == [
        (TAG_2022, "election tag", False),
        (TAG_2023, "election tag", False),
        (FEED, "all-news feed", True),
    ]
    walks = walks_of(crawl_parts())
    assert order(walks, walks.plan(None)) == [(TAG_2022, "election tag", True), (TAG_2023, "election tag", False)]


def test_a_tag_of_another_edition_or_site_is_not_walked():
    walks = walks_of(crawl_parts())
    walks.run.election_tags[SITE + "/ru/tag/x_t6"] = "Выборы-2021"  # the Russian edition's
    walks.run.election_tags["https://example.com/tag/x_t7"] = "Elections 2021"
    assert [walk.listing_url for walk in walks.tags()] == [TAG_2022, TAG_2023]


def test_a_tag_row_names_a_new_tag_walked_after_those_due_and_a_known_one_once():
    walks = walks_of(crawl_parts())
    walks.begin(walks.plan(walks.new(LISTING, "menu")))
    row = '<div class="article__tags"><a href="/tag/x_t5">Выборы-2023</a> <a href="/tag/x_t8">Referendum 2026</a></div>'
    page = HtmlResponse(SITE + "/news/x-97d5e1", body=f"<html><body>{row}</body></html>".encode(), encoding="utf-8")
    walks.note_tags(page)
    walks.note_tags(page)  # a second page with the same row adds nothing
    assert [walk.name for walk in walks.run.walks_due] == [
        "Kazakhstan 2022 Presidential Election",
        "Выборы-2023",
        "Referendum 2026",
    ]


def test_only_the_runs_listing_is_in_the_runs_stats():
    parts = crawl_parts()
    walks = walks_of(parts)
    walks.begin(walks.plan(walks.new(LISTING, "menu")))
    walks.ended(WalkStop.KNOWN)
    walks.begin(walks.run.walks_due.pop(0))
    walks.ended(WalkStop.END)
    stats = parts.crawler.stats
    assert (stats.get_value(Stat.LISTING_URL), stats.get_value(Stat.WALK_STOP)) == (LISTING, "known")
    assert (walks.current.listing_url, walks.current.stop) == (TAG_2022, WalkStop.END)
    assert parts.run.listing_url == LISTING and parts.run.main_walk is parts.run.walks[0]
