"""The site's error page, which it may serve with status 200 for an article it removed: its
`div.error__wrapper` (the 2026 design), or a main heading that is only "404" or "page not
found". Known from the issue on edits and removals; no live page of it is saved yet. An
article may say "404" in its title: only a heading that says nothing else counts."""

import re

from scrapy.http import TextResponse

NOT_FOUND = re.compile(
    r"(error\s*)?404|(error\s*404\W*)?page not found|страница не найдена|бет табылмады", re.IGNORECASE
)


def is_error_page(response: TextResponse) -> bool:
    if response.css("div.error__wrapper"):
        return True
    heading = " ".join(" ".join(response.xpath("//h1//text()").getall()).split()).strip(" .!")
    return bool(NOT_FOUND.fullmatch(heading))
