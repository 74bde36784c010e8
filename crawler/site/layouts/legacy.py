"""Legacy design of www.inform.kz/en (2020 to September 2023; the seed page).

Only the visible text of these pages survives, not their class names: they are read by
their structure (crawler/site/layouts/structure.py). Recognised by what the page holds — a title
and the breadcrumb that opens "Main Page > News" — not by its URL: an "_a<digits>" URL on
qazinform.com serves the same article in the 2026 design.
"""

from crawler.site.editions import DEFAULT
from crawler.site.layouts.design import CardDesign, Design
from crawler.site.layouts.page import matches
from crawler.site.layouts.structure import VisibleText

NAME = "legacy"  # as stored in articles.layout
# Its row in docs/site.md (written by cog from here): the design, how sure we are of it, what recognises it.
DESIGN = Design(
    "www.inform.kz/en, 2020–2023 (the seed page)",
    "visible text only",
    "an `<h1>` and the breadcrumb `Main Page > News` (a menu's `Main Page` link is no breadcrumb)",
)
CARDS: tuple[CardDesign, ...] = ()  # no listing page of it is known

CHROME_HEADINGS = DEFAULT.chrome_headings[NAME]
_TEXT = VisibleText(CHROME_HEADINGS)

# The breadcrumb "Main Page > News > …", not a menu's "Main Page" link: later designs' menus
# have one too, and a page of theirs with renamed markup must not pass for this design.
recognises = matches(
    "//h1 and //a[normalize-space() = 'Main Page'][following-sibling::a[1][normalize-space() = 'News']]"
)


FIELDS = _TEXT.fields()
