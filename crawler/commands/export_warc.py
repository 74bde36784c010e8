"""`scrapy export_warc FILE.warc.gz`: the archive's raw pages as a WARC 1.1 file (one request
and one response record per kept page, gzipped per record). Exit 0, or 2 on a bad argument."""

import sqlite3
import sys
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler import archive
from crawler.contracts import ExitCode
from crawler.warc import write_warc


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "FILE.warc.gz"

    def short_desc(self) -> str:
        return "Write the archive's raw pages as a WARC file"

    def run(self, args, opts):
        assert self.settings is not None  # set by scrapy.cmdline
        if len(args) != 1:
            raise UsageError("name the WARC file to write: scrapy export_warc archive.warc.gz")
        path = self.settings.get("ELECTIONS_DB")
        try:
            db = archive.open_database(path, self.settings.getfloat("ELECTIONS_DB_BUSY_TIMEOUT"))
            with open(args[0], "wb") as output:
                count = write_warc(output, archive.all_raw_pages(db), Path(args[0]).name)
            db.close()
        except sqlite3.Error as error:
            print(f"scrapy export_warc: error: {archive.unusable_reason(path, error)}", file=sys.stderr)
            self.exitcode = ExitCode.UNHEALTHY
            return
        except OSError as error:  # the WARC file's
            print(f"scrapy export_warc: error: {error}", file=sys.stderr)
            self.exitcode = ExitCode.BAD_ARGUMENT
            return
        print(f"export_warc: {count} pages written to {args[0]} (a request and a response record each)")
