"""`scrapy coverage`: who gets the coverage, offline (docs/coverage.md).

    scrapy coverage                                        measure every article again
    scrapy coverage --report FILE --from DAY --to DAY      the period's report, one HTML file
    scrapy coverage --sample FILE [--size N] [--seed S]    pairs for coders to code the tone of
    scrapy coverage --import FILE --coder NAME             one coder's coded file

Exit 0; 1 when the archive cannot be used or a coded file had rows it refused; 2 on a bad
option (nothing written)."""

import argparse
from datetime import date
from pathlib import Path

from crawler.archive import Archive, ArchiveError, open_existing
from crawler.command import CommandFailed, ElectionsCommand
from crawler.contracts import ExitCode
from crawler.coverage.measure import matcher_of
from crawler.coverage.subjects import SubjectsError, from_settings
from crawler.offline.coverage import CodingFileError, import_codes, remeasure, write_report, write_sample


class Command(ElectionsCommand):
    command_name = "coverage"
    requires_crawler_process = False

    def short_desc(self) -> str:
        return "Measure who the archive's articles refer to, report a period, round-trip coded tone"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--report", metavar="FILE", help="write the period's report as one HTML file")
        parser.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="the period's first day (Kazakhstan's)")
        parser.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="its last day")
        parser.add_argument("--sample", metavar="FILE", help="write a stratified sample of pairs to code, as CSV")
        parser.add_argument("--size", type=int, default=200, help="pairs in the sample (default 200)")
        parser.add_argument("--seed", type=int, default=1, help="the sample's random seed (default 1)")
        parser.add_argument("--import", dest="coded", metavar="FILE", help="import one coder's coded sample")
        parser.add_argument("--coder", help="whose codes --import brings")

    def act(self, args: list[str], opts: argparse.Namespace) -> int:
        assert self.settings is not None  # set by scrapy.cmdline
        period = self.checked(opts)
        busy_timeout = self.settings.getfloat("ELECTIONS_DB_BUSY_TIMEOUT")
        try:
            matcher = matcher_of(from_settings(self.settings))
            with open_existing(self.settings.get("ELECTIONS_DB"), busy_timeout) as archive:
                if period:
                    return report(archive, Path(opts.report), period)
                if opts.sample:
                    count = write_sample(archive, matcher, Path(opts.sample), opts.size, opts.seed)
                    print(f"coverage: {count} pairs to code written to {opts.sample}")
                    return ExitCode.OK
                if opts.coded:
                    return import_coded(archive, Path(opts.coded), opts.coder.strip())
                print(remeasure(archive, matcher).line(matcher.subjects))
                return ExitCode.OK
        except SubjectsError as error:
            raise CommandFailed(error) from None
        except CodingFileError as error:
            raise CommandFailed(error, ExitCode.UNHEALTHY) from None
        except ArchiveError as error:
            raise CommandFailed(error.reason(), ExitCode.UNHEALTHY) from None
        except OSError as error:  # a file it writes or reads
            raise CommandFailed(error, ExitCode.UNHEALTHY) from None

    def checked(self, opts: argparse.Namespace) -> tuple[str, str] | None:
        """The options, checked before anything is opened; the report's period, if one is asked for."""
        if sum(bool(mode) for mode in (opts.report, opts.sample, opts.coded)) > 1:
            raise CommandFailed("give one of --report, --sample and --import")
        if opts.coded and not (opts.coder or "").strip():
            raise CommandFailed("--import needs --coder NAME: whose codes they are")
        if opts.sample and opts.size < 1:
            raise CommandFailed(f"--size must be at least 1, got {opts.size}")
        return self.period(opts) if opts.report else None

    @staticmethod
    def period(opts: argparse.Namespace) -> tuple[str, str]:
        try:
            start, end = date.fromisoformat(opts.start or ""), date.fromisoformat(opts.end or "")
        except ValueError:
            raise CommandFailed(
                f"--report needs --from and --to, days written YYYY-MM-DD, got {opts.start!r} and {opts.end!r}"
            ) from None
        if end < start:
            raise CommandFailed(f"--to ({end}) comes before --from ({start})")
        return start.isoformat(), end.isoformat()


def report(archive: Archive, path: Path, period: tuple[str, str]) -> int:
    written = write_report(archive, path, *period)
    editions = len({row["edition"] for row in written.period})
    print(f"coverage: the report of {period[0]} to {period[1]} ({editions} editions) written to {path}")
    return ExitCode.OK


def import_coded(archive: Archive, path: Path, coder: str) -> int:
    imported = import_codes(archive, path, coder)
    for problem in imported.problems:
        print(problem)
    print(imported.line(path, coder))
    return ExitCode.UNHEALTHY if imported.problems else ExitCode.OK
