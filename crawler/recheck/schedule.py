"""When a stored article is fetched again, to catch what the site changes after publication.

An article is checked once its age has passed each point of the schedule
(`ELECTIONS_RECHECK_SCHEDULE`, by default 1 h, 6 h, 1 d, 3 d, 7 d, 30 d, 90 d and 365 d after
publication), as NewsDiffs thins its checks out with age: it is due when its last check came
before the latest point its age has passed. Past the last point, it is never fetched again.
A removed article is checked on the same schedule, to see it come back.

A re-check that gets no answer (a lasting 503, a timeout) or no page that reads is tried again
after a wait that grows with each failure in a row, along the schedule itself: the first
point (1 h) after the first failure, the second (6 h) after the second, and so on; past the
last point, not again. A crawl takes at most `ELECTIONS_RECHECK_MAX` due articles, those
whose re-checks never failed first, the longest overdue first, after what is new: an article
that keeps failing never heads the queue, nor starves the others.

During an election campaign (`ELECTIONS_CAMPAIGNS`: named periods, Kazakhstan's days) an
article published inside a campaign's days is due again every day, during the campaign and
for CAMPAIGN_AFTER after it, whatever its age: an observer wants an edit to a weeks-old
campaign piece within days. Campaign articles come first in the queue, the per-run cap still
holds, and the decaying schedule applies to everything else.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from crawler.site.dates import start_of_local_day

UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1)}


def parse_schedule(text: str) -> tuple[timedelta, ...]:
    """'1h,6h,1d' -> the points, in order; raises ValueError, in a sentence."""
    points = []
    for part in [p.strip() for p in str(text).split(",") if p.strip()]:
        match = re.fullmatch(r"(\d+)\s*([mhd])", part)
        if not match or int(match[1]) == 0:
            raise ValueError(f"ELECTIONS_RECHECK_SCHEDULE must list ages such as 1h,6h,1d,3d (m, h or d), got {text!r}")
        points.append(int(match[1]) * UNITS[match[2]])
    if points != sorted(set(points)):
        raise ValueError(f"ELECTIONS_RECHECK_SCHEDULE must list ages from youngest to oldest, got {text!r}")
    return tuple(points)


Schedule = tuple[timedelta, ...]  # the points after publication, youngest first


def due_since(published_at: datetime, last_checked_at: datetime, now: datetime, schedule: Schedule) -> datetime | None:
    """Since when the article is due: the latest point of the schedule its age has passed by
    `now`, when its last check came before it; None when it is not due."""
    passed: list[datetime] = [published_at + point for point in schedule if published_at + point <= now]
    if passed and last_checked_at < passed[-1]:
        return passed[-1]
    return None


@dataclass(frozen=True)
class Due:
    """A stored article to check again (Archive.due_for_recheck)."""

    article_id: str
    url: str
    since: datetime  # due since then: the longest overdue is checked first
    etag: str | None = None  # the validators its last fetch was served with: a 304 costs no page
    last_modified: str | None = None
    failures: int = 0  # re-checks in a row that failed
    campaign: str | None = None  # the campaign it is watched daily for


def retry_at(failed_at: datetime, failures: int, schedule: Schedule) -> datetime | None:
    """When a re-check that failed `failures` times in a row may be tried again: after the
    schedule's point of that number; None once there is none."""
    return failed_at + schedule[failures - 1] if failures <= len(schedule) else None


def choose(candidates: list[Due], limit: int) -> list[Due]:
    """The `limit` first: a campaign's articles, then those that failed least, the longest
    overdue first."""
    return sorted(candidates, key=lambda due: (due.campaign is None, due.failures, due.since, due.article_id))[:limit]


CAMPAIGN_AFTER = timedelta(days=30)  # a campaign's articles are watched daily this long after its last day
DAILY = timedelta(hours=20)  # "again every day": a day, less what daily runs drift by


@dataclass(frozen=True)
class Campaign:
    name: str
    start: datetime  # its first day's start in Kazakhstan, UTC
    end: datetime  # its last day's end

    def covers(self, published_at: datetime) -> bool:
        return self.start <= published_at < self.end

    def watched(self, now: datetime) -> bool:
        return self.start <= now < self.end + CAMPAIGN_AFTER


def parse_campaigns(value: Mapping[str, Any]) -> tuple[Campaign, ...]:
    """{"Presidential election 2022": ["2022-09-21", "2022-11-20"]} -> its Campaigns; raises
    ValueError, in a sentence."""
    campaigns = []
    for name, days in value.items():
        try:
            first, last = (date.fromisoformat(day) for day in days)
            if last < first:
                raise ValueError
        except (TypeError, ValueError):
            raise ValueError(
                "ELECTIONS_CAMPAIGNS must name each campaign's first and last day, "
                f'like {{"Majilis 2023": ["2023-01-19", "2023-03-19"]}}, got {name!r}: {days!r}'
            ) from None
        start, end = (datetime.fromisoformat(start_of_local_day(day)) for day in (first, last + timedelta(days=1)))
        campaigns.append(Campaign(name, start, end))
    return tuple(campaigns)


def campaign_due(
    published_at: datetime, last_checked_at: datetime, now: datetime, campaigns: tuple[Campaign, ...]
) -> tuple[datetime, str] | None:
    """Since when an article of a campaign being watched is due again, and the campaign:
    a day after its last check. None for any other article."""
    for campaign in campaigns:
        if campaign.covers(published_at) and campaign.watched(now) and now - last_checked_at >= DAILY:
            return last_checked_at + DAILY, campaign.name
    return None
