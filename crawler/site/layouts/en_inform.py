"""Legacy design of en.inform.kz/news (2016 to 2023).

Known only from its visible text: the time first and padded ("18:29, 07 January 2021 |
GMT +6", whose stated offset wins), the chrome "EN", "Trends:", the broadcaster's banner and
a long menu before the title; "Tags:", "Currently reading" and "More news in our Telegram
channel!" after the body; and an empty image caption printed as a stray "None" line
inside the text. Read by its structure (crawler/site/layouts/structure.py), recognised by that
chrome.
"""

from crawler.site.editions import DEFAULT
from crawler.site.layouts.design import CardDesign, Design
from crawler.site.layouts.page import Page, matches
from crawler.site.layouts.structure import VisibleText

NAME = "en_inform"  # as stored in articles.layout
# Its row in docs/site.md (written by cog from here): the design, how sure we are of it, what recognises it.
DESIGN = Design(
    "en.inform.kz/news, 2016–2023",
    "visible text only",
    "an `<h1>` and the chrome `Currently reading`, `Trends:` or `More news in our Telegram channel!`",
)
CARDS: tuple[CardDesign, ...] = ()  # no listing page of it is known

CHROME_HEADINGS = DEFAULT.chrome_headings[NAME]
_TEXT = VisibleText(CHROME_HEADINGS, not_text=("None",))

_CHROME = ("Currently reading", "Trends:", "More news in our Telegram channel!")
_HAS_TITLE_AND_CHROME = matches(
    "//h1 and //text()[" + " or ".join(f"normalize-space() = '{marker}'" for marker in _CHROME) + "]"
)


def recognises(page: Page) -> bool:
    """An <h1> and this design's own chrome, as a whole text. A substring search first: it
    costs microseconds, where the XPath over every text node costs a tenth of a page's parse."""
    text = page.response.text
    return any(marker in text for marker in _CHROME) and _HAS_TITLE_AND_CHROME(page)


FIELDS = _TEXT.fields()
