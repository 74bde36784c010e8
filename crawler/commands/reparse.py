"""`scrapy reparse`: run the current parsers over the pages the archive kept, and update the
articles whose extraction changed. One summary line; exit 0 when every page read, 1 when
some no longer do, 2 on a bad option."""

import argparse
from datetime import date

from crawler.archive import ArchiveError, open_existing
from crawler.arguments import ArgumentError, edition_sites
from crawler.command import CommandFailed, ElectionsCommand
from crawler.contracts import ExitCode, Layout
from crawler.coverage.measure import matcher_of
from crawler.coverage.subjects import SubjectsError, from_settings
from crawler.offline.reparse import reparse
from crawler.site.dates import start_of_local_day
from crawler.site.layouts import LAYOUTS


class Command(ElectionsCommand):
    command_name = "reparse"
    requires_crawler_process = False

    def short_desc(self) -> str:
        return "Re-extract the stored raw pages with the current parsers; no request to the site"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--since", metavar="YYYY-MM-DD", help="only pages fetched on or after that day")
        parser.add_argument(
            "--layout",
            choices=[*(str(layout.NAME) for layout in LAYOUTS), Layout.UNKNOWN],
            help="only articles stored in that design",
        )
        parser.add_argument("--article", metavar="ID", help="only that article")

    def act(self, args: list[str], opts: argparse.Namespace) -> int:
        assert self.settings is not None  # set by scrapy.cmdline
        try:
            since = start_of_local_day(date.fromisoformat(opts.since)) if opts.since else None
        except ValueError:
            raise CommandFailed(f"--since must be a date written YYYY-MM-DD, got {opts.since!r}") from None
        path = self.settings.get("ELECTIONS_DB")
        try:
            sites = edition_sites(self.settings)  # each page is read with its own edition's
            with open_existing(path, self.settings.getfloat("ELECTIONS_DB_BUSY_TIMEOUT")) as archive:
                summary = reparse(
                    archive,
                    sites,
                    matcher=matcher_of(from_settings(self.settings)),
                    since=since,
                    layout=opts.layout,
                    article_id=opts.article,
                )
        except (ArgumentError, SubjectsError) as error:
            raise CommandFailed(error) from None
        except ArchiveError as error:
            raise CommandFailed(error.reason(), ExitCode.UNHEALTHY) from None
        print(summary.line())
        return ExitCode.UNHEALTHY if summary.problems() else ExitCode.OK
