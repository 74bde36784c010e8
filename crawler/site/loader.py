"""Cleaning: raw strings picked from a page become the values of an Article."""

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from itemloaders.processors import Compose, Identity, MapCompose, TakeFirst
from scrapy.loader import ItemLoader

from crawler.items import Article
from crawler.site.dates import parse_published_at
from crawler.site.text import (
    author_name,
    clean_text,
    content_hash,
    is_credit_line,
    split_dateline,
    strip_site_name,
    word_count,
)
from crawler.site.urls import article_id, canonical_url


def absolute_url(value: str, loader_context: dict[str, Any]) -> str | None:
    """An http(s) URL, made absolute; None for a javascript:, data: or other scheme's."""
    url = loader_context["response"].urljoin(value)
    return url if urlsplit(url).scheme in ("http", "https") else None


def language_code(value: str) -> str:
    """'en-US' -> 'en'."""
    return value.replace("_", "-").split("-")[0].lower()


def unique(values: list[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


def body_text(paragraphs: list[str]) -> str | None:
    """Paragraphs joined by one blank line, the dateline taken off the first; a picture's
    credit line between them is no paragraph."""
    paragraphs = [p for p in paragraphs if not is_credit_line(p)]
    if paragraphs:
        paragraphs = [split_dateline(paragraphs[0])[2], *paragraphs[1:]]
    return "\n\n".join(p for p in paragraphs if p) or None


class ArticleLoader(ItemLoader):
    default_item_class = Article
    default_input_processor = MapCompose(clean_text)
    default_output_processor = TakeFirst()

    url_in = MapCompose(canonical_url)
    article_id_in = MapCompose(article_id)
    lang_in = MapCompose(clean_text, language_code)
    title_in = MapCompose(clean_text, strip_site_name)
    body_out = Compose(body_text)
    author_in = MapCompose(clean_text, author_name)
    published_at_in = MapCompose(clean_text, parse_published_at)
    tags_out = Compose(unique)
    image_url_in = MapCompose(clean_text, absolute_url)
    layout_in = Identity()
    twins_in = Identity()  # language -> URL, whole

    def load_item(self) -> Article:
        """The cleaned fields, and those derived from them."""
        item: Article = super().load_item()
        paragraphs = self.get_collected_values("body")
        if paragraphs:
            dateline, source, _ = split_dateline(paragraphs[0])
            if dateline:
                item["dateline"], item["source"] = dateline, source
        item.setdefault("tags", [])
        item.setdefault("twins", {})
        item["word_count"] = word_count(item.get("body") or "")
        item["content_hash"] = content_hash(item.get("title"), item.get("lead"), item.get("body"))
        item["scraped_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        return item
