"""Runs the Elections crawl on a timetable: python scheduler.py --help

The code lives in crawler/scheduler/service.py and crawler/scheduler/job.py, importable modules, so that
APScheduler finds the job by name and this file is never imported twice.
"""

import sys

from crawler.scheduler.service import main

if __name__ == "__main__":
    sys.exit(main())
