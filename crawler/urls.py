"""Article URLs: the site's article id, and one canonical URL per article."""

import re
from urllib.parse import urlsplit, urlunsplit

# inform.kz and its language subdomains, and qazinform.com (the English edition since 2026).
SITE_DOMAINS = ("inform.kz", "qazinform.com")

# Legacy layout: ".../<slug>_a3996297". The digits are the id.
_LEGACY_ID = re.compile(r"_(a\d+)$")
# Current layout: ".../news/<slug>-97d5e1". A slug ending in a hex-looking word
# ("...-decade") would pass for an id, so an id must hold a digit; a genuine id
# without one falls back to its slug, which is just as stable.
_CURRENT_ID = re.compile(r"-((?=[0-9a-f]*[0-9])[0-9a-f]{6})$")


def canonical_url(url: str) -> str:
    """Drop the query, the fragment and AMP markers: one URL per article.

    AMP copies are ".../<slug>_a1/amp", ".../amp/<slug>_a1" and, for the
    current layout, "/amp/<slug>-<hex>/", whose plain page is "/news/<slug>-<hex>".
    """
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    trailing_slash = parts.path.endswith("/")
    if "amp" in segments[:-1] or segments[-1:] == ["amp"]:
        position = len(segments) - 1 - segments[::-1].index("amp")
        del segments[position]
        if position == 0 and len(segments) == 1:
            segments.insert(0, "news")
            trailing_slash = False
        elif position == len(segments):  # "/amp" was the last segment
            trailing_slash = False
    path = "/" + "/".join(segments) + ("/" if trailing_slash and segments else "")
    return urlunsplit((parts.scheme, parts.netloc.lower(), path, "", ""))


def article_id(url: str) -> str | None:
    """'a3996297' from '..._a3996297', '97d5e1' from '.../news/<slug>-97d5e1'; else the slug."""
    segments = [s for s in urlsplit(canonical_url(url)).path.split("/") if s]
    if not segments:
        return None
    slug = segments[-1]
    match = _LEGACY_ID.search(slug) or _CURRENT_ID.search(slug)
    return match.group(1) if match else slug


def is_legacy_article_url(url: str) -> bool:
    """Legacy-layout articles, and only they, carry an "_a<digits>" id."""
    path = urlsplit(canonical_url(url)).path.rstrip("/")
    return bool(_LEGACY_ID.search(path))



def is_article_url(url: str) -> bool:
    """An article's page: an "_a<digits>" id, or a page under /news/ (AMP copies included).
    Not a category, a tag, a javascript: or mailto: link."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return False
    return is_legacy_article_url(url) or urlsplit(canonical_url(url)).path.startswith("/news/")


def is_on_domains(url: str, domains: list[str]) -> bool:
    """Is the URL's host one of `domains` or a subdomain of one (any port)?"""
    host = (urlsplit(url).hostname or "").lower()
    return any(host == domain or host.endswith("." + domain) for domain in domains)
