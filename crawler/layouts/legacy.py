"""Legacy design of www.inform.kz/en (2020 to September 2023; the seed page).

Only the visible text of these pages survives, not their class names: they are read by
their structure (crawler/layouts/structure.py). Recognised by what the page holds — a title
and the breadcrumb that opens "Main Page > News" — not by its URL: an "_a<digits>" URL on
qazinform.com serves the same article in the 2026 design.
"""

from crawler.contracts import Layout
from crawler.layouts.page import matches
from crawler.layouts.structure import VisibleText

NAME = Layout.LEGACY

CHROME_HEADINGS = ("Новости по теме", "Related news", "Read also", "News Partner", "Popular")
_TEXT = VisibleText(CHROME_HEADINGS)

# The breadcrumb "Main Page > News > …", not a menu's "Main Page" link: later designs' menus
# have one too, and a page of theirs with renamed markup must not pass for this design.
recognises = matches(
    "//h1 and //a[normalize-space() = 'Main Page'][following-sibling::a[1][normalize-space() = 'News']]"
)


FIELDS = _TEXT.fields()
