"""Is the archive still being filled as it should? Checks made after every run.

A crawl can finish "successfully" while the site has quietly changed under it: listing
cards that no longer parse, articles in markup nobody knows, a field that stopped
appearing. Each check is a small function of the run's evidence that yields its problems, in
words; CHECKS lists them in the order they are told, as Scrapy's CloseSpider keys its
conditions.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from crawler.contracts import FinishReason, Layout, Stat
from crawler.site.layouts.home import ELECTION_TAG


@dataclass(frozen=True)
class HealthPolicy:
    min_coverage: dict[str, float]  # field -> share of the run's stored articles that must have it
    max_drift: float  # share of article pages in no known layout (read by the fallback, or not at all)
    max_error_rate: float  # share of requested article pages that failed, gone ones aside
    max_gone_rate: float  # share of requested article pages gone (Stat.ARTICLES_GONE), when MANY_GONE or more

    @classmethod
    def from_settings(cls, settings) -> "HealthPolicy":
        return cls(
            min_coverage=settings.getdict("ELECTIONS_HEALTH_MIN_COVERAGE"),
            max_drift=settings.getfloat("ELECTIONS_HEALTH_MAX_DRIFT"),
            max_error_rate=settings.getfloat("ELECTIONS_HEALTH_MAX_ERROR_RATE"),
            max_gone_rate=settings.getfloat("ELECTIONS_HEALTH_MAX_GONE_RATE"),
        )


# Fewer gone articles than this in one run are removals, whatever their share: one removed
# article retried by a run that fetches nothing else is no malfunction.
MANY_GONE = 5


def unaccounted_articles(run: dict, stats: dict) -> int:
    """Article pages requested that ended neither stored, nor recorded as failed, nor as a
    repeat of one stored, nor rejected by the topic rule, nor excluded by robots.txt: lost,
    unless the run was cut short before fetching them.
    `run`: the crawl_runs counts."""
    accounted = sum(
        run.get(key) or 0  # a run recorded before a count existed has none
        for key in (
            "articles_new",
            "articles_updated",
            "articles_unchanged",
            "articles_pending",
            "articles_dropped",
            "minor_edits",
        )
    )
    # A re-check that stored no page (a 304, a removal) or got no answer (tried again later), and
    # a page robots.txt forbids, are accounted for.
    extra = sum(
        stats.get(key, 0)
        for key in (
            Stat.DUPLICATES,
            Stat.UNWRITTEN,
            Stat.TOPIC_REJECTED,
            Stat.RECHECK_RECORDED,
            Stat.RECHECK_FAILED,
            Stat.ROBOTS_EXCLUDED,
        )
    )
    return max(0, stats.get(Stat.ARTICLES_REQUESTED, 0) - accounted - extra)


@dataclass(frozen=True)
class Evidence:
    """What a run's health is judged on: `run`, its crawl_runs counts; `coverage`, field ->
    share of the articles it stored."""

    run: dict
    stats: dict
    coverage: dict[str, float]
    policy: HealthPolicy

    @property
    def requested(self) -> int:
        return self.stats.get(Stat.ARTICLES_REQUESTED, 0)

    @property
    def gone(self) -> int:
        return self.stats.get(Stat.ARTICLES_GONE, 0)

    @property
    def failed(self) -> int:
        """Article pages that failed, gone ones aside: those are the site's doing."""
        return max(0, self.run["articles_pending"] + self.run["articles_dropped"] - self.gone)

    @property
    def without_page(self) -> int:
        """Article requests that store no page when all is well: re-checks answered 304, gone or
        redirected, re-checks that failed (tried again later), pages robots.txt forbids, and the
        all-news feed's articles the topic rule rejected (a day with no election news)."""
        return sum(
            self.stats.get(key, 0)
            for key in (Stat.RECHECK_RECORDED, Stat.RECHECK_FAILED, Stat.ROBOTS_EXCLUDED, Stat.TOPIC_REJECTED)
        )

    @property
    def stored(self) -> int:
        return self.run["articles_new"] + self.run["articles_updated"] + self.run["articles_unchanged"]

    @property
    def stopped_on_purpose(self) -> bool:  # before it read much, maybe
        return self.run["finish_reason"] == FinishReason.SHUTDOWN

    def layout_count(self, *layouts: Layout) -> int:
        return sum(self.stats.get(Stat.VALIDATE_LAYOUT + layout, 0) for layout in layouts)

    def instead(self) -> str:
        """What stood in for a listing that could not be read."""
        taken = self.stats.get(Stat.CHANNEL_FALLBACK)
        return f"; {taken} articles were taken from the feeds and sitemaps instead" if taken else ""


Check = Callable[[Evidence], Iterator[str]]


def challenged(e: Evidence) -> Iterator[str]:
    if e.stats.get(Stat.CHALLENGE_URL):
        after = (
            "the listing was not read"
            if e.stats.get(Stat.CHANNEL_FALLBACK)
            else "the crawl stopped, and what it did not fetch is left for the next run"
        )
        yield (
            f"the site blocked the crawler with a bot challenge ({e.stats.get(Stat.CHALLENGE)}) at "
            f"{e.stats[Stat.CHALLENGE_URL]}: {after}"
        )


def section_not_found(e: Evidence) -> Iterator[str]:
    if e.stats.get(Stat.SECTION_NOT_FOUND):
        yield e.stats[Stat.SECTION_NOT_FOUND]


def section_lost(e: Evidence) -> Iterator[str]:
    """Once: the next run's last search is the feed's."""
    if e.stats.get(Stat.SECTION_LOST):
        instead = (
            "the election tags alone"
            if e.run.get("listing_found_by") == ELECTION_TAG
            else "the all-news feed instead, keeping what the topic rule selects (docs/topic-rule.md)"
        )
        lost = e.stats[Stat.SECTION_LOST]
        yield f"the section is lost: its listing ({lost}) is behind no door now; this run walked {instead}"


def unwritable(e: Evidence) -> Iterator[str]:
    if e.stats.get(Stat.UNWRITTEN) or e.run["finish_reason"] == FinishReason.UNWRITABLE:
        yield (
            f"the archive could not be written ({e.stats.get(Stat.WRITE_ERROR)}): "
            f"{e.stats.get(Stat.UNWRITTEN, 0)} fetched articles and failures were not stored; "
            "the next run fetches them again"
        )


def listing_failed(e: Evidence) -> Iterator[str]:
    if e.stats.get(Stat.LISTING_FAILED) and e.run["listing_pages"]:
        yield (
            f"{e.stats[Stat.LISTING_FAILED]} listing page(s) could not be read "
            f"({e.stats.get(Stat.LISTING_FAILED_AT)}): the walk ended there, and the next run walks on past the gap"
        )


def unknown_cards(e: Evidence) -> Iterator[str]:
    if e.stats.get(Stat.CARDS_UNKNOWN):
        yield (
            f"{e.stats[Stat.CARDS_UNKNOWN]} listing card(s) link to URLs the crawler does not take for articles "
            f"(first: {e.stats.get(Stat.CARDS_UNKNOWN_AT)}): the site may have changed its article URLs "
            "(crawler/site/urls.py), and those articles are not stored"
        )


def runaway(e: Evidence) -> Iterator[str]:
    if e.stats.get(Stat.RUNAWAY):
        yield f"runaway listing: {e.stats[Stat.RUNAWAY]}"


def lost(e: Evidence) -> Iterator[str]:
    count = unaccounted_articles(e.run, e.stats)
    if count and e.run["finish_reason"] == FinishReason.FINISHED:
        yield f"{count} article pages were requested but neither stored nor recorded as failed"


def no_listing_read(e: Evidence) -> Iterator[str]:
    if e.run["listing_pages"] == 0 and not e.stats.get(Stat.ONE_ARTICLE) and not e.stopped_on_purpose:
        failed_at, unreachable_at = e.stats.get(Stat.LISTING_FAILED_AT), e.stats.get(Stat.UNREACHABLE_AT)
        if unreachable_at:
            yield f"site unreachable at {unreachable_at}: no listing page with cards was read{e.instead()}"
        else:
            yield "no listing page with cards was read" + (f" ({failed_at})" if failed_at else "") + e.instead()


def none_stored(e: Evidence) -> Iterator[str]:
    if e.requested - e.without_page > e.gone and not e.stored and not e.stopped_on_purpose:
        yield f"{e.requested - e.without_page} article pages requested, none stored"


def field_coverage(e: Evidence) -> Iterator[str]:
    for field, minimum in e.policy.min_coverage.items():
        if field in e.coverage and e.coverage[field] < minimum:
            yield f"field coverage: {field} on {e.coverage[field]:.0%} of stored articles, below {minimum:.0%}"


def unknown_design(e: Evidence) -> Iterator[str]:
    generic = e.layout_count(Layout.GENERIC)
    if generic:  # no parser reads them: someone must write one, whatever their share
        yield (
            f"{generic} page(s) in an unknown design, stored as read by the generic extractor (layout 'generic'): "
            "their raw pages are kept; a layout module for the design (docs/site.md), then scrapy reparse, "
            "reads them right"
        )


def layout_drift(e: Evidence) -> Iterator[str]:
    parsed, unknown = e.stats.get(Stat.VALIDATED, 0), e.layout_count(Layout.UNKNOWN, Layout.FALLBACK, Layout.GENERIC)
    if parsed and unknown / parsed > e.policy.max_drift:
        yield f"layout drift: {unknown} of {parsed} article pages in no known layout"


def error_rate(e: Evidence) -> Iterator[str]:
    if e.requested and e.failed / e.requested > e.policy.max_error_rate:
        yield f"error rate: {e.failed} of {e.requested} article pages failed"


def many_gone(e: Evidence) -> Iterator[str]:
    if e.gone >= MANY_GONE and e.gone / e.requested > e.policy.max_gone_rate:
        yield (
            f"{e.gone} of {e.requested} article pages are gone (HTTP 404 or 410, or sent to a page that is no "
            "article): the site may have moved its articles"
        )


# Finish reasons that say why a run ended, each told by a check of its own (or no malfunction:
# a signal, SIGTERM or Ctrl-C, is a deliberate stop).
EXPLAINED_ENDS = (
    FinishReason.FINISHED,
    FinishReason.SHUTDOWN,
    FinishReason.BOT_CHALLENGE,
    FinishReason.SECTION_NOT_FOUND,
    FinishReason.UNWRITABLE,
)


def ended_early(e: Evidence) -> Iterator[str]:
    if e.run["finish_reason"] not in EXPLAINED_ENDS:
        yield f"the run ended early ({e.run['finish_reason']})"


# Every check, in the order their problems are told.
CHECKS: tuple[Check, ...] = (
    challenged,
    section_not_found,
    section_lost,
    unwritable,
    listing_failed,
    unknown_cards,
    runaway,
    lost,
    no_listing_read,
    none_stored,
    field_coverage,
    unknown_design,
    layout_drift,
    error_rate,
    many_gone,
    ended_early,
)


def health_problems(run: dict, stats: dict, coverage: dict[str, float], policy: HealthPolicy) -> list[str]:
    """`run`: the crawl_runs counts; `coverage`: field -> share of the articles this run stored."""
    evidence = Evidence(run, stats, coverage, policy)
    return [problem for check in CHECKS for problem in check(evidence)]
