"""Serve the replica: python -m replica --articles 10000 --seed 1 --port 0

Prints the base URL, the home page's and the section's start URL, then serves until
stopped. To rehearse what an operator should see (an alert, a removal, an edit), start it
in a fault, or type a command while it serves (`help` lists them): a crawl run meanwhile
meets the site as it is then.
"""

import argparse
import contextlib
import shlex
import sys
import threading

from replica.editions import KAZAKH, RUSSIAN
from replica.faults import KINDS
from replica.pages import SECTION_PLACES
from replica.server import ReplicaServer, ReplicaSite


def commands(site: ReplicaSite) -> dict:
    """Command -> (what it does, how): the site changed as a newsroom or a hostile web does."""
    return {
        "publish": ("publish N: N new articles on top of the listing", lambda n="1": site.publish(int(n))),
        "other": (
            "other N: N new articles of other sections on top of the all-news feed",
            lambda n="1": site.publish_other_news(int(n)),
        ),
        "edit": (
            "edit POSITION: rewrite the body of the article at POSITION (0 = newest)",
            lambda n: site.edit(int(n)),
        ),
        "remove": ("remove POSITION: unpublish that article (its page answers 404)", lambda n: site.unpublish(int(n))),
        "challenge": ("challenge: every page answers a bot challenge", lambda: site.add_fault("challenge", ".")),
        "maintenance": ("maintenance: every page is a maintenance page", lambda: site.add_fault("maintenance", ".")),
        "section": (
            "section menu|site map|tags|none: where the site links to the section",
            lambda *where: setattr(site, "section_at", " ".join(where)),
        ),
        "fault": (f"fault KIND REGEX [VALUE]: any fault ({', '.join(KINDS)})", lambda *words: add_fault(site, *words)),
        "heal": ("heal: take every fault away", lambda: site.faults.clear()),
    }


def add_fault(site: ReplicaSite, kind: str, pattern: str, value: str | None = None) -> None:
    site.add_fault(kind, pattern, int(value) if value and value.isdigit() else value)


def serve_commands(site: ReplicaSite) -> None:
    """Reads commands from standard input until it ends (no terminal: nothing to read)."""
    table = commands(site)
    for line in sys.stdin:
        words = shlex.split(line)
        if not words:
            continue
        if words[0] not in table:
            print("\n".join(f"  {help}" for help, _ in table.values()), flush=True)
            continue
        try:
            table[words[0]][1](*words[1:])
        except (TypeError, ValueError, IndexError) as error:
            print(f"  {table[words[0]][0]} ({error})", flush=True)
            continue
        print(f"  done: {line.strip()} ({len(site.articles)} articles listed, {len(site.faults)} faults)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m replica", description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200, help="how many articles (default 200)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the content (default 1)")
    parser.add_argument("--surge", type=int, default=0, help="that many more articles in the last 30 days")
    parser.add_argument(
        "--other-news",
        type=int,
        default=None,
        help="articles of other sections in the all-news feed /lenta, hard negatives among them "
        "(default: as many as the section's with --section-at none, else none)",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument(
        "--section-at",
        choices=SECTION_PLACES,
        default="menu",
        help="where the site links to the section: its menu (default), only the site map page, the tags page, or none",
    )
    parser.add_argument(
        "--election-tags",
        type=int,
        default=0,
        help="that many per-election tags whose listings the site serves, two articles in three filed "
        "under one (default 0: no tag link leads to a listing)",
    )
    parser.add_argument(
        "--editions",
        action="store_true",
        help="serve the Russian and Kazakh editions too, under /ru/ and /kz/ (a third as many articles "
        "each, some twins of English ones; the section behind the site map and the tags page)",
    )
    start = parser.add_mutually_exclusive_group()
    start.add_argument("--challenge", action="store_true", help="start with every page a bot challenge")
    start.add_argument("--maintenance", action="store_true", help="start with every page a maintenance page")
    args = parser.parse_args()
    other_news = args.other_news if args.other_news is not None else (args.articles if args.section_at == "none" else 0)
    site = ReplicaSite(
        args.articles,
        args.seed,
        surge=args.surge,
        section_at=args.section_at,
        other_news=other_news,
        election_tags=args.election_tags,
    )
    if args.challenge or args.maintenance:
        commands(site)["challenge" if args.challenge else "maintenance"][1]()
    editions: tuple[ReplicaSite, ...] = ()
    if args.editions:
        count = max(1, args.articles // 3)
        editions = (
            ReplicaSite(count, args.seed + 1, edition=RUSSIAN, section_at="site map"),
            ReplicaSite(count, args.seed + 2, edition=KAZAKH, section_at="tags"),
        )
        for other in editions:
            other.translate_from(site)
    with ReplicaServer(site, args.host, args.port, editions=editions) as server:
        print(f"base_url {server.base_url}", flush=True)
        print(f"home_url {server.home_url}", flush=True)
        print(f"start_url {server.start_url}", flush=True)
        for other in editions:
            print(f"{other.edition.code}_home_url {server.edition_url(other)}/", flush=True)
        threading.Thread(target=serve_commands, args=(site,), daemon=True).start()
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
