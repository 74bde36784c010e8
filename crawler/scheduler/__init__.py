"""The unattended crawl, in the scheduler's own process: the command line (options.py), the
timetable and `status` (service.py), each run as a child `scrapy crawl` and its report
(job.py), and the state file that `status` reads (state.py). Nothing here runs inside a
crawl."""
