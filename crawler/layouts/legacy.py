"""Legacy design of www.inform.kz/en (2020 to September 2023; the seed page).

Only the visible text of these pages survives, not their class names: they are read by
their structure (crawler/layouts/structure.py). Recognised by what the page holds — a title
and the breadcrumb that opens with "Main Page" — not by its URL: an "_a<digits>" URL on
qazinform.com serves the same article in the 2026 design.
"""

from crawler.contracts import Layout
from crawler.layouts.page import matches
from crawler.layouts.structure import VisibleText

NAME = Layout.LEGACY

CHROME_HEADINGS = ("Новости по теме", "Related news", "Read also", "News Partner", "Popular")
_TEXT = VisibleText(CHROME_HEADINGS)

recognises = matches("//h1 and //a[normalize-space() = 'Main Page']")


FIELDS = _TEXT.fields()
