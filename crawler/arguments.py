"""Spider arguments, checked before anything is fetched or written."""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from scrapy.settings import BaseSettings

from crawler.dates import start_of_local_day


class ArgumentError(ValueError):
    """A spider argument or setting that the crawl cannot run with."""


@dataclass(frozen=True)
class CrawlArguments:
    start_url: str
    max_pages: int | None = None  # listing pages to walk at most
    since: str | None = None  # ISO UTC instant: cards older than this end the listing

    NAMES = ("start_url", "max_pages", "since")

    @classmethod
    def parse(cls, settings: BaseSettings, arguments: dict) -> "CrawlArguments":
        unknown = sorted(set(arguments) - set(cls.NAMES))
        if unknown:
            raise ArgumentError(
                f"unknown spider argument {', '.join(unknown)}; known: {', '.join(cls.NAMES)}"
            )
        return cls(
            start_url=_start_url(arguments.get("start_url") or settings.get("ELECTIONS_START_URL")),
            max_pages=_max_pages(arguments.get("max_pages")),
            since=_since(arguments.get("since")),
        )


def _start_url(value: str | None) -> str:
    parts = urlsplit(value or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ArgumentError(
            f"start_url must be an http(s) URL of a listing page, got {value!r} "
            "(set it with -a start_url=... or -s ELECTIONS_START_URL=...)"
        )
    return value


def _max_pages(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        pages = int(value)
    except ValueError:
        pages = 0
    if pages < 1:
        raise ArgumentError(f"max_pages must be a whole number of at least 1, got {value!r}")
    return pages


def _since(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ArgumentError(f"since must be a date written YYYY-MM-DD, got {value!r}") from None
    return start_of_local_day(day)
