"""Publication times: the site writes Kazakhstan's local time; we store UTC."""

import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from crawler.site.editions import MONTHS

SITE_ZONE = ZoneInfo("Asia/Almaty")

_MONTHS = MONTHS  # every edition's month names, in every form (crawler/site/editions.py)
_DATE = r"(?P<day>\d{1,2})\s+(?P<month>[^\W\d_]+)\.?,?\s+(?P<year>\d{4})"
_TIME = r"(?P<hour>\d{1,2}):(?P<minute>\d{2})"
_OFFSET = r"(?:\s*\|?\s*GMT\s*(?P<sign>[+\-−])\s*(?P<offset>\d{1,2})(?::?(?P<offset_minutes>\d{2}))?)?"
# "8 November 2022, 15:15" (legacy), "16:37, 29 January 2026" (cards, current layout),
# "18:29, 07 January 2021 | GMT +6" (older legacy pages).
_PATTERNS = [
    re.compile(rf"{_DATE},?\s+{_TIME}{_OFFSET}"),
    re.compile(rf"{_TIME},?\s+{_DATE}{_OFFSET}"),
]
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def parse_published_at(text: str) -> str | None:
    """Turn a page's time into ISO 8601 UTC text, or None when it is not a real time.

    A stated offset ("| GMT +6", "+05:00") wins; otherwise the time is Asia/Almaty's,
    with its real rules (UTC+6 until 1 March 2024, UTC+5 since).
    """
    moment = _parse(text.strip())
    if moment is None:
        return None
    try:
        return moment.astimezone(UTC).isoformat()
    except OverflowError:  # 1 January of year 1, in a zone east of UTC
        return None


def _parse(text: str) -> datetime | None:
    if _ISO.match(text):
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return None
        return moment if moment.tzinfo else moment.replace(tzinfo=SITE_ZONE)
    for pattern in _PATTERNS:
        match = pattern.search(text)
        if match:
            return _from_match(match)
    return None


def _from_match(match: re.Match[str]) -> datetime | None:
    month = _MONTHS.get(match["month"].lower())
    if month is None:
        return None
    zone: tzinfo = SITE_ZONE
    if match["offset"]:
        sign = -1 if match["sign"] in "-−" else 1
        minutes = int(match["offset"]) * 60 + int(match["offset_minutes"] or 0)
        zone = timezone(sign * timedelta(minutes=minutes))
    try:
        return datetime(
            int(match["year"]),
            month,
            int(match["day"]),
            int(match["hour"]),
            int(match["minute"]),
            tzinfo=zone,
        )
    except ValueError:  # 31 February, 25:70 ...
        return None


def start_of_local_day(day: date) -> str:
    """The UTC instant at which `day` begins in Kazakhstan, as ISO text."""
    return datetime(day.year, day.month, day.day, tzinfo=SITE_ZONE).astimezone(UTC).isoformat()
