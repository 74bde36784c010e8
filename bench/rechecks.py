"""Re-checks (crawler/recheck/schedule.py): what they cost the site and how soon they see an edit, from
the schedule, with one crawl a day at 06:00 in Astana as the scheduler runs it.

python bench/rechecks.py

1. Re-check requests per article over its first year: ours (ELECTIONS_RECHECK_SCHEDULE)
   against diffengine's rule (check again once the time since the last check reaches 0.2 of
   the article's age), for articles published at every hour of a day.
2. The requests of a steady-state daily run (10 new articles a day, a year of archive): the
   minimum without re-checks (replica.crawling.minimum_requests) against the same run with
   the re-checks due that day, counted by the archive's own due_for_recheck over a year of
   daily runs.
3. The median delay from an edit to its detection, by the article's age when edited: ours
   against diffengine's rule.
4. During an election campaign (ELECTIONS_CAMPAIGNS): the same delays for an article
   published on a campaign's first day, watched daily to 30 days after its 60 days, and the
   re-checks of a daily run on the campaign's last day, against the same without a campaign.
"""

import statistics
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from crawler.archive import open_archive
from crawler.clock import Clock
from crawler.contracts import CheckOutcome
from crawler.recheck.schedule import Campaign, campaign_due, due_since, parse_campaigns, parse_schedule
from crawler.setting_records import DEFAULTS
from replica.crawling import minimum_requests

SCHEDULE = parse_schedule(DEFAULTS["ELECTIONS_RECHECK_SCHEDULE"])
DAY, HOUR = timedelta(days=1), timedelta(hours=1)
START = datetime(2026, 1, 1, 1, 0, tzinfo=UTC)  # 06:00 in Astana
YEAR = 365


def runs(since: datetime, days: int) -> list[datetime]:
    first = START + (since - START).days * DAY
    return [first + n * DAY for n in range(days + 2) if first + n * DAY > since]


def ours(published: datetime, checked: datetime, now: datetime) -> bool:
    return due_since(published, checked, now, SCHEDULE) is not None


def diffengine(published: datetime, checked: datetime, now: datetime) -> bool:
    return now - checked >= 0.2 * (now - published)


def checks(rule, published: datetime, days: int = YEAR + 1) -> list[datetime]:
    """The daily runs that check the article, first stored at the first run after it came out."""
    times = runs(published, days)
    done, checked = [], times[0]
    for now in times[1:]:
        if now - published > days * DAY:
            break
        if rule(published, checked, now):
            done.append(now)
            checked = now
    return done


def requests_per_article() -> None:
    day = [START + 2 * HOUR + n * HOUR for n in range(24)]
    mine = [len(checks(ours, p)) for p in day]
    theirs = [len(checks(diffengine, p)) for p in day]
    print(
        f"re-check requests per article, first year: ours {statistics.mean(mine):.1f} "
        f"(min {min(mine)}, max {max(mine)}; {len(SCHEDULE)} points), diffengine's 0.2-of-age rule "
        f"{statistics.mean(theirs):.1f}: {statistics.mean(mine) / statistics.mean(theirs):.2f}x"
    )


# A 60-day campaign ending on the steady-state run's day (day 366), and one for the delays.
LAST_60_DAYS = parse_campaigns({"the last 60 days": [str((START + 306 * DAY).date()), str((START + 365 * DAY).date())]})
FROM_PUBLICATION = parse_campaigns({"60 days": [str(START.date()), str((START + 59 * DAY).date())]})


def with_campaign(campaigns: tuple[Campaign, ...]):
    def rule(published: datetime, checked: datetime, now: datetime) -> bool:
        return campaign_due(published, checked, now, campaigns) is not None or ours(published, checked, now)

    return rule


def steady_state_run() -> None:
    """A year of 10 articles a day, checked by daily runs as the crawl checks them, then the
    run of day 366: the requests it adds to the day's minimum."""
    baseline = minimum_requests(10, discovery=True)
    due_counts = daily_rechecks(())
    rechecks = due_counts[-1]
    print(
        f"steady-state daily run (10 new a day, a year of archive): {baseline + rechecks} requests, "
        f"{rechecks} of them re-checks (a week's mean {statistics.mean(due_counts[-7:]):.0f}); "
        f"without re-checks {baseline}: {(baseline + rechecks) / baseline:.2f}x"
    )
    campaign = daily_rechecks(LAST_60_DAYS)[-1]
    print(
        f"the same run on the last day of a 60-day campaign (ELECTIONS_CAMPAIGNS): {baseline + campaign} requests, "
        f"{campaign} of them re-checks (ELECTIONS_RECHECK_MAX {DEFAULTS['ELECTIONS_RECHECK_MAX']}), against "
        f"{baseline + rechecks} without the campaign: {(baseline + campaign) / (baseline + rechecks):.2f}x"
    )


def daily_rechecks(campaigns: tuple[Campaign, ...]) -> list[int]:
    """The re-checks of each daily run over a year of 10 new articles a day."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        due_counts = []
        for day in range(YEAR + 1):
            now = START + day * DAY
            with open_archive(path, clock=Clock(now)) as archive:
                due = archive.due_for_recheck(SCHEDULE, DEFAULTS["ELECTIONS_RECHECK_MAX"], "en", campaigns)
                with archive.transaction():
                    archive.save_checks(
                        [{"article_id": d.article_id, "outcome": CheckOutcome.UNCHANGED, "detail": None} for d in due],
                        day,
                    )
                    archive.save_articles([article(day, n) for n in range(10)], day)
            due_counts.append(len(due))
    return due_counts


def article(day: int, number: int) -> dict:
    """An article published `number` hours and 17 minutes before the run of `day`."""
    published = START + day * DAY - (number + 1) * HOUR + 17 * timedelta(minutes=1)
    return {
        "article_id": f"{day:03d}{number:03d}",
        "url": f"https://qazinform.com/news/bench-{day:03d}{number:03d}",
        "title": f"Article {number} of day {day}",
        "body": "Text.",
        "published_at": published.isoformat(),
        "tags": [],
    }


def detection_delays(rules=(ours, diffengine), against: str = "diffengine's rule") -> None:
    buckets = {"< 1 d": (0, 1), "1–7 d": (1, 7), "7–30 d": (7, 30), "30–90 d": (30, 90), "90–365 d": (90, 365)}
    published = START + 5 * HOUR
    lines = []
    for name, (low, high) in buckets.items():
        edits = [published + low * DAY + (high - low) * DAY * step / 200 for step in range(200)]
        line = []
        for rule in rules:
            done = checks(rule, published)
            delays = [next((c for c in done if c > edit), None) for edit in edits]
            seen = [(found - edit) / DAY for found, edit in zip(delays, edits, strict=True) if found]
            line.append((statistics.median(seen) if seen else float("inf"), len(seen) / len(edits)))
        (mine, mine_seen), (theirs, theirs_seen) = line
        lines.append(
            f"  edited at {name:>8}: median {mine:6.1f} days to detection ({mine_seen:.0%} seen); "
            f"{against} {theirs:5.1f} days ({theirs_seen:.0%}): {mine / theirs:.2f}x"
        )
    print("\n".join(lines))


def main() -> None:
    requests_per_article()
    steady_state_run()
    print("median delay from an edit to its detection, by the article's age when edited:")
    detection_delays()
    print("the same, for an article published on a 60-day campaign's first day, with the campaign and without:")
    detection_delays((with_campaign(FROM_PUBLICATION), ours), "without")


if __name__ == "__main__":
    main()
