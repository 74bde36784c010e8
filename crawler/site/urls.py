"""Article URLs: the site's article id, one canonical URL per article, and the language a
URL tells. The id forms (docs/site.md):

- "_a<digits>": legacy ids (www.inform.kz/en, en.inform.kz), still served on qazinform.com;
- "-<6 hex>" (2023 to mid 2026) and "-<8 hex>" (since the 2026 redesign);
- no id at all: the slug is the id.

The site numbers each edition on its own, so an id is only unique within one: outside the
English edition it is kept with the edition's code before it ("ru-4f2a1b9c", "kk-a3996297").
English ids stay as they always were.
"""

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# inform.kz and its language subdomains, and qazinform.com (the English edition since 2026).
SITE_DOMAINS = ("inform.kz", "qazinform.com")

_LEGACY_ID = re.compile(r"_(a\d+)$", re.IGNORECASE)
# A slug ending in a hex-looking word ("...-decade") would pass for an id, so an id must
# hold a digit; a genuine id without one falls back to its slug, which is just as stable.
_HEX_ID = re.compile(r"-((?=[0-9a-f]*[0-9])[0-9a-f]{6}(?:[0-9a-f]{2})?)$", re.IGNORECASE)

# Editions by host, and by the first path segment of www.inform.kz.
_HOST_LANGUAGES = {
    "qazinform.com": "en",
    "en.inform.kz": "en",
    "cn.inform.kz": "zh",
    "qz.inform.kz": "kk",
    "kaz.inform.kz": "kk",
}
_PATH_LANGUAGES = {"en": "en", "ru": "ru", "kz": "kk", "qz": "kk", "cn": "zh", "ar": "ar", "uz": "uz"}


def canonical_url(url: str) -> str:
    """Drop the query, the fragment and AMP markers: one URL per article.

    AMP copies are ".../<slug>_a1/amp", ".../amp/<slug>_a1" and, at the root,
    "/amp/<slug>/", whose plain page is "/news/<slug>" — with its trailing slash kept for
    a legacy "_a<digits>" id, whose en.inform.kz pages end in one.
    """
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    trailing_slash = parts.path.endswith("/")
    if "amp" in segments[:-1] or segments[-1:] == ["amp"]:
        position = len(segments) - 1 - segments[::-1].index("amp")
        del segments[position]
        if position == 0 and len(segments) == 1:
            segments.insert(0, "news")
            trailing_slash = trailing_slash and bool(_LEGACY_ID.search(segments[-1]))
        elif position == len(segments):  # "/amp" was the last segment
            trailing_slash = False
    path = "/" + "/".join(segments) + ("/" if trailing_slash and segments else "")
    return urlunsplit((parts.scheme, parts.netloc.lower(), path, "", ""))


def article_id(url: str) -> str | None:
    """'a3996297' from '..._a3996297', '97d5e1' or '2192502b' from '.../news/<slug>-97d5e1';
    else the slug; 'ru-4f2a1b9c' from 'www.inform.kz/ru/<slug>-4f2a1b9c', an edition's
    own. Ids are case-insensitive, so they are kept in lower case."""
    segments = [s for s in urlsplit(canonical_url(url)).path.split("/") if s]
    if not segments:
        return None
    slug = segments[-1]
    match = _LEGACY_ID.search(slug) or _HEX_ID.search(slug)
    own = (match.group(1) if match else slug).lower()
    edition = url_language(url)
    return own if edition in (None, "en") else f"{edition}-{own}"


# Paths of the site's own listings and pages, which are never articles: a card that links to
# one is navigation. Anything else on the site that is not an article URL is a surprise.
_NOT_ARTICLE_PATHS = re.compile(
    r"^/(?:[a-z]{2}/)?(?:category|tag|tags|lenta|search|rss|sitemaps?|about|contacts|special)(?:[/._?-]|$)"
    r"|^/(?:[a-z]{2}/?)?$",
    re.IGNORECASE,
)


def listed_id(url: str) -> str:
    """The id a listed URL gives its article, or the URL itself where it has none."""
    return article_id(url) or url


def is_article_url(url: str) -> bool:
    """An article's page: an "_a<digits>" or a hex id, or a page under a /news/ folder
    (/news/…, /en/news/…; AMP copies included). Not a category, a tag, the home page, a
    javascript: or mailto: link."""
    if urlsplit(url).scheme not in ("http", "https"):
        return False
    path = urlsplit(canonical_url(url)).path
    if _NOT_ARTICLE_PATHS.search(path):
        return False
    segments = [s for s in path.split("/") if s]
    return bool(_LEGACY_ID.search(segments[-1]) or _HEX_ID.search(segments[-1]) or "news" in segments[:-1])


def is_navigation_url(url: str) -> bool:
    """A link no article card is: another scheme (javascript:, mailto:), or one of the site's
    listings (a category, a tag, the home page ...)."""
    parts = urlsplit(url)
    return parts.scheme not in ("http", "https") or bool(_NOT_ARTICLE_PATHS.search(parts.path or "/"))


# A tag's listing on the site since 2023: /tag/<slug>_t<digits> (docs/site.md), under an
# edition's prefix too. Older designs' /tags/<slug> pages are no listings a walk can page.
_TAG_PATH = re.compile(r"^/(?:[a-z]{2}/)?tag/[^/]+_t\d+/?$", re.IGNORECASE)


def is_tag_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(_TAG_PATH.search(parts.path))


def listing_page_url(start_url: str, page: int) -> str:
    """The start URL with ?page=N set, its other query parameters kept."""
    parts = urlsplit(start_url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "page"] + [("page", str(page))]
    return urlunsplit(parts._replace(query=urlencode(query)))


def url_language(url: str) -> str | None:
    """The edition's language a URL names: '/en/…' or '/ru/…' on www.inform.kz, or the
    edition's host (qazinform.com, en.inform.kz …); None when it names none."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    segments = [s for s in parts.path.split("/") if s]
    if segments and segments[0].lower() in _PATH_LANGUAGES:
        return _PATH_LANGUAGES[segments[0].lower()]
    return _HOST_LANGUAGES.get(host)


def is_on_domains(url: str, domains: list[str]) -> bool:
    """Is the URL's host one of `domains` or a subdomain of one (any port)?"""
    host = (urlsplit(url).hostname or "").lower()
    return any(host == domain or host.endswith("." + domain) for domain in domains)


def origin(url: str) -> tuple[str, str, int]:
    """(scheme, host, port), the default port filled in."""
    parts = urlsplit(url)
    try:
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme, 0)
    except ValueError:  # a port that is no number
        port = -1
    return parts.scheme, (parts.hostname or "").lower(), port


def is_on_site(url: str, origins: set[tuple[str, str, int]]) -> bool:
    """The site's own domains (any port), or exactly one of `origins` — the start and site
    URLs' scheme, host and port, so that a replica's neighbour on another port is not."""
    scheme = urlsplit(url).scheme
    return scheme in ("http", "https") and (is_on_domains(url, list(SITE_DOMAINS)) or origin(url) in origins)
