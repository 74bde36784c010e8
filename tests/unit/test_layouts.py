"""Both page layouts on saved pages, field by field."""

import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from scrapy.http import HtmlResponse

from crawler import archive
from crawler.commands.save_page import save
from crawler.items import EXPORTED_FIELDS, Article
from crawler.site.layouts import LAYOUTS, home, listing
from crawler.site.layouts import load_article as load_page
from crawler.site.text import is_credit_line
from replica import pages
from replica.content import generate

PAGES = Path(__file__).parents[1] / "pages"

GROUND_TRUTH = json.loads((PAGES / "ground_truth.json").read_text())  # bench/quality.py reads it too
SEED_BODY = GROUND_TRUTH["legacy/reconstructed_seed_a3996297.html"]["body"]
CHROME = [
    "Qazaq TV",
    "Телерадиокомпания",
    "Main Page",
    "Related news",
    "Read also",
    "News Partner",
    "Popular",
    "Petropavlovsk",
    "COVID-19",
    "ру қз",
    "USD",
]


def load_article(response: HtmlResponse):
    """As the spider loads a page of the Elections listing."""
    return load_page(response, section="Elections")


def saved_page(name: str, url: str) -> HtmlResponse:
    return HtmlResponse(url=url, body=(PAGES / name).read_bytes(), encoding="utf-8")


def test_the_seed_page_is_read_as_the_legacy_design_field_by_field():
    item = load_article(
        saved_page(
            "legacy/reconstructed_seed_a3996297.html",
            "https://www.inform.kz/en/cec-accredits-134-foreign-observers_a3996297/amp?x=1",
        )
    )
    assert item["layout"] == "legacy"
    assert item["article_id"] == "a3996297"
    assert item["url"] == "https://www.inform.kz/en/cec-accredits-134-foreign-observers_a3996297"
    assert item["title"] == "CEC accredits 134 foreign observers"
    assert item["published_at"] == "2022-11-08T09:15:00+00:00"
    assert item["dateline"] == "ASTANA"
    assert item["source"] == "KAZINFORM"
    assert item["body"] == SEED_BODY
    assert item["lang"] == "en"
    assert item["section"] == "Elections"
    assert item["tags"] == []
    assert item["word_count"] == len(SEED_BODY.split())
    assert (item["author"], item["lead"], item["image_url"]) == (None, None, None)
    for chrome in CHROME:
        assert chrome not in item["body"]


def test_a_2023_design_page_gives_each_field_its_ground_truth():
    item = load_article(
        saved_page("current/reconstructed_97d5e1.html", "https://qazinform.com/news/cec-approves-calendar-97d5e1")
    )
    assert item["layout"] == "current"
    assert item["article_id"] == "97d5e1"
    assert item["title"] == "CEC approves calendar of Majilis by-elections"
    assert item["lead"] == "The vote in two single-mandate districts will take place on 15 March."
    assert item["published_at"] == "2026-01-29T11:37:00+00:00"
    assert item["author"] == "Assel Satubaldina"
    assert item["tags"] == ["CEC", "Majilis elections"]
    assert item["image_url"] == "https://static.qazinform.com/uploads/2026/1/29/cec-session.jpg"
    assert item["section"] == "Elections"
    assert item["body"] == GROUND_TRUTH["current/reconstructed_97d5e1.html"]["body"]
    assert item["dateline"] is None
    for not_text in ["Реклама", "Advertisement", "Photo: CEC", "Read also"]:
        assert not_text not in item["body"]


def test_structured_data_comes_before_css():
    html = (PAGES / "current/reconstructed_97d5e1.html").read_text()
    html = html.replace(
        '<h1 class="article__title">CEC approves', '<h1 class="article__title">Visible headline differs; CEC approves'
    )
    response = HtmlResponse(url="https://qazinform.com/news/x-97d5e1", body=html.encode(), encoding="utf-8")
    assert load_article(response)["title"] == "CEC approves calendar of Majilis by-elections"


def test_css_serves_when_structured_data_is_absent():
    html = (PAGES / "current/reconstructed_97d5e1.html").read_text()
    html = "\n".join(line for line in html.splitlines() if "ld+json" not in line and "<meta " not in line)
    response = HtmlResponse(url="https://qazinform.com/news/x-97d5e1", body=html.encode(), encoding="utf-8")
    item = load_article(response)
    assert item["title"] == "CEC approves calendar of Majilis by-elections"
    assert item["published_at"] == "2026-01-29T11:37:00+00:00"
    assert item["tags"] == ["CEC", "Majilis elections"]
    assert item["image_url"] == "https://qazinform.com/uploads/2026/1/29/cec-session.jpg"
    assert item["author"] is None


def test_a_page_in_an_unknown_design_is_read_by_the_generic_extractor():
    """No known class, no structured data: trafilatura reads title and text, the site's date
    line near the title gives the time, and what the page does not show stays empty."""
    article = generate(1, seed=3)[0]
    response = HtmlResponse(
        url="https://qazinform.com" + article.path,
        body=pages.unknown_layout_article(article).encode(),
        encoding="utf-8",
    )
    item = load_article(response)
    truth = article.expected_item("https://qazinform.com")
    assert item["layout"] == "generic"
    assert (item["title"], item["body"], item["published_at"]) == (truth["title"], truth["body"], truth["published_at"])
    assert (item["lead"], item["author"], item["tags"], item["dateline"]) == (None, None, [], None)
    assert item["article_id"] == article.article_id


def test_a_page_with_no_text_at_all_is_in_no_layout():
    response = HtmlResponse(
        url="https://qazinform.com/news/empty-0eb7f9", body=b"<html><body><div></div></body></html>", encoding="utf-8"
    )
    item = load_article(response)
    assert item["layout"] == "unknown"
    assert item["title"] is None and item["body"] is None


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_replica_variant_matches_its_ground_truth(seed):
    """Renders every markup variant of both layouts and compares every field."""
    articles = generate(60, seed)
    base = "http://replica.test"
    for article in articles:
        html = pages.article_page(article, articles, base)
        item = load_article(HtmlResponse(url=base + article.listing_href, body=html.encode(), encoding="utf-8"))
        expected = article.expected_item(base)
        got = {field: item.get(field) for field in expected}
        assert got == expected, article.path


def rendered(layout: str, seed: int = 5, **changes) -> tuple:
    """The first replica article served in `layout`, rendered, and its ground truth."""
    articles = generate(200, seed)
    article = replace(next(a for a in articles if a.layout == layout), **changes)
    base = "https://qazinform.com"
    html = pages.article_page(article, articles, base)
    return load_article(HtmlResponse(url=base + article.path, body=html.encode(), encoding="utf-8")), article, html


def test_en_inform_page_drops_none_captions_and_its_chrome():
    item, article, html = rendered("en_inform", variant=1, image_path=None)
    assert "<p>None</p>" in html and "| GMT +6" in html
    assert item["layout"] == "en_inform"
    assert item["body"] == "\n\n".join(article.paragraphs)
    for chrome in ("None", "Currently reading", "Telegram", "Trends", "TV AND RADIO", "World News", "Tags:"):
        assert chrome not in item["body"]
    assert item["lang"] == "en"  # neither the page nor the URL says: the edition crawled


def test_a_stated_offset_wins_over_the_zone():
    item, _article, _ = rendered(
        "en_inform", variant=1, shown_time="18:29, 07 January 2021 | GMT +5", has_jsonld=False, has_meta_time=False
    )
    assert item["published_at"] == "2021-01-07T13:29:00+00:00"  # Almaty was UTC+6 then; the page says +5


def test_2026_page_reads_its_time_without_a_datetime_attribute():
    item, article, html = rendered("redesign2026", variant=1, has_jsonld=False, has_meta_time=False)
    assert 'class="article__date">' in html  # no datetime attribute
    assert item["published_at"] == article.published.astimezone(UTC).isoformat()


def test_2026_page_keeps_the_section_it_was_listed_in():
    item, article, html = rendered("redesign2026", breadcrumb="Politics", has_jsonld=True)
    assert ">Politics</a>" in html
    assert item["section"] == "Elections"
    assert item["body"] == "\n\n".join(article.paragraphs)
    for not_text in ("Advertisement", "Read also", "Photo: Qazinform"):
        assert not_text not in item["body"]


def test_a_migrated_legacy_id_is_read_in_the_2026_design():
    articles = generate(200, 5)
    article = next(a for a in articles if a.layout == "redesign2026" and re.fullmatch(r"a\d+", a.article_id))
    base = "https://qazinform.com"
    item = load_article(
        HtmlResponse(
            url=base + article.path, body=pages.article_page(article, articles, base).encode(), encoding="utf-8"
        )
    )
    assert (item["layout"], item["article_id"]) == ("redesign2026", article.article_id)
    assert item["url"] == base + article.path and "_a" in article.path


def test_every_design_is_recognised_by_its_page_not_its_url():
    """A legacy page at a /news/<hex> URL is still legacy; a 2026 page at _a<digits> is 2026."""
    articles = generate(200, 5)
    for article in articles[:80]:
        html = pages.article_page(article, articles, "https://qazinform.com")
        item = load_article(
            HtmlResponse(url="https://qazinform.com/news/same-url-for-all-1a2b3c", body=html.encode(), encoding="utf-8")
        )
        assert item["layout"] == article.layout


def test_listing_cards_of_the_2026_design_leave_the_sidebar_out():
    articles = generate(40, 5)
    html = pages.listing_page(articles, 1, design="2026")
    response = HtmlResponse(url="https://qazinform.com" + pages.LISTING_PATH, body=html.encode(), encoding="utf-8")
    cards = listing.cards(response)
    assert [c.url for c in cards] == ["https://qazinform.com" + a.listing_href for a in articles[:20]]
    assert [c.published_at for c in cards] == [a.published.astimezone(UTC).isoformat() for a in articles[:20]]
    assert html.count('class="news-card"') == 25  # 20 in the list, 5 in the "Popular" sidebar


def test_the_section_is_found_in_the_menu_and_its_absence_named():
    articles = generate(10, 5)
    for present in (True, False):
        html = pages.home_page(articles, section_in_menu=present)
        response = HtmlResponse(url="https://qazinform.com/", body=html.encode(), encoding="utf-8")
        found = home.section_candidates(response, " elections ")
        assert found == (["https://qazinform.com" + pages.LISTING_PATH] if present else [])
    assert home.seen_sections(response)[:3] == ["Kazakhstan", "Politics", "Economy"]


HOME = """<html><body><header><div class="hot">{hot}</div><nav class="menu">{menu}</nav></header>
<main>{body}</main></body></html>"""


def home_page(hot: str = "", menu: str = "", body: str = "") -> HtmlResponse:
    html = HOME.format(hot=hot, menu=menu, body=body)
    return HtmlResponse(url="https://qazinform.com/", body=html.encode(), encoding="utf-8")


def test_the_menu_proper_wins_over_a_hot_topic_in_the_header_and_a_tag_cloud():
    response = home_page(
        hot='<a href="/tag/elections-2026_t5">Elections</a>',
        menu='<a href="https://www.inform.kz/en/category/elections_s115?v=83">Elections</a>',  # another host
        body='<a href="/tags/elections">Elections</a>',
    )
    assert home.section_candidates(response, "Elections") == ["https://www.inform.kz/en/category/elections_s115"]
    no_menu = home_page(hot='<a href="/tag/elections-2026_t5">Elections</a>', body='<a href="/tags/x">Elections</a>')
    assert home.section_candidates(no_menu, "Elections") == ["https://qazinform.com/tag/elections-2026_t5"]
    elsewhere = home_page(menu='<a href="https://example.org/category/elections_s1">Elections</a>')
    assert home.section_candidates(elsewhere, "Elections") == []  # not the site's


def test_two_menu_links_of_the_name_are_reported_not_chosen():
    response = home_page(
        menu='<a href="/category/elections_s115">Elections</a> <a href="/category/elections_s9">Elections</a>'
        ' <a href="/category/elections_s115#top">Elections</a>'
    )
    candidates = home.section_candidates(response, "Elections")
    assert candidates == [
        "https://qazinform.com/category/elections_s115",
        "https://qazinform.com/category/elections_s9",
    ]
    assert home.ambiguous("Elections", candidates) == (
        "section 'Elections' is ambiguous: 2 menu links of that name lead to different listings "
        "(https://qazinform.com/category/elections_s115, https://qazinform.com/category/elections_s9); "
        "set ELECTIONS_START_URL (-a start_url=) to the one meant"
    )


def test_a_title_with_inline_markup_is_read_whole():
    html = (PAGES / "current/reconstructed_97d5e1.html").read_text()
    html = "\n".join(line for line in html.splitlines() if "ld+json" not in line and "<meta " not in line)
    html = html.replace(
        ">CEC approves calendar of Majilis by-elections</h1>",
        ">CEC <em>approves</em> calendar of Majilis by-elections</h1>",
    )
    assert "<em>approves</em>" in html
    item = load_article(HtmlResponse(url="https://qazinform.com/news/x-97d5e1", body=html.encode(), encoding="utf-8"))
    assert item["title"] == "CEC approves calendar of Majilis by-elections"


@pytest.mark.parametrize("image", ["javascript:void(0)", "data:image/png;base64,iVBORw0KGgo="])
def test_an_image_that_is_no_web_address_is_none(image):
    html = (PAGES / "current/reconstructed_97d5e1.html").read_text()
    html = re.sub(r'(<meta property="og:image" content=")[^"]*', rf"\g<1>{image}", html)
    assert image in html
    item = load_article(HtmlResponse(url="https://qazinform.com/news/x-97d5e1", body=html.encode(), encoding="utf-8"))
    assert item["image_url"] is None or item["image_url"].startswith("https://")


@pytest.mark.parametrize(
    "text, matches",
    [
        ("Elections", True),
        ("ELECTION", True),
        ("  elections  ", True),
        ("Elections 2026", False),  # a tag with a year is one election's (home.one_elections), walked as such
        ("Presidential election", False),
        ("Election commission", False),
        ("Selections", False),
    ],
)
def test_a_link_names_the_section_loosely(text, matches):
    response = home_page(menu=f'<a href="/tag/x_t1">{text}</a>')
    assert bool(home.section_candidates(response, "Elections")) is matches


def test_a_listing_named_with_a_year_is_the_section_and_a_tag_so_named_one_elections():
    response = home_page(menu='<a href="/category/elections-2026_s4">Elections 2026</a>')
    assert home.section_candidates(response, "Elections") == ["https://qazinform.com/category/elections-2026_s4"]
    tags = '<a href="/tag/x_t1">Выборы-2021</a> <a href="/tag/x_t2">Выборы-2023</a> <a href="/tag/x_t3">Выборы</a>'
    response = home_page(menu=tags)  # three tags, not an ambiguous section: the one named as it is the section
    assert home.section_candidates(response, "Выборы") == ["https://qazinform.com/tag/x_t3"]
    assert home.election_tags(response, "Выборы") == {
        "https://qazinform.com/tag/x_t1": "Выборы-2021",
        "https://qazinform.com/tag/x_t2": "Выборы-2023",
    }


def test_an_exact_name_wins_over_a_loose_one():
    response = home_page(
        menu='<a href="/tag/elections-2026_t9">Elections 2026</a> <a href="/category/e_s1">Elections</a>'
    )
    assert home.section_candidates(response, "Elections") == ["https://qazinform.com/category/e_s1"]


@pytest.mark.parametrize("layout", ["current", "redesign2026"])
def test_todays_bodies_keep_their_subheading_and_list_items_and_drop_credit_lines(layout):
    """A public extractor that read <p> alone lost list items (docs/site.md)."""
    articles = generate(200, 5)
    article = next(a for a in articles if a.layout == layout and a.subheadings and a.list_items and a.image_path)
    html = pages.article_page(article, articles, "https://qazinform.com")
    html = html.replace("<h3 ", '<p class="photo-credit">Photo credit: Akorda</p><h3 ', 1)
    assert "<ul><li>" in html and '<h3 class="article__subtitle">' in html and "Photo credit: Akorda" in html
    item = load_article(HtmlResponse(url="https://qazinform.com" + article.path, body=html.encode(), encoding="utf-8"))
    paragraphs = item["body"].split("\n\n")
    assert paragraphs == article.paragraphs
    assert [paragraphs[n] for n in sorted(article.list_items)] == [
        article.paragraphs[n] for n in sorted(article.list_items)
    ]
    assert "Photo credit" not in item["body"]
    assert f'alt="{article.title}"' in html and article.title not in item["body"]  # an image's alt is no text


def test_the_2023_date_line_before_the_title_is_read_and_its_stated_offset_wins():
    published = datetime(2023, 5, 4, 12, 0, tzinfo=ZoneInfo("Asia/Almaty"))  # UTC+6 then, and the page says so
    item, _article, html = rendered(
        "current",
        variant=1,
        published=published,
        has_jsonld=False,
        has_meta_time=False,
        shown_time="10:40, 30 October 2025",
    )
    assert html.index('<div class="article__time">10:40, 30 October 2025 | GMT +6</div>') < html.index("<h1")
    assert item["published_at"] == "2025-10-30T04:40:00+00:00"  # by the zone's rule of 2025 it would be 05:40


@pytest.mark.parametrize(
    "line, credit",
    [
        ("Photo credit: Akorda", True),
        ("Фото: Акорда", True),
        ("Коллаж: Kazinform", True),
        ("кадр из видео", True),
        ("Photo: www.election.gov.kz", True),
        ("Photo evidence of the count was shown to observers at the polling station in Aktobe.", False),
        ("The CEC said: photos of the ballots are not allowed.", False),
    ],
)
def test_a_credit_line_is_told_from_text(line, credit):
    assert is_credit_line(line) is credit


def test_every_registered_layout_has_a_saved_page_in_its_folder():
    """tests/pages/<layout>/: a page per design (a reconstructed one says so in its name)."""
    assert {path.parent.name for path in PAGES.glob("*/*.html")} == {str(layout.NAME) for layout in LAYOUTS}
    assert {str(path.relative_to(PAGES)) for path in PAGES.glob("*/*.html")} == set(GROUND_TRUTH)
    # a page rebuilt from the notes or the replica, or one saved from the site (scrapy save_page)
    assert all(path.name.startswith(("reconstructed_", "saved_")) for path in PAGES.glob("*/*.html"))


@pytest.mark.parametrize("name", sorted(GROUND_TRUTH))
def test_each_saved_page_reads_as_its_ground_truth_in_its_design(name):
    truth = GROUND_TRUTH[name]
    item = load_article(saved_page(name, truth["url"]))
    assert item["layout"] == name.split("/")[0]
    assert {field: item[field] for field in truth if field != "url"} == {k: v for k, v in truth.items() if k != "url"}


def test_every_field_a_layout_lists_is_an_article_field_and_every_article_field_a_column():
    listed = {field for layout in LAYOUTS for field in layout.FIELDS}
    assert listed <= set(Article.fields)
    # twins are kept in a table of their own
    assert set(EXPORTED_FIELDS) <= set(archive.ARTICLES) | set(archive.EDITION) | {"twins"}


def test_save_page_writes_the_page_under_its_design_and_a_draft_of_its_truth(tmp_path):
    """What `scrapy save_page` writes once it has the page: the enforced ground truth's format."""
    name = "redesign2026/reconstructed_from_replica_1baf02cf.html"
    truth = GROUND_TRUTH[name]
    (tmp_path / "ground_truth.json").write_text(json.dumps({"legacy/kept.html": {"url": "x"}}))
    line = save(saved_page(name, truth["url"]), tmp_path)
    saved = tmp_path / "redesign2026" / "saved_1baf02cf.html"
    assert line.startswith(f"saved {saved} (layout redesign2026) and a draft of its ground truth in ")
    assert saved.read_bytes() == (PAGES / name).read_bytes()
    drafts = json.loads((tmp_path / "ground_truth.json").read_text())
    assert drafts["legacy/kept.html"] == {"url": "x"}  # the others stay
    assert {field: drafts["redesign2026/saved_1baf02cf.html"][field] for field in truth} == truth


def test_a_lone_surrogate_or_a_control_character_becomes_a_replacement_character():
    """Issue 29: a CMS that cuts an emoji in half writes "\\udfff" into its JSON-LD; no encoder
    takes it, and it once failed the write of its whole batch, in every run."""
    html = (PAGES / "current/reconstructed_97d5e1.html").read_text()
    html = html.replace('"name":"Assel Satubaldina"', '"name":"\\udfff Aigerim Sadykova"')
    html = html.replace("CEC approves calendar", "CEC\x07 approves calendar", 1)
    assert "\\udfff Aigerim" in html
    item = load_article(HtmlResponse(url="https://qazinform.com/news/x-97d5e1", body=html.encode(), encoding="utf-8"))
    assert item["author"] == "\ufffd Aigerim Sadykova"
    for field in EXPORTED_FIELDS:  # every text is valid Unicode
        value = item.get(field)
        text = json.dumps(value, ensure_ascii=False) if value is not None else ""
        text.encode("utf-8")
        assert not re.search("[\x01-\x08\x0b\x0e-\x1f\x7f-\x9f]", text), field


@pytest.mark.parametrize("picture", pages.PICTURE_PARAGRAPHS)
@pytest.mark.parametrize("layout", ["current", "redesign2026"])
def test_a_pictures_own_words_are_no_body_text(layout, picture):
    """Issue 29: an in-body picture of the 2023 design prints its alt text (the article's first
    title, a related article's) as a paragraph of its own; 6 of 47 bodies once kept one."""
    articles = generate(200, 5)
    article = next(a for a in articles if a.layout == layout and len(a.paragraphs) > 3)
    html = pages.article_page(article, articles, "https://qazinform.com")
    block = picture.format(src="/uploads/photo.jpg", title="Nur Otan renamed Amanat in 2022")
    body = {"current": '<div class="article__body-text">', "redesign2026": '<div class="article__content">'}[layout]
    assert body in html
    html = html.replace(body, body + block, 1)  # the body's first block: a picture's own words
    last = html.rindex(f"{escape(article.shown_paragraphs[-1][:20])}")
    html = html[:last] + html[last:].replace("</p>", "</p>" + block, 1)  # and one after the last paragraph
    item = load_article(HtmlResponse(url="https://qazinform.com" + article.path, body=html.encode(), encoding="utf-8"))
    assert item["body"].split("\n\n") == article.paragraphs
    assert "renamed Amanat" not in item["body"]
