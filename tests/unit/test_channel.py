"""The second channel (crawler/crawl/channel.py) on its own: built as the spider builds it,
fed built feeds and sitemaps, its requests and counts checked."""

from scrapy.http import XmlResponse

from crawler.contracts import Stat
from crawler.crawl.channel import SecondChannel
from crawler.site.layouts import feeds
from crawler.walk import Walk, WalkPlan
from tests.unit.crawl_parts import LISTING, SITE, Parts, crawl_parts


def channel_of(parts: Parts, listing: str = LISTING, selecting: bool = False) -> SecondChannel:
    parts.run.walk_listing(listing, selecting)
    return SecondChannel(parts.context, parts.run, parts.crawler.stats, parts.outcomes, parts.article_request)


def walked(parts: Parts, oldest: str = "2026-11-01T00:00:00+00:00") -> Parts:
    """A walk that read a listing page, down to a card of `oldest`."""
    walk = Walk(WalkPlan(), listing_url=LISTING)
    walk.read(1, ["a1"])
    parts.run.walks.append(walk)
    parts.crawler.stats.set_value(Stat.OLDEST_CARD_AT, oldest)
    return parts


def entry(path: str, published_at: str | None, *names: str) -> feeds.Entry:
    return feeds.Entry(SITE + path, published_at, "A title", names)


def test_the_channel_is_read_once_after_the_walk_from_robots_txt_and_each_feed():
    channel = channel_of(walked(crawl_parts(ELECTIONS_FEEDS="/rss/en.xml,/rss/eng.xml")))
    requests = channel.begin()
    assert [r.url for r in requests] == [SITE + "/robots.txt", SITE + "/rss/en.xml", SITE + "/rss/eng.xml"]
    assert all(r.meta["handle_httpstatus_list"] == [404, 410] for r in requests)  # guesses: a 404 is an answer
    assert (channel.fallback, channel.since) == (False, "2026-11-01T00:00:00+00:00")
    assert channel.begin() == []  # once a run
    assert channel_of(walked(crawl_parts(ELECTIONS_SECOND_CHANNEL=False))).begin() == []
    assert channel_of(walked(crawl_parts()), listing="").begin() == []  # no listing walked: -a url=


def test_a_listing_with_no_page_read_makes_the_channel_a_fallback_of_any_age():
    channel = channel_of(crawl_parts())
    channel.begin()
    assert (channel.fallback, channel.since) == (True, None)


def test_the_cross_check_takes_what_the_section_would_include_and_the_walk_missed():
    parts = walked(crawl_parts(known={"0eb7f9"}))
    parts.run.requested_ids.add("666326")
    channel = channel_of(parts)
    channel.begin()
    entries = [
        entry("/news/missed-by-the-walk-a1b2c3", "2026-11-20T05:00:00+00:00", "Elections 2026"),
        entry("/news/stored-already-0eb7f9", "2026-11-20T05:00:00+00:00", "Elections"),
        entry("/news/requested-already-666326", "2026-11-20T05:00:00+00:00", "Elections"),
        entry("/news/another-section-d4e5f6", "2026-11-20T05:00:00+00:00", "Economy"),
        entry("/news/older-than-the-walk-reached-a7b8c9", "2026-10-01T05:00:00+00:00", "Elections"),
        entry("/news/undated-aabbcc", None, "Elections"),
        feeds.Entry("https://example.org/news/elsewhere-ddeeff", "2026-11-20T05:00:00+00:00", None, ("Elections",)),
    ]
    taken = list(channel.take(entries, SITE + "/rss/en.xml"))
    assert [r.url for r in taken] == [SITE + "/news/missed-by-the-walk-a1b2c3"]
    assert taken[0].meta["selected_from"] == SITE + "/rss/en.xml"
    stats = parts.crawler.stats
    assert (stats.get_value(Stat.CHANNEL_MISSED), stats.get_value(Stat.CHANNEL_ENTRIES)) == (1, len(entries))
    assert stats.get_value(Stat.CHANNEL_FALLBACK) is None
    assert list(channel.take(entries, SITE + "/rss/en.xml")) == []  # requested now


def test_on_the_all_news_feed_every_entry_is_taken_for_the_topic_rule_to_judge():
    parts = walked(crawl_parts())
    channel = channel_of(parts, SITE + "/lenta", selecting=True)
    channel.begin()
    [request] = channel.take([entry("/news/sport-news-a1b2c3", "2026-11-20T05:00:00+00:00", "Sport")], SITE + "/rss")
    assert request.meta["selected_from"] == SITE + "/rss"  # the verdict names where it was listed
    assert parts.crawler.stats.get_value(Stat.CHANNEL_MISSED) == 1


def test_the_channel_takes_its_own_editions_articles_alone():
    """A host's sitemaps list every edition it serves: on the Russian feed, an English
    article there was judged in English, selected, and stored as the Russian edition's."""
    parts = walked(crawl_parts(arguments={"edition": "ru"}))
    channel = channel_of(parts, SITE + "/ru/lenta", selecting=True)
    channel.begin()
    entries = [
        entry("/news/cec-registers-candidates-a1b2c3", "2026-11-20T05:00:00+00:00"),  # the English edition's
        entry("/ru/tsik-zaregistriroval-kandidatov-d4e5f6", "2026-11-20T05:00:00+00:00"),
    ]
    assert [r.url for r in channel.take(entries, SITE + "/sitemap.xml")] == [
        SITE + "/ru/tsik-zaregistriroval-kandidatov-d4e5f6"
    ]


def test_a_sitemap_index_is_followed_newest_first_within_the_window():
    channel = channel_of(walked(crawl_parts(ELECTIONS_SITEMAP_CHILDREN=2)))
    channel.begin()
    body = (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{SITE}/s-2026-09.xml</loc><lastmod>2026-09-30</lastmod></sitemap>"
        f"<sitemap><loc>{SITE}/s-2026-11.xml</loc><lastmod>2026-11-20</lastmod></sitemap>"
        f"<sitemap><loc>{SITE}/s-2026-10.xml</loc><lastmod>2026-10-31</lastmod></sitemap>"
        "</sitemapindex>"
    )
    requests = list(channel.parse_sitemap(XmlResponse(url=SITE + "/sitemap.xml", body=body.encode())))
    # The newest two; of those, October's was last changed before the walk's oldest card.
    assert [r.url for r in requests] == [SITE + "/s-2026-11.xml"]


def test_a_feed_that_is_none_is_counted_with_the_first_one_named():
    parts = walked(crawl_parts())
    channel = channel_of(parts)
    broken = XmlResponse(url=SITE + "/rss/en.xml", body=b"<html>not a feed</html>")
    assert list(channel.parse_feed(broken)) == []
    assert list(channel.parse_feed(XmlResponse(url=SITE + "/rss/eng.xml", status=404, body=b""))) == []
    stats = parts.crawler.stats
    assert stats.get_value(Stat.CHANNEL_FAILED) == 1  # a 404 is an answer: no feed there
    assert stats.get_value(Stat.CHANNEL_FAILED_AT) == f"{SITE}/rss/en.xml: HTTP 200, not a feed"
