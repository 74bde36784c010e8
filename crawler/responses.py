"""What a request or response says of itself, as the crawl's components read it."""

from scrapy import Request
from scrapy.http import Response


def first_url(request: Request) -> str:
    """The URL a request was first made for, before any redirect: the one the listing gave."""
    url: str = request.meta.get("redirect_urls", [request.url])[0]
    return url


def header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
