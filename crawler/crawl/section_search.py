"""The search for the section's listing, door by door (crawler/site/layouts/home.py says
which doors and how a link is read): the requests it makes, and what it concludes.

The crawl stops at the first door that answers; `make check-site` looks behind every door and
reports each (every_door). Either way the owner is told once: the listing found, several
listings of the section's name (ambiguous), or none behind any door (nowhere). On the way it
notes the election tags behind each door it reads (home.election_tags): the owner walks them
beside the section."""

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.crawl.outcomes import failed_request, failure_reason, stop_on_challenge
from crawler.site.layouts import home
from crawler.site.urls import canonical_url


class SearchOwner(Protocol):
    """The spider that searches: what it does with the search's conclusion."""

    def section_found(self, door: str, url: str) -> Iterable[scrapy.Request]: ...
    def section_ambiguous(self, problem: str) -> Iterable[scrapy.Request]: ...
    def section_nowhere(self, problem: str) -> Iterable[scrapy.Request]: ...


class SectionSearch:
    def __init__(
        self,
        home_page: TextResponse,
        section: str,
        owner: SearchOwner,
        say: Callable[[str], None],
        every_door: bool = False,
        remembered: dict[str, Any] | None = None,
        kept: dict[str, Response] | None = None,
        tags: dict[str, str] | None = None,
    ):
        """`say`: a line per door. `remembered`: the listing an earlier run found behind a
        deeper door, walked when the menu has no link (crawl_runs.listing_found_by). `kept`:
        where the article pages read as doors are kept, for the walk to take (RunState). `tags`:
        where the election tags seen behind the doors are noted, URL -> name."""
        self.home_page, self.section, self.owner, self.say = home_page, section, owner, say
        self.every_door, self.remembered, self.kept = every_door, remembered, kept
        self.tags = tags if tags is not None else {}
        self.doors: list[tuple[str, str | None]] = [
            ("menu", None),
            *home.door_pages(home_page),
            *(("article page", url) for url in home.article_pages(home_page)),
            ("home page", None),
        ]
        self.tried: list[str] = []  # "the site map page URL", for the line that says where it looked
        self.answered: list[tuple[str, list[str]]] = []  # (door, candidates) of the doors that answered

    def next_door(self) -> Iterator[scrapy.Request]:
        """The request for the next door's page, or the search's conclusion."""
        while self.doors:
            door, url = self.doors.pop(0)
            if url is not None:
                # dont_filter: a door that is an article page must leave that article to be fetched
                yield scrapy.Request(
                    url,
                    callback=self.parse_door,
                    errback=self.door_failed,
                    cb_kwargs={"door": door},
                    meta={"step": door},
                    dont_filter=True,
                )
                return
            if self.look(door):
                yield from self.conclude()
                return
        yield from self.conclude()

    def parse_door(self, response: Response, door: str) -> Iterator[scrapy.Request]:
        if door == "article page" and self.kept is not None and response.request is not None:
            self.kept[canonical_url(response.request.url)] = response  # as the walk asks for it
        if isinstance(response, TextResponse) and self.look(door, response):  # else no link behind it
            yield from self.conclude()
        else:
            yield from self.next_door()

    def door_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        door, url, reason = (
            failed_request(failure).cb_kwargs["door"],
            failed_request(failure).url,
            failure_reason(failure),
        )
        self.tried.append(f"{door} ({url}, {reason})")
        self.say(f"door {door} ({url}): failed, {reason}")
        if not self.every_door:  # a check reports every door; a crawl never tries past a challenge
            stop_on_challenge(failure)
        yield from self.next_door()

    def look(self, door: str, page: TextResponse | None = None) -> bool:
        """Reads behind a door; True when the search may conclude (crawl: a door answered)."""
        places = {"menu": (home.IN_MENU, home.IN_HEADER), "home page": (home.ELSEWHERE,)}.get(door, home.EVERYWHERE)
        candidates = home.section_candidates(page or self.home_page, self.section, places)
        where = f" ({page.url})" if page is not None else ""
        found = f"found {', '.join(candidates)}" if candidates else f"no link named {self.section!r}"
        self.say(f"door {door}{where}: {found}")
        self.note_tags(door, home.election_tags(page or self.home_page, self.section, places))
        if candidates:
            self.answered.append((door, candidates))
        else:
            self.tried.append(f"{door}{where}")
        if door == "menu" and not candidates and self.remembered and not self.every_door:
            url, door_then = self.remembered["start_url"], self.remembered["listing_found_by"]
            self.answered.append((door_then, [url]))
            self.say(f"walking {url}, found behind the {door_then} by an earlier run")
            return True
        return bool(candidates) and not self.every_door

    def note_tags(self, door: str, tags: dict[str, str]) -> None:
        new = {url: name for url, name in tags.items() if url not in self.tags}
        if new:
            self.tags.update(new)
            self.say(f"door {door}: election tags {', '.join(f'{name!r} ({url})' for url, name in new.items())}")

    def conclude(self) -> Iterable[scrapy.Request]:
        if not self.answered:
            return self.owner.section_nowhere(self.not_found())
        door, candidates = self.answered[0]
        if len(candidates) > 1:
            return self.owner.section_ambiguous(home.ambiguous(self.section, candidates, door))
        return self.owner.section_found(door, candidates[0])

    def not_found(self) -> str:
        elsewhere = [place for place in self.tried if place.startswith(("site map page", "tags page"))]
        articles = sum(place.startswith("article page") for place in self.tried)
        if articles:
            elsewhere.append(f"{articles} article page(s) it links to")
        return home.not_found(self.home_page, self.section, elsewhere)
