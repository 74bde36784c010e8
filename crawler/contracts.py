"""Names that two or more components share: stats keys, run statuses, finish reasons, layout
names. Each is written once, here, so that a renamed key cannot silently zero a check."""

from enum import StrEnum


class Stat:
    """Keys of Scrapy's stats that our components write and others read (plain strings, so
    that Scrapy's stats dump prints them as they are)."""

    ARTICLES_REQUESTED = "elections/articles_requested"
    # Article pages that answered 404 or 410, or sent the crawler to a page that is no article:
    # removed by the site, most likely; no malfunction of the crawl (they stay pending a while).
    ARTICLES_GONE = "elections/articles_gone"
    CARDS_SKIPPED = "elections/cards_skipped"  # links in the listing that are no article of the site
    # Cards on the site that link neither to an article URL the crawler knows nor to a listing:
    # an article URL form the crawler does not know, maybe. The first: its URL.
    CARDS_UNKNOWN = "elections/cards_unknown"
    CARDS_UNKNOWN_AT = "elections/cards_unknown_at"
    EMPTY_LISTING_PAGES = "elections/empty_listing_pages"  # a page without cards, followed by one with
    LISTING_PAGES = "elections/listing_pages"  # listing pages with cards
    LISTING_FAILED = "elections/listing_failed"  # listing pages that could not be read
    LISTING_FAILED_AT = "elections/listing_failed_at"  # the first of them: "<url>: <reason>"
    # The first home or listing page the site did not serve (no answer, 5xx, a challenge): "<url> (<reason>)"
    UNREACHABLE_AT = "elections/unreachable_at"
    LISTING_URL = "elections/listing_url"  # the section's first listing page, as given or found
    LISTING_FOUND_BY = "elections/listing_found_by"  # the door it was found behind: "menu", "site map page" ...
    OLDEST_CARD_AT = "elections/oldest_card_at"
    WALK_STOP = "elections/walk_stop"  # why the listing walk ended: a WalkStop
    WALK_TOP_IDS = "elections/walk_top_ids"  # the article ids on the first listing page read
    SECTION_NOT_FOUND = "elections/section_not_found"  # the home page's menu had no such section
    # The listing the edition's last search found behind a door is behind none now: the feed is walked
    SECTION_LOST = "elections/section_lost"
    DOOR_PAGES_TAKEN = "elections/door_pages_taken"  # article requests answered with a door's page
    CHALLENGE_URL = "elections/challenge_url"  # the first page answered with a bot challenge
    CHALLENGE = "elections/challenge"  # how: "HTTP 403, cf-mitigated: challenge"
    PAGE_ERRORS = "elections/page_errors"  # exceptions raised while a page was handled
    NOT_A_LISTING = "elections/not_a_listing"  # listing pages that did not look like one
    RUNAWAY = "elections/runaway"  # why the walk was stopped as a runaway listing
    CARDS_MOVED_UP = "elections/cards_moved_up"  # cards a page read again showed (articles removed above)
    SHIFT_UNVERIFIED = "elections/shift_unverified"  # a page read again that shares no card with its first read
    UNWRITTEN = "elections/unwritten"  # items fetched that no batch could write
    WRITE_ERROR = "elections/write_error"  # the last error of a failed write
    RETRY_AFTER_WAITS = "elections/retry_after_waits"
    STRAY_PAGE_ENDS = "elections/stray_page_ends"
    OFFSITE_REFUSED = "elections/offsite_refused"  # requests and redirects outside the crawl's bounds, never made
    # Pages robots.txt forbids: the site's choice, never fetched, never a failure
    ROBOTS_EXCLUDED = "elections/robots_excluded"
    ONE_ARTICLE = "elections/one_article"  # -a url=: the one article this run fetched
    RUN_ID = "elections/run_id"  # the crawl_runs row of this run, once the ledger opened it
    RUN_STATUS = "elections/run_status"  # the RunStatus the ledger recorded
    RUN_HEALTHY = "elections/run_healthy"  # 1 or 0, as recorded
    VALIDATED = "validate/items"
    VALIDATE_LAYOUT = "validate/layout/"  # + layout name
    VALIDATE_DROPPED = "validate/dropped/"  # + reason
    DUPLICATES = "dedupe/duplicates"
    STORED_NEW = "store/new"
    STORED_UPDATED = "store/updated"
    STORED_UNCHANGED = "store/unchanged"
    # What fetching stored articles again found (crawler/recheck/schedule.py, contracts.EventKind):
    RECHECKED = "recheck/requested"  # stored articles fetched again, as due
    RECHECK_UNCHANGED = "recheck/not_modified"  # of them, answered 304
    RECHECK_RECORDED = "recheck/recorded"  # of them, recorded with no page stored: 304, removed, redirected
    RECHECK_FAILED = "recheck/failed"  # no answer or no page that reads: due again after a wait
    MINOR_EDITS = "store/minor_edits"  # changed in form only: no version
    REMOVED = "store/removed"  # found removed or redirected (once each)
    RESTORED = "store/restored"  # found back
    DELISTED = "store/delisted"  # no longer listed by a complete walk of their listing
    PENDING = "store/pending"
    TOPIC_SELECTED = "topic/selected"  # articles of an all-news feed the topic rule selected, stored
    TOPIC_REJECTED = "topic/rejected"  # and rejected: their verdicts stored
    # The second channel (crawler/site/layouts/feeds.py), read after the walk:
    CHANNEL_SOURCES = "channel/sources"  # feeds and sitemaps read
    CHANNEL_ENTRIES = "channel/entries"  # the articles they list
    CHANNEL_FAILED = "channel/failed"  # feeds and sitemaps that could not be read (a 404 aside)
    CHANNEL_FAILED_AT = "channel/failed_at"  # the first: "<url>: <reason>"
    # Articles they list that the section (or the topic rule) would include, the archive
    # lacks and the walk did not request, although they are as new as the cards it read:
    # fetched. crawl_runs.walk_missed
    CHANNEL_MISSED = "channel/missed"
    # Such articles fetched because the listing could not be read (failed, challenged): any age
    CHANNEL_FALLBACK = "channel/fallback"
    RAW_PAGES = "store/raw_pages"
    DROPPED = "store/dropped"

    OWN_PREFIXES = (
        "elections/",
        "validate/",
        "dedupe/",
        "store/",
        "topic/",
        "channel/",
        "recheck/",
    )  # crawl_runs.counters


class RunStatus(StrEnum):
    RUNNING = "running"
    OK = "ok"
    PARTIAL = "partial"  # cut short, or something failed on the way
    FAILED = "failed"  # no listing page with cards was read


class Trigger(StrEnum):
    """crawl_runs.trigger: what started the run."""

    MANUAL = "manual"  # scrapy crawl, scheduler.py --once
    SCHEDULED = "scheduled"  # the scheduler's timetable (or a crontab line's --once --trigger scheduled)
    REPARSE = "reparse"  # scrapy reparse


class FailureStatus(StrEnum):
    """dropped_items.status"""

    PENDING = "pending"  # fetched first by the next run
    DROPPED = "dropped"  # given up until mode=full


class EventKind(StrEnum):
    """article_events.kind: what happened to a stored article (docs/schema.md)."""

    EDITED = "edited"  # its words changed: the earlier version is in article_versions
    MINOR_EDIT = "minor_edit"  # its form only (whitespace, punctuation, quotes) or a field not its text
    REMOVED = "removed"  # 404 or 410, or the site's error page
    REDIRECTED = (
        "redirected"  # sent to a page that is no article (the home page, a listing), another article, another site
    )
    WITHDRAWN = "withdrawn"  # its page is there, with its title but no text: a stub left in its place
    RESTORED = "restored"  # back, after it was removed or redirected
    DELISTED = "delisted"  # a full walk of its listing no longer lists it


class CheckOutcome(StrEnum):
    """What a re-check that stored no page found, beside the event kinds REMOVED, REDIRECTED
    and WITHDRAWN (gone, each an event once): what crawler.signals.article_checked carries."""

    UNCHANGED = "unchanged"  # a 304: the page as stored
    FAILED = "failed"  # no answer, or no page that reads: due again after a wait (crawler/recheck/schedule.py)
    EXCLUDED = "excluded"  # robots.txt now forbids the page: checked, as the site wishes


# Re-check outcomes that say the article is gone from the site (articles.removed_at)
GONE = (EventKind.REMOVED, EventKind.REDIRECTED, EventKind.WITHDRAWN)


class FinishReason(StrEnum):
    """Finish reasons of our own, beside Scrapy's ("finished", "shutdown", ...)."""

    FINISHED = "finished"
    SHUTDOWN = "shutdown"  # Scrapy's, when the crawl is sent SIGTERM or SIGINT
    BOT_CHALLENGE = "bot_challenge"
    SECTION_NOT_FOUND = "section_not_found"
    UNWRITABLE = "database_unwritable"


class WalkStop(StrEnum):
    """Why a listing walk ended."""

    END = "end"  # two pages without cards: the listing's end
    KNOWN = "known"  # a page whose cards were all stored, below where the last complete walk began
    MAX_PAGES = "max_pages"
    SINCE = "since"
    # The all-news feed's walk reached its floor, ELECTIONS_TOPIC_FIRST_DAYS before its newest
    # card: the end of what the archive keeps of it (a whole feed is the site's whole history)
    FLOOR = "floor"


class Layout(StrEnum):
    """What articles.layout stores for a page in no design we know; a known design stores the
    NAME its module gives (crawler/site/layouts/, the registry LAYOUTS; docs/site.md)."""

    FALLBACK = "fallback"  # no known design; read from structured data and semantic markup
    GENERIC = "generic"  # no known design, no structured data: read by trafilatura
    UNKNOWN = "unknown"  # nothing readable: recorded as a failure


class ExitCode:
    """Exit statuses of `scrapy crawl elections` and `scheduler.py --once`."""

    OK = 0  # the run is ok and healthy
    UNHEALTHY = 1  # the run failed, was cut short, or is unhealthy
    BAD_ARGUMENT = 2
    LOCKED = 3  # another crawl holds the database's lock
