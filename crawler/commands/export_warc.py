"""`scrapy export_warc FILE.warc.gz`: the archive's raw pages as a WARC 1.1 file (one request
and one response record per kept page, gzipped per record). Exit 0, or 2 on a bad argument."""

import argparse
from pathlib import Path

from crawler.archive import ArchiveError, archive_location, open_existing
from crawler.command import CommandFailed, ElectionsCommand
from crawler.contracts import ExitCode
from crawler.offline.warc import write_warc


class Command(ElectionsCommand):
    command_name = "export_warc"
    requires_crawler_process = False

    def syntax(self) -> str:
        return "FILE.warc.gz"

    def short_desc(self) -> str:
        return "Write the archive's raw pages as a WARC file"

    def check(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise CommandFailed("name the WARC file to write: scrapy export_warc archive.warc.gz")

    def act(self, args: list[str], opts: argparse.Namespace) -> int:
        assert self.settings is not None  # set by scrapy.cmdline
        path, output = self.settings.get("ELECTIONS_DB"), Path(args[0])
        try:
            refused = refused_output(output, archive_location(path).path)
        except ArchiveError as error:
            raise CommandFailed(error.reason(), ExitCode.UNHEALTHY) from None
        if refused:
            raise CommandFailed(refused)
        partial = output.with_name(output.name + ".partial")  # the WARC appears only once it is whole
        try:
            busy_timeout = self.settings.getfloat("ELECTIONS_DB_BUSY_TIMEOUT")
            with open_existing(path, busy_timeout) as archive, open(partial, "wb") as file:
                count, unreadable = write_warc(file, archive.all_raw_pages(), output.name)
            partial.replace(output)
        except ArchiveError as error:
            partial.unlink(missing_ok=True)
            raise CommandFailed(error.reason(), ExitCode.UNHEALTHY) from None
        except OSError as error:  # the WARC file's
            partial.unlink(missing_ok=True)
            raise CommandFailed(error) from None
        line = f"export_warc: {count} pages written to {output} (a request and a response record each)"
        if unreadable:
            line += f"; {len(unreadable)} kept pages unreadable, left out (first: {unreadable[0]})"
        print(line)
        return ExitCode.UNHEALTHY if unreadable else ExitCode.OK


def refused_output(output: Path, archive_path: Path) -> str | None:
    """Why the WARC may not be written at `output`: never over the archive or its files, never
    over a file that exists."""
    own = {archive_path.resolve().with_name(archive_path.name + suffix) for suffix in ("", "-wal", "-shm", "-journal")}
    if output.resolve() in own:
        return f"{output} is the archive's own file: name a new file for the WARC"
    if output.exists():
        return f"{output} exists: name a new file for the WARC (export_warc never overwrites one)"
    return None
