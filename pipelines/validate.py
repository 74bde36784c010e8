from datetime import UTC, datetime, timedelta

from scrapy.exceptions import DropItem

from crawler.contracts import REQUIRED_FIELDS, Layout, Stat


class InvalidArticle(DropItem):
    """A page that did not yield a storable article; recorded in `dropped_items`."""


class ValidatePipeline:
    """An article needs an id, a URL, a title, a body and a parsable publication time."""

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item):
        self.stats.inc_value(Stat.VALIDATED)
        self.stats.inc_value(Stat.VALIDATE_LAYOUT + str(item.get("layout")))  # the health check watches for drift
        reason = invalid_reason(item)
        if reason:
            self.stats.inc_value(Stat.VALIDATE_DROPPED + reason.replace(" ", "_"))
            raise InvalidArticle(reason)
        return item


# Kazinform was founded in 1920; a page's time more than a day ahead is no publication time.
EARLIEST = datetime(1920, 1, 1, tzinfo=UTC)
AHEAD = timedelta(days=1)


def invalid_reason(item) -> str | None:
    if item.get("layout") == Layout.UNKNOWN:
        return "unknown layout"
    missing = [field for field in REQUIRED_FIELDS if not item.get(field)]
    if missing:
        return f"missing {missing[0]}"
    published = datetime.fromisoformat(item["published_at"])
    if not EARLIEST <= published <= datetime.now(UTC) + AHEAD:
        return f"published_at out of range ({item['published_at']})"
    return None
