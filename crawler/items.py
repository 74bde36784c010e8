import scrapy


class Article(scrapy.Item):
    """One article of the Elections section, as stored in the `articles` table."""

    article_id = scrapy.Field()  # the site's id from the URL: "a3996297", "97d5e1"
    url = scrapy.Field()  # canonical: no query, fragment or AMP marker
    lang = scrapy.Field()  # "en"
    section = scrapy.Field()  # "Elections"
    title = scrapy.Field()
    lead = scrapy.Field()
    body = scrapy.Field()  # plain text, paragraphs separated by one blank line
    dateline = scrapy.Field()  # "ASTANA", when the body opens with one
    source = scrapy.Field()  # "KAZINFORM", likewise
    author = scrapy.Field()
    published_at = scrapy.Field()  # ISO 8601, UTC
    tags = scrapy.Field()  # list of str
    image_url = scrapy.Field()
    word_count = scrapy.Field()  # words in body
    layout = scrapy.Field()  # page layout recognised: "current", "legacy", "fallback" or "unknown"
    content_hash = scrapy.Field()  # SHA-256 of title, lead and body
    scraped_at = scrapy.Field()  # ISO 8601, UTC
