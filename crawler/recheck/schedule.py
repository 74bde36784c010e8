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
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

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


def retry_at(failed_at: datetime, failures: int, schedule: Schedule) -> datetime | None:
    """When a re-check that failed `failures` times in a row may be tried again: after the
    schedule's point of that number; None once there is none."""
    return failed_at + schedule[failures - 1] if failures <= len(schedule) else None


def choose(candidates: list[Due], limit: int) -> list[Due]:
    """The `limit` first: those that failed least, the longest overdue first."""
    return sorted(candidates, key=lambda due: (due.failures, due.since, due.article_id))[:limit]
