"""Runs the Elections crawl on a timetable: python scheduler.py --help

The code lives in crawler/scheduling.py and crawler/job.py, importable modules, so that
APScheduler finds the job by name and this file is never imported twice.
"""

import sys

from crawler.scheduling import main

if __name__ == "__main__":
    sys.exit(main())
