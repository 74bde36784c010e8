"""Is the archive still being filled as it should? Checks made after every run.

A crawl can finish "successfully" while the site has quietly changed under it: listing
cards that no longer parse, articles in markup nobody knows, a field that stopped
appearing. Each check returns a problem, in words, or None.
"""

from dataclasses import dataclass

from crawler.contracts import FinishReason, Layout, Stat


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
    repeat of one stored, nor rejected by the topic rule: lost, unless the run was cut short before fetching them.
    `run`: the crawl_runs counts."""
    accounted = sum(
        run[key]
        for key in (
            "articles_new",
            "articles_updated",
            "articles_unchanged",
            "articles_pending",
            "articles_dropped",
        )
    )
    extra = stats.get(Stat.DUPLICATES, 0) + stats.get(Stat.UNWRITTEN, 0) + stats.get(Stat.TOPIC_REJECTED, 0)
    return max(0, stats.get(Stat.ARTICLES_REQUESTED, 0) - accounted - extra)


def health_problems(run: dict, stats: dict, coverage: dict[str, float], policy: HealthPolicy) -> list[str]:
    """`run`: the crawl_runs counts; `coverage`: field -> share of the articles this run stored."""
    requested = stats.get(Stat.ARTICLES_REQUESTED, 0)
    parsed = stats.get(Stat.VALIDATED, 0)
    no_known_layout = sum(
        stats.get(Stat.VALIDATE_LAYOUT + layout, 0) for layout in (Layout.UNKNOWN, Layout.FALLBACK, Layout.GENERIC)
    )
    generic = stats.get(Stat.VALIDATE_LAYOUT + Layout.GENERIC, 0)
    gone = stats.get(Stat.ARTICLES_GONE, 0)
    failed = max(0, run["articles_pending"] + run["articles_dropped"] - gone)  # gone pages are the site's doing
    stored = run["articles_new"] + run["articles_updated"] + run["articles_unchanged"]
    problems = []
    instead = (
        f"; {stats[Stat.CHANNEL_FALLBACK]} articles were taken from the feeds and sitemaps instead"
        if stats.get(Stat.CHANNEL_FALLBACK)
        else ""
    )
    if stats.get(Stat.CHALLENGE_URL):
        problems.append(
            f"the site blocked the crawler with a bot challenge ({stats.get(Stat.CHALLENGE)}) at "
            f"{stats[Stat.CHALLENGE_URL]}: "
            + (
                "the listing was not read"
                if stats.get(Stat.CHANNEL_FALLBACK)
                else "the crawl stopped, and what it did not fetch is left for the next run"
            )
        )
    if stats.get(Stat.SECTION_NOT_FOUND):
        problems.append(stats[Stat.SECTION_NOT_FOUND])
    if stats.get(Stat.UNWRITTEN) or run["finish_reason"] == FinishReason.UNWRITABLE:
        problems.append(
            f"the archive could not be written ({stats.get(Stat.WRITE_ERROR)}): "
            f"{stats.get(Stat.UNWRITTEN, 0)} fetched articles and failures were not stored; "
            "the next run fetches them again"
        )
    if stats.get(Stat.LISTING_FAILED) and run["listing_pages"]:
        problems.append(
            f"{stats[Stat.LISTING_FAILED]} listing page(s) could not be read ({stats.get(Stat.LISTING_FAILED_AT)}): "
            "the walk ended there, and the next run walks on past the gap"
        )
    if stats.get(Stat.CARDS_UNKNOWN):
        problems.append(
            f"{stats[Stat.CARDS_UNKNOWN]} listing card(s) link to URLs the crawler does not take for articles "
            f"(first: {stats.get(Stat.CARDS_UNKNOWN_AT)}): the site may have changed its article URLs "
            "(crawler/urls.py), and those articles are not stored"
        )
    if stats.get(Stat.RUNAWAY):
        problems.append(f"runaway listing: {stats[Stat.RUNAWAY]}")
    lost = unaccounted_articles(run, stats)
    if lost and run["finish_reason"] == FinishReason.FINISHED:
        problems.append(f"{lost} article pages were requested but neither stored nor recorded as failed")
    stopped_on_purpose = run["finish_reason"] == FinishReason.SHUTDOWN  # before it read much, maybe
    if run["listing_pages"] == 0 and not stats.get(Stat.ONE_ARTICLE) and not stopped_on_purpose:
        failed_at, unreachable_at = stats.get(Stat.LISTING_FAILED_AT), stats.get(Stat.UNREACHABLE_AT)
        if unreachable_at:
            problems.append(f"site unreachable at {unreachable_at}: no listing page with cards was read{instead}")
        else:
            problems.append("no listing page with cards was read" + (f" ({failed_at})" if failed_at else "") + instead)
    if requested > gone and not stored and not stopped_on_purpose:
        problems.append(f"{requested} article pages requested, none stored")
    for field, minimum in policy.min_coverage.items():
        if field in coverage and coverage[field] < minimum:
            problems.append(f"field coverage: {field} on {coverage[field]:.0%} of stored articles, below {minimum:.0%}")
    if generic:  # no parser reads them: someone must write one, whatever their share
        problems.append(
            f"{generic} page(s) in an unknown design, stored as read by the generic extractor (layout 'generic'): "
            "their raw pages are kept; a layout module for the design (docs/site.md), then scrapy reparse, "
            "reads them right"
        )
    if parsed and no_known_layout / parsed > policy.max_drift:
        problems.append(f"layout drift: {no_known_layout} of {parsed} article pages in no known layout")
    if requested and failed / requested > policy.max_error_rate:
        problems.append(f"error rate: {failed} of {requested} article pages failed")
    if gone >= MANY_GONE and gone / requested > policy.max_gone_rate:
        problems.append(
            f"{gone} of {requested} article pages are gone (HTTP 404 or 410, or sent to a page that is no "
            "article): the site may have moved its articles"
        )
    if run["finish_reason"] not in (
        FinishReason.FINISHED,
        FinishReason.SHUTDOWN,  # stopped on purpose (SIGTERM, Ctrl-C): no malfunction
        FinishReason.BOT_CHALLENGE,
        FinishReason.SECTION_NOT_FOUND,
        FinishReason.UNWRITABLE,
    ):
        problems.append(f"the run ended early ({run['finish_reason']})")
    return problems
