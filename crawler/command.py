"""What our Scrapy commands share (crawler/commands/: crawl, check_site, save_page, reparse,
export_warc, backup, coverage). They fail one way: a command's `check` (the command line,
before anything is opened) or `act` (its work) raises CommandFailed, a line for the user and
the exit status, and ElectionsCommand prints it once, as `scrapy <command>: error: …`. It
lives outside that package: Scrapy takes every command class in it for a command."""

import argparse
import sys

from scrapy.commands import ScrapyCommand

from crawler.contracts import ExitCode

# The settings of a command's spider that reads the site and stores nothing: no pipeline, no
# archive, no run in crawl_runs, no progress lines.
STORES_NOTHING = {
    "ITEM_PIPELINES": {},
    "EXTENSIONS": {
        "crawler.state.OpenArchive": None,
        "crawler.ledger.RunLedger": None,
        "crawler.state.CrawlState": None,
        "crawler.progress.Progress": None,
    },
}


class CommandFailed(Exception):
    def __init__(self, message: object, exit_code: int = ExitCode.BAD_ARGUMENT):
        super().__init__(str(message))
        self.exit_code = exit_code


def error_line(command: str, message: object) -> str:
    return f"scrapy {command}: error: {message}"


class ElectionsCommand(ScrapyCommand):
    requires_project = True
    command_name: str  # as typed after `scrapy` (the crawl's names its spider too)

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        try:
            self.check(args, opts)
        except CommandFailed as failed:  # Scrapy's own UsageError would print the whole usage first
            print(error_line(self.command_name, failed), file=sys.stderr)
            raise SystemExit(failed.exit_code) from None

    def check(self, args: list[str], opts: argparse.Namespace) -> None:
        """What can be wrong with the command line: said here, in one line, before Scrapy
        prints a word and before anything is opened. Raises CommandFailed."""

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        try:
            self.exitcode = self.act(args, opts)
        except CommandFailed as failed:
            print(error_line(self.command_name, failed), file=sys.stderr)
            self.exitcode = failed.exit_code

    def act(self, args: list[str], opts: argparse.Namespace) -> int:
        """The command's work; its exit status (crawler.contracts.ExitCode)."""
        raise NotImplementedError
