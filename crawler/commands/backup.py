"""`scrapy backup [FOLDER]` (`make backup`): a consistent copy of the archive, safe while a
crawl writes to it, one a day: FOLDER/elections-YYYY-MM-DD.db (default data/backups). A
second backup on the same day replaces the first. Exit 0, or 2 when it cannot be made."""

import argparse
from datetime import UTC, datetime
from pathlib import Path

from crawler.archive import ArchiveError, archive_location, open_read_only
from crawler.command import CommandFailed, ElectionsCommand
from crawler.contracts import ExitCode


class Command(ElectionsCommand):
    command_name = "backup"
    requires_crawler_process = False

    def syntax(self) -> str:
        return "[FOLDER]"

    def short_desc(self) -> str:
        return "Copy the archive, consistently, to FOLDER/elections-YYYY-MM-DD.db"

    def check(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) > 1:
            raise CommandFailed("at most one folder: scrapy backup data/backups")

    def act(self, args: list[str], opts: argparse.Namespace) -> int:
        assert self.settings is not None  # set by scrapy.cmdline
        try:
            source = archive_location(self.settings.get("ELECTIONS_DB")).path
            folder = Path(args[0]) if args else source.parent / "backups"
            target = folder / f"{source.stem}-{datetime.now(UTC):%Y-%m-%d}.db"
            with open_read_only(source) as archive:
                folder.mkdir(parents=True, exist_ok=True)
                archive.copy_to(target)
        except ArchiveError as error:
            raise CommandFailed(error.reason(doing="copied")) from None
        except OSError as error:  # the backup folder's
            raise CommandFailed(error) from None
        print(f"backup: {source} copied to {target} ({target.stat().st_size / 2**20:.1f} MiB)")
        return ExitCode.OK
