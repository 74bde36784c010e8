"""An article's versions in the site's other editions: its twins (docs/site.md).

Pages link their other-language versions through the language switcher, and may through
hreflang alternates; structured data first. A twin is an article URL in another language,
as its URL, its hreflang or the switcher's label names it: a switcher link to another
edition's home page is no twin, nor a link whose language nothing names.
"""

import re

from lxml import etree

from crawler.site.layouts.page import Page, element_text
from crawler.site.urls import canonical_url, is_article_url, url_language

_ALTERNATES = etree.XPath('/html/head/link[@rel="alternate"][@hreflang][@href]')  # in the head, where they belong
# The switcher: links in an element whose class names languages ("langs", "lang-switcher").
_SWITCHER_LINKS = etree.XPath('//*[contains(@class, "lang")]//a[@href]')
_DIGIT = re.compile(r"\d")
# What a switcher's link reads, by language (the header's "ру қз qz 中文 ق ز Ўз", "Рус Qaz").
LABELS = {
    **dict.fromkeys(("en", "eng", "english"), "en"),
    **dict.fromkeys(("ru", "ру", "рус", "русский"), "ru"),
    **dict.fromkeys(("kk", "kz", "қз", "қаз", "қазақша", "qz", "qaz"), "kk"),
    **dict.fromkeys(("zh", "cn", "中文"), "zh"),
}


def twins(page: Page) -> dict[str, str]:
    """Language -> canonical URL of the article's version in it; alternates first."""
    response = page.response
    own = canonical_url(response.url)
    own_language = url_language(response.url) or page.root.get("lang", "").split("-")[0].lower() or None
    links = [(link.get("hreflang"), link.get("href")) for link in _ALTERNATES(page.root)]
    # A switcher's link to a page with no digit in its URL is to a home page, not an article:
    # passed over before any URL is parsed (every page has such links; few have twins).
    links += [
        (LABELS.get(element_text(a).strip().casefold()), a.get("href"))
        for a in _SWITCHER_LINKS(page.root)
        if _DIGIT.search(a.get("href"))
    ]
    found: dict[str, str] = {}
    for named, href in links:
        url = canonical_url(response.urljoin(href.strip()))
        language = url_language(url) or (named or "").split("-")[0].lower()
        if language and language != own_language and url != own and is_article_url(url):
            found.setdefault(language, url)
    return found
