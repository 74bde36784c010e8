"""An article's versions in the site's other editions: its twins (docs/site.md).

Pages link their other-language versions through the language switcher, and may through
hreflang alternates; structured data first. A twin is an article URL of another edition's
language: a switcher link to another edition's home page is no twin, nor a link that names
no language.
"""

from lxml import etree

from crawler.site.layouts.page import Page, element_text
from crawler.site.urls import canonical_url, is_article_url, url_language

_ALTERNATES = etree.XPath('//link[@rel="alternate"][@hreflang][@href]')
# The switcher: links in an element whose class names languages ("langs", "lang-switcher").
_SWITCHER_LINKS = etree.XPath('//*[contains(@class, "lang")]//a[@href]')


def twins(page: Page) -> list[str]:
    """Canonical URLs of the article's versions in other languages, alternates first."""
    response = page.response
    own = canonical_url(response.url)
    own_language = url_language(response.url) or page.root.get("lang", "").split("-")[0].lower() or None
    hrefs = [link.get("href") for link in _ALTERNATES(page.root) if link.get("hreflang") != "x-default"]
    hrefs += [a.get("href") for a in _SWITCHER_LINKS(page.root) if element_text(a).strip()]
    found = []
    for href in hrefs:
        url = canonical_url(response.urljoin(href.strip()))
        language = url_language(url)
        if url != own and language and language != own_language and is_article_url(url):
            found.append(url)
    return list(dict.fromkeys(found))
