"""The one place that recognises a page's layout and fills an Article from it.

Each layout module has NAME, recognises(page) and FIELDS: for each field, selectors
tried in order until one yields a clean value. The known layouts come first; the
fallback reads what a page in no known layout still carries.
"""

from scrapy.http import TextResponse

from crawler.items import Article
from crawler.layouts import current, fallback, legacy
from crawler.layouts.page import Page
from crawler.loaders import ArticleLoader

LAYOUTS = (current, legacy, fallback)
UNKNOWN = "unknown"


def load_article(response: TextResponse) -> Article:
    page = Page(response)
    layout = next((layout for layout in LAYOUTS if layout.recognises(page)), None)
    loader = ArticleLoader(selector=response.selector, response=response)  # parse the page once
    loader.add_value("url", response.url)
    loader.add_value("article_id", response.url)
    loader.add_value("layout", layout.NAME if layout else UNKNOWN)
    for field, selectors in (layout.FIELDS if layout else {}).items():
        for select in selectors:
            loader.add_value(field, select(page))
            if loader.get_collected_values(field):
                break
    return loader.load_item()
