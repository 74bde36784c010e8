"""The search for the section (crawler/crawl/section_search.py) on its own: fed the replica's
home page and door pages, each door's line and the one conclusion checked."""

import pytest
from scrapy.http import HtmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.crawl.section_search import SectionSearch
from replica import pages
from replica.content import generate
from tests.unit.crawl_parts import LISTING, SITE


@pytest.fixture(scope="module")
def articles():
    return generate(45, seed=4)


class Owner:
    """What a spider does with the search's conclusion, recorded."""

    def __init__(self):
        self.concluded: list[tuple[str, ...]] = []
        self.lines: list[str] = []

    def section_found(self, door, url):
        self.concluded.append(("found", door, url))
        return iter(())

    def section_ambiguous(self, problem):
        self.concluded.append(("ambiguous", problem))
        return iter(())

    def section_nowhere(self, problem):
        self.concluded.append(("nowhere", problem))
        return iter(())


def search(home: str, every_door: bool = False, remembered: dict | None = None) -> tuple[SectionSearch, Owner]:
    owner = Owner()
    page = HtmlResponse(SITE + "/", body=home.encode(), encoding="utf-8")
    return SectionSearch(page, "Elections", owner, owner.lines.append, every_door, remembered), owner


def answered(request, body: str = "<html><body><p>Nothing here</p></body></html>") -> HtmlResponse:
    return HtmlResponse(request.url, body=body.encode(), encoding="utf-8", request=request)


def test_the_menus_link_ends_the_search_at_once(articles):
    found, owner = search(pages.home_page(articles))
    assert list(found.next_door()) == []
    assert owner.concluded == [("found", "menu", LISTING)]
    referendum = SITE + pages.tag_path("Referendum 2026")  # the menu's tag, walked beside the section
    assert owner.lines == [f"door menu: found {LISTING}", f"door menu: election tags 'Referendum 2026' ({referendum})"]
    assert found.tags == {referendum: "Referendum 2026"}


def test_behind_each_door_it_reads_the_search_notes_the_tags_that_name_an_election_but_the_sections_own():
    links = (
        '<a href="/tag/presidential-election-2022_t4">Kazakhstan 2022 Presidential Election</a>'
        ' <a href="/tag/x_t5">Выборы-2023</a> <a href="/tag/x_t6">Құрылтай сайлауы</a>'
        ' <a href="/tag/x_t7">Референдум-2026</a> <a href="/tag/elections_t8">Elections</a>'  # the section, as a tag
        ' <a href="/tag/x_t9">Выбор профессии</a> <a href="/tag/cec_t10">CEC</a>'  # "a choice"; no election named
        ' <a href="/tags/majilis-elections-2016">Majilis elections 2016</a>'  # an older form: no listing to walk
    )
    menu = "<header><nav><a href='/category/world_s4'>World</a></nav></header>"
    doors, owner = search(f"<html><body>{menu}</body></html>")
    tags_page = HtmlResponse(url=SITE + "/tags", body=f"<html><body>{links}</body></html>".encode(), encoding="utf-8")
    doors.look("menu")
    assert doors.tags == {}
    doors.look("tags page", tags_page)
    assert doors.tags == {
        SITE + "/tag/presidential-election-2022_t4": "Kazakhstan 2022 Presidential Election",
        SITE + "/tag/x_t5": "Выборы-2023",
        SITE + "/tag/x_t6": "Құрылтай сайлауы",
        SITE + "/tag/x_t7": "Референдум-2026",
    }
    assert owner.concluded == [] and doors.answered == [("tags page", [SITE + "/tag/elections_t8"])]


def test_without_a_menu_link_each_door_is_knocked_on_in_turn_until_one_answers(articles):
    doors, owner = search(pages.home_page(articles, section_in_menu=False))
    [site_map] = doors.next_door()
    assert (site_map.url, site_map.cb_kwargs, site_map.dont_filter) == (
        SITE + pages.SITE_MAP_PATH,
        {"door": "site map page"},
        True,  # an article page behind a door is left to be fetched as an article
    )
    assert list(doors.parse_door(answered(site_map, pages.site_map_page(with_section=True)), "site map page")) == []
    assert owner.concluded == [("found", "site map page", LISTING)]


def test_behind_no_door_the_search_says_where_it_looked_and_a_failed_door_is_passed(articles):
    doors, owner = search(pages.unlinked_section(pages.home_page(articles, section_in_menu=False)))
    requests = list(doors.next_door())
    while requests:
        [door] = requests
        if "tags" in door.url:  # a door that fails is passed, and named
            failure = Failure(HttpError(answered(door), "Ignoring non-200 response"))
            failure.request = door
            requests = list(doors.door_failed(failure))
        else:
            requests = list(doors.parse_door(answered(door), **door.cb_kwargs))
    [(verdict, problem)] = owner.concluded
    assert verdict == "nowhere" and problem.startswith("section 'Elections' not found")
    assert "nor on the tags page" in problem and "article page(s) it links to" in problem
    assert any(line.startswith("door tags page (") and line.endswith("failed, HTTP 200") for line in owner.lines)


def test_a_check_looks_behind_every_door_and_concludes_on_the_first_that_answered(articles):
    doors, owner = search(pages.home_page(articles), every_door=True)
    requests = list(doors.next_door())
    while requests:
        [door] = requests
        requests = list(doors.parse_door(answered(door), **door.cb_kwargs))
    assert owner.concluded == [("found", "menu", LISTING)]
    assert owner.lines[0] == f"door menu: found {LISTING}" and owner.lines[-1].startswith("door home page")


def test_a_listing_found_deeper_by_an_earlier_run_is_walked_when_the_menu_has_none(articles):
    remembered = {"start_url": LISTING, "listing_found_by": "tags page"}
    doors, owner = search(pages.home_page(articles, section_in_menu=False), remembered=remembered)
    assert list(doors.next_door()) == []
    assert owner.concluded == [("found", "tags page", LISTING)]


def test_two_listings_of_the_sections_name_behind_one_door_are_ambiguous():
    home = (
        "<html><body><nav><a href='/category/elections_s115'>Elections</a>"
        "<a href='/category/elections_s999'>Elections</a></nav></body></html>"
    )
    doors, owner = search(home)
    assert list(doors.next_door()) == []
    [(verdict, problem)] = owner.concluded
    assert verdict == "ambiguous" and problem.startswith("section 'Elections' is ambiguous: 2 menu links")


def test_the_doors_are_the_menu_the_site_map_the_tags_page_and_the_rest_of_the_home_page():
    links = '<a href="/tags">Tags</a> <a href="/map">Site map</a> <a href="/tag/e_t1">Elections</a>'
    home = f"<html><body>{links}</body></html>"
    doors, owner = search(home, every_door=True)
    assert doors.doors == [
        ("menu", None),
        ("site map page", SITE + "/map"),
        ("tags page", SITE + "/tags"),
        ("home page", None),
    ]
    assert doors.look("menu") is False  # the tag link stands in the page's body, not its menu
    empty = HtmlResponse(url=SITE + "/map", body=b"<html><body>nothing</body></html>")
    doors.look("site map page", empty)
    doors.look("home page")
    assert owner.lines == [
        "door menu: no link named 'Elections'",
        f"door site map page ({SITE}/map): no link named 'Elections'",
        f"door home page: found {SITE}/tag/e_t1",
    ]
    assert f"nor on the site map page ({SITE}/map)" in doors.not_found()
