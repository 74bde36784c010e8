"""What makes an article storable: one rule, used by the validate pipeline, by re-extraction
and by make check-site."""

from datetime import UTC, datetime, timedelta

from crawler.contracts import Layout

REQUIRED_FIELDS = ("article_id", "url", "title", "body", "published_at")
# Kazinform was founded in 1920; a page's time more than a day ahead is no publication time.
EARLIEST = datetime(1920, 1, 1, tzinfo=UTC)
AHEAD = timedelta(days=1)


def invalid_reason(item, now: datetime) -> str | None:
    """Why the item cannot be stored ("missing title", "unknown layout" ...), or None. `now`:
    what the crawl takes as now (crawler/clock.py), which "a day ahead" is counted from."""
    if item.get("layout") == Layout.UNKNOWN:
        return "unknown layout"
    missing = [field for field in REQUIRED_FIELDS if not item.get(field)]
    if missing:
        return f"missing {missing[0]}"
    published = datetime.fromisoformat(item["published_at"])
    if not EARLIEST <= published <= now + AHEAD:
        return f"published_at out of range ({item['published_at']})"
    return None
